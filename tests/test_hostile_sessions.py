"""Attacks on sessions, server state and the operators' surfaces, each found by attacking `eventcat serve` from
outside and reproduced here against live servers with raw clients: recovery that skipped the room policy, offsets
the decoder choked on, unbounded subscriptions and outbound queues, password guessing inside one socket, refused
CONNECTs without end, slow requests, the publish API's body, secrets in odd spellings, forged log lines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from eventcat_runtime.logs import RedactSecrets, TextFormatter
from rez_realtime import REGISTRY
from rez_realtime.examples import EXAMPLES

from .live import LiveServer, make_token, serve, unique_user
from .live import live_settings as settings
from .test_protocol_conformance import BOUND, PollPeer, WsPeer
from .test_publish_api import AUTH, ORDER_EVENT, order_example

ADMIN = ("ops", "a long admin password")


@pytest.fixture(scope="module")
async def tight() -> AsyncIterator[LiveServer]:
    """Small limits, so that each is reached quickly: 3 subscriptions, 256 KiB queued, 1 s per request."""
    async with serve(settings(max_subscriptions=3, max_outbound_bytes=256 * 1024, request_timeout=1.0)) as live:
        yield live


def event_frame(name: str, payload: Any, ack: int | None = None) -> str:
    return f"42{'' if ack is None else ack}" + json.dumps([name, payload], separators=(",", ":"))


async def ack_of(peer: WsPeer, ack: int) -> Any:
    frame = await peer.until(lambda f: isinstance(f, str) and f.startswith(f"43{ack}["))
    assert isinstance(frame, str)
    values = json.loads(frame[len(f"43{ack}") :])
    return values[0] if values else None


def server_rooms(live: LiveServer, sid: str) -> set[str]:
    return set(live.app.server.sio.rooms(sid, namespace=REGISTRY.namespace)) - {sid}


# -- recovery --------------------------------------------------------------------------------------------------------


async def test_recovery_asks_the_room_policy_again(live: LiveServer) -> None:
    """A grant revoked while the client was away: its recovered session comes back without the room, and the
    event sent to that room meanwhile is not replayed (it was before: an authorisation bypass)."""
    user, order_id = unique_user(), unique_user("ord")
    room, token = f"order:{order_id}", make_token(user)
    async with httpx.AsyncClient(base_url=live.url, timeout=BOUND) as api:
        assert (await api.post("/grants", json={"userId": user, "rooms": [room]}, headers=AUTH)).status_code == 204
        first = await WsPeer.open(live.port)
        pid = json.loads((await first.connect(token))[2:])["pid"]
        await first.send(event_frame("subscribe", {"channel": f"order_{order_id}"}, ack=1))
        assert (await ack_of(first, 1))["rooms"] == [room]
        assert (await api.post(f"/events/{ORDER_EVENT}", json=order_example(order_id), headers=AUTH)).status_code == 202
        delivered = await first.until(lambda f: isinstance(f, str) and f.startswith(f'42["{ORDER_EVENT}"'))
        offset = json.loads(str(delivered)[2:])[-1]
        await first.close()
        await asyncio.sleep(0.2)
        revoked = await api.request("DELETE", "/grants", json={"userId": user, "rooms": [room]}, headers=AUTH)
        assert revoked.status_code == 204
        missed = await api.post(f"/events/{ORDER_EVENT}", json=order_example(order_id), headers=AUTH)
        assert missed.status_code == 202

        second = await WsPeer.open(live.port)
        try:
            reply = json.loads((await second.connect(token, pid=pid, offset=offset))[2:])
            connected = await second.until(lambda f: isinstance(f, str) and f.startswith('42["connected"'))
            assert json.loads(str(connected)[2:])[1]["recovered"] is True, connected
            await second.send(event_frame("heartbeat", {"timestamp": 1}, ack=2))
            await ack_of(second, 2)  # everything replayed would have arrived before this
            assert not [f for f in second.texts if f'"{ORDER_EVENT}"' in f], second.texts
            assert room not in server_rooms(live, reply["sid"])
        finally:
            await second.close()


@pytest.mark.parametrize("last", ["²-0", "1" * 4301 + "-0", "0-" + "9" * 5000, "-", "12-"])
async def test_an_odd_last_event_id_is_ignored(live: LiveServer, last: str) -> None:
    """`lastEventId` with a Unicode digit or more digits than int() takes: the CONNECT is answered (it was left
    unanswered, with a traceback), as for any offset that is not one."""
    peer = await WsPeer.open(live.port)
    try:
        reply = await peer.connect(make_token(unique_user()), lastEventId=last)
        assert reply.startswith("40{"), reply
    finally:
        await peer.close()


# -- state one client could grow -------------------------------------------------------------------------------------


async def test_subscriptions_are_capped_per_connection_and_per_user(tight: LiveServer) -> None:
    """At most max_subscriptions channels a connection, and a user across connections and restores; subscribing
    again to one it has is always fine."""
    user = unique_user()
    first = await WsPeer.open(tight.port)
    second = await WsPeer.open(tight.port)
    try:
        await first.connect(make_token(user))
        for n, category in enumerate(("a", "b", "c"), start=1):
            await first.send(event_frame("subscribe", {"channel": f"offers_{category}"}, ack=n))
            assert (await ack_of(first, n))["ok"] is True
        await first.send(event_frame("subscribe", {"channel": "offers_d"}, ack=9))
        refused = await ack_of(first, 9)
        assert refused["ok"] is False and refused["error"]["code"] == "FORBIDDEN", refused
        await first.send(event_frame("subscribe", {"channel": "offers_a"}, ack=10))
        assert (await ack_of(first, 10))["ok"] is True
        await first.send(event_frame("unsubscribe", {"channel": "offers_c"}, ack=11))
        assert (await ack_of(first, 11))["ok"] is True
        # Another connection of the user gets the two it keeps, and the user's cap counts them.
        await second.connect(make_token(user))
        connected = await second.until(lambda f: isinstance(f, str) and f.startswith('42["connected"'))
        assert sorted(json.loads(str(connected)[2:])[1]["restoredChannels"]) == ["offers_a", "offers_b"]
        await second.send(event_frame("subscribe", {"channel": "offers_e"}, ack=1))
        assert (await ack_of(second, 1))["ok"] is True
        await first.send(event_frame("subscribe", {"channel": "offers_f"}, ack=12))
        per_user = await ack_of(first, 12)
        assert per_user["ok"] is False and "per user" in per_user["error"]["message"], per_user
    finally:
        await first.close()
        await second.close()


async def test_a_client_that_does_not_read_is_closed(tight: LiveServer) -> None:
    """Events for a client that reads nothing pile up in its session's queue; past max_outbound_bytes the session
    is closed and its queue dropped, while a neighbour is served as before."""
    user = unique_user()
    neighbour = await tight.connect()
    stalled = await WsPeer.open(tight.port)
    await stalled.connect(make_token(user))
    await stalled.send(event_frame("subscribe", {"channel": "cart"}, ack=1))
    assert (await ack_of(stalled, 1))["ok"] is True
    sid = next(c.sid for c in tight.app.server.connections.values() if c.user.user_id == user)
    stalled.ws.transport.pause_reading()  # from here on the client reads nothing, as a stalled phone would
    cart = {**EXAMPLES["cart_sync"][0], "userId": user}
    cart["items"] = cart["items"] * 20  # about 5 KB an event
    before = tight.app.server.stats["protocol_error:slow_reader"]
    deadline = time.monotonic() + 20
    sent = 0
    while sid in tight.app.server.connections and time.monotonic() < deadline and sent < 20_000:
        await tight.app.server.publish("cart_sync", cart, strict=True)
        sent += 1
        if sent % 20 == 0:
            await asyncio.sleep(0.001)
    try:
        assert sid not in tight.app.server.connections, f"still connected after {sent} events"
        assert tight.app.server.stats["protocol_error:slow_reader"] == before + 1
        await neighbour.emit("heartbeat", {"timestamp": 7})
        await neighbour.wait_for("heartbeat_ack")
    finally:
        stalled.ws.transport.resume_reading()
        await stalled.close()


# -- attempts without end --------------------------------------------------------------------------------------------


async def test_refused_connects_close_the_session(live: LiveServer) -> None:
    """A client may retry a refused CONNECT on its session a few times, not without end: the fifth refusal closes
    it (each attempt costs a token check, and wrote a log line)."""
    peer = await WsPeer.open(live.port)
    try:
        for _ in range(5):
            reply = await peer.connect("not-a-jwt")
            assert reply.startswith("44{"), reply
        assert await peer.closed_within(BOUND), peer.received
    finally:
        await peer.close()


@pytest.fixture(scope="module")
async def operators() -> AsyncIterator[LiveServer]:
    async with serve(settings(admin_username=ADMIN[0], admin_password=ADMIN[1])) as live:
        yield live


async def test_admin_passwords_cannot_be_guessed_without_end(operators: LiveServer) -> None:
    """Ten failed logins from one address within a minute, over the Admin UI's namespace or HTTP Basic: every
    login from it is refused until then, the right password too (2,745 guesses a second were possible in one
    socket)."""
    wrong = {"username": ADMIN[0], "password": "guess"}
    for _ in range(3):
        peer = await WsPeer.open(operators.port)
        try:
            for _ in range(4):
                assert (await peer.connect(None, "/admin", **wrong)).startswith("44/admin,")
        finally:
            await peer.close()
    peer = await WsPeer.open(operators.port)
    try:
        refused = await peer.connect(None, "/admin", username=ADMIN[0], password=ADMIN[1])
        assert refused.startswith("44/admin,") and "too many failed logins" in refused, refused
    finally:
        await peer.close()
    async with httpx.AsyncClient(base_url=operators.url, timeout=BOUND, auth=ADMIN) as http:
        assert (await http.get("/admin")).status_code == 429


# -- slow requests ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        b"",
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
        b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nUpgrade: web",
    ],
    ids=["nothing", "partial_headers", "partial_upgrade"],
)
async def test_a_request_that_never_finishes_is_closed(tight: LiveServer, start: bytes) -> None:
    """A connection whose request does not arrive whole within request_timeout (1 s here) is closed: slowloris
    held a file descriptor per connection for as long as it liked."""
    reader, writer = await asyncio.open_connection("127.0.0.1", tight.port)
    try:
        writer.write(start)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), BOUND)  # returns at EOF: closed within BOUND
        assert data == b""
    finally:
        writer.close()


async def test_a_slow_but_steady_request_is_served(tight: LiveServer) -> None:
    """Within the deadline, a request that arrives in pieces is answered as usual."""
    reader, writer = await asyncio.open_connection("127.0.0.1", tight.port)
    try:
        for piece in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: close\r\n\r\n"):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.2)
        assert (await asyncio.wait_for(reader.read(), BOUND)).startswith(b"HTTP/1.1 200")
    finally:
        writer.close()


# -- the publish API -------------------------------------------------------------------------------------------------


async def test_publish_api_bodies_are_bounded(live: LiveServer) -> None:
    """A body nested 100,000 deep is a 400 (it was a 500 with a RecursionError), one over 1 MiB a 413, before
    anything decodes it."""
    async with httpx.AsyncClient(base_url=live.url, timeout=BOUND, headers=AUTH) as api:
        deep = await api.post("/events/system_maintenance", content=b"[" * 100_000 + b"]" * 100_000)
        assert deep.status_code == 400 and deep.json()["code"] == "VALIDATION_ERROR", deep.text
        huge = await api.post("/events/system_maintenance", content=b'"' + b"x" * (2 * 1024 * 1024) + b'"')
        assert huge.status_code == 413 and huge.json()["code"] == "PAYLOAD_TOO_LARGE", huge.text


async def test_a_refusal_is_never_much_larger_than_the_event(live: LiveServer) -> None:
    """A payload with many unknown keys is told about the first twenty problems and how many more there are."""
    peer = await WsPeer.open(live.port)
    try:
        await peer.connect(make_token(unique_user()))
        payload: dict[str, Any] = {"channel": "cart", **{f"k{n}": 1 for n in range(60)}}
        await peer.send(event_frame("subscribe", payload, ack=3))
        refused = await ack_of(peer, 3)
        problems = refused["error"]["details"]["errors"]
        assert refused["error"]["code"] == "VALIDATION_ERROR" and len(problems) == 21, problems
        assert problems[-1]["message"].startswith("and ") and "more problems" in problems[-1]["message"]
    finally:
        await peer.close()


# -- secrets and log lines -------------------------------------------------------------------------------------------


async def test_a_percent_encoded_token_parameter_is_redacted(
    live: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    """`%74oken=` is `token=` to the server (it authenticates), and so it is to the redaction of uvicorn's lines."""
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    token = make_token(unique_user())
    encoded = "".join(f"%{b:02X}" for b in token.encode())
    peer = await WsPeer.open(live.port, f"EIO=4&transport=websocket&%74%6F%6B%65%6E={encoded}")
    try:
        assert (await peer.connect(None)).startswith("40{")
    finally:
        await peer.close()
    lines = [record.getMessage() for record in caplog.records]
    assert any("WebSocket /socket.io/" in line for line in lines), lines
    assert not [line for line in lines if encoded in line or token in line]


