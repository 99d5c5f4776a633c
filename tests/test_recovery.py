"""Reconnection without loss on one node: connection state recovery with the official client, `lastEventId`
replay with python-socketio's, subscriptions restored after the window, reconnection storms, and cleanup.

Every check runs a real server (tests.live.serve, in this event loop, on a free 127.0.0.1 port) and real clients:
socket.io-client in a Node child process driven over its stdin/stdout (tests/ts/recovery.mjs), and
python-socketio's AsyncClient. Events are numbered (`message: "n=<i>"`) so that a gap, a duplicate or a reordering
is visible as such.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import socketio
from eventcat_runtime.settings import Settings

from .conftest import NODE_DIR, node_or_skip
from .live import SECRET, SERVICE_TOKEN, LiveServer, make_token, serve, unique_user

pytestmark = pytest.mark.timeout(60)

EVENT = "order_status_update"


def settings(**overrides: Any) -> Settings:
    return Settings(jwt_secret=SECRET, service_token=SERVICE_TOKEN, log_level="warning", **overrides)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def order_event(order_id: str, n: int) -> dict[str, Any]:
    """A valid order_status_update to order:{order_id} carrying its sequence number."""
    return {
        "orderId": order_id,
        "orderNumber": "ORD-1",
        "status": "preparing",
        "timestamp": now_iso(),
        "message": f"n={n}",
    }


def number(payload: Any) -> int:
    message = payload["message"]
    assert message.startswith("n="), payload
    return int(message[2:])


def order_user(prefix: str) -> tuple[str, str]:
    """An order of a fresh user, and the user's token granting its room (the `rooms` claim)."""
    user = unique_user(prefix)
    order = f"ord_{user}"
    return order, make_token(user, rooms=[f"order:{order}"])


# -- the Node script ---------------------------------------------------------------------------------------------


@dataclass
class NodeRun:
    """tests/ts/recovery.mjs running as a child process: its JSON lines as they come, commands on its stdin."""

    process: asyncio.subprocess.Process
    lines: list[dict[str, Any]] = field(default_factory=list)
    stderr: str = ""
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while raw := await self.process.stdout.readline():
            text = raw.decode().strip()
            if text:
                self.lines.append(json.loads(text))
                self._changed.set()
        self._changed.set()

    def steps(self, name: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line["step"] == name]

    def numbers(self) -> list[int]:
        return [line["n"] for line in self.steps("event")]

    async def wait_for(
        self, name: str, where: Callable[[dict[str, Any]], bool] = lambda _: True, timeout: float = 10
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in self.steps(name) if where(line)]
            if found:
                return found[0]
            if self.process.returncode is not None and self.process.stdout is not None and self.process.stdout.at_eof():
                raise AssertionError(f"the script exited ({self.process.returncode}) before {name!r}: {self.tail()}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {name!r} within {timeout}s: {self.tail()}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))

    async def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command}\n".encode())
        await self.process.stdin.drain()

    async def finish(self, timeout: float = 15) -> int:
        """Wait for the script to exit by itself; its exit status."""
        try:
            return await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"the script did not finish within {timeout}s: {self.tail()}") from None

    def tail(self, count: int = 12) -> str:
        return f"last lines {self.lines[-count:]}\nstderr: {self.stderr}"


@contextlib.asynccontextmanager
async def node_script(config: dict[str, Any], script: str = "recovery.mjs") -> AsyncIterator[NodeRun]:
    """Run a Node script from tests/ts with this config; always killed at the end."""
    node = node_or_skip()
    process = await asyncio.create_subprocess_exec(
        node,
        script,
        json.dumps(config),
        cwd=NODE_DIR,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        limit=1 << 20,
    )
    run = NodeRun(process)
    reader = asyncio.create_task(run._read())
    try:
        yield run
    finally:
        if process.returncode is None:
            process.kill()
        await asyncio.wait_for(process.wait(), 10)
        await asyncio.wait_for(reader, 10)
        assert process.stderr is not None
        run.stderr = (await process.stderr.read()).decode(errors="replace")


