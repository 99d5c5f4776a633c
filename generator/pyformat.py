"""Formatting generated Python with ruff, pinned, so that the output is the same bytes on every machine.

ruff runs once per render over a temporary folder holding every generated module (import sorting, then the
formatter). Results are cached by content, like the models: formatting is a pure function of the text and ruff's
version, and a warm `eventcat check` should not pay for a subprocess.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from . import cache

RUFF_ARGS = ("--isolated", "--line-length", "120", "--target-version", "py311")


def _ruff() -> str:
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())


def ruff_version() -> str:
    from importlib.metadata import version

    return version("ruff")


def format_modules(modules: dict[str, str]) -> dict[str, str]:
    """Sorted imports and ruff's formatting for every module, keyed by relative path."""
    key = cache.key("ruff", ruff_version(), RUFF_ARGS, modules)
    hit = cache.load_json(key)
    if hit is not None:
        return dict(hit)
    with tempfile.TemporaryDirectory(prefix="eventcat-") as tmp:
        root = Path(tmp)
        for relative, text in modules.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        ruff = _ruff()
        for command in (
            [ruff, "check", *RUFF_ARGS, "--select", "I", "--fix", "--quiet", "--exit-zero", "."],
            [ruff, "format", *RUFF_ARGS, "--quiet", "."],
        ):
            done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"ruff failed on generated Python ({' '.join(command[1:3])}): {done.stderr.strip()}")
        formatted = {relative: (root / relative).read_text(encoding="utf-8") for relative in modules}
    cache.store_json(key, formatted)
    return formatted
