"""The runtime takes its conventions from the catalog, never from REZ's names: a catalog built by hand (tests/desk.py)
with its own error type and codes, its own close, throttle and heartbeat events, and no recovery, served by the
runtime's `build` on loopback and driven by real python-socketio clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio
from eventcat_runtime.registry import Conventions
from eventcat_runtime.settings import Settings

from . import desk
from .live import Client, LiveServer, live_settings, make_token, serve_app, unique_user
from .test_scaleout import fresh_redis, redis_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(60)

TRACE_ID = re.compile(r"^[0-9a-f]{32}$")


def settings(**changes: Any) -> Settings:
    return live_settings(metrics=False, **changes)


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[LiveServer]:
    async with serve_app(desk.package(), desk.DeskHandlers, settings()) as live:
        yield live


async def connect(live: LiveServer, user: str | None = None) -> Client:
    return await live.connect(user or unique_user(), wait_connected=False)


def assert_problem(error: Any, kind: str) -> None:
    """A refusal in the desk catalog's own shape: its field names, epoch milliseconds, a trace id, nothing else."""
    assert set(error) == {"kind", "text", "traceId", "at"}, error
    assert error["kind"] == kind, error
    assert TRACE_ID.match(error["traceId"]), error
    assert isinstance(error["at"], int) and abs(error["at"] - time.time() * 1000) < 60_000, error
    desk.Problem.model_validate(error)


# -- refusals ------------------------------------------------------------------------------------------------------


async def test_ack_refusal_in_the_catalogs_error_shape(server: LiveServer) -> None:
    client = await connect(server)
    ack = await client.call("note:add", {"text": 5})
    assert ack["ok"] is False and set(ack) == {"ok", "error"}, ack
    assert_problem(ack["error"], "VALIDATION_ERROR")
    other = await client.call("note:add", {"text": 5})
    assert other["error"]["traceId"] != ack["error"]["traceId"]


async def test_a_code_the_catalog_adds(server: LiveServer) -> None:
    """EventError takes any code the catalog declares (not only the runtime's); details have no field here."""
    client = await connect(server)
    ack = await client.call("note:add", {"text": "too long"})
    assert_problem(ack["error"], "NOTE_TOO_LONG")
    assert ack["error"]["text"] == "a note has at most 5 words"