def assert_once_in_order(numbers: list[int], expected: list[int]) -> None:
    """Every expected number exactly once, in order; says which are missing or doubled."""
    missing = sorted(set(expected) - set(numbers))
    doubled = sorted({n for n in numbers if numbers.count(n) > 1})
    assert not missing and not doubled, f"missing {missing}, duplicated {doubled}"
    assert numbers == expected, f"out of order: {numbers}"


# -- 1. the official client drops its transport mid-stream -------------------------------------------------------


async def test_official_client_recovers_a_dropped_transport_with_every_event_once_in_order() -> None:
    async with serve(settings()) as server:
        order, token = order_user("recover")
        channel = f"order_{order}"
        stats = server.app.server.stats
        replayed_before = stats["replayed"]
        config = {
            "url": server.url,
            "token": token,
            "channel": channel,
            "dropAfter": 40,
            "reconnectionDelay": 300,
        }
        async with node_script(config) as node:
            await node.wait_for("subscribed")
            published = 0
            reconnected_at: int | None = None
            # A steady stream; it goes on through the drop and for 60 events after the client is back.
            while reconnected_at is None or published < reconnected_at + 60:
                await server.events.emit_untyped("order_status_update", order_event(order, published))
                published += 1
                if reconnected_at is None and node.steps("connected")[1:]:
                    reconnected_at = published
                assert published < 3000, f"the client never came back: {node.tail()}"
                await asyncio.sleep(0.005)
            await node.send(f"end {published - 1}")
            status = await node.finish()
            assert status == 0, node.tail()

        first, second = node.steps("connected")
        drop = node.steps("dropping")[0]
        assert drop["count"] == 40 and drop["lastN"] == 39, drop
        assert second["recovered"] is True, second
        assert second["pid"] == first["pid"], (first, second)
        assert second["payload"]["recovered"] is True, second
        assert second["payload"]["restoredChannels"] == [channel], second
        assert "recovered" not in first["payload"], first

        assert_once_in_order(node.numbers(), list(range(published)))
        before = [line["n"] for line in node.steps("event") if line["index"] == 0]
        after = [line["n"] for line in node.steps("event") if line["index"] == 1]
        assert before[-1] >= 39 and after and after[0] == before[-1] + 1, (before[-3:], after[:3])
        # Events were published while the client was away, and came back by replay, not live.
        assert stats["replayed"] - replayed_before >= 1
        # Every numbered event carried an offset, increasing.
        offsets = [tuple(map(int, line["offset"].split("-"))) for line in node.steps("event")]
        assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)


async def test_after_the_window_a_fresh_session_keeps_its_subscriptions() -> None:
    """Outside the window the official client gets a new session (`recovered` false) but is back in its channel:
    live events arrive without subscribing again. What was published in the gap is not replayed."""
    async with serve(settings(recovery_window=2)) as server:
        order, token = order_user("late")
        channel = f"order_{order}"
        config = {"url": server.url, "token": token, "channel": channel, "dropAfter": 3, "reconnectionDelay": 2600}
        async with node_script(config) as node:
            await node.wait_for("subscribed")
            for n in range(3):
                await server.events.emit_untyped("order_status_update", order_event(order, n))
            await node.wait_for("disconnected")
            for n in range(3, 5):  # missed, and older than the window by the time the client is back
                await server.events.emit_untyped("order_status_update", order_event(order, n))
            second = await node.wait_for("connected", lambda line: line["index"] == 1, timeout=10)
            for n in range(5, 10):
                await server.events.emit_untyped("order_status_update", order_event(order, n))
            await node.send("end 9")
            status = await node.finish()
            assert status == 0, node.tail()

        first = node.steps("connected")[0]
        assert second["recovered"] is False, second
        assert second["pid"] != first["pid"], (first, second)
        assert not second["payload"].get("recovered"), second
        assert second["payload"]["restoredChannels"] == [channel], second
        # No duplicate, nothing of the gap, every live event after the reconnect.
        assert node.numbers() == [0, 1, 2, 5, 6, 7, 8, 9], node.numbers()
        assert node.steps("subscribed")[0]["ack"]["ok"] is True


