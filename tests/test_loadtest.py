"""The load test, short: `loadtest/run.py` with 50 clients for 3 s against an `eventcat serve` of its own.

No timing assertions (the machine may be busy); what must hold at any speed: every client connects and subscribes,
every broadcast reaches every client exactly once, nothing is refused, and the server's CPU and RSS were sampled.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT
from .test_operations import missing

LOADTEST = ROOT / "loadtest"


def test_short_load_test_loses_nothing(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        missing("node is not on PATH")
    if not (LOADTEST / "node_modules" / "socket.io-client").is_dir():
        missing("loadtest/node_modules is not installed (run `make test`, which runs npm ci there)")
    done = subprocess.run(
        [sys.executable, "loadtest/run.py", "--clients", "50", "--duration", "3", "--no-plot", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (done.stdout, done.stderr)
    [report] = tmp_path.glob("loadtest-*.json")
    result = json.loads(report.read_text())
    clients = result["clients"]
    assert clients["connected"] == clients["held"] == 50, clients
    assert clients["published"] == 6 and clients["publishFailures"] == 0, clients
    assert clients["deliveries"] == clients["expectedDeliveries"] == 300, clients
    assert clients["losses"] == 0 and clients["duplicates"] == 0, clients
    assert clients["errors"] == {}, clients["errors"]
    assert clients["latencyMs"]["count"] == 300 and clients["heartbeatsAnswered"] > 0, clients
    samples = result["server"]["samples"]
    assert samples and max(s["connections"] for s in samples) == 50, samples
    assert all(s["rssMiB"] > 0 for s in samples), samples
    assert "lost" in done.stdout and "p99" in done.stdout