def test_redaction_reads_query_names_as_a_server_decodes_them() -> None:
    """Names decoded (`%74oken`, `Token`), values of other names kept, JSON members and bearer credentials hidden."""
    redact = RedactSecrets(["token"]).redact
    assert redact("/s?EIO=4&%74oken=abc&transport=polling") == "/s?EIO=4&%74oken=[redacted]&transport=polling"
    assert redact("/s?Token=abc") == "/s?Token=[redacted]"
    assert redact("/s?tokens=abc&x=1") == "/s?tokens=abc&x=1"
    assert redact('0{"token":"opaque-value"}') == '0{"token":"[redacted]"}'
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer [redacted]"


def test_text_logs_keep_a_client_text_on_one_line() -> None:
    """An event name with a newline cannot forge a log line of its own in `--log-format text`."""
    record = logging.makeLogRecord(
        {"name": "eventcat.server", "levelname": "INFO", "msg": "event refused", "event": "x\ninfo forged user=admin"}
    )
    text = TextFormatter().format(record)
    assert "\n" not in text and "event=x\\ninfo forged" in text, text


# -- found by a second attack, on the fixes above --------------------------------------------------------------------


async def test_blank_lines_between_requests_do_not_keep_a_connection(tight: LiveServer) -> None:
    """One request, then a blank line every 0.3 s (the parser skips them and they cancel uvicorn's keep-alive
    timer): closed within request_timeout all the same."""
    reader, writer = await asyncio.open_connection("127.0.0.1", tight.port)
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        await writer.drain()
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < BOUND and not closed:
            try:
                writer.write(b"\r\n")
                await writer.drain()
                closed = await asyncio.wait_for(reader.read(65536), 0.3) == b""
            except TimeoutError:
                continue
            except ConnectionError:
                closed = True
        assert closed and time.monotonic() - started < BOUND
    finally:
        writer.close()


