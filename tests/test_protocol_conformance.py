"""Conformance to the Engine.IO v4 and Socket.IO v5 protocols, rule by rule, against the live REZ server.

Written from the protocols' own documents: socketio/engine.io-protocol README.md ("EIO §section") and
socketio/socket.io-protocol Readme.md ("SIO §section"), and the official test suites beside them
(test-suite/test-suite.js, "EIO suite" / "SIO suite"), which turn some rules into concrete exchanges. Every rule
about handshakes, heartbeats, upgrades, closing and errors has its test, and each test cites its rule.

The clients are raw, so that what is on the wire is exactly what the test wrote: a plain WebSocket (the `websockets`
package) and plain long-polling requests (httpx), through `WsPeer` and `PollPeer`, which test_hostile_input.py uses
too. No test waits for the client's own timeout: the server has `BOUND` seconds to answer or to close.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from .live import LiveServer, make_token, serve, unique_user
from .live import live_settings as settings

pytestmark = pytest.mark.timeout(60)

# Seconds the server has to answer or to close, for every exchange of these tests.
BOUND = 5.0
# The official suites' reference configuration: pingInterval 300 ms, pingTimeout 200 ms.
PING_INTERVAL = 0.3
PING_TIMEOUT = 0.2
OPEN_KEYS = {"sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"}
Frame = str | bytes


# -- raw clients --------------------------------------------------------------------------------------------------


class SessionEnded(Exception):
    """A long-polling request was refused (the session is unknown or closed)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status


def ws_url(port: int, query: str = "EIO=4&transport=websocket") -> str:
    return f"ws://127.0.0.1:{port}/socket.io/?{query}"


def connect_frame(token: str | None, namespace: str = "", **auth: Any) -> str:
    """A Socket.IO CONNECT in its Engine.IO message: `40[/nsp,]{"token": ...}`."""
    body = {**({"token": token} if token is not None else {}), **auth}
    prefix = f"40{namespace}," if namespace else "40"
    return prefix + (json.dumps(body, separators=(",", ":")) if body else "")


def connect_answer(frame: Frame, namespace: str = "") -> bool:
    """Whether a frame is the server's CONNECT or CONNECT_ERROR for this namespace."""
    if not isinstance(frame, str):
        return False
    if namespace:
        return frame.startswith((f"40{namespace},", f"44{namespace},"))
    return frame[:2] in ("40", "44") and not frame.startswith(("40/", "44/"))


class WsPeer:
    """One raw WebSocket Engine.IO session: every frame the server sends is kept in `received`."""

    def __init__(self, ws: ClientConnection, *, pong: bool = True) -> None:
        self.ws = ws
        self.pong = pong
        self.received: list[Frame] = []
        self.handshake: dict[str, Any] = {}

    @classmethod
    async def open(
        cls,
        port: int,
        query: str = "EIO=4&transport=websocket",
        *,
        pong: bool = True,
        headers: dict[str, str] | None = None,
        read_open: bool = True,
    ) -> WsPeer:
        ws = await asyncio.wait_for(
            connect(
                ws_url(port, query),
                compression=None,
                max_size=None,
                ping_interval=None,
                open_timeout=BOUND,
                close_timeout=1,
                additional_headers=headers,
            ),
            BOUND,
        )
        peer = cls(ws, pong=pong)
        if read_open:
            opened = await peer.recv()
            assert isinstance(opened, str) and opened.startswith("0"), opened
            peer.handshake = json.loads(opened[1:])
        return peer

    @property
    def texts(self) -> list[str]:
        return [f for f in self.received if isinstance(f, str)]

    async def send(self, *frames: Frame) -> None:
        for frame in frames:
            await self.ws.send(frame)

    async def recv(self, timeout: float = BOUND) -> Frame:
        """The next frame; pings are answered with a pong and skipped unless `pong` is off. TimeoutError when
        nothing comes, ConnectionClosed once the server closed."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await asyncio.wait_for(self.ws.recv(), max(deadline - time.monotonic(), 0.001))
            self.received.append(frame)
            if frame == "2" and self.pong:
                await self.ws.send("3")
                continue
            return frame

    async def until(self, match: Callable[[Frame], bool], timeout: float = BOUND) -> Frame:
        """The first frame that matches (others are kept and skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await self.recv(max(deadline - time.monotonic(), 0.001))
            if match(frame):
                return frame

    async def closed_within(self, timeout: float = BOUND) -> bool:
        """Whether the server closes the WebSocket within timeout (what it sends meanwhile is kept)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                await self.recv(max(deadline - time.monotonic(), 0.001))
        except ConnectionClosed:
            return True
        except TimeoutError:
            return False

    async def connect(self, token: str | None, namespace: str = "", **auth: Any) -> str:
        """Send a CONNECT; returns the server's answer to it (a CONNECT or a CONNECT_ERROR)."""
        await self.send(connect_frame(token, namespace, **auth))
        reply = await self.until(lambda f: connect_answer(f, namespace))
        assert isinstance(reply, str)
        return reply

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(), 2)