async def test_a_failed_recovery_is_never_reported_as_recovered() -> None:
    """The session is within the window but the client's offset has been trimmed from the log: the server gives a
    fresh session. The official client must then not say `recovered` (it would trust that it missed nothing), and
    it must agree with the `connected` event."""
    async with serve(settings(recovery_window=2)) as server:
        order, token = order_user("stale")
        channel = f"order_{order}"
        config = {"url": server.url, "token": token, "channel": channel, "reconnectionDelay": 500}
        async with node_script(config) as node:
            await node.wait_for("subscribed")
            await server.events.emit_untyped("order_status_update", order_event(order, 0))
            await node.wait_for("event", lambda line: line["n"] == 0)
            await asyncio.sleep(2.3)
            await server.app.server.cleanup()  # n=0, the client's offset, leaves the log
            await node.send("drop")
            await node.wait_for("disconnected")
            await server.events.emit_untyped("order_status_update", order_event(order, 1))  # missed in the gap
            second = await node.wait_for("connected", lambda line: line["index"] == 1)
            await server.events.emit_untyped("order_status_update", order_event(order, 2))
            await node.send("end 2")
            status = await node.finish()
            assert status == 0, node.tail()

        # Had the client been told `recovered`, it would trust that it missed nothing, and n=1 is gone.
        if second["recovered"]:
            assert node.numbers() == [0, 1, 2], f"recovered, yet got {node.numbers()}"
        assert second["recovered"] == bool(second["payload"].get("recovered")), second
        first = node.steps("connected")[0]
        assert second["recovered"] is False and second["pid"] != first["pid"], (first, second)
        assert second["payload"]["restoredChannels"] == [channel], second  # still back in its channel
        assert node.numbers() == [0, 2], node.numbers()


# -- 2. lastEventId with python-socketio's client ----------------------------------------------------------------


