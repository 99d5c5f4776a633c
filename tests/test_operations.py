"""Operations against live servers and real clients: rate limits, payload limits, compression, metrics, logs and
the admin views' credentials. (The Admin UI in a browser: test_admin_browser.py; the load test: test_loadtest.py.)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import socketio
from eventcat_runtime.app import buffer_size
from eventcat_runtime.settings import Settings
from prometheus_client.parser import text_string_to_metric_families
from rez_realtime import REGISTRY
from websockets.asyncio.client import connect as ws_connect

from .conftest import ROOT, run_cli
from .live import SECRET, SERVICE_TOKEN, Client, LiveServer, make_token, serve, unique_user

ADMIN = ("ops", "correct horse battery staple")
LARGEST = max(spec.max_payload_bytes for spec in REGISTRY.events.values() if spec.inbound)


def missing(what: str) -> None:
    """Something the test needs is not installed: a failure under CI=true, a skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; under CI=true this test must run")
    pytest.skip(what)


def settings(**changes: Any) -> Settings:
    base: dict[str, Any] = {"jwt_secret": SECRET, "service_token": SERVICE_TOKEN, "log_level": "warning"}
    return Settings(**{**base, **changes})


@contextlib.asynccontextmanager
async def running(**changes: Any) -> AsyncIterator[LiveServer]:
    async with serve(settings(**changes)) as live:
        yield live


@pytest.fixture(scope="module")
async def ops() -> AsyncIterator[LiveServer]:
    """Defaults, with the admin views on: the production-like server of this module."""
    async with running(admin_username=ADMIN[0], admin_password=ADMIN[1]) as live:
        yield live


@pytest.fixture
async def server(ops: LiveServer) -> AsyncIterator[LiveServer]:
    yield ops
    await ops.close_clients()


# -- helpers -----------------------------------------------------------------------------------------------------


