"""The Socket.IO Admin UI as an operator sees it: headless Chromium (the system's, e.g. Debian's `chromium`),
driven by playwright-core (tests/browser/), against a live server with a connected test client.

Needs Node, `npm ci` in tests/browser/ and server_stub/admin/ (`make test` runs both) and a Chromium: found as
$CHROMIUM_PATH, `chromium` or `chromium-browser` on PATH. Missing any of them skips the test, except under CI=true
where it fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .conftest import ROOT
from .live import serve
from .test_operations import ADMIN, missing, settings

BROWSER_DIR = ROOT / "tests" / "browser"
ADMIN_UI = ROOT / "server_stub" / "admin" / "node_modules" / "@socket.io" / "admin-ui" / "ui" / "dist"


def chromium_path() -> str | None:
    given = os.environ.get("CHROMIUM_PATH")
    if given:
        return given if Path(given).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def requirements() -> tuple[str, str]:
    node = shutil.which("node")
    if node is None:
        missing("node is not on PATH")
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        missing("tests/browser/node_modules is not installed (run `make test`, which runs npm ci there)")
    if not (ADMIN_UI / "index.html").is_file():
        missing("server_stub/admin/node_modules is not installed (run `make test`, which runs npm ci there)")
    chromium = chromium_path()
    if chromium is None:
        missing("no Chromium: install Debian's `chromium` (apt-get install chromium) or set CHROMIUM_PATH")
    assert node is not None and chromium is not None
    return node, chromium


async def test_admin_ui_in_chromium_shows_a_connected_client() -> None:
    node, chromium = requirements()
    async with serve(settings(admin_username=ADMIN[0], admin_password=ADMIN[1])) as live:
        client = await live.connect()
        shots = os.environ.get("EVENTCAT_SCREENSHOTS") or tempfile.mkdtemp(prefix="eventcat-admin-")
        config = {
            "url": live.url,
            "username": ADMIN[0],
            "password": ADMIN[1],
            "sid": client.sid,
            "user": client.user,
            "chromium": chromium,
            "screenshots": shots,
        }
        done = await asyncio.to_thread(
            subprocess.run,
            [node, "admin-ui.mjs", json.dumps(config)],
            cwd=BROWSER_DIR,
            capture_output=True,
            text=True,
            timeout=120,
        )
    lines = done.stdout.strip().splitlines()
    assert lines, (done.returncode, done.stderr)
    result = json.loads(lines[-1])
    assert result["ok"], (result, done.stderr)
    assert result["wrongPassword"] == {"formStillShown": True, "socketVisible": False}, result
    assert result["offsite"] == [], f"the Admin UI asked for files elsewhere: {result['offsite']}"
    assert result["steps"][-1] == "/admin lists the test client", result