@dataclass
class PyClient:
    sio: socketio.AsyncClient
    numbers: list[int] = field(default_factory=list)
    offsets: list[str | None] = field(default_factory=list)
    connected: list[dict[str, Any]] = field(default_factory=list)
    other: list[tuple[str, Any]] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def until(self, check: Callable[[], bool], what: str, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{what} not within {timeout}s: numbers {self.numbers}, other {self.other}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sio.disconnect()


async def py_connect(url: str, token: str, event: str = EVENT, **auth: Any) -> PyClient:
    """python-socketio's client, its handler for the numbered event taking (payload, offset); waits for
    `connected`."""
    sio = socketio.AsyncClient(reconnection=False)
    client = PyClient(sio)

    def on_order(payload: Any, offset: str | None = None) -> None:
        client.numbers.append(number(payload))
        client.offsets.append(offset)
        client._changed.set()

    def on_connected(payload: Any) -> None:
        client.connected.append(payload)
        client._changed.set()

    def on_other(event: str, *args: Any) -> None:
        client.other.append((event, args))
        client._changed.set()

    sio.on(event, on_order)
    sio.on("connected", on_connected)
    sio.on("*", on_other)
    await sio.connect(url, auth={"token": token, **auth}, transports=["websocket"], wait_timeout=5)
    await client.until(lambda: bool(client.connected), "connected")
    return client


async def test_last_event_id_replays_exactly_the_missed_events_then_live_ones() -> None:
    async with serve(settings()) as server:
        order, token = order_user("lastid")
        first = await py_connect(server.url, token)
        try:
            ack = await first.sio.call("subscribe", {"channel": f"order_{order}"}, timeout=5)
            assert ack["ok"] is True, ack
            for n in range(5):
                await server.events.emit_untyped("order_status_update", order_event(order, n))
            await first.until(lambda: len(first.numbers) == 5, "the first five")
            assert first.numbers == [0, 1, 2, 3, 4]
            assert all(isinstance(o, str) for o in first.offsets), first.offsets
            last_seen = first.offsets[-1]
        finally:
            await first.close()

        for n in range(5, 25):  # missed while away
            await server.events.emit_untyped("order_status_update", order_event(order, n))

        # Publishing goes on while the client reconnects: each event arrives once, by replay or live.
        stop = asyncio.Event()
        published = 25

        async def keep_publishing() -> None:
            nonlocal published
            while not stop.is_set():
                await server.events.emit_untyped("order_status_update", order_event(order, published))
                published += 1
                await asyncio.sleep(0.002)

        publisher = asyncio.create_task(keep_publishing())
        try:
            second = await py_connect(server.url, token, lastEventId=last_seen)
            await asyncio.sleep(0.2)
        finally:
            stop.set()
            await publisher
        try:
            for n in range(published, published + 5):
                await server.events.emit_untyped("order_status_update", order_event(order, n))
            total = published + 5
            await second.until(lambda: bool(second.numbers) and second.numbers[-1] == total - 1, "the last event")
            assert second.connected[0]["restoredChannels"] == [f"order_{order}"], second.connected
            assert not second.connected[0].get("recovered"), second.connected
            assert_once_in_order(second.numbers, list(range(5, total)))
            # The offsets the second client saw continue after the one it gave, increasing.
            keys = [tuple(map(int, o.split("-"))) for o in second.offsets if o is not None]
            assert len(keys) == len(second.numbers)
            assert keys == sorted(keys) and keys[0] > tuple(map(int, last_seen.split("-")))
        finally:
            await second.close()


@pytest.mark.parametrize(
    "last_event_id",
    ["0-0", "99999999999999-0", "not-an-offset", 12345, None, {"nested": "1-1"}],
    ids=["older-than-the-log", "in-the-future", "garbage", "a-number", "null", "an-object"],
)
async def test_unknown_or_too_old_last_event_id_replays_nothing(last_event_id: Any) -> None:
    async with serve(settings()) as server:
        order, token = order_user("badid")
        first = await py_connect(server.url, token)
        try:
            await first.sio.call("subscribe", {"channel": f"order_{order}"}, timeout=5)
        finally:
            await first.close()
        for n in range(3):  # published while away: the bad id cannot say where the client was
            await server.events.emit_untyped("order_status_update", order_event(order, n))

        second = await py_connect(server.url, token, lastEventId=last_event_id)
        try:
            assert second.connected[0]["restoredChannels"] == [f"order_{order}"]
            for n in range(3, 6):
                await server.events.emit_untyped("order_status_update", order_event(order, n))
            await second.until(lambda: len(second.numbers) >= 3, "live events")
            await asyncio.sleep(0.1)
            assert second.numbers == [3, 4, 5], second.numbers
            assert not [e for e, _ in second.other if e == "error"], second.other
        finally:
            await second.close()
        # The server is fine: a new connection works.
        third = await py_connect(server.url, make_token(unique_user("after")))
        await third.close()


async def test_a_last_event_id_trimmed_from_the_log_replays_nothing() -> None:
    """Too old: the event it names has left the log after the window, so what followed may be lost too."""
    async with serve(settings(recovery_window=1)) as server:
        order, token = order_user("trimmed")
        first = await py_connect(server.url, token)
        try:
            await first.sio.call("subscribe", {"channel": f"order_{order}"}, timeout=5)
            await server.events.emit_untyped("order_status_update", order_event(order, 0))
            await first.until(lambda: first.numbers == [0], "n=0")
            old = first.offsets[0]
        finally:
            await first.close()
        await asyncio.sleep(1.2)
        await server.app.server.cleanup()
        await server.events.emit_untyped("order_status_update", order_event(order, 1))
        expired_before = server.app.server.stats["replay_expired"]
        second = await py_connect(server.url, token, lastEventId=old)
        try:
            await server.events.emit_untyped("order_status_update", order_event(order, 2))
            await second.until(lambda: 2 in second.numbers, "the live event")
            assert second.numbers == [2], second.numbers
            assert server.app.server.stats["replay_expired"] == expired_before + 1
        finally:
            await second.close()


async def test_volatile_events_carry_no_offset_and_are_not_replayed() -> None:
    """order_location_update is volatile in the catalog: delivered live without an offset, never stored."""
    async with serve(settings()) as server:
        order, token = order_user("volatile")
        location = {
            "orderId": order,
            "location": {"latitude": 12.9716, "longitude": 77.5946, "address": "MG Road"},
            "driverName": "Ravi Kumar",
            "driverPhone": "+919812345678",
            "timestamp": now_iso(),
        }
        first = await py_connect(server.url, token)
        try:
            await first.sio.call("subscribe", {"channel": f"order_{order}"}, timeout=5)
            await server.events.emit_untyped("order_status_update", order_event(order, 0))
            await server.events.emit_untyped("order_location_update", location)
            await first.until(lambda: any(e == "order_location_update" for e, _ in first.other), "the live location")
            (args,) = [a for e, a in first.other if e == "order_location_update"]
            assert args == (location,), args  # no offset argument
            last_seen = first.offsets[-1]
        finally:
            await first.close()
        log_size = await server.app.server.recovery.log.size()
        await server.events.emit_untyped("order_location_update", location)  # missed, volatile
        await server.events.emit_untyped("order_status_update", order_event(order, 1))  # missed, stored
        assert await server.app.server.recovery.log.size() == log_size + 1
        second = await py_connect(server.url, token, lastEventId=last_seen)
        try:
            await second.until(lambda: second.numbers == [1], "the stored event")
            await server.events.emit_untyped("order_status_update", order_event(order, 2))
            await second.until(lambda: second.numbers == [1, 2], "a live event")
            assert not [e for e, _ in second.other if e == "order_location_update"], second.other
        finally:
            await second.close()


async def test_a_throttled_attempt_does_not_spend_the_saved_session() -> None:
    """A client told to back off comes back after the backoff with its pid and offset: it must recover then."""
    async with serve(settings(reconnect_limit=1)) as server:
        # Settings fix the period at a minute; a shorter one lets the test see the client come back.
        server.app.server.recovery.guard.period_seconds = 1.0
        order, token = order_user("spent")
        first = await py_connect(server.url, token)
        try:
            await first.sio.call("subscribe", {"channel": f"order_{order}"}, timeout=5)
            await server.events.emit_untyped("order_status_update", order_event(order, 0))
            await first.until(lambda: first.numbers == [0], "n=0")
            pid = server.app.server.pid_of(str(first.sio.get_sid("/")))
            assert pid, "the CONNECT reply carries a pid"
            offset = first.offsets[-1]
        finally:
            await first.close()
        await server.events.emit_untyped("order_status_update", order_event(order, 1))  # missed
        assert (await settled(server, lambda s: s["sessions"] == 1, 3))["sessions"] == 1

        refused = await attempt(server, token, linger=2, pid=pid, offset=offset)
        assert refused.errors and refused.errors[0]["reason"] == "too_many_reconnects", refused
        assert (await server.app.server.state())["sessions"] == 1, "the refused attempt spent the saved session"

        await asyncio.sleep(1.1)  # the backoff is over
        back = await py_connect(server.url, token, pid=pid, offset=offset)
        try:
            assert back.connected[0].get("recovered") is True, back.connected
            await back.until(lambda: back.numbers == [1], "the missed event")
        finally:
            await back.close()


def maintenance(n: int) -> dict[str, Any]:
    """A valid system_maintenance (a broadcast: every connection receives it) carrying its sequence number."""
    return {"scheduledAt": "2025-10-28T02:00:00Z", "duration": 45, "message": f"n={n}", "affectedServices": []}


async def test_broadcasts_published_during_a_replay_arrive_once() -> None:
    """system_maintenance goes to every connection: a client replaying missed broadcasts with `lastEventId` while
    new ones are published must get each one once, in order."""
    async with serve(settings()) as server:
        token = make_token(unique_user("broadcast"))
        first = await py_connect(server.url, token, event="system_maintenance")
        try:
            await server.events.emit_untyped("system_maintenance", maintenance(0))
            await first.until(lambda: first.numbers == [0], "n=0")
            last_seen = first.offsets[-1]
        finally:
            await first.close()
        for n in range(1, 301):  # missed
            await server.events.emit_untyped("system_maintenance", maintenance(n))

        stop = asyncio.Event()
        published = 301

        async def keep_publishing() -> None:
            nonlocal published
            while not stop.is_set():
                await server.events.emit_untyped("system_maintenance", maintenance(published))
                published += 1
                await asyncio.sleep(0.001)

        publisher = asyncio.create_task(keep_publishing())
        try:
            second = await py_connect(server.url, token, event="system_maintenance", lastEventId=last_seen)
            await asyncio.sleep(0.3)
        finally:
            stop.set()
            await publisher
        try:
            await second.until(lambda: published - 1 in second.numbers, "the last broadcast")
            await asyncio.sleep(0.1)
            assert_once_in_order(second.numbers, list(range(1, published)))
        finally:
            await second.close()


# -- 3. reconnection storms --------------------------------------------------------------------------------------


@dataclass
class Attempt:
    connected: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)
    welcomed: bool = False
    disconnected: bool = False


