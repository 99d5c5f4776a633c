"""The official Node client (socket.io-client, pinned in tests/ts/package.json) against the live server.

What a Node developer sees is the contract: a refused handshake is a `connect_error` whose `err.message` is the
stable code and whose `err.data` is the `Error` object; acks answer `{ok: true, ...}` or `{ok: false, error}`.
The script runs as a child process while the server runs in this event loop, so it is awaited, never waited on.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any

import pytest

from .conftest import NODE_DIR, node_or_skip
from .live import LiveServer, make_token, serve, unique_user

pytestmark = pytest.mark.timeout(60)
SCRIPT = "socketio-client.mjs"
OTHER_SECRET = "another-secret-0123456789abcdef0123456789abcdef"


async def run_script(*args: str, timeout: float = 30, script: str = SCRIPT) -> tuple[int, list[dict[str, Any]], str]:
    """Run the Node script (of tests/ts); its exit status, its JSON lines and its stderr. Killed if it outlives
    timeout."""
    node = node_or_skip()
    process = await asyncio.create_subprocess_exec(
        node,
        script,
        *args,
        cwd=NODE_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    lines = [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]
    assert process.returncode is not None
    return process.returncode, lines, stderr.decode()


def step(lines: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [line for line in lines if line.get("step") == name]
    assert len(found) == 1, f"step {name!r} in {lines}"
    return found[0]


async def connections_settle(server: LiveServer, timeout: float = 3) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while server.app.server.connections and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return server.app.server.connections


async def test_official_client_sees_codes_and_acks() -> None:
    async with serve() as server:
        user = unique_user("node")
        bad, good = make_token(user, secret=OTHER_SECRET), make_token(user)

        status, lines, stderr = await run_script(server.url, bad, good)

        assert status == 0, f"exit {status}: {stderr}\n{lines}"
        refused = step(lines, "refused")
        assert refused["message"] == "AUTH_INVALID", refused
        data = refused["data"]
        assert data["code"] == "AUTH_INVALID", data
        assert isinstance(data["message"], str) and data["message"], data
        assert data["timestamp"].endswith("Z"), data

        connected = step(lines, "connected")
        assert connected["payload"]["userId"] == user
        assert connected["payload"]["socketId"] == connected["socketId"]

        assert step(lines, "subscribe")["ack"] == {
            "ok": True,
            "channel": "leaderboard_daily",
            "rooms": ["leaderboard:daily"],
        }
        invalid = step(lines, "subscribe_invalid")["ack"]
        assert invalid["ok"] is False, invalid
        assert invalid["error"]["code"] == "VALIDATION_ERROR", invalid
        assert {"code", "message", "timestamp"} <= set(invalid["error"]), invalid
        step(lines, "done")

        # The client hung up; the server forgot it.
        assert await connections_settle(server) == {}


async def test_the_script_fails_when_there_is_no_server() -> None:
    """The check above can fail: against a closed port the script exits non-zero, bounded."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    status, lines, _ = await run_script(f"http://127.0.0.1:{port}", "bad", "good", timeout=20)
    assert status != 0
    assert time.monotonic() - started < 15
    assert not any(line.get("step") == "done" for line in lines), lines