class PollPeer:
    """One raw long-polling Engine.IO session: every packet the server sends is kept in `received`."""

    def __init__(self, http: httpx.AsyncClient, handshake: dict[str, Any], query: dict[str, str], pong: bool) -> None:
        self.http = http
        self.handshake = handshake
        self.sid = str(handshake["sid"])
        self.query = query
        self.pong = pong
        self.received: list[str] = []
        # The HTTP status of every request made for the session.
        self.statuses: list[int] = []
        self._pending: list[str] = []

    @classmethod
    async def open(cls, http: httpx.AsyncClient, *, pong: bool = True, **query: str) -> PollPeer:
        response = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling", **query}, timeout=BOUND)
        assert response.status_code == 200, (response.status_code, response.text)
        assert response.text.startswith("0"), response.text
        return cls(http, json.loads(response.text[1:]), query, pong)

    @property
    def params(self) -> dict[str, str]:
        return {"EIO": "4", "transport": "polling", "sid": self.sid, **self.query}

    @property
    def texts(self) -> list[str]:
        return self.received

    @staticmethod
    def body(packets: tuple[Frame, ...]) -> bytes:
        """A long-polling payload (EIO §Packet encoding): packets joined by \\x1e, binary ones as `b<base64>`."""
        parts = [p if isinstance(p, str) else "b" + base64.b64encode(p).decode() for p in packets]
        return "\x1e".join(parts).encode()

    async def post(self, *packets: Frame, timeout: float = BOUND) -> httpx.Response:
        response = await self.http.post(
            "/socket.io/",
            params=self.params,
            content=self.body(packets),
            headers={"Content-Type": "text/plain;charset=UTF-8"},
            timeout=timeout,
        )
        self.statuses.append(response.status_code)
        return response

    async def send(self, *packets: Frame) -> None:
        """POST the packets in one payload; a refused POST means the session is over, one left unanswered is a
        TimeoutError."""
        try:
            response = await self.post(*packets)
        except httpx.TimeoutException:
            raise TimeoutError(f"the POST was not answered within {BOUND} s") from None
        if response.status_code != 200:
            raise SessionEnded(response.status_code, response.text)

    async def get(self, timeout: float = BOUND) -> httpx.Response:
        response = await self.http.get("/socket.io/", params=self.params, timeout=timeout)
        self.statuses.append(response.status_code)
        if response.status_code == 200:
            self.received.extend(response.text.split("\x1e"))
        return response

    async def recv(self, timeout: float = BOUND) -> str:
        """The next packet; pings answered and skipped unless `pong` is off. SessionEnded when a GET is refused,
        TimeoutError when nothing comes."""
        deadline = time.monotonic() + timeout
        while not self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("nothing arrived")
            try:
                response = await self.http.get("/socket.io/", params=self.params, timeout=remaining)
            except httpx.TimeoutException:
                raise TimeoutError("nothing arrived") from None
            self.statuses.append(response.status_code)
            if response.status_code != 200:
                raise SessionEnded(response.status_code, response.text)
            for packet in response.text.split("\x1e"):
                self.received.append(packet)
                if packet == "2" and self.pong:
                    await self.post("3")
                else:
                    self._pending.append(packet)
        return self._pending.pop(0)

    async def until(self, match: Callable[[Frame], bool], timeout: float = BOUND) -> str:
        deadline = time.monotonic() + timeout
        while True:
            packet = await self.recv(max(deadline - time.monotonic(), 0.001))
            if match(packet):
                return packet

    async def ended_within(self, timeout: float = BOUND) -> bool:
        """Whether the server ends the session within timeout: a CLOSE packet, or a GET refused (400)."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                if await self.recv(max(deadline - time.monotonic(), 0.001)) == "1":
                    return True
        except SessionEnded:
            return True
        except TimeoutError:
            return False

    async def closed_within(self, timeout: float = BOUND) -> bool:
        return await self.ended_within(timeout)

    async def connect(self, token: str | None, namespace: str = "", **auth: Any) -> str:
        await self.send(connect_frame(token, namespace, **auth))
        return await self.until(lambda p: connect_answer(p, namespace))

    async def close(self) -> None:
        """Leave as a client does (a CLOSE packet), whatever state the session is in."""
        with contextlib.suppress(Exception):
            await self.post("1", timeout=1)


async def raw_http(port: int, request: bytes, timeout: float = BOUND) -> tuple[int | None, bytes, bool]:
    """Send raw bytes over TCP: (status of the answer or None, all the server sent, whether it closed within
    timeout). Requests should say `Connection: close`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = b""
    closed = False
    deadline = time.monotonic() + timeout
    try:
        writer.write(request)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                chunk = await asyncio.wait_for(reader.read(65536), remaining)
            except TimeoutError:
                break
            except ConnectionError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            data += chunk
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.") and len(data.split(b" ", 2)) > 1 else None
    return status, data, closed