async def attempt(server: LiveServer, token: str, linger: float = 0.5, **auth: Any) -> Attempt:
    """One connection: what it was told, and whether the server closed it within linger seconds."""
    sio = socketio.AsyncClient(reconnection=False)
    seen = Attempt()
    closed = asyncio.Event()
    sio.on("connection_error", lambda payload: seen.errors.append(payload))
    sio.on("connected", lambda payload: setattr(seen, "welcomed", True))

    sio.on("disconnect", lambda *_: closed.set())
    try:
        await sio.connect(server.url, auth={"token": token, **auth}, transports=["websocket"], wait_timeout=5)
        seen.connected = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(closed.wait(), linger)
        seen.disconnected = closed.is_set()  # by the server: the client has not hung up yet
    finally:
        with contextlib.suppress(Exception):
            await sio.disconnect()
    return seen


async def test_reconnection_storm_backs_off_and_other_users_are_unaffected() -> None:
    async with serve(settings(reconnect_limit=3)) as server:
        user = unique_user("storm")
        token = make_token(user)
        calm = [await attempt(server, token, linger=0.2) for _ in range(3)]
        for seen in calm:
            assert seen.welcomed and not seen.errors and not seen.disconnected, seen

        throttled = [await attempt(server, token, linger=3) for _ in range(3)]
        delays = []
        for index, seen in enumerate(throttled, start=4):
            assert seen.connected, seen
            assert len(seen.errors) == 1, seen
            error = seen.errors[0]
            assert error["reason"] == "too_many_reconnects", error
            assert error["attempts"] == index, error
            assert seen.disconnected, f"attempt {index} was not disconnected by the server"
            assert not seen.welcomed, f"attempt {index} was welcomed anyway"
            delays.append(error["nextRetry"])
        # Exponential (1 s, 2 s, 4 s) with at most 25 % jitter: strictly growing.
        assert delays[0] >= 1000 and delays[0] < delays[1] < delays[2], delays
        assert delays[2] >= 4000, delays

        other = await attempt(server, make_token(unique_user("calm")), linger=0.3)
        assert other.welcomed and not other.errors and not other.disconnected, other
        assert server.app.server.stats["throttled"] == 3


