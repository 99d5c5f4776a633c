"""Scale-out on a real Redis: several `eventcat serve --redis-url` processes sharing rooms, the replay log (a Redis
Stream) and sessions.

A dedicated redis-server (from PATH) runs for this module on a free port, without persistence, and is killed at the
end; without one the module is skipped (a failure under CI=true). The nodes are the real command, each a child
process on its own free port, always killed at the end. Clients are real: python-socketio's, and the official
socket.io-client in Node (tests/ts/recovery.mjs, tests/ts/chain.mjs). Events are numbered so that a loss, a
duplicate or a reordering is visible; offsets are the stream's ids, the same on every node.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import redis
from eventcat_runtime.publisher import RedisPublisher
from rez_realtime import REGISTRY, Events

from .conftest import ROOT
from .live import SECRET, SERVICE_TOKEN, make_token, unique_user
from .test_recovery import (
    PyClient,
    assert_once_in_order,
    node_script,
    order_event,
    order_user,
    py_connect,
)

pytestmark = pytest.mark.timeout(60)

AUTH = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
# What `eventcat serve` reads from the environment; the nodes get their settings from flags only.
SERVE_ENV = (
    "JWT_SECRET",
    "JWT_PUBLIC_KEY",
    "JWT_ALGORITHMS",
    "SERVICE_TOKEN",
    "EVENTCAT_MODE",
    "LOG_LEVEL",
    "REDIS_URL",
)
UNAVAILABLE = "redis unavailable: serving local clients only, cross-node delivery paused"
BACK = "redis is back: cross-node delivery resumed"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- a dedicated Redis ----------------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    binary: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.exceptions.ConnectionError), self.client() as probe:
                if probe.ping():
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        self.process = None


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not on PATH; under CI=true the scale-out tests must run")
        pytest.skip("redis-server is not on PATH: the scale-out tests need a real Redis")
    server = RedisServer(binary, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_redis(redis_server: RedisServer) -> RedisServer:
    """The module's Redis, running and empty."""
    if redis_server.process is None or redis_server.process.poll() is not None:
        redis_server.start()
    with redis_server.client() as client:
        client.flushall()
    return redis_server


# -- nodes ------------------------------------------------------------------------------------------------------------


