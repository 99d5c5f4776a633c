"""`eventcat serve` as a user runs it: a real process on a free port, a real client, a real SIGTERM.

The demo prints a token, publishes example traffic every second, and on SIGTERM tells every client
`disconnected {reason: server_shutdown}` before it closes the connection and exits. Without a key (and without
--demo) the command refuses to start and says what to set.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import jwt
import pytest
import socketio
from rez_realtime import REGISTRY

from .conftest import ROOT
from .test_server_auth import claims_for, hs256_token, refusal, rs256_token, rsa_pair

pytestmark = pytest.mark.timeout(90)

# The variables `eventcat serve` reads; every test starts from an environment without them.
SERVE_ENV = ("JWT_SECRET", "JWT_PUBLIC_KEY", "JWT_ALGORITHMS", "SERVICE_TOKEN", "EVENTCAT_MODE", "LOG_LEVEL")
BANNER_TOKEN = re.compile(r"^Token for (?P<user>\S+) \(valid [^)]*\):\s*$")
# Not demo traffic: sent to one connection on an occasion (`error` too, see test_demo_sends_no_error_nobody_caused).
LIFECYCLE = {"connected", "disconnected", "heartbeat_ack", "connection_error", "error"}
DISCONNECT = "<disconnect>"


def eventcat() -> str:
    """The eventcat script of the venv running the tests."""
    found = Path(sys.executable).with_name("eventcat")
    if found.exists():
        return str(found)
    fallback = shutil.which("eventcat")
    if fallback is None:
        pytest.fail("the eventcat command is not installed in this environment")
    return fallback


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVE_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_serve(*args: str, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run `eventcat serve ARGS` to completion; a command that does not exit in time is killed (and fails)."""
    return subprocess.run(
        [eventcat(), "serve", *args],
        env=clean_env() if env is None else env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# -- a running server ----------------------------------------------------------------------------------------------


@dataclass
class Running:
    process: asyncio.subprocess.Process
    port: int
    stderr: IO[bytes]
    stdout_lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    async def banner_token(self, timeout: float = 20) -> str:
        """Read stdout until the line after `Token for ...:`; that line is the token."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        want_token = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no token banner within {timeout}s: {self.stdout_lines}\n{self.log()}")
            try:
                raw = await asyncio.wait_for(self.process.stdout.readline(), remaining)
            except TimeoutError:
                continue
            if not raw:
                raise AssertionError(f"stdout closed before the token: {self.stdout_lines}\n{self.log()}")
            line = raw.decode().rstrip("\n")
            self.stdout_lines.append(line)
            if want_token:
                return line.strip()
            want_token = bool(BANNER_TOKEN.match(line))

    async def stop(self, timeout: float = 10) -> int:
        """SIGTERM, then the exit status (negative: killed by that signal); fails if it takes longer than timeout."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the server did not exit within {timeout}s of SIGTERM\n{self.log()}") from None


@contextlib.asynccontextmanager
async def running(
    *args: str, env: dict[str, str] | None = None, command: tuple[str, ...] = (), cwd: Path = ROOT
) -> AsyncIterator[Running]:
    """`eventcat serve --port <free> ARGS` (or `COMMAND --port <free> ARGS`) as a child process in cwd (this repo by
    default), always killed at the end."""
    port = free_port()
    with tempfile.TemporaryFile() as stderr:
        process = await asyncio.create_subprocess_exec(
            *(command or (eventcat(), "serve")),
            "--port",
            str(port),
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=clean_env() if env is None else env,
            cwd=cwd,
        )
        try:
            yield Running(process, port, stderr)
        finally:
            if process.returncode is None:
                process.kill()
                await asyncio.wait_for(process.wait(), 10)