@pytest.fixture(scope="module")
async def quick_probe() -> AsyncIterator[LiveServer]:
    """Pongs and upgrade probes due within 1 s, the handshake within 1 s."""
    async with serve(settings(handshake_timeout=1.0)) as live:
        live.app.server.sio.eio.ping_timeout = 1
        yield live


async def test_an_upgrade_left_without_its_probe_is_closed(quick_probe: LiveServer) -> None:
    """A long-polling session that starts the WebSocket upgrade and never sends `2probe`: upstream waited for the
    probe without end, so the WebSocket outlived its session (the handshake deadline closed only the latter)."""
    async with httpx.AsyncClient(base_url=quick_probe.url, timeout=BOUND) as http:
        opened = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
        sid = json.loads(opened.text[1:])["sid"]
    peer = await WsPeer.open(quick_probe.port, f"EIO=4&transport=websocket&sid={sid}", read_open=False)
    try:
        assert await peer.closed_within(BOUND), peer.received
    finally:
        await peer.close()


async def test_a_graceful_stop_lets_clients_reconnect() -> None:
    """Stopping sends the catalog's goodbye, then closes each session's transport (Engine.IO CLOSE), as Node's
    io.close() does, and no Socket.IO DISCONNECT: socket.io-client takes that for "io server disconnect" and never
    reconnects, while after a closed transport it reconnects (and recovers what it missed)."""
    async with serve(settings()) as live:
        peer = await WsPeer.open(live.port)
        await peer.connect(make_token(unique_user()))
        await peer.until(lambda f: isinstance(f, str) and f.startswith('42["connected"'))
    try:
        assert await peer.closed_within(BOUND)
        goodbye = [json.loads(f[2:])[1] for f in peer.texts if f.startswith('42["disconnected"')]
        assert [g["reason"] for g in goodbye] == ["server_shutdown"], peer.texts
        assert "1" in peer.texts and "41" not in peer.texts, peer.texts
    finally:
        await peer.close()