async def finish(task: asyncio.Task[Any]) -> None:
    """Cancel a request still pending and collect its outcome, so that no task is left with an unread exception."""
    task.cancel()
    with contextlib.suppress(BaseException):
        await task


def sio_json(frame: Frame, prefix: str) -> Any:
    """The JSON after a packet's prefix (`40`, `44/admin,`, `4317`...)."""
    assert isinstance(frame, str) and frame.startswith(prefix), (frame, prefix)
    return json.loads(frame[len(prefix) :])


def user_token() -> str:
    return make_token(unique_user("conf"))


# -- servers ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def quick() -> AsyncIterator[LiveServer]:
    """Pings every 0.3 s, pong due within 0.2 s: the suites' reference configuration. Settings has no flag for it,
    so it is set on this server's own Engine.IO server."""
    async with serve(settings()) as live:
        eio = live.app.server.sio.eio
        eio.ping_interval, eio.ping_timeout = PING_INTERVAL, PING_TIMEOUT
        yield live


@pytest.fixture(scope="module")
async def deadline() -> AsyncIterator[LiveServer]:
    """A server that closes sessions without a Socket.IO CONNECT after 1 s (the suites' connectTimeout: 1000)."""
    async with serve(settings(handshake_timeout=1.0)) as live:
        yield live


@pytest.fixture
async def http(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live.url, timeout=BOUND) as client:
        yield client


# -- Engine.IO: handshake -----------------------------------------------------------------------------------------


def check_open(handshake: dict[str, Any], live: LiveServer, upgrades: list[str]) -> None:
    assert set(handshake) == OPEN_KEYS, handshake
    assert isinstance(handshake["sid"], str) and handshake["sid"], handshake
    assert handshake["upgrades"] == upgrades, handshake
    for key in ("pingInterval", "pingTimeout", "maxPayload"):
        assert isinstance(handshake[key], int) and handshake[key] > 0, handshake
    eio = live.app.server.sio.eio
    assert handshake["maxPayload"] == eio.max_http_buffer_size, handshake
    assert handshake["pingInterval"] == int(eio.ping_interval * 1000), handshake
    assert handshake["pingTimeout"] == int(eio.ping_timeout * 1000), handshake


async def test_polling_handshake_sends_the_open_packet(live: LiveServer, http: httpx.AsyncClient) -> None:
    """EIO §Handshake: a polling GET gets 200 and an `open` packet with sid, upgrades, ping times, maxPayload."""
    response = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain"), response.headers
    assert response.text.startswith("0"), response.text
    check_open(json.loads(response.text[1:]), live, ["websocket"])
    peer = PollPeer(http, json.loads(response.text[1:]), {}, pong=True)
    await peer.close()


async def test_websocket_handshake_sends_the_open_packet(live: LiveServer) -> None:
    """EIO §Handshake (WebSocket-only session): the first frame is the `open` packet, upgrades empty."""
    peer = await WsPeer.open(live.port)
    try:
        check_open(peer.handshake, live, [])
    finally:
        await peer.close()


@pytest.mark.parametrize(
    "query",
    [
        "EIO=4",
        "EIO=4&transport=abc",
        "EIO=4&transport=",
        "transport=polling",
        "EIO=abc&transport=polling",
        "EIO=3&transport=polling",
        "EIO=5&transport=polling",
        "EIO=&transport=polling",
    ],
)
async def test_polling_without_a_mandatory_parameter_is_400(http: httpx.AsyncClient, query: str) -> None:
    """EIO §Query parameters: a missing or invalid EIO or transport MUST be answered HTTP 400 (?EIO=4 too)."""
    response = await http.get(f"/socket.io/?{query}")
    assert response.status_code == 400, (query, response.status_code, response.text[:200])
    assert not response.text.startswith("0{"), response.text