@dataclass
class Recorder:
    sio: socketio.AsyncClient
    received: list[tuple[str, Any]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def names(self) -> list[str]:
        return [name for name, _ in self.received]

    async def until(self, done: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{what} within {timeout}s; received: {self.names()}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)


async def connect(server: Running, token: str, timeout: float = 20) -> Recorder:
    """A python-socketio client over WebSocket, retried until the server listens (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        sio = socketio.AsyncClient(reconnection=False)
        recorder = Recorder(sio)

        # Events to rooms carry their replay offset as an extra, last argument.
        def record(event: str, payload: Any = None, *_offset: Any, recorder: Recorder = recorder) -> None:
            recorder.received.append((event, payload))
            recorder.changed.set()

        def closed(reason: Any = None, recorder: Recorder = recorder) -> None:
            recorder.received.append((DISCONNECT, reason))
            recorder.changed.set()

        sio.on("*", record)
        sio.on("disconnect", closed)
        try:
            await sio.connect(server.url, auth={"token": token}, transports=["websocket"], wait_timeout=5)
            return recorder
        except socketio.exceptions.ConnectionError as exc:
            with contextlib.suppress(Exception):
                await sio.disconnect()
            if server.process.returncode is not None:
                raise AssertionError(f"the server exited ({server.process.returncode})\n{server.log()}") from exc
            if time.monotonic() > deadline:
                raise AssertionError(f"could not connect within {timeout}s: {exc}\n{server.log()}") from exc
            await asyncio.sleep(0.1)


# -- the demo, end to end ------------------------------------------------------------------------------------------


async def test_demo_prints_a_token_streams_events_and_says_goodbye_on_sigterm() -> None:
    async with running("--demo", "--log-format", "text") as server:
        token = await server.banner_token()
        banner = "\n".join(server.stdout_lines)
        assert server.url in banner
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["userId"] == "user_456"

        client = await connect(server, token)
        try:
            await client.until(lambda: "connected" in client.names(), 5, "no `connected`")
            [connected] = [p for e, p in client.received if e == "connected"]
            assert connected["userId"] == "user_456"
            assert connected["socketId"] == client.sio.get_sid("/")

            def demo_events() -> set[str]:
                return {e for e in client.names() if e not in LIFECYCLE and e != DISCONNECT}

            await client.until(lambda: len(demo_events()) >= 3, 10, "fewer than 3 different demo events")
            # The demo's traffic is the catalog's: every payload passes its event's model.
            for event, payload in client.received:
                if event in demo_events():
                    REGISTRY.events[event].model.model_validate(payload)

            status = await server.stop()
            await client.until(lambda: DISCONNECT in client.names(), 10, "the connection did not close")
            names = client.names()
            assert "disconnected" in names, names
            assert names.index("disconnected") < names.index(DISCONNECT), names
            [goodbye] = [p for e, p in client.received if e == "disconnected"]
            assert goodbye["reason"] == "server_shutdown"
            # Exits on its own, promptly, by the signal it was sent or cleanly (exactly 0: test_sigterm_exits_zero).
            assert status in (0, -signal.SIGTERM), f"exit status {status}\n{server.log()}"
            assert "Traceback" not in server.log(), server.log()
        finally:
            await client.sio.disconnect()


async def test_demo_sends_no_error_nobody_caused() -> None:
    """`error` answers a refused event of that very connection; the demo's example traffic must not fake one."""
    async with running("--demo", "--log-format", "text") as server:
        client = await connect(server, await server.banner_token())
        try:
            # The demo publishes in catalog order, one a second: `error` comes first in the catalog.
            await client.until(lambda: len(client.received) >= 4, 10, "fewer than 3 demo events")
            assert "error" not in client.names(), client.received
        finally:
            await client.sio.disconnect()


async def test_sigterm_exits_zero() -> None:
    async with running("--demo", "--log-format", "text") as server:
        client = await connect(server, await server.banner_token())
        try:
            await client.until(lambda: "connected" in client.names(), 5, "no `connected`")
            assert await server.stop() == 0
        finally:
            await client.sio.disconnect()


async def test_rs256_public_key_from_a_file(tmp_path: Path) -> None:
    """`--jwt-public-key @file` on the real command: RS256 tokens of that key in, HS256 tokens keyed with it out."""
    key_file = tmp_path / "jwt.pub"
    key_file.write_text(rsa_pair("server")[1], encoding="utf-8")
    async with running("--jwt-algorithms", "RS256", "--jwt-public-key", f"@{key_file}", "--log-level", "warning") as s:
        client = await connect(s, rs256_token("user_rs_cli"))
        try:
            await client.until(lambda: "connected" in client.names(), 5, "no `connected`")
            [connected] = [p for e, p in client.received if e == "connected"]
            assert connected["userId"] == "user_rs_cli"

            confused = hs256_token(claims_for("user_rs_cli"), rsa_pair("server")[1].encode())
            error = await refusal(s, confused, via_query=False)
            assert error["message"] == "AUTH_INVALID", error
        finally:
            await client.sio.disconnect()
        assert await s.stop() in (0, -signal.SIGTERM)


# -- refusing to start ---------------------------------------------------------------------------------------------


def test_serve_without_a_key_exits_2_and_says_what_to_set() -> None:
    result = run_serve("--port", str(free_port()))
    assert result.returncode == 2, result
    for hint in ("JWT_SECRET", "JWT_PUBLIC_KEY", "--demo"):
        assert hint in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_empty_jwt_secret_counts_as_none() -> None:
    result = run_serve("--port", str(free_port()), env=clean_env(JWT_SECRET=""))
    assert result.returncode == 2, result
    assert "JWT_SECRET" in result.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--jwt-secret", "s3cret-for-tests", "--jwt-algorithms", "none"], {}),
        (["--jwt-secret", "s3cret-for-tests", "--jwt-algorithms", "HS256,none"], {}),
        (["--jwt-secret", "s3cret-for-tests", "--jwt-algorithms", "NONE"], {}),
        (["--jwt-secret", "s3cret-for-tests"], {"JWT_ALGORITHMS": "none"}),
        (["--demo", "--jwt-algorithms", "none"], {}),
    ],
    ids=["flag", "in a list", "upper case", "env", "demo"],
)
def test_algorithm_none_is_refused_with_a_clear_message(args: list[str], env: dict[str, str]) -> None:
    result = run_serve("--port", str(free_port()), *args, env=clean_env(**env))
    assert result.returncode == 2, result
    assert "'none'" in result.stderr and "never" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "Token for" not in result.stdout


def test_rs256_without_a_public_key_is_refused() -> None:
    result = run_serve("--port", str(free_port()), "--jwt-secret", "s3cret-for-tests", "--jwt-algorithms", "RS256")
    assert result.returncode == 2, result
    assert "JWT_PUBLIC_KEY" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreadable_public_key_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pem"
    result = run_serve("--port", str(free_port()), "--jwt-algorithms", "RS256", "--jwt-public-key", f"@{missing}")
    assert result.returncode == 2, result
    assert "cannot read the JWT public key" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_options() -> None:
    result = run_serve("--help")
    assert result.returncode == 0, result
    for option in (
        "--host",
        "--port",
        "--demo",
        "--jwt-secret",
        "--jwt-algorithms",
        "--jwt-public-key",
        "--service-token",
        "--mode",
        "--log-level",
        "--log-format",
    ):
        assert option in result.stdout, option
    for variable in ("JWT_SECRET", "JWT_ALGORITHMS", "JWT_PUBLIC_KEY", "SERVICE_TOKEN"):
        assert variable in result.stdout, variable
    assert "eventcat serve --demo" in result.stdout