async def scrape(live: LiveServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, parsed by prometheus_client's own parser: (name, sorted labels) -> value."""
    async with httpx.AsyncClient(base_url=live.url, timeout=5) as http:
        response = await http.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain"), response.headers
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def metric(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def ack_of(client: Client, event: str, payload: Any) -> Any:
    return await client.call(event, payload)


def rate_limited(ack: Any) -> dict[str, Any]:
    """The error of a RATE_LIMITED ack, checked against the contract."""
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    error = ack["error"]
    assert error["code"] == "RATE_LIMITED", ack
    retry = error["details"]["retryAfterMs"]
    assert isinstance(retry, int) and retry >= 1, error
    return dict(error)


def subscribe(channel: str = "leaderboard_daily") -> dict[str, str]:
    return {"channel": channel}


# -- rate limits -------------------------------------------------------------------------------------------------


async def test_event_rate_limit_with_retry_after(server: LiveServer) -> None:
    """subscribe is 10/s in the catalog: a burst of 10 passes, the 11th is RATE_LIMITED with retryAfterMs, and after
    that delay it passes again."""
    rate = REGISTRY.events["subscribe"].rate
    assert rate == (10, 1), rate
    client = await server.connect()
    acks = await asyncio.gather(*(ack_of(client, "subscribe", subscribe()) for _ in range(10)))
    assert all(a.get("ok") is True for a in acks), acks
    error = rate_limited(await ack_of(client, "subscribe", subscribe()))
    assert error["details"]["event"] == "subscribe" and error["details"]["scope"] == "event", error
    # One token every 100 ms: the delay is at most that, and it is honest.
    assert 1 <= error["details"]["retryAfterMs"] <= 100, error
    await asyncio.sleep(error["details"]["retryAfterMs"] / 1000 + 0.02)
    assert (await ack_of(client, "subscribe", subscribe())).get("ok") is True
    # Other events have their own buckets: unsubscribe is not limited by subscribe's.
    assert (await ack_of(client, "unsubscribe", subscribe())).get("ok") is True


async def test_without_ack_one_error_per_retry_delay(server: LiveServer) -> None:
    """heartbeat is 2/s and takes no ack: 2 answered, then one `error` RATE_LIMITED for the next ones, not one per
    dropped event (the server does not flood a flooder back)."""
    client = await server.connect()
    before = await scrape(server)
    for i in range(12):
        await client.emit("heartbeat", {"timestamp": 1_000 + i})
    await client.wait_for("heartbeat_ack", 2)
    await client.wait_for("error", 1)
    await server.barrier(client)
    errors = client.payloads("error")
    assert [e["code"] for e in errors] == ["RATE_LIMITED"], errors
    assert errors[0]["details"]["event"] == "heartbeat" and errors[0]["details"]["retryAfterMs"] <= 500, errors
    assert [a["timestamp"] for a in client.payloads("heartbeat_ack")] == [1_000, 1_001]
    after = await scrape(server)
    limited = metric(after, "eventcat_rate_limited_total", event="heartbeat", scope="event") - metric(
        before, "eventcat_rate_limited_total", event="heartbeat", scope="event"
    )
    assert limited == 10, limited


async def test_connection_limit_counts_every_event() -> None:
    """--rate-connection 5/3s: five events of different names pass, the sixth is refused whatever its name. (A
    period of seconds, not 5/s: on a busy machine five round trips can take the 200 ms that refill a 5/s bucket.)"""
    async with running(rate_connection="5/3s") as live:
        client = await live.connect()
        for event in ("subscribe", "unsubscribe", "subscribe", "unsubscribe", "subscribe"):
            assert (await ack_of(client, event, subscribe())).get("ok") is True
        error = rate_limited(await ack_of(client, "unsubscribe", subscribe()))
        assert error["details"]["scope"] == "connection", error
        # At most one token's interval (3/5 s); how much of it is left depends on how fast the five went through.
        assert 0 < error["details"]["retryAfterMs"] <= 600, error
        # Unknown names are limited too (and still answered UNKNOWN_EVENT once there is a token).
        rate_limited(await ack_of(client, "no_such_event", {}))
        await asyncio.sleep(0.65)
        ack = await ack_of(client, "no_such_event", {})
        assert ack["error"]["code"] == "UNKNOWN_EVENT", ack


async def test_rate_limits_can_be_turned_off() -> None:
    async with running(rate_limits=False) as live:
        client = await live.connect()
        acks = await asyncio.gather(*(ack_of(client, "subscribe", subscribe()) for _ in range(30)))
        assert all(a.get("ok") is True for a in acks), [a for a in acks if not a.get("ok")][:1]


async def test_abuse_disconnects_with_a_reason(caplog: pytest.LogCaptureFixture) -> None:
    """--rate-abuse 20/10s: the 20th refusal sends `disconnected {reason: rate_limited}` and closes the socket;
    metrics count the disconnect by that reason; the log says who, and why."""
    async with running(rate_abuse="20/10s") as live:
        flooder = await live.connect()
        witness = await live.connect()
        caplog.set_level(logging.INFO, logger="eventcat")
        for i in range(40):
            if not flooder.sio.connected:
                break
            with contextlib.suppress(socketio.exceptions.BadNamespaceError):
                await flooder.emit("heartbeat", {"timestamp": i})
        [notice] = await flooder.wait_for("disconnected")
        assert notice["reason"] == "rate_limited", notice
        deadline = time.monotonic() + 5
        while flooder.sio.connected and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert not flooder.sio.connected, "the server kept the flooder"
        # The other connection is untouched.
        assert (await ack_of(witness, "subscribe", subscribe())).get("ok") is True
        samples = await scrape(live)
        assert metric(samples, "eventcat_disconnects_total", reason="rate_limited") == 1
        cut = [r for r in caplog.records if r.getMessage().startswith("disconnecting")]
        assert len(cut) == 1, [r.getMessage() for r in caplog.records]
        assert cut[0].__dict__["user"] == flooder.user and cut[0].__dict__["code"] == "RATE_LIMITED"
        limited = [r for r in caplog.records if r.getMessage() == "rate limited"]
        assert limited and {"sid", "user", "event", "code"} <= set(limited[0].__dict__), limited


def _flooder(url: str, user: str, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.flood", url, make_token(user), str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _heartbeat_rtts(client: Client, count: int) -> list[float]:
    """Round trips of heartbeat → heartbeat_ack, one every 0.55 s (the catalog allows 2/s)."""
    rtts = []
    for _ in range(count):
        stamp = int(time.time() * 1000) + len(client.received)
        before = len(client.payloads("heartbeat_ack"))
        started = time.perf_counter()
        await client.emit("heartbeat", {"timestamp": stamp})
        got = await client.wait_for("heartbeat_ack", before + 1, timeout=10)
        rtts.append(time.perf_counter() - started)
        assert got[-1] == {"timestamp": stamp}
        await asyncio.sleep(max(0.0, 0.55 - rtts[-1]))
    return rtts


async def _wait_line(process: subprocess.Popen[str], expected: str, timeout: float) -> None:
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), timeout)
    assert line.strip() == expected, (line, process.stderr.read() if process.stderr else "")


async def test_a_flooder_does_not_hurt_other_clients() -> None:
    """A client flooding from another process (never cut here: --rate-abuse off) is RATE_LIMITED, while another
    client's heartbeat round trip stays within a generous bound of its baseline and none of its events is lost."""
    async with running(rate_abuse="off") as live:
        client = await live.connect()
        baseline = await _heartbeat_rtts(client, 5)
        process = _flooder(live.url, unique_user("flooder"), 6.0)
        try:
            await _wait_line(process, "flooding", 15)
            await asyncio.sleep(0.3)
            under_flood = await _heartbeat_rtts(client, 6)
            out, err = await asyncio.wait_for(asyncio.to_thread(process.communicate), 30)
        finally:
            if process.poll() is None:
                process.kill()
        result = json.loads(out.strip().splitlines()[-1])
        assert result["sent"] > 500, (result, err)
        assert result["errors"].get("RATE_LIMITED", 0) >= 1, result
        assert not result["cut"], result
        base, flood = statistics.median(baseline), statistics.median(under_flood)
        # Generous: the flood costs the server some CPU, but a neighbour must not wait on it.
        assert flood <= max(10 * base, 0.1), (baseline, under_flood, result)
        assert max(under_flood) <= 0.5, (baseline, under_flood, result)
        print(f"heartbeat RTT median {base * 1000:.2f} ms alone, {flood * 1000:.2f} ms while {result['sent']} events")


async def test_a_flooder_is_cut_while_others_get_every_event() -> None:
    """Default limits: the flooder is limited, then disconnected (rate_limited); a second client subscribed to a
    leaderboard gets every one of the events published meanwhile, in order."""
    async with running() as live:
        client = await live.connect()
        assert (await ack_of(client, "subscribe", subscribe("leaderboard_weekly"))).get("ok") is True
        process = _flooder(live.url, unique_user("flooder"), 10.0)
        sent = 0
        try:
            await _wait_line(process, "flooding", 15)
            while process.poll() is None and sent < 200:
                payload = {
                    "period": "weekly",
                    "rankings": [{"rank": 1, "userId": "u1", "userName": "A", "points": sent, "change": 0}],
                    "updatedAt": "2025-10-27T14:30:00Z",
                }
                await live.events.emit_untyped("leaderboard_update", payload)
                sent += 1
                await asyncio.sleep(0.005)
            out, err = await asyncio.wait_for(asyncio.to_thread(process.communicate), 30)
        finally:
            if process.poll() is None:
                process.kill()
        result = json.loads(out.strip().splitlines()[-1])
        assert result["cut"] and result["reasons"] == ["rate_limited"], (result, err)
        assert result["errors"].get("RATE_LIMITED", 0) >= 1, result
        await live.barrier(client)
        points = [p["rankings"][0]["points"] for p in client.payloads("leaderboard_update")]
        assert points == list(range(sent)), (sent, points[:10])


# -- payload limits ----------------------------------------------------------------------------------------------


def test_buffer_size_comes_from_the_catalog() -> None:
    assert buffer_size(REGISTRY, Settings()) == 3 * LARGEST + 4096
    assert buffer_size(REGISTRY, Settings(max_buffer_bytes=50_000)) == 50_000


async def test_engineio_advertises_the_buffer_size(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        response = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
    handshake = json.loads(response.text[1:])
    assert handshake["maxPayload"] == 3 * LARGEST + 4096, handshake


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_oversize_payloads_on_both_transports(server: LiveServer, transport: str) -> None:
    """Over the catalog's limit but within the buffer: PAYLOAD_TOO_LARGE and the connection lives. Over the buffer:
    the server closes that connection before parsing it, and no one else notices."""
    user = unique_user()
    sio = socketio.AsyncClient(reconnection=False)
    acks: list[Any] = []
    await sio.connect(server.url, auth={"token": make_token(user)}, transports=[transport], wait_timeout=5)
    try:
        witness = await server.connect()
        over_limit = {"channel": "offers_" + "c" * LARGEST}
        ack = await sio.call("subscribe", over_limit, timeout=10)
        assert ack["error"]["code"] == "PAYLOAD_TOO_LARGE", ack
        assert ack["error"]["details"]["limit"] == LARGEST, ack
        acks.append(await sio.call("subscribe", subscribe(), timeout=10))
        assert acks[-1]["ok"] is True, acks
        over_buffer = {"channel": "offers_" + "c" * (3 * LARGEST + 4096)}
        with contextlib.suppress(socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
            await sio.emit("subscribe", over_buffer)
        deadline = time.monotonic() + 10
        while sio.connected and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert not sio.connected, f"the server kept a {transport} connection that sent an oversize message"
        assert (await ack_of(witness, "subscribe", subscribe())).get("ok") is True
    finally:
        await sio.disconnect()


# -- compression -------------------------------------------------------------------------------------------------


def _ws_url(live: LiveServer, user: str) -> str:
    return f"ws://127.0.0.1:{live.port}/socket.io/?EIO=4&transport=websocket&token={make_token(user)}"


async def _negotiated(live: LiveServer, offer: bool) -> str | None:
    async with ws_connect(_ws_url(live, unique_user()), compression="deflate" if offer else None) as ws:
        assert ws.response is not None
        return ws.response.headers.get("Sec-WebSocket-Extensions")


async def test_websocket_deflate_is_negotiated(server: LiveServer) -> None:
    extensions = await _negotiated(server, offer=True)
    assert extensions is not None and "permessage-deflate" in extensions, extensions
    assert await _negotiated(server, offer=False) is None


async def _rsv1_by_size(live: LiveServer, sizes: list[int]) -> list[tuple[int, bool]]:
    """Subscribe a deflate-offering WebSocket client to its cart, publish carts of these sizes, and say for each
    message as it arrived whether it was compressed (RSV1, read by the client's own permessage-deflate decoder)."""
    user = unique_user()
    seen: list[tuple[int, bool]] = []
    async with ws_connect(_ws_url(live, user), compression="deflate") as ws:
        [extension] = ws.protocol.extensions
        decode = extension.decode

        def recording(frame: Any, *, max_size: int | None = None) -> Any:
            decoded = decode(frame, max_size=max_size)
            seen.append((len(decoded.data), bool(frame.rsv1)))
            return decoded

        extension.decode = recording  # type: ignore[method-assign]
        await ws.recv()  # Engine.IO open
        await ws.send("40")
        while not str(await ws.recv()).startswith("40"):
            pass
        await ws.send('421["subscribe",{"channel":"cart"}]')
        while not str(await ws.recv()).startswith("431"):
            pass
        seen.clear()
        for items in sizes:
            await live.events.emit_untyped("cart_sync", big_cart(user, items))
            while '"cart_sync"' not in str(await ws.recv()):
                pass
    return [entry for entry in seen if entry[0] > 100]


async def test_websocket_deflate_only_from_the_threshold_up(server: LiveServer) -> None:
    """Small messages go uncompressed (RSV1 unset) on a deflate connection; those of 1024 bytes or more are
    compressed."""
    seen = await _rsv1_by_size(server, [1, 40, 1, 40])
    assert len(seen) == 4, seen
    assert [compressed for _, compressed in seen] == [size >= 1024 for size, _ in seen] == [False, True] * 2, seen


async def test_websocket_deflate_can_be_turned_off() -> None:
    async with running(ws_compression=False) as live:
        assert await _negotiated(live, offer=True) is None


async def test_gzip_on_large_http_responses(server: LiveServer) -> None:
    """/metrics is several KB: gzip when asked; /healthz is under the threshold: sent as it is."""
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        big = await http.get("/metrics", headers={"Accept-Encoding": "gzip"})
        assert big.headers.get("content-encoding") == "gzip", big.headers
        raw = await http.get("/metrics", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in raw.headers
        assert len(raw.content) > 1024
        small = await http.get("/healthz", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in small.headers, small.headers
    async with running(http_compression=False) as live, httpx.AsyncClient(base_url=live.url, timeout=5) as http:
        plain = await http.get("/metrics", headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in plain.headers, plain.headers


async def test_gzip_on_large_long_polling_payloads(server: LiveServer) -> None:
    """A long-polling client that accepts gzip gets a large cart_sync compressed (Engine.IO's http_compression)."""
    user = unique_user()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        opened = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
        sid = json.loads(opened.text[1:])["sid"]
        query = {"EIO": "4", "transport": "polling", "sid": sid}
        posted = await http.post("/socket.io/", params=query, content="40" + json.dumps({"token": make_token(user)}))
        assert posted.status_code == 200, posted.text
        got = ""
        deadline = time.monotonic() + 5
        while '"connected"' not in got and time.monotonic() < deadline:
            got += (await http.get("/socket.io/", params=query)).text
        assert '"connected"' in got, got
        subscribing = '4217["subscribe",{"channel":"cart"}]'
        assert (await http.post("/socket.io/", params=query, content=subscribing)).status_code == 200
        got = ""
        while '"ok":true' not in got and time.monotonic() < deadline:
            got += (await http.get("/socket.io/", params=query)).text
        assert '"ok":true' in got, got
        await server.events.emit_untyped("cart_sync", big_cart(user, 30))
        response = await http.get("/socket.io/", params=query, headers={"Accept-Encoding": "gzip"})
        assert response.headers.get("content-encoding") == "gzip", response.headers
        assert '"cart_sync"' in response.text
        assert len(gzip.compress(response.content)) < len(response.content)


def big_cart(user: str, items: int) -> dict[str, Any]:
    lines = [
        {
            "productId": f"prod_{i:04d}",
            "name": f"Organic cold-pressed juice, {i % 7 + 1} x 250 ml",
            "image": f"https://cdn.rez.example/products/prod_{i:04d}/main.jpg",
            "quantity": i % 3 + 1,
            "unitPrice": 3.49,
            "lineTotal": round(3.49 * (i % 3 + 1), 2),
            "reservedUntil": "2025-10-27T15:00:00Z",
        }
        for i in range(items)
    ]
    total = round(sum(float(line["lineTotal"]) for line in lines), 2)
    return {
        "userId": user,
        "items": lines,
        "itemCount": sum(int(line["quantity"]) for line in lines),
        "subtotal": total,
        "discount": 0.0,
        "total": total,
        "currency": "EUR",
        "updatedAt": "2025-10-27T14:30:00Z",
    }


# -- metrics -----------------------------------------------------------------------------------------------------


async def test_every_metric_moves_with_real_traffic(server: LiveServer) -> None:
    """Each metric is read before and after the traffic that should move it, through prometheus_client's parser."""
    before = await scrape(server)
    client = await server.connect()
    other = await server.connect()
    await server.refused(token=None)  # AUTH_REQUIRED
    await server.refused(token=make_token(unique_user(), secret="wrong" * 8))  # AUTH_INVALID
    assert (await ack_of(client, "subscribe", subscribe("leaderboard_monthly"))).get("ok") is True
    bad = await ack_of(client, "subscribe", {"channel": 42})
    assert bad["error"]["code"] == "VALIDATION_ERROR", bad
    unknown = await ack_of(client, "made_up_event", {})
    assert unknown["error"]["code"] == "UNKNOWN_EVENT", unknown
    for _ in range(3):
        await client.emit("heartbeat", {"timestamp": 5})
    await client.wait_for("error")
    during = await scrape(server)
    other_sid = other.sid
    await other.close()
    deadline = time.monotonic() + 5
    while other_sid in server.app.server.connections and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    after = await scrape(server)

    def moved(name: str, by: float | None = None, **labels: str) -> None:
        delta = metric(after, name, **labels) - metric(before, name, **labels)
        assert (delta == by) if by is not None else delta > 0, (name, labels, delta)

    moved("eventcat_connects_total", 2)
    moved("eventcat_auth_failures_total", 1, code="AUTH_REQUIRED")
    moved("eventcat_auth_failures_total", 1, code="AUTH_INVALID")
    moved("eventcat_events_in_total", 1, event="subscribe")
    moved("eventcat_events_in_total", 2, event="heartbeat")
    moved("eventcat_events_out_total", 2, event="connected")
    moved("eventcat_events_out_total", 2, event="heartbeat_ack")
    moved("eventcat_events_refused_total", 1, event="subscribe", code="VALIDATION_ERROR")
    moved("eventcat_events_refused_total", 1, event="(other)", code="UNKNOWN_EVENT")
    moved("eventcat_events_refused_total", 1, event="heartbeat", code="RATE_LIMITED")
    moved("eventcat_rate_limited_total", 1, event="heartbeat", scope="event")
    moved("eventcat_handler_seconds_count", 1, event="subscribe")
    moved("eventcat_handler_seconds_count", 2, event="heartbeat")
    # python-socketio's client closes the transport as it leaves: that is the reason the server sees.
    moved("eventcat_disconnects_total", 1, reason="transport_close")
    assert metric(during, "eventcat_connections") - metric(before, "eventcat_connections") == 2
    assert metric(after, "eventcat_connections") == metric(during, "eventcat_connections") - 1
    assert metric(during, "eventcat_rooms") >= metric(before, "eventcat_rooms") + 3  # two user rooms, a leaderboard
    assert metric(after, "process_resident_memory_bytes") > 0
    # Label values come from the catalog only: a client cannot add series with made-up names.
    assert not any(("made_up_event") in dict(labels).values() for _, labels in after)


async def test_replay_and_recovery_metrics(server: LiveServer) -> None:
    """A client that comes back with lastEventId gets what it missed: replayed events are counted; one that
    comes back with an offset no longer in the log counts as expired."""
    before = await scrape(server)
    user = unique_user()
    client = await server.connect(user)
    assert (await ack_of(client, "subscribe", subscribe("cart"))).get("ok") is True
    await server.events.emit_untyped("cart_sync", big_cart(user, 1))
    await client.wait_for("cart_sync")
    offset = client.offsets[-1]
    await client.close()
    await server.events.emit_untyped("cart_sync", big_cart(user, 2))
    token = make_token(user)
    sio = socketio.AsyncClient(reconnection=False)
    got: list[str] = []
    sio.on("cart_sync", lambda payload, *rest: got.append(payload["itemCount"]))
    await sio.connect(server.url, auth={"token": token, "lastEventId": offset}, transports=["websocket"])
    deadline = time.monotonic() + 5
    while not got and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    await sio.disconnect()
    assert got, "nothing replayed"
    after = await scrape(server)
    assert metric(after, "eventcat_replayed_events_total") - metric(before, "eventcat_replayed_events_total") >= 1
    assert metric(after, "eventcat_replay_log_entries") >= 2


async def test_metrics_count_websocket_sessions_by_delivery_path(server: LiveServer) -> None:
    """Every WebSocket session of `eventcat serve`'s configuration is on the fast path; none on the stock one."""
    before = await scrape(server)
    await server.connect()
    await server.connect()
    after = await scrape(server)
    fast = "eventcat_websocket_sessions_total"
    assert metric(after, fast, path="fast") - metric(before, fast, path="fast") == 2, after
    assert metric(after, fast, path="stock") == 0, after


async def test_metrics_registries_are_per_server(server: LiveServer) -> None:
    """Two servers in one process: each counts its own connections."""
    async with running() as other:
        mine_before = await scrape(server)
        await other.connect()
        mine_after, theirs = await scrape(server), await scrape(other)
        assert metric(theirs, "eventcat_connects_total") == 1
        assert metric(theirs, "eventcat_connections") == 1
        assert metric(mine_after, "eventcat_connects_total") == metric(mine_before, "eventcat_connects_total")


async def test_metrics_can_be_turned_off() -> None:
    async with running(metrics=False) as live, httpx.AsyncClient(base_url=live.url, timeout=5) as http:
        assert (await http.get("/metrics")).status_code == 404


async def test_log_lines_carry_socket_user_event_code(server: LiveServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="eventcat")
    client = await server.connect()
    await ack_of(client, "subscribe", {"channel": 42})
    refused = [r for r in caplog.records if r.getMessage() == "event refused"]
    assert refused, [r.getMessage() for r in caplog.records]
    fields = refused[-1].__dict__
    assert (fields["sid"], fields["user"], fields["event"], fields["code"]) == (
        client.sid,
        client.user,
        "subscribe",
        "VALIDATION_ERROR",
    )


# -- admin -------------------------------------------------------------------------------------------------------


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


async def test_admin_page_needs_credentials(server: LiveServer) -> None:
    client = await server.connect()
    before = await scrape(server)
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        for path in ("/admin", "/admin/ui/", "/admin/ui/js/app.0d7d7845.js", "/admin?format=json"):
            none = await http.get(path)
            assert none.status_code == 401 and "Basic" in none.headers["www-authenticate"], (path, none.status_code)
            wrong = await http.get(path, headers=basic(ADMIN[0], "wrong"))
            assert wrong.status_code == 401, path
        page = await http.get("/admin", headers=basic(*ADMIN))
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert client.user in page.text and client.sid in page.text
        data = (await http.get("/admin", params={"format": "json"}, headers=basic(*ADMIN))).json()
        [mine] = [u for u in data["users"] if u["userId"] == client.user]
        assert mine["connections"] == 1 and mine["sockets"][0]["sid"] == client.sid
        assert {"room": f"user:{client.user}", "size": 1} in data["rooms"]
        assert any(e["event"] == "connected" and e["total"] >= 1 for e in data["events"])
    after = await scrape(server)
    failures = "eventcat_admin_auth_failures_total"
    assert metric(after, failures) - metric(before, failures) >= 4


async def test_admin_page_escapes_what_clients_chose(server: LiveServer) -> None:
    user = "<script>alert(1)</script>"
    client = await server.connect(user)
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        page = (await http.get("/admin", headers=basic(*ADMIN))).text
    assert user not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    await client.close()


async def test_admin_ui_files_are_local(server: LiveServer) -> None:
    """The Admin UI's index names no CDN: fonts and icons come from their npm packages, on this server."""
    ui = ROOT / "server_stub" / "admin" / "node_modules" / "@socket.io" / "admin-ui" / "ui" / "dist"
    if not (ui / "index.html").is_file():
        missing("server_stub/admin/node_modules is not installed (run `make test`, which runs npm ci there)")
    async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
        index = await http.get("/admin/ui/", headers=basic(*ADMIN))
        assert index.status_code == 200 and "Socket.IO Admin UI" in index.text
        assert "https://" not in index.text and "//cdn" not in index.text, index.text
        for href in ("vendor/mdi/css/materialdesignicons.min.css", "vendor/roboto/400.css", "favicon.png"):
            assert f'href="{href}"' in index.text, href
            asset = await http.get(f"/admin/ui/{href}", headers=basic(*ADMIN))
            assert asset.status_code == 200 and asset.content, href
        css = (await http.get("/admin/ui/vendor/mdi/css/materialdesignicons.min.css", headers=basic(*ADMIN))).text
        font = css.split('url("../fonts/')[1].split("?")[0]
        assert (await http.get(f"/admin/ui/vendor/mdi/fonts/{font}", headers=basic(*ADMIN))).status_code == 200


async def _admin_socket(live: LiveServer, auth: Any) -> tuple[socketio.AsyncClient, dict[str, Any]]:
    sio = socketio.AsyncClient(reconnection=False)
    seen: dict[str, Any] = {}
    arrived = asyncio.Event()

    def on(event: str, *args: Any) -> None:
        seen[event] = args
        arrived.set()

    sio.on("*", on, namespace="/admin")
    await sio.connect(live.url, namespaces=["/admin"], auth=auth, transports=["websocket"], wait_timeout=5)
    return sio, seen


async def test_admin_namespace_refuses_a_wrong_password(server: LiveServer) -> None:
    for auth in ({"username": ADMIN[0], "password": "wrong"}, {"username": "root", "password": ADMIN[1]}, None):
        with pytest.raises(socketio.exceptions.ConnectionError):
            await _admin_socket(server, auth)


async def test_admin_namespace_lists_connected_sockets(server: LiveServer) -> None:
    client = await server.connect()
    sio, seen = await _admin_socket(server, {"username": ADMIN[0], "password": ADMIN[1]})
    try:
        deadline = time.monotonic() + 5
        while "all_sockets" not in seen and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        features = seen["config"][0]["supportedFeatures"]
        assert "EMIT" not in features and "DISCONNECT" not in features, features  # read-only
        sockets = seen["all_sockets"][0]
        assert client.sid in [s["id"] for s in sockets], sockets
        # Read-only: an admin `emit` reaches no client.
        await sio.emit("emit", ("/", None, "cart_sync", {"bogus": True}), namespace="/admin")
        await server.barrier(client)
        assert not client.payloads("cart_sync")
    finally:
        await sio.disconnect()


async def test_admin_counts_what_the_fast_path_writes(server: LiveServer) -> None:
    """The Admin UI's byte and packet counts (upstream counts them in python-engineio's writer, which the fast path
    replaces): 50 events of 2 KB to one WebSocket client show in the next `server_stats` as at least 100 KB out."""
    client = await server.connect()  # on the fast path (LiveServer.connect checks)
    sio, _ = await _admin_socket(server, {"username": ADMIN[0], "password": ADMIN[1]})
    stats: list[dict[str, Any]] = []
    sio.on("server_stats", lambda payload: stats.append(payload), namespace="/admin")
    try:
        for _ in range(50):
            await server.app.server.sio.emit("bulk", "x" * 2000, to=client.sid)
        await server.barrier(client)
        counted = {"bytesOut": 0, "packetsOut": 0}
        deadline = time.monotonic() + 10
        while counted["bytesOut"] < 100_000 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            counted = {"bytesOut": 0, "packetsOut": 0}
            for payload in stats:
                for item in payload["aggregatedEvents"]:
                    if item["type"] in counted:
                        counted[item["type"]] += item["count"]
        assert counted["bytesOut"] >= 100_000 and counted["packetsOut"] >= 50, (counted, stats[-1:])
    finally:
        await sio.disconnect()


async def test_admin_is_off_without_credentials(live: LiveServer) -> None:
    """The session's server has no admin credentials: /admin says how to turn it on; the namespace refuses."""
    async with httpx.AsyncClient(base_url=live.url, timeout=5) as http:
        off = await http.get("/admin", headers=basic(*ADMIN))
        assert off.status_code == 404 and "ADMIN_USERNAME" in off.text
        assert (await http.get("/admin/ui/", headers=basic(*ADMIN))).status_code == 404
    with pytest.raises(socketio.exceptions.ConnectionError):
        await _admin_socket(live, {"username": ADMIN[0], "password": ADMIN[1]})


# -- configuration -----------------------------------------------------------------------------------------------


def test_serve_refuses_a_bad_rate() -> None:
    result = run_cli("serve", "--demo", "--rate-connection", "lots")
    assert result.exit_code == 2 and "COUNT/PERIOD" in result.stderr, result.stderr


def test_admin_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USERNAME", "ops")
    monkeypatch.setenv("ADMIN_PASSWORD", "pw")
    assert Settings.from_env().admin_enabled
    monkeypatch.delenv("ADMIN_PASSWORD")
    assert not Settings.from_env().admin_enabled


def test_readme_lists_every_serve_flag_and_variable() -> None:
    """The README's settings table names every option of `eventcat serve` and the variable it reads."""
    from eventcat_runtime.cli import serve as serve_command

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Serving: `eventcat serve`", 1)[1].split("\n- **Auth.**", 1)[0]
    for param in serve_command.params:
        for flag in (*param.opts, *param.secondary_opts):
            if flag.startswith("--") and flag not in ("--help", "--demo"):
                assert f"`{flag}" in table or f"{flag}`" in table or f"{flag}/" in table, flag
        envvar = getattr(param, "envvar", None)
        if envvar:
            assert f"`{envvar}`" in table, envvar
    for variable in ("ADMIN_USERNAME", "ADMIN_PASSWORD"):
        assert f"`{variable}`" in table, variable