@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_handshake_with_another_method_is_400(http: httpx.AsyncClient, method: str) -> None:
    """EIO suite "fails with an invalid request method": a POST or PUT handshake (no sid) is answered 400."""
    response = await http.request(method, "/socket.io/", params={"EIO": "4", "transport": "polling"}, content="40")
    assert response.status_code == 400, (method, response.status_code, response.text[:200])


@pytest.mark.parametrize(
    "query", ["transport=websocket", "EIO=abc&transport=websocket", "EIO=3&transport=websocket", "EIO=4"]
)
async def test_websocket_without_a_mandatory_parameter_is_closed(live: LiveServer, query: str) -> None:
    """EIO §WebSocket: a missing mandatory parameter MUST close the WebSocket (refused, or closed before `open`)."""
    try:
        peer = await WsPeer.open(live.port, query, read_open=False)
    except (InvalidHandshake, ConnectionClosed, OSError):
        return
    try:
        assert await peer.closed_within(BOUND), (query, peer.received)
        assert not any(isinstance(f, str) and f.startswith("0{") for f in peer.received), peer.received
    finally:
        await peer.close()


async def test_get_with_an_unknown_sid_is_400(http: httpx.AsyncClient) -> None:
    """EIO §Receiving data: the server MUST return HTTP 400 if the session ID is not known."""
    response = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling", "sid": "no-such-session"})
    assert response.status_code == 400, response.text


async def test_post_to_an_unknown_sid_is_400(http: httpx.AsyncClient) -> None:
    """EIO §Sending data: the server MUST return HTTP 400 if the session ID is not known."""
    params = {"EIO": "4", "transport": "polling", "sid": "no-such-session"}
    response = await http.post("/socket.io/", params=params, content="40")
    assert response.status_code == 400, response.text


async def test_websocket_with_an_unknown_sid_is_closed(live: LiveServer) -> None:
    """EIO §WebSocket / §Upgrade: a WebSocket naming an unknown sid opens no session and is closed."""
    try:
        peer = await WsPeer.open(live.port, "EIO=4&transport=websocket&sid=no-such-session", read_open=False)
    except (InvalidHandshake, ConnectionClosed, OSError):
        return
    try:
        assert await peer.closed_within(BOUND), peer.received
        assert not any(isinstance(f, str) and f.startswith("0{") for f in peer.received), peer.received
    finally:
        await peer.close()


# -- Engine.IO: sending and receiving ------------------------------------------------------------------------------


async def test_post_is_answered_ok(http: httpx.AsyncClient) -> None:
    """EIO §Sending data: success MUST be HTTP 200 with `ok`; \x1e-separated packets are each processed."""
    peer = await PollPeer.open(http)
    try:
        token = user_token()
        response = await peer.post(connect_frame(token), '42["heartbeat",{"timestamp":7}]')
        assert response.status_code == 200 and response.text == "ok", (response.status_code, response.text)
        await peer.until(lambda p: isinstance(p, str) and p.startswith("40{"))
        ack = await peer.until(lambda p: isinstance(p, str) and p.startswith('42["heartbeat_ack"'))
        assert json.loads(ack[2:])[1]["timestamp"] == 7, ack
    finally:
        await peer.close()


async def test_a_second_pending_get_closes_the_session(http: httpx.AsyncClient) -> None:
    """EIO §Receiving data: a second active GET MUST get HTTP 400 and the session MUST be closed."""
    peer = await PollPeer.open(http)
    first = asyncio.create_task(peer.get())
    try:
        await asyncio.sleep(0.1)
        second = await peer.get()
        assert second.status_code == 400, (second.status_code, second.text)
        answered = await asyncio.wait_for(asyncio.shield(first), BOUND)
        assert answered.status_code == 200 and answered.text == "1", (answered.status_code, answered.text)
        after = await peer.get()
        assert after.status_code == 400, (after.status_code, after.text)
    finally:
        await finish(first)
        await peer.close()


async def test_a_second_pending_post_closes_the_session(live: LiveServer, http: httpx.AsyncClient) -> None:
    """EIO §Sending data: a second active POST MUST get HTTP 400 and the session MUST be closed."""
    peer = await PollPeer.open(http)
    query = f"EIO=4&transport=polling&sid={peer.sid}"
    _, writer = await asyncio.open_connection("127.0.0.1", live.port)
    try:
        # A POST whose body is still on its way: 12 bytes announced, 2 sent.
        writer.write(
            f"POST /socket.io/?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            f"Content-Length: 12\r\n\r\n42".encode()
        )
        await writer.drain()
        await asyncio.sleep(0.2)
        second = await peer.post("3")
        assert second.status_code == 400, (second.status_code, second.text)
        assert await peer.ended_within(BOUND), "the session survived two concurrent POSTs"
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def test_an_invalid_packet_over_polling_closes_the_session(http: httpx.AsyncClient) -> None:
    """EIO suite "closes the session upon invalid packet format" (polling): POST `abc` is 400, then GET 400."""
    peer = await PollPeer.open(http)
    response = await peer.post("abc")
    assert response.status_code == 400, (response.status_code, response.text)
    after = await peer.get()
    assert after.status_code == 400, (after.status_code, after.text)