# -- 4. cleanup ---------------------------------------------------------------------------------------------------


async def activity(server: LiveServer, users: int = 3, events: int = 20) -> None:
    """Sessions and log entries: users subscribe, events flow, everyone leaves."""
    clients = []
    for _ in range(users):
        order, token = order_user("clean")
        client = await py_connect(server.url, token)
        clients.append(client)
        await client.sio.call("subscribe", {"channel": f"order_{order}"}, timeout=5)
        for n in range(events):
            await server.events.emit_untyped("order_status_update", order_event(order, n))
        await client.until(lambda c=client: len(c.numbers) == events, "the events")
    for client in clients:
        await client.close()


async def settled(server: LiveServer, check: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        state = await server.app.server.state()
        if check(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"state did not settle within {timeout}s: {state}")
        await asyncio.sleep(0.1)


async def test_cleanup_after_the_window_trims_the_log_and_expires_sessions() -> None:
    async with serve(settings(recovery_window=5)) as server:
        await activity(server)
        busy = await settled(server, lambda s: s["connections"] == 0 and s["sessions"] == 3, timeout=3)
        assert busy["replay_log"] == 60, busy
        assert busy["rooms"] == 0, busy  # empty rooms are gone as soon as their last connection left

        async with httpx.AsyncClient(base_url=server.url, timeout=5) as api:
            health = (await api.get("/healthz")).json()
            assert health["state"]["replay_log"] == 60 and health["state"]["sessions"] == 3, health
            assert health["state"]["redis"] == "off", health  # in memory: no Redis to be up or down

            # Within the window nothing is removed.
            removed = await server.app.server.cleanup()
            assert removed["log"] == 0 and removed["sessions"] == 0, removed

            await asyncio.sleep(5.5)
            removed = await server.app.server.cleanup()
            state = await server.app.server.state()
            assert state["replay_log"] == 0 and state["sessions"] == 0, (removed, state)
            assert state["connections"] == 0 and state["rooms"] == 0, state
            health = (await api.get("/healthz")).json()
            assert health["state"]["replay_log"] == 0 and health["state"]["sessions"] == 0, health
            assert health["state"]["subscribed_users"] == 3, health  # subscriptions outlive the window


async def test_scheduled_cleanup_runs_without_being_asked() -> None:
    async with serve(settings(recovery_window=1)) as server:
        runs = server.app.server.stats["cleanup_runs"]
        await activity(server, users=2, events=10)
        state = await settled(server, lambda s: s["replay_log"] == 0 and s["sessions"] == 0, timeout=5)
        assert server.app.server.stats["cleanup_runs"] > runs
        assert state["connections"] == 0, state


# -- 6. the server restarts ---------------------------------------------------------------------------------------


async def test_official_client_reconnects_after_a_graceful_restart() -> None:
    """The graceful stop closes each transport after the goodbye (as Node's io.close() does): socket.io-client sees
    "transport close" and reconnects to the server that starts on the same port. A server-side DISCONNECT, sent
    before, is "io server disconnect" to it, after which it never reconnects: every deploy stranded clients."""
    order, token = order_user("restart")
    stack = contextlib.AsyncExitStack()
    first = await stack.enter_async_context(serve(settings()))
    try:
        config = {"url": first.url, "token": token, "channel": f"order_{order}", "timeoutMs": 30_000}
        async with node_script({**config, "tolerateConnectErrors": True}) as run:
            await run.wait_for("subscribed")
            await stack.aclose()  # SIGTERM's graceful stop, in process
            gone = await run.wait_for("disconnected")
            assert gone["reason"] == "transport close", run.tail()
            async with serve(settings(), port=first.port):
                back = await run.wait_for("connected", lambda line: line["index"] >= 1, timeout=15)
                assert back["url"] == first.url, run.tail()
    finally:
        await stack.aclose()