async def test_a_replay_larger_than_the_outbound_limit_is_paced_not_cut(tight: LiveServer) -> None:
    """A long-polling client coming back to more missed events than max_outbound_bytes (256 KiB here, 500 KB
    missed) gets every one: its catch-up is not counted as a slow reader's backlog (over WebSocket the replay is
    paced by what the transport takes instead)."""
    user = unique_user()
    token = make_token(user)
    first = await WsPeer.open(tight.port)
    pid = json.loads((await first.connect(token))[2:])["pid"]
    await first.send(event_frame("subscribe", {"channel": "cart"}, ack=1))
    assert (await ack_of(first, 1))["ok"] is True
    cart = {**EXAMPLES["cart_sync"][0], "userId": user}
    cart["items"] = cart["items"] * 20
    await tight.app.server.publish("cart_sync", cart, strict=True)
    delivered = await first.until(lambda f: isinstance(f, str) and f.startswith('42["cart_sync"'))
    offset = json.loads(str(delivered)[2:])[-1]
    await first.close()
    await asyncio.sleep(0.2)
    for _ in range(100):
        await tight.app.server.publish("cart_sync", cart, strict=True)
    before = tight.app.server.stats["protocol_error:slow_reader"]
    # Over long-polling, where the queue drains only as fast as the client asks for it.
    async with httpx.AsyncClient(base_url=tight.url, timeout=BOUND) as http:
        second = await PollPeer.open(http)
        try:
            await second.connect(token, pid=pid, offset=offset)
            for _ in range(100):
                await second.until(lambda f: isinstance(f, str) and f.startswith('42["cart_sync"'), timeout=10)
            assert tight.app.server.stats["protocol_error:slow_reader"] == before
        finally:
            await second.close()