async def test_an_invalid_packet_over_websocket_closes_it(live: LiveServer) -> None:
    """EIO suite "closes the session upon invalid packet format" (WebSocket): `abc` closes the socket."""
    peer = await WsPeer.open(live.port)
    try:
        await peer.send("abc")
        assert await peer.closed_within(BOUND), peer.received
    finally:
        await peer.close()


# -- Engine.IO: heartbeat ------------------------------------------------------------------------------------------


async def test_heartbeat_over_polling(quick: LiveServer) -> None:
    """EIO §Heartbeat: the server pings every pingInterval and the client pongs (three rounds over polling)."""
    async with httpx.AsyncClient(base_url=quick.url, timeout=BOUND) as client:
        peer = await PollPeer.open(client, pong=False)
        try:
            assert peer.handshake["pingInterval"] == 300 and peer.handshake["pingTimeout"] == 200, peer.handshake
            for _ in range(3):
                response = await peer.get(timeout=BOUND)
                assert response.status_code == 200 and response.text == "2", (response.status_code, response.text)
                pong = await peer.post("3")
                assert pong.status_code == 200, pong.text
        finally:
            await peer.close()


async def test_heartbeat_over_websocket(quick: LiveServer) -> None:
    """EIO §Heartbeat: the server pings every pingInterval and the client pongs (three rounds over WebSocket)."""
    peer = await WsPeer.open(quick.port, pong=False)
    try:
        for _ in range(3):
            assert await peer.recv(BOUND) == "2", peer.received
            await peer.send("3")
    finally:
        await peer.close()


async def test_no_pong_over_polling_ends_the_session(quick: LiveServer) -> None:
    """EIO §Heartbeat, suite "closes the session upon ping timeout" (polling): no pong ends the session."""
    async with httpx.AsyncClient(base_url=quick.url, timeout=BOUND) as client:
        peer = await PollPeer.open(client, pong=False)
        await asyncio.sleep(PING_INTERVAL + PING_TIMEOUT + 0.3)
        assert await peer.ended_within(2.0), peer.received


async def test_no_pong_over_websocket_closes_it(quick: LiveServer) -> None:
    """EIO §Heartbeat, suite "closes the session upon ping timeout" (WebSocket): no pong closes it."""
    peer = await WsPeer.open(quick.port, pong=False)
    try:
        assert await peer.closed_within(PING_INTERVAL + PING_TIMEOUT + 2.0), peer.received
    finally:
        await peer.close()


async def test_pongs_keep_an_authenticated_session(quick: LiveServer) -> None:
    """EIO §Heartbeat: a client that answers every ping stays connected past several ping timeouts."""
    peer = await WsPeer.open(quick.port)
    try:
        assert (await peer.connect(user_token())).startswith("40{")
        assert not await peer.closed_within(3 * (PING_INTERVAL + PING_TIMEOUT)), peer.received
        assert peer.received.count("2") >= 2, peer.received
    finally:
        await peer.close()


# -- Engine.IO: upgrade --------------------------------------------------------------------------------------------


async def _upgrade(live: LiveServer, http: httpx.AsyncClient) -> tuple[PollPeer, WsPeer, httpx.Response]:
    """Polling session, pending GET, WebSocket with its sid: probe, `3probe`, the GET ended, `upgrade`."""
    poll = await PollPeer.open(http)
    pending = asyncio.create_task(poll.get())
    try:
        await asyncio.sleep(0.05)
        ws = await WsPeer.open(live.port, f"EIO=4&transport=websocket&sid={poll.sid}", read_open=False)
        await ws.send("2probe")
        assert await ws.recv() == "3probe", ws.received
        ended = await asyncio.wait_for(asyncio.shield(pending), BOUND)
        await ws.send("5")
    finally:
        await finish(pending)
    return poll, ws, ended