async def test_an_undeclared_code_is_sent_as_internal_error(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = await connect(server)
    with caplog.at_level(logging.ERROR, logger="eventcat"):
        ack = await client.call("note:add", {"text": "bogus"})
    assert_problem(ack["error"], "INTERNAL_ERROR")
    assert "NOT_IN_THE_CATALOG" not in str(ack)
    logged = [r for r in caplog.records if "does not declare" in r.getMessage()]
    assert logged and logged[0].levelno == logging.ERROR and logged[0].code == "NOT_IN_THE_CATALOG"


async def test_refusal_without_ack_through_the_error_event(server: LiveServer) -> None:
    client = await connect(server)
    await client.emit("note:add", {"txt": "typo"})
    [error] = await client.wait_for("oops")
    assert_problem(error, "VALIDATION_ERROR")
    await client.emit("no:such", {})
    errors = await client.wait_for("oops", 2)
    assert_problem(errors[1], "UNKNOWN_EVENT")


async def test_without_an_error_event_nothing_is_sent(caplog: pytest.LogCaptureFixture) -> None:
    """A contract without `event`: the ack refusal still works; a refusal without ack is only logged."""
    contract = desk.CONVENTIONS.errors
    assert contract is not None
    import dataclasses

    registry = desk.registry(conventions=desk.conventions(errors=dataclasses.replace(contract, event=None)))
    async with serve_app(desk.package(), desk.DeskHandlers, settings(), registry=registry) as live:
        client = await connect(live)
        with caplog.at_level(logging.INFO, logger="eventcat"):
            await client.emit("note:add", {"txt": "typo"})
            ack = await client.call("note:add", {"txt": "typo"})
            await live.barrier(client)
        assert_problem(ack["error"], "VALIDATION_ERROR")
        assert client.events() == [], client.received
        assert any("no error event" in r.getMessage() for r in caplog.records)


async def test_a_registry_without_a_contract_keeps_the_plain_shape() -> None:
    registry = desk.registry(conventions=Conventions())
    async with serve_app(desk.package(), HeartbeatHandlers, settings(), registry=registry) as live:
        client = await connect(live)
        ack = await client.call("note:add", {"text": 5})
        assert set(ack["error"]) == {"code", "message", "details", "timestamp"}, ack
        assert ack["error"]["code"] == "VALIDATION_ERROR" and ack["error"]["timestamp"].endswith("Z")
        await client.emit("note:add", {"text": 5})
        await live.barrier(client)
        assert client.events() == [], client.received  # no error event: the catalog names none


class HeartbeatHandlers(desk.DeskHandlers):
    """Without the heartbeat convention the app must handle `ping` itself."""

    async def on_ping(self, payload: desk.Ping, ctx: Any) -> None:
        return None


# -- heartbeat -----------------------------------------------------------------------------------------------------


async def test_the_runtime_answers_the_heartbeat(server: LiveServer) -> None:
    """`ping` has no handler method: the runtime answers `pong` with the request's fields that `pong` declares."""
    assert not hasattr(desk.DeskHandlers, "on_ping")
    client = await connect(server)
    await client.emit("ping", {"sentAt": 42, "nonce": "n1"})
    [pong] = await client.wait_for("pong")
    assert pong == {"sentAt": 42}
    await client.emit("ping", {"sentAt": "soon"})
    [error] = await client.wait_for("oops")
    assert_problem(error, "VALIDATION_ERROR")


def test_without_the_heartbeat_convention_the_app_needs_the_method() -> None:
    from eventcat_runtime.app import build

    registry = desk.registry(conventions=desk.conventions(heartbeat=None))
    with pytest.raises(TypeError, match="on_ping"):
        build(desk.package(), desk.DeskHandlers, settings(), registry=registry)


# -- close and throttle --------------------------------------------------------------------------------------------


async def test_close_event_on_shutdown() -> None:
    async with serve_app(desk.package(), desk.DeskHandlers, settings()) as live:
        client = await connect(live)
        gone = asyncio.Event()
        client.sio.on("disconnect", lambda *_: gone.set())
        await live.app.shutdown()
        [bye] = await client.wait_for("bye")
        assert bye["why"] == "server_shutdown" and bye["at"].endswith("Z"), bye
        desk.Bye.model_validate(bye)
        await asyncio.wait_for(gone.wait(), 5)


async def test_no_close_event_the_connection_is_closed_all_the_same() -> None:
    registry = desk.registry(conventions=desk.conventions(close=None))
    async with serve_app(desk.package(), desk.DeskHandlers, settings(), registry=registry) as live:
        client = await connect(live)
        gone = asyncio.Event()
        client.sio.on("disconnect", lambda *_: gone.set())
        await live.app.shutdown()
        await asyncio.wait_for(gone.wait(), 5)
        assert client.events() == [], client.received


async def test_rate_limits_from_the_catalog_and_the_close_event_on_abuse() -> None:
    """Any app gets the catalog's rate limits from `build` (note:add 3/s), and the close event when cut."""
    async with serve_app(desk.package(), desk.DeskHandlers, settings(rate_abuse="3/10s")) as live:
        client = await connect(live)
        acks = [await client.call("note:add", {"text": f"n{i}"}) for i in range(6)]
        # The bucket holds 3 and refills with the clock: the first three pass, and a later one is refused.
        assert [a["ok"] for a in acks[:3]] == [True, True, True], acks
        refused = [a for a in acks[3:] if not a["ok"]]
        assert refused, acks
        assert_problem(refused[0]["error"], "RATE_LIMITED")
        for i in range(3):
            await client.emit("note:add", {"text": f"m{i}"})
        [bye] = await client.wait_for("bye")
        assert bye["why"] == "rate_limited", bye


async def test_rate_limits_can_be_turned_off() -> None:
    async with serve_app(desk.package(), desk.DeskHandlers, settings(rate_limits=False)) as live:
        client = await connect(live)
        acks = [await client.call("note:add", {"text": f"n{i}"}) for i in range(6)]
        assert all(a["ok"] for a in acks), acks


async def test_throttle_event_for_reconnection_storms() -> None:
    async with serve_app(desk.package(), desk.DeskHandlers, settings(reconnect_limit=1)) as live:
        user = unique_user()
        first = await connect(live, user)
        await first.close()
        second = await connect(live, user)
        [notice] = await second.wait_for("slow_down")
        assert notice["why"] == "too_many_reconnects" and notice["tries"] == 2 and notice["waitMs"] >= 1000, notice
        assert set(notice) == {"why", "tries", "waitMs"}


async def test_no_throttle_event_the_connection_is_closed_all_the_same() -> None:
    registry = desk.registry(conventions=desk.conventions(throttle=None))
    async with serve_app(desk.package(), desk.DeskHandlers, settings(reconnect_limit=1), registry=registry) as live:
        user = unique_user()
        await (await connect(live, user)).close()
        second = await connect(live, user)
        deadline = time.monotonic() + 5
        while second.sio.connected and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not second.sio.connected and second.events() == [], second.received


# -- recovery ------------------------------------------------------------------------------------------------------


async def test_without_recovery_no_offsets_no_pid_no_log(server: LiveServer) -> None:
    """The desk catalog declares no `recovery:`: room events carry no offset, the CONNECT reply no pid, and nothing
    is kept in a replay log."""
    assert server.app.registry.recovery_window is None
    client = await connect(server)
    # The handler's note:added goes out before the event's `enters` puts the client in the desk room.
    assert (await client.call("note:add", {"text": "hi"}))["ok"] is True
    await server.events.note_added({"id": "n_2", "text": "to the room"})
    added = await client.wait_for("note:added")
    assert added == [{"id": "n_2", "text": "to the room"}]
    assert client.offsets == [], client.offsets
    assert await server.app.server.recovery.log.size() == 0
    assert server.app.server.pid_of(client.sid) == ""


async def test_a_recovery_window_needs_a_catalog_that_promises_recovery() -> None:
    from eventcat_runtime.app import build

    with pytest.raises(ValueError, match="declares no recovery"):
        build(desk.package(), desk.DeskHandlers, settings(recovery_window=30))


async def test_with_recovery_room_events_carry_offsets() -> None:
    registry = desk.registry(recovery_window=60)
    async with serve_app(desk.package(), desk.DeskHandlers, settings(), registry=registry) as live:
        client = await connect(live)
        await client.call("note:add", {"text": "hi"})
        await live.events.note_added({"id": "n_2", "text": "to the room"})
        await client.wait_for("note:added")
        assert len(client.offsets) == 1 and re.match(r"^\d+-\d+$", client.offsets[0]), client.offsets
        assert live.app.server.pid_of(client.sid)


def test_no_catalog_name_in_the_runtime() -> None:
    """The runtime's source names none of REZ's events, fields or users."""
    from .conftest import ROOT

    rez_words = re.compile(
        r"\b(rez_realtime|server_stub|connection_error|heartbeat_ack|nextRetry|user_456|cart_sync|REZ)\b"
        r"|(publish|emit)\(\s*\"(error|disconnected)\""
    )
    found = []
    for path in sorted((ROOT / "eventcat_runtime").glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if rez_words.search(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


async def test_client_sees_connect_refusal_in_the_contract() -> None:
    async with serve_app(desk.package(), desk.DeskHandlers, settings()) as live:
        sio = socketio.AsyncClient(reconnection=False)
        errors: list[Any] = []
        sio.on("connect_error", lambda data: errors.append(data))
        with pytest.raises(socketio.exceptions.ConnectionError):
            await sio.connect(live.url, transports=["websocket"], wait_timeout=5)
        assert errors, errors
        assert_problem(errors[0]["data"], "AUTH_REQUIRED")


class Hint(desk._Strict):
    limit: int


class ProblemWithHint(desk.Problem):
    hint: Hint | None = None


async def test_details_in_their_field_when_they_fit_the_contract(caplog: pytest.LogCaptureFixture) -> None:
    """The details role maps to `hint` ({limit}): a handler's details that fit go out; the runtime's own (event,
    errors) do not fit that type, so its refusal goes out without them, and nothing is logged as an error."""
    import dataclasses

    contract = desk.CONVENTIONS.errors
    assert contract is not None
    hinted = dataclasses.replace(contract, model=ProblemWithHint, fields={**contract.fields, "details": "hint"})
    registry = desk.registry(conventions=desk.conventions(errors=hinted))
    async with serve_app(desk.package(), desk.DeskHandlers, settings(), registry=registry) as live:
        client = await connect(live)
        too_long = await client.call("note:add", {"text": "too long"})
        assert too_long["error"]["hint"] == {"limit": 5}, too_long
        with caplog.at_level(logging.DEBUG, logger="eventcat"):
            invalid = await client.call("note:add", {"text": 5})
        assert invalid["error"]["kind"] == "VALIDATION_ERROR" and "hint" not in invalid["error"], invalid
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.records


async def test_without_recovery_scale_out_still_delivers_across_nodes(fresh_redis: Any) -> None:  # noqa: F811
    """Two nodes on one Redis, a catalog without recovery: the shared log carries the event from node A to a client
    on node B, without an offset, and no session is kept for recovery."""
    shared = settings(redis_url=fresh_redis.url)
    async with (
        serve_app(desk.package(), desk.DeskHandlers, shared) as a,
        serve_app(desk.package(), desk.DeskHandlers, shared) as b,
    ):
        client = await connect(b)
        await client.call("note:add", {"text": "enter"})
        from_a = {"id": "n_x", "text": "from A"}
        deadline = time.monotonic() + 5
        while from_a not in client.payloads("note:added") and time.monotonic() < deadline:
            await a.events.note_added(from_a)  # until node A reads the stream from where B is
            with contextlib.suppress(TimeoutError):
                await client.wait_for("note:added", len(client.payloads("note:added")) + 1, timeout=0.5)
        assert from_a in client.payloads("note:added"), client.received
        assert client.offsets == [], client.offsets
        assert b.app.server.pid_of(client.sid) == ""


async def test_the_official_client_sees_the_catalogs_conventions() -> None:
    """socket.io-client: pong for ping, refusals in the catalog's shape by ack and by `oops`, a room event with
    no offset argument, and no recovery (no pid, `socket.recovered` false)."""
    from .conftest import NODE_DIR, node_or_skip
    from .test_node_client import step

    node = node_or_skip()
    async with serve_app(desk.package(), desk.DeskHandlers, settings()) as live:
        user = unique_user()
        process = await asyncio.create_subprocess_exec(
            node,
            "conventions-client.mjs",
            live.url,
            make_token(user),
            cwd=NODE_DIR,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            # Once the client has entered the desk room (its second note:add), publish to the room.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                conn = next((c for c in live.app.server.connections.values() if c.user.user_id == user), None)
                if conn is not None and "desk" in conn.holds:
                    break
                await asyncio.sleep(0.02)
            await live.events.note_added({"id": "n_9", "text": "to the room"})
            stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0, stderr.decode()
    lines = [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]
    assert step(lines, "connected") == {"step": "connected", "recovered": False, "pid": None}
    assert step(lines, "pong")["args"] == [{"sentAt": 7}]
    refused = step(lines, "refused_ack")["ack"]
    assert refused["ok"] is False
    assert_problem(refused["error"], "VALIDATION_ERROR")
    [error] = step(lines, "error_event")["args"]
    assert_problem(error, "VALIDATION_ERROR")
    assert step(lines, "added")["ack"] == {"ok": True, "id": "n_1"}
    assert step(lines, "room_event")["args"] == [{"id": "n_9", "text": "to the room"}]  # no offset argument