@dataclass
class Node:
    name: str
    port: int
    process: asyncio.subprocess.Process
    stderr: IO[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def records(self) -> list[dict[str, Any]]:
        """The JSON log records (one per line)."""
        found = []
        for line in self.log().splitlines():
            with contextlib.suppress(ValueError):
                found.append(json.loads(line))
        return found

    def messages(self) -> list[str]:
        return [str(record.get("message")) for record in self.records()]

    async def wait_log(self, message: str, timeout: float = 10, after: int = 0) -> int:
        """Index of the first log record (from `after`) with this message."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages()
            for index in range(after, len(messages)):
                if messages[index] == message:
                    return index
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} never logged {message!r}:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.05)

    def alive(self) -> bool:
        return self.process.returncode is None


def eventcat() -> str:
    found = Path(sys.executable).with_name("eventcat")
    if found.exists():
        return str(found)
    fallback = shutil.which("eventcat")
    if fallback is None:
        pytest.fail("the eventcat command is not installed in this environment")
    return fallback


@contextlib.asynccontextmanager
async def nodes(redis_url: str, count: int = 2, window: float = 300) -> AsyncIterator[list[Node]]:
    """`eventcat serve --redis-url ...` processes on free ports, ready (GET /healthz answers); killed at the end."""
    env = {k: v for k, v in os.environ.items() if k not in SERVE_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    started: list[Node] = []
    with contextlib.ExitStack() as files:
        try:
            for index in range(count):
                port = free_port()
                stderr = files.enter_context(tempfile.TemporaryFile())
                process = await asyncio.create_subprocess_exec(
                    eventcat(),
                    "serve",
                    "--port",
                    str(port),
                    "--redis-url",
                    redis_url,
                    "--recovery-window",
                    str(window),
                    "--jwt-secret",
                    SECRET,
                    "--service-token",
                    SERVICE_TOKEN,
                    "--log-level",
                    "info",
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=stderr,
                    env=env,
                    cwd=ROOT,
                )
                started.append(Node("AB"[index] if index < 2 else f"node{index}", port, process, stderr))
            async with httpx.AsyncClient(timeout=2) as api:
                for node in started:
                    deadline = time.monotonic() + 20
                    while True:
                        with contextlib.suppress(httpx.HTTPError):
                            if (await api.get(f"{node.url}/healthz")).status_code == 200:
                                break
                        if not node.alive() or time.monotonic() > deadline:
                            raise AssertionError(f"node {node.name} did not start:\n{node.log()}")
                        await asyncio.sleep(0.05)
            yield started
        finally:
            for node in started:
                if node.alive():
                    node.process.kill()
            for node in started:
                await asyncio.wait_for(node.process.wait(), 10)


async def post_event(api: httpx.AsyncClient, node: Node, order: str, n: int) -> None:
    response = await api.post(f"{node.url}/events/order_status_update", json=order_event(order, n), headers=AUTH)
    assert response.status_code == 202, response.text


async def subscribed(url: str, token: str, order: str) -> PyClient:
    client = await py_connect(url, token)
    ack = await client.sio.call("subscribe", {"channel": f"order_{order}"}, timeout=5)
    assert ack["ok"] is True, ack
    return client


def order_token(order: str, prefix: str) -> str:
    """Another user allowed in the same order room."""
    return make_token(unique_user(prefix), rooms=[f"order:{order}"])


def offset_key(offset: str) -> tuple[int, int]:
    head, _, tail = offset.partition("-")
    return int(head), int(tail)


# -- (a) cross-node delivery ------------------------------------------------------------------------------------------


async def test_an_event_published_on_one_node_reaches_clients_on_every_node(fresh_redis: RedisServer) -> None:
    async with nodes(fresh_redis.url) as (a, b):
        order, token = order_user("xnode")
        on_a = await subscribed(a.url, token, order)
        on_b = await subscribed(b.url, order_token(order, "xwatch"), order)
        outsider = await py_connect(a.url, make_token(unique_user("outsider")))
        publisher = RedisPublisher(REGISTRY, fresh_redis.url)
        try:
            async with httpx.AsyncClient(timeout=5) as api:
                await post_event(api, b, order, 0)  # over HTTP on node B
            await on_a.until(lambda: on_a.numbers == [0], "n=0 from node B")

            # From a process that is neither node: the typed emitter over Redis.
            delivered = await Events(publisher).order_status_update(order_event(order, 1))
            assert delivered.rooms == (f"order:{order}",), delivered
            await on_a.until(lambda: on_a.numbers == [0, 1], "n=1 from the RedisPublisher")
            await on_b.until(lambda: on_b.numbers == [0, 1], "both on node B")

            # Offsets are the stream's ids: the same event has the same offset on every node.
            assert on_a.offsets == on_b.offsets and all(on_a.offsets), (on_a.offsets, on_b.offsets)
            assert offset_key(str(on_a.offsets[0])) < offset_key(str(on_a.offsets[1]))
            await asyncio.sleep(0.2)
            assert outsider.numbers == [] and on_a.numbers == [0, 1] and on_b.numbers == [0, 1]
            # Each node delivered what it read from Redis through the fast delivery path.
            async with httpx.AsyncClient(timeout=5) as http:
                for node, clients in ((a, 2), (b, 1)):
                    text = (await http.get(f"{node.url}/metrics")).text
                    assert f'eventcat_websocket_sessions_total{{path="fast"}} {clients}.0' in text, text[-2000:]
                    assert 'eventcat_websocket_sessions_total{path="stock"} 0.0' in text
        finally:
            await publisher.close()
            for client in (on_a, on_b, outsider):
                await client.close()
        assert a.alive() and b.alive()


async def test_subscriptions_and_last_event_id_follow_the_user_to_another_node(fresh_redis: RedisServer) -> None:
    """Kept in Redis: a user who subscribed on A is back in the channel on B without asking, and python-socketio's
    `lastEventId` replays on B what was published (on A) while the user was away."""
    async with nodes(fresh_redis.url) as (a, b):
        order, token = order_user("follow")
        first = await subscribed(a.url, token, order)
        try:
            async with httpx.AsyncClient(timeout=5) as api:
                await post_event(api, a, order, 0)
                await first.until(lambda: first.numbers == [0], "n=0")
                last_seen = str(first.offsets[-1])
        finally:
            await first.close()
        async with httpx.AsyncClient(timeout=5) as api:
            for n in range(1, 6):
                await post_event(api, a, order, n)
            second = await py_connect(b.url, token, lastEventId=last_seen)
            try:
                assert second.connected[0].get("restoredChannels") == [f"order_{order}"], second.connected
                await second.until(lambda: second.numbers == [1, 2, 3, 4, 5], "the missed events, on B")
                await post_event(api, a, order, 6)
                await second.until(lambda: second.numbers == [1, 2, 3, 4, 5, 6], "a live event from A")
            finally:
                await second.close()


# -- (b) the client moves from A to B ---------------------------------------------------------------------------------


@dataclass
class Move:
    """What a run of `move_to_b` saw."""

    lines: list[dict[str, Any]]
    numbers: list[int]
    total: int
    gap: range
    watcher: list[int]
    replay_ms: float
    connect_ms: float

    def step(self, name: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line["step"] == name]


async def move_to_b(redis_url: str, cut: str, gap: int = 1000) -> Move:
    """The official client on A, subscribed; cut from A (`drop`: it closes its transport, A stays up; `kill`: A gets
    SIGKILL); `gap` events are published on B meanwhile; then the client comes back on B with its pid and offset,
    and live events follow."""
    async with nodes(redis_url) as (a, b):
        order, token = order_user("mover")
        channel = f"order_{order}"
        watcher = await subscribed(b.url, order_token(order, "bwatch"), order)  # B delivers to a local client too
        config = {"url": a.url, "switchTo": b.url, "token": token, "channel": channel, "timeoutMs": 25_000}
        try:
            async with node_script(config) as script, httpx.AsyncClient(timeout=5) as api:
                await script.wait_for("subscribed")
                for n in range(20):
                    await post_event(api, b, order, n)
                await script.wait_for("event", lambda line: line["n"] == 19)

                if cut == "kill":
                    os.kill(a.process.pid, signal.SIGKILL)
                else:
                    await script.send("drop")
                await script.wait_for("disconnected")
                for n in range(20, 20 + gap):  # a tight loop on B while the client is away
                    await post_event(api, b, order, n)
                published = 20 + gap

                await script.send("reconnect")
                back = await script.wait_for("connected", lambda line: line["index"] == 1, timeout=10)
                if back["recovered"]:
                    await script.wait_for("event", lambda line: line["n"] == published - 1, timeout=10)
                # Then live events, once the replay is over (concurrent ones: see the chain test below).
                await asyncio.sleep(0.2)
                for n in range(published, published + 5):
                    await post_event(api, b, order, n)
                total = published + 5
                await watcher.until(lambda: bool(watcher.numbers) and watcher.numbers[-1] == total - 1, "the end")
                await script.send(f"end {total - 1}")
                status = await script.finish()
                assert status == 0, script.tail()
        finally:
            await watcher.close()
        assert b.alive(), b.log()
        lines = script.lines
        reconnecting = next(line for line in lines if line["step"] == "reconnecting")
        connected = [line for line in lines if line["step"] == "connected"][1]
        last_gap = next(
            (line for line in lines if line["step"] == "event" and line["n"] == 20 + gap - 1), {"t": float("nan")}
        )
        return Move(
            lines=lines,
            numbers=script.numbers(),
            total=total,
            gap=range(20, 20 + gap),
            watcher=watcher.numbers,
            replay_ms=last_gap["t"] - reconnecting["t"],
            connect_ms=connected["t"] - reconnecting["t"],
        )


def assert_recovered_on_b(move: Move, channel_prefix: str = "order_") -> None:
    first, second = move.step("connected")
    assert second["url"] != first["url"]
    assert second["recovered"] is True, second
    assert second["pid"] == first["pid"], (first, second)
    assert second["payload"].get("recovered") is True, second
    assert [c for c in second["payload"].get("restoredChannels", []) if c.startswith(channel_prefix)], second
    assert_once_in_order(move.numbers, list(range(move.total)))
    replayed = [line["n"] for line in move.step("event") if line["index"] == 1]
    assert set(move.gap) <= set(replayed), "the gap's events came on B"
    assert_once_in_order(move.watcher, list(range(move.total)))


async def test_a_client_dropped_from_a_recovers_on_b_with_1000_missed_events(fresh_redis: RedisServer) -> None:
    """Node A stays up (it saves the session as the client's transport closes); the client comes back on B."""
    move = await move_to_b(fresh_redis.url, "drop")
    print(
        f"\nrecovery on B with 1000 missed events: CONNECT after {move.connect_ms:.0f} ms, "
        f"last missed event after {move.replay_ms:.0f} ms"
    )
    assert_recovered_on_b(move)
    assert move.replay_ms < 5000, move.replay_ms


async def test_a_client_cut_from_a_killed_node_recovers_on_b_with_1000_missed_events(
    fresh_redis: RedisServer,
) -> None:
    """Node A dies with SIGKILL (no disconnect handler runs there): what it had saved of the session in Redis is
    enough for B to recover the client."""
    move = await move_to_b(fresh_redis.url, "kill")
    print(
        f"\nafter SIGKILL of A: CONNECT on B after {move.connect_ms:.0f} ms, "
        f"last missed event after {move.replay_ms:.0f} ms"
    )
    assert_recovered_on_b(move)
    assert move.replay_ms < 5000, move.replay_ms


# -- (c) Redis restarted under load -----------------------------------------------------------------------------------


async def test_nodes_survive_a_redis_restart_under_load(fresh_redis: RedisServer) -> None:
    async with nodes(fresh_redis.url) as (a, b):
        order, token = order_user("outage")
        on_a = await subscribed(a.url, token, order)
        on_b = await subscribed(b.url, order_token(order, "owatch"), order)
        acks: list[Any] = []
        on_a.sio.on("heartbeat_ack", lambda payload: acks.append(payload))
        published: list[int] = []
        stop = asyncio.Event()
        try:
            async with httpx.AsyncClient(timeout=5) as api:

                async def load() -> None:  # a steady stream published on A
                    n = 0
                    while not stop.is_set():
                        await post_event(api, a, order, n)
                        published.append(n)
                        n += 1
                        await asyncio.sleep(0.01)

                publisher = asyncio.create_task(load())
                try:
                    await on_b.until(lambda: len(on_b.numbers) >= 10, "cross-node delivery before the outage")

                    fresh_redis.stop()
                    for node in (a, b):
                        await node.wait_log(UNAVAILABLE)
                    outage_start = len(published)
                    # Local clients are served: the stream published on A keeps reaching A's client...
                    await on_a.until(
                        lambda: len([n for n in on_a.numbers if n >= outage_start]) >= 20,
                        "local delivery in the outage",
                    )
                    # ...its heartbeat is answered, a new client can connect, and /healthz says Redis is down.
                    await on_a.sio.emit("heartbeat", {"timestamp": int(time.time() * 1000)})
                    await on_a.until(lambda: bool(acks), "heartbeat_ack during the outage")
                    newcomer = await py_connect(a.url, make_token(unique_user("newcomer")))
                    await newcomer.close()
                    health = (await api.get(f"{a.url}/healthz")).json()
                    assert health["status"] == "ok" and health["state"]["redis"] == "down", health
                    outage_end = len(published)
                    assert on_b.numbers and max(on_b.numbers) < outage_start + 5, "B cannot hear A without Redis"

                    fresh_redis.start()
                    for node in (a, b):
                        back = await node.wait_log(BACK, timeout=15)
                        assert back > node.messages().index(UNAVAILABLE)
                    resumed = len(published)
                    await on_b.until(
                        lambda: any(n >= resumed for n in on_b.numbers), "cross-node delivery after the restart", 10
                    )
                finally:
                    stop.set()
                    await publisher
                last = len(published)
                await post_event(api, a, order, last)
                await on_a.until(lambda: last in on_a.numbers, "the last event on A")
                await on_b.until(lambda: last in on_b.numbers, "the last event on B")
                health = (await api.get(f"{a.url}/healthz")).json()
                assert health["state"]["redis"] == "up", health
        finally:
            await on_a.close()
            await on_b.close()

        assert a.alive() and b.alive(), (a.log()[-2000:], b.log()[-2000:])
        assert "replay log unavailable: delivered to this node only" in a.messages()
        for client in (on_a, on_b):
            assert len(set(client.numbers)) == len(client.numbers), "duplicates"
        # Everything published on A while Redis was down reached A's client, in order.
        during = [n for n in on_a.numbers if outage_start <= n < outage_end]
        assert during == list(range(outage_start, outage_end)), during
        # Once Redis is back, both nodes deliver everything, in order.
        after_a = [n for n in on_a.numbers if n >= resumed]
        after_b = [n for n in on_b.numbers if n >= resumed]
        tail = list(range(after_b[0], last + 1))
        assert after_b == tail, after_b
        assert [n for n in after_a if n >= after_b[0]] == tail
        # Warnings only: nothing failed unhandled (an error record, or a traceback outside a logged record).
        for node in (a, b):
            assert not [r for r in node.records() if r.get("level") in ("error", "critical")], node.log()[-6000:]
            assert not [line for line in node.log().splitlines() if not line.startswith("{")], node.log()[-6000:]


# -- exactly once on a node busy delivering from the stream -----------------------------------------------------------

# A backend in its own process: the generated Events over a RedisPublisher, as fast as it can.
BURST = """
import asyncio, sys
from datetime import UTC, datetime
from eventcat_runtime.publisher import RedisPublisher
from rez_realtime import REGISTRY, Events

async def main(url, order, start, stop, pause):
    publisher = RedisPublisher(REGISTRY, url)
    events = Events(publisher)
    for n in range(start, stop):
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        await events.emit_untyped(
            "order_status_update",
            {"orderId": order, "orderNumber": "ORD-1", "status": "preparing", "timestamp": stamp, "message": f"n={n}"},
        )
        if pause:
            await asyncio.sleep(pause)
    await publisher.close()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])))
"""


async def test_replay_on_a_busy_node_is_exactly_once(fresh_redis: RedisServer) -> None:
    """Clients come back with `lastEventId` while the node's delivery loop works through a backlog from the stream
    (a backend in another process publishes faster than the node delivers, and a local client in the room makes
    each delivery yield to the event loop): each one must get every event once, by replay or live."""
    async with nodes(fresh_redis.url, count=1) as (node,):
        order, token = order_user("busy")
        watcher = await subscribed(node.url, token, order)
        returning: list[tuple[str, str]] = []
        clients: list[PyClient] = []
        burst: asyncio.subprocess.Process | None = None
        try:
            for n in range(6):
                token_i = order_token(order, "ret")
                client = await subscribed(node.url, token_i, order)
                async with httpx.AsyncClient(timeout=5) as api:
                    await post_event(api, node, order, n)
                await client.until(lambda c=client: bool(c.numbers), "an event")
                returning.append((token_i, str(client.offsets[-1])))
                await client.close()
            start, total = 6, 6 + 1500
            await watcher.until(lambda: len(watcher.numbers) == start, "the first events")
            burst = await asyncio.create_subprocess_exec(
                sys.executable, "-c", BURST, fresh_redis.url, order, str(start), str(total), "0", cwd=ROOT
            )
            await watcher.until(lambda: len(watcher.numbers) > start + 200, "the burst")
            clients = list(await asyncio.gather(*(py_connect(node.url, t, lastEventId=o) for t, o in returning)))
            assert await asyncio.wait_for(burst.wait(), 15) == 0
            await watcher.until(lambda: watcher.numbers[-1] == total - 1, "the end of the burst", timeout=15)
            for client in clients:
                await client.until(lambda c=client: bool(c.numbers) and c.numbers[-1] == total - 1, "the end", 15)
            assert_once_in_order(watcher.numbers, list(range(total)))
            problems = []
            for client, first in zip(clients, range(1, start + 1), strict=True):
                expected = list(range(first, total))
                if client.numbers != expected:
                    missing = sorted(set(expected) - set(client.numbers))
                    doubled = sorted({n for n in client.numbers if client.numbers.count(n) > 1})
                    problems.append(f"after n={first - 1}: missing {missing[:10]} ({len(missing)}), doubled {doubled}")
            assert not problems, problems
        finally:
            if burst is not None and burst.returncode is None:
                burst.kill()
                await burst.wait()
            await watcher.close()
            for client in clients:
                await client.close()


async def test_every_reconnect_under_live_traffic_is_exactly_once(fresh_redis: RedisServer) -> None:
    """A chain of 300 short connections of the official client, each coming back with `lastEventId` (over 34 users,
    to stay within the storm limit; tests/ts/chain.mjs), while events are published on the node at a steady pace
    and delivered live to a client that stays in the room: along the chain every event arrives once, in order,
    whether by replay or live."""
    async with nodes(fresh_redis.url, count=1) as (node,):
        order, token = order_user("chain")
        stayer = await subscribed(node.url, token, order)
        config = {
            "url": node.url,
            "tokens": [order_token(order, "hop") for _ in range(34)],
            "channel": f"order_{order}",
            "perToken": 9,  # plus the subscribing connection: 10 a user, the default limit a minute
            "timeoutMs": 40_000,
        }
        published = 0
        try:
            async with node_script(config, "chain.mjs") as chain, httpx.AsyncClient(timeout=5) as api:
                await chain.wait_for("ready", timeout=15)
                await chain.send("start")
                deadline = time.monotonic() + 12
                while not chain.steps("hopped") and time.monotonic() < deadline:
                    await post_event(api, node, order, published)
                    published += 1
                    await asyncio.sleep(0.002)
                await chain.send(f"end {published - 1}")
                done = await chain.wait_for("done", timeout=10)
                await stayer.until(lambda: published - 1 in stayer.numbers, "the last event")
        finally:
            await stayer.close()
        print(f"\n{done['hops']} reconnections during {published} events")
        assert_once_in_order(stayer.numbers, list(range(published)))
        assert done["hops"] >= 100, done
        assert done["missing"] == [] and done["duplicated"] == [] and done["ordered"], done


async def test_both_grant_stores_answer_holds_as_they_list_their_grants(fresh_redis: RedisServer) -> None:
    """may_enter asks a store whether it holds one room: in memory and on Redis, the answer is membership in what
    the store lists for the user (its grants and the token's rooms), through grants and revocations."""
    import redis.asyncio as aioredis
    from eventcat_runtime.policy import InMemoryPolicy, Principal, RedisPolicy

    client = aioredis.from_url(fresh_redis.url)
    try:
        for store in (InMemoryPolicy(), RedisPolicy(client, "holds-test")):
            user = Principal(user_id="u1", rooms=frozenset({"order:from_token"}))
            await store.add_grants("u1", ["order:a", "order:b"])
            rooms = ("order:a", "order:b", "order:from_token", "order:never")
            assert [await store.holds(user, r) for r in rooms] == [True, True, True, False], store
            assert [await store.holds(user, r) for r in rooms] == [r in await store.granted_now(user) for r in rooms]
            await store.remove_grants("u1", ["order:a"])
            assert not await store.holds(user, "order:a") and await store.holds(user, "order:b"), store
            assert not await store.holds(Principal(user_id="u2"), "order:b"), store
    finally:
        await client.aclose()