async def test_upgrade_to_websocket(live: LiveServer, http: httpx.AsyncClient) -> None:
    """EIO §Upgrade: `2probe` gets `3probe`, the pending GET a `noop`, and after `5` the session runs on WebSocket."""
    _, ws, ended = await _upgrade(live, http)
    try:
        assert ended.status_code == 200 and ended.text == "6", (ended.status_code, ended.text)
        reply = await ws.connect(user_token())
        assert reply.startswith("40{"), reply
    finally:
        await ws.close()


async def test_polling_after_the_upgrade_is_refused(live: LiveServer, http: httpx.AsyncClient) -> None:
    """EIO suite "ignores HTTP requests with same sid after upgrade": a GET after the upgrade is 400."""
    poll, ws, _ = await _upgrade(live, http)
    try:
        await asyncio.sleep(0.05)
        response = await poll.get()
        assert response.status_code == 400, (response.status_code, response.text)
    finally:
        await ws.close()


async def test_a_second_websocket_for_a_session_is_closed(live: LiveServer, http: httpx.AsyncClient) -> None:
    """EIO §WebSocket: a second WebSocket for one session MUST be closed; the first keeps working."""
    poll, ws, _ = await _upgrade(live, http)
    try:
        await asyncio.sleep(0.05)
        try:
            second = await WsPeer.open(live.port, f"EIO=4&transport=websocket&sid={poll.sid}", read_open=False)
        except (InvalidHandshake, ConnectionClosed, OSError):
            second = None
        if second is not None:
            assert await second.closed_within(BOUND), second.received
        assert (await ws.connect(user_token())).startswith("40{"), ws.received
    finally:
        await ws.close()


# -- Engine.IO: close ----------------------------------------------------------------------------------------------


async def test_close_packet_over_polling_ends_the_session(http: httpx.AsyncClient) -> None:
    """EIO suite "forcefully closes the session" (polling): POST `1` ends the pending GET, then GET is 400."""
    peer = await PollPeer.open(http)
    pending = asyncio.create_task(peer.get())
    try:
        await asyncio.sleep(0.05)
        posted = await peer.post("1")
        assert posted.status_code == 200, (posted.status_code, posted.text)
        ended = await asyncio.wait_for(asyncio.shield(pending), BOUND)
        assert ended.status_code == 200 and ended.text in ("6", "1"), (ended.status_code, ended.text)
        after = await peer.get()
        assert after.status_code == 400, (after.status_code, after.text)
    finally:
        await finish(pending)


async def test_close_packet_over_websocket_closes_it(live: LiveServer) -> None:
    """EIO §Protocol `close`, suite "forcefully closes the session": the frame `1` closes the WebSocket."""
    peer = await WsPeer.open(live.port)
    try:
        assert (await peer.connect(user_token())).startswith("40{")
        await peer.send("1")
        assert await peer.closed_within(BOUND), peer.received
    finally:
        await peer.close()


# -- Socket.IO: connection to a namespace ----------------------------------------------------------------------------


async def test_connect_to_the_main_namespace(live: LiveServer) -> None:
    """SIO §Connection to a namespace: CONNECT with auth.token is answered CONNECT {sid, pid}, sid not the EIO sid."""
    peer = await WsPeer.open(live.port)
    try:
        reply = await peer.connect(user_token())
        data = sio_json(reply, "40")
        assert set(data) == {"sid", "pid"}, data
        assert isinstance(data["sid"], str) and data["sid"] and data["sid"] != peer.handshake["sid"], data
        assert isinstance(data["pid"], str) and data["pid"], data
        assert data["sid"] in live.app.server.connections
    finally:
        await peer.close()


async def test_connect_over_polling(http: httpx.AsyncClient) -> None:
    """SIO §Sample session: a CONNECT POSTed over long-polling is answered `40{"sid":...}` on the next GET."""
    peer = await PollPeer.open(http)
    try:
        data = sio_json(await peer.connect(user_token()), "40")
        assert isinstance(data.get("sid"), str) and data["sid"] != peer.sid, data
    finally:
        await peer.close()


async def test_connect_with_the_token_in_the_query(live: LiveServer) -> None:
    """SIO §Connection to a namespace: a CONNECT without payload, token in `?token=`, is answered with a sid."""
    peer = await WsPeer.open(live.port, f"EIO=4&transport=websocket&token={user_token()}")
    try:
        data = sio_json(await peer.connect(None), "40")
        assert isinstance(data.get("sid"), str), data
    finally:
        await peer.close()


