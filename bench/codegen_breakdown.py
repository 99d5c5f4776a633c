"""Where one `eventcat check` spends its time, measured inside one process: imports, loading the catalog (YAML,
format schema, semantic checks and examples), then each output's render, then the comparison with the disk.

Prints one JSON object. The runner uses it for the per-output figures of the large synthetic catalogs, where a
whole process per output (`--only`) would repeat a long load each time.

    python bench/codegen_breakdown.py --catalog catalog/events.yaml --out generated
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", type=Path, default=Path("catalog/events.yaml"))
    parser.add_argument("--out", type=Path, default=Path("generated"))
    args = parser.parse_args()

    started = time.perf_counter()
    from generator.loader import load_catalog
    from generator.outputs import OUTPUTS
    from generator.workspace import plan, source_name

    timings: dict[str, float] = {"imports": time.perf_counter() - started}

    t = time.perf_counter()
    catalog = load_catalog(args.catalog)
    catalog = dataclasses.replace(catalog, source_name=source_name(args.catalog, args.out))
    timings["load"] = time.perf_counter() - t

    rendered = []
    for output in OUTPUTS:
        t = time.perf_counter()
        files = output.render(catalog)
        timings[f"render:{output.name}"] = time.perf_counter() - t
        rendered.append((output, files))

    t = time.perf_counter()
    plans = plan(args.out, rendered)
    timings["compare"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - started
    drift = sum(len(p.changed) + len(p.missing) + len(p.stale) for p in plans)
    print(
        json.dumps(
            {"events": len(catalog.events), "files": sum(len(f) for _, f in rendered), "drift": drift, **timings}
        )
    )


if __name__ == "__main__":
    main()