@pytest.mark.parametrize("frame", ["40/random,", "40/random", '40/random,{"token":"x"}'])
async def test_connect_to_an_unknown_namespace_is_a_connect_error_object(live: LiveServer, frame: str) -> None:
    """SIO §History v5, suite: CONNECT to an unknown namespace gets `44/random,{"message":"Invalid namespace"}`."""
    peer = await WsPeer.open(live.port)
    try:
        await peer.send(frame)
        reply = await peer.until(lambda f: isinstance(f, str) and f.startswith("44"))
        assert sio_json(reply, "44/random,") == {"message": "Invalid namespace"}, reply
    finally:
        await peer.close()


async def test_connect_without_a_token_is_a_connect_error_with_a_code(live: LiveServer) -> None:
    """SIO §Connection to a namespace: a refused CONNECT gets a CONNECT_ERROR object, data.code AUTH_REQUIRED."""
    peer = await WsPeer.open(live.port)
    try:
        data = sio_json(await peer.connect(None), "44")
        assert isinstance(data, dict) and isinstance(data.get("message"), str), data
        assert data["data"]["code"] == "AUTH_REQUIRED", data
    finally:
        await peer.close()


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (lambda: "not-a-jwt", "AUTH_INVALID"),
        (lambda: make_token(unique_user(), secret="another-secret-0123456789abcdef0123456789"), "AUTH_INVALID"),
        (lambda: make_token(unique_user(), expires_in=-60), "TOKEN_EXPIRED"),
        (lambda: make_token(unique_user(), exp="1796153531"), "AUTH_INVALID"),
        (lambda: make_token(None), "AUTH_INVALID"),
    ],
    ids=["garbage", "forged", "expired", "string_exp", "no_user"],
)
async def test_connect_with_a_bad_token_is_a_connect_error_with_a_code(
    live: LiveServer, token: Callable[[], str], code: str
) -> None:
    """SIO §Connection to a namespace: a bad token MUST get CONNECT_ERROR {message, data.code} (string exp too)."""
    peer = await WsPeer.open(live.port)
    try:
        data = sio_json(await peer.connect(token()), "44")
        assert isinstance(data, dict) and isinstance(data.get("message"), str), data
        assert data["data"]["code"] == code, data
    finally:
        await peer.close()


async def test_an_event_before_connect_closes_the_connection(live: LiveServer) -> None:
    """SIO §Connection to a namespace: without a CONNECT first the server MUST close the connection at once."""
    peer = await WsPeer.open(live.port)
    try:
        await peer.send('42["heartbeat",{"timestamp":1}]')
        assert await peer.closed_within(BOUND), peer.received
        assert not any(isinstance(f, str) and f.startswith("42") for f in peer.received), peer.received
    finally:
        await peer.close()


async def test_an_invalid_handshake_closes_the_connection(live: LiveServer) -> None:
    """SIO suite "should disallow connection with an invalid handshake": `4abc` first closes the connection."""
    peer = await WsPeer.open(live.port)
    try:
        await peer.send("4abc")
        assert await peer.closed_within(BOUND), peer.received
    finally:
        await peer.close()


async def test_no_handshake_closes_the_connection(deadline: LiveServer) -> None:
    """SIO suite "should close the connection if no handshake is received" (handshake_timeout 1 s)."""
    peer = await WsPeer.open(deadline.port)
    try:
        assert await peer.closed_within(3.0), peer.received
    finally:
        await peer.close()


# -- Socket.IO: events and acknowledgements --------------------------------------------------------------------------


async def _connected(live: LiveServer) -> WsPeer:
    peer = await WsPeer.open(live.port)
    reply = await peer.connect(user_token())
    assert reply.startswith("40{"), reply
    return peer


async def test_an_event_with_an_id_is_acknowledged_with_that_id(live: LiveServer) -> None:
    """SIO §Acknowledgement: the receiver MUST answer an EVENT's id with an ACK of that id, payload an array."""
    peer = await _connected(live)
    try:
        await peer.send('4217["subscribe",{"channel":"cart"}]')
        answer = sio_json(await peer.until(lambda f: isinstance(f, str) and f.startswith("43")), "4317")
        assert isinstance(answer, list) and answer[0]["ok"] is True, answer
        await peer.send('42987654["no_such_event",{}]')
        refused = sio_json(await peer.until(lambda f: isinstance(f, str) and f.startswith("43")), "43987654")
        assert isinstance(refused, list) and refused[0]["error"]["code"] == "UNKNOWN_EVENT", refused
    finally:
        await peer.close()


async def _closes_on(live: LiveServer, *frames: Frame) -> list[Frame]:
    """Send frames on a connected session and assert that the server closes it within BOUND; what came back."""
    peer = await _connected(live)
    try:
        await peer.send(*frames)
        assert await peer.closed_within(BOUND), (frames, peer.received)
        return list(peer.received)
    finally:
        await peer.close()


@pytest.mark.parametrize("frame", ["42", "42[]", "42{}", '42"heartbeat"', "421", "42null", "4212{}"])
async def test_an_event_payload_that_is_not_a_non_empty_array_closes(live: LiveServer, frame: str) -> None:
    """SIO §Sending and receiving data: an EVENT payload that is not a non-empty array MUST close the connection."""
    await _closes_on(live, frame)


@pytest.mark.parametrize("frame", ["43", "431", "431{}", '431"ok"', "431null"])
async def test_an_ack_payload_that_is_not_an_array_closes(live: LiveServer, frame: str) -> None:
    """SIO §Acknowledgement: an ACK payload MUST be an array; a malformed ACK closes the connection."""
    await _closes_on(live, frame)


@pytest.mark.parametrize("frame", ["42[null]", "42[{}]", "42[[]]", "42[true]", '42[{"heartbeat":1}]'])
async def test_an_event_name_that_is_not_a_string_or_number_closes(live: LiveServer, frame: str) -> None:
    """SIO §Packet encoding (reference parser): an EVENT name that is not a string or number closes it."""
    await _closes_on(live, frame)


@pytest.mark.parametrize("frame", ["4abc", "47", "48[]", "49", "4-1", '4/["x"]'])
async def test_an_unknown_packet_type_closes(live: LiveServer, frame: str) -> None:
    """SIO §Exchange protocol (types 0-6), suite "invalid format (unknown packet type)": the connection closes."""
    await _closes_on(live, frame)


@pytest.mark.parametrize(
    "frame", ['42abc["subscribe",{"channel":"cart"}]', '42-1["subscribe",{"channel":"cart"}]', '421x["heartbeat"]']
)
async def test_an_invalid_ack_id_closes(live: LiveServer, frame: str) -> None:
    """SIO §Packet encoding (integer id), suite "invalid format (invalid ack id)": the connection closes."""
    received = await _closes_on(live, frame)
    assert not any(isinstance(f, str) and f.startswith("43") for f in received), received


@pytest.mark.parametrize("frame", ['44{"message":"nope"}', '44"nope"', "44"])
async def test_a_connect_error_from_the_client_closes(live: LiveServer, frame: str) -> None:
    """SIO §Exchange protocol: CONNECT_ERROR is the server's; from a client it closes the connection."""
    await _closes_on(live, frame)


async def test_a_binary_event_is_decoded_with_its_attachment(live: LiveServer) -> None:
    """SIO §Packet encoding: a BINARY_EVENT with its attachment is decoded and answered, the connection kept."""
    peer = await _connected(live)
    try:
        await peer.send('451-3["heartbeat",{"timestamp":{"_placeholder":true,"num":0}}]', b"\x01\x02\x03")
        answer = sio_json(await peer.until(lambda f: isinstance(f, str) and f.startswith("43")), "433")
        assert answer[0]["error"]["code"] == "VALIDATION_ERROR", answer
        await peer.send('424["subscribe",{"channel":"cart"}]')
        assert sio_json(await peer.until(lambda f: isinstance(f, str) and f.startswith("43")), "434")[0]["ok"] is True
    finally:
        await peer.close()


@pytest.mark.parametrize(
    "frames",
    [
        ('451-["heartbeat",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', b"\x01"),
        ('451-["heartbeat",{"_placeholder":true,"num":1}]', b"\x01"),
        ('450-["heartbeat",{"_placeholder":true,"num":0}]', '42["heartbeat",{"timestamp":1}]'),
    ],
    ids=["more_placeholders", "num_out_of_range", "zero_declared"],
)
async def test_a_wrong_attachment_count_closes(live: LiveServer, frames: tuple[Frame, ...]) -> None:
    """SIO §Packet encoding: placeholders the declared attachments cannot fill close the connection."""
    await _closes_on(live, *frames)


async def test_disconnect_leaves_the_namespace(live: LiveServer) -> None:
    """SIO §Disconnection from a namespace: after the client's `41` the socket is out of the namespace."""
    peer = await WsPeer.open(live.port)
    try:
        sid = sio_json(await peer.connect(user_token()), "40")["sid"]
        assert sid in live.app.server.connections
        await peer.send("41")
        deadline = time.monotonic() + BOUND
        while sid in live.app.server.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert sid not in live.app.server.connections, "the socket is still connected after DISCONNECT"
        assert not live.app.server.sio.manager.is_connected(sid, "/")
    finally:
        await peer.close()
