"""Where eventcat extends python-socketio and python-engineio: the protocols' MUSTs they leave out, and the limits
hostile input needs.

Every use of a private name of either library is in this module; both are pinned exactly in pyproject.toml, and
tests/test_protocol_contract.py proves each touch point on the pinned versions. What is changed, and why:

- Malformed input closes the connection (Socket.IO protocol: "the server MUST close the connection"). Upstream
  logs a traceback and keeps it open for a bad Socket.IO packet, leaves a ghost session for an empty or unknown
  Engine.IO frame, keeps a WebSocket open after the client's Engine.IO CLOSE, and, once a binary placeholder
  names a missing attachment, drops every later message of the connection.
- Each client error is counted by kind (`server.stats["protocol_error:KIND"]`, exported as
  `eventcat_protocol_errors_total{kind}`) and logged once per connection per streak, at warning, without a
  traceback: one client cannot fill the disk.
- Events nested too deep or holding a number too long for the decoder are refused like any invalid payload
  (VALIDATION_ERROR to the ack or the `error` event), before the decoder raises with nobody to answer.
- A handshake deadline: an Engine.IO session with no authenticated namespace after `handshake_timeout` seconds
  is closed (Node's socket.io has `connectTimeout` for this); and a cap on such sessions per client address.
- No event reaches a connection before its CONNECT is answered: the manager skips connections still pending
  (upstream's Admin UI broadcast other sockets' handshakes to a client whose admin login was being refused).
- CONNECT_ERROR for an unknown namespace is an object (`{"message": "Invalid namespace"}`), as socket.io-client
  expects; the Engine.IO handshake without a `transport` answers 400.
- A long-polling POST over the buffer limit answers at once and ends the session: upstream closed the session by
  waiting for its queue to drain, which with no GET pending never happens.
- The fast delivery path's side of python-engineio and python-socketio (wire.py has uvicorn's and websockets'): the
  manager's emit hands one framed message to every WebSocket's sender, with no task per recipient; a socket on a
  WebSocket reads without a task per message and sends every packet through its sender; PINGs on a timer; packets
  encoded by one C-level JSON pass (JsonFirstPacket). Off, with the reason logged, when an internal is missing.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re
import time
import urllib.parse
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import engineio
import socketio
from engineio import async_socket as eio_socket
from engineio import base_socket as eio_base_socket
from engineio import exceptions as eio_exceptions
from engineio import packet as eio_packet
from socketio import packet

from . import wire
from .limits import JsonLimits
from .logs import library_logger
from .validation import is_unicode

log = logging.getLogger("eventcat.protocol")

# Event names socket.io's own parser refuses: they are the client library's lifecycle events.
RESERVED_EVENTS = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}
)
# Engine.IO packet types a client may send (Engine.IO v4: OPEN is the server's alone).
_CLIENT_EIO_TYPES = frozenset("123456")
_BINARY_TYPES = (packet.BINARY_EVENT, packet.BINARY_ACK)
# Refused CONNECTs one session may make before it is closed (socket.io-client retries on a new session).
MAX_REFUSED_CONNECTS = 5
_DIGITS = frozenset("0123456789")
# Binary attachments one packet may declare (upstream reads up to ten digits of them, then waits for them all).
MAX_ATTACHMENTS = 256
# The event name at the start of an EVENT packet's JSON, read without decoding the rest.
_EVENT_NAME = re.compile(r'\["((?:[^"\\]|\\.){1,200})"')


# Every kind of ProtocolError, listed so that /metrics shows each from zero.
PROTOCOL_ERROR_KINDS = (
    "engineio_packet",
    "socketio_packet",
    "binary_attachment",
    "limits",
    "too_large",
    "handshake_timeout",
    "too_many_pending",
    "refused_connects",
    "slow_reader",
    "internal",
)


class ProtocolError(Exception):
    """Input that breaks the Engine.IO or Socket.IO protocol: the connection is closed."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class ClientErrors:
    """Counts client errors by kind into the server's stats and logs the first of each streak per connection."""

    # Streaks are kept per connection (or per address, for errors before there is one); past this many the oldest
    # are forgotten, at worst logging a streak twice.
    MAX_STREAKS = 10_000

    def __init__(self, stats: Counter[str]) -> None:
        self.stats = stats
        self._streaks: dict[str, int] = {}

    def report(self, eio_sid: str, kind: str, message: str, **fields: Any) -> None:
        if self.first(eio_sid, kind):
            log.warning("client error: %s", message, extra={"eio_sid": eio_sid, "code": kind, **fields})

    def first(self, eio_sid: str, kind: str) -> bool:
        """Count an error of this kind; True when it starts a streak (the caller logs it as it sees fit)."""
        self.stats[f"protocol_error:{kind}"] += 1
        if len(self._streaks) >= self.MAX_STREAKS:
            self._streaks.clear()
        streak = self._streaks.get(eio_sid, 0)
        self._streaks[eio_sid] = streak + 1
        return streak == 0

    def good(self, eio_sid: str) -> None:
        """A valid message: the next error starts a new streak (and is logged)."""
        if self._streaks:
            self._streaks.pop(eio_sid, None)

    def forget(self, eio_sid: str) -> None:
        self._streaks.pop(eio_sid, None)


# -- Engine.IO ---------------------------------------------------------------------------------------------------


class _GuardedWebSocket:
    """engine.io's ASGI WebSocket as its socket reads it, with the Engine.IO framing checked first.

    `wait()` returning None ends upstream's read loop the way a client's close does (the writer stops, the WebSocket
    closes, the session ends): for an empty or unknown frame, and once the session is closed, whoever closed it.
    """

    def __init__(self, ws: Any, socket: EngineIOSocket) -> None:
        self._ws = ws
        self._socket = socket

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    async def send(self, message: Any) -> None:
        await self._ws.send(message)

    async def close(self) -> None:
        await self._ws.close()

    async def wait(self) -> Any:
        socket = self._socket
        if socket.closed or socket.closing:
            return None
        if socket.connected and not socket.upgraded:
            # An upgrade from long-polling: upstream waits for the probe (and the UPGRADE packet) without end, so a
            # WebSocket whose session the handshake deadline closed stayed open. A TimeoutError (an OSError) ends
            # upstream's upgrade, and the WebSocket with it.
            data = await asyncio.wait_for(self._ws.wait(), socket.server.ping_timeout)
        else:
            data = await self._ws.wait()
        if socket.closed:
            return None
        if isinstance(data, str):
            problem = _engineio_text_problem(data)
            if problem is not None:
                socket.server.protocol_error(socket.sid, ProtocolError("engineio_packet", problem))
                return None
        return data


_PING = eio_packet.Packet(eio_packet.PING).encode()


class _Drained:
    """The queue of a socket whose packets all go through its WireSender: always empty, and a packet put into it is
    a bug (upstream's send is replaced), logged rather than kept."""

    def empty(self) -> bool:
        return True

    def qsize(self) -> int:
        return 0

    async def join(self) -> None:
        return None

    def task_done(self) -> None:
        return None

    def get_nowait(self) -> Any:
        raise asyncio.QueueEmpty()

    def put_nowait(self, item: Any) -> None:
        if item is not None:
            log.error("a packet queued on the fast path was dropped", extra={"packet": repr(item)[:100]})

    async def put(self, item: Any) -> None:
        self.put_nowait(item)


_DRAINED = _Drained()


def _is_packet(data: Any, kind: int, text: str | None = None) -> bool:
    try:
        pkt = eio_packet.Packet(encoded_packet=data)
    except (ValueError, TypeError, IndexError):
        return False
    return bool(pkt.packet_type == kind and (text is None or pkt.data == text))


def _packet_size(pkt: Any) -> int:
    data = pkt.data
    return len(data) + 1 if isinstance(data, str | bytes | bytearray) else 64


def _engineio_text_problem(data: str) -> str | None:
    if not data:
        return "an empty Engine.IO packet"
    first = data[0]
    if first == "b":
        try:
            base64.b64decode(data[1:], validate=True)
        except (binascii.Error, ValueError):
            return "a base64 Engine.IO packet that is not base64"
        return None
    if first not in _CLIENT_EIO_TYPES:
        return f"an unknown Engine.IO packet type {first!r}"
    return None


class EngineIOSocket(eio_socket.AsyncSocket):  # type: ignore[misc]
    """One Engine.IO session, closed on malformed input, and closable at once whatever its transport."""

    server: EngineIOServer
    connected: bool
    upgraded: bool
    upgrading: bool
    queue: Any  # upstream's asyncio.Queue, or _DRAINED once the fast path serves the socket
    last_ping: float | None
    # Long-polling requests in progress: the protocol allows one GET and one POST at a time.
    _polling = False
    _posting = False
    # Bytes of packets queued for the client and not taken by its transport yet; the WebSocket, once upgraded.
    _queued = 0
    _ws: Any = None
    replaying = False

    # The connection's WireSender once it is on a WebSocket eventcat's uvicorn protocol serves (wire.py): from then
    # on every packet goes through it, in order, and python-engineio's queue and writer task are not used.
    _sender: wire.WireSender | None = None

    async def send(self, pkt: Any) -> None:
        sender = self._sender
        if sender is not None:
            if pkt.packet_type == eio_packet.CLOSE:
                sender.send_data(pkt.encode())
                await self._close_websocket()
            elif await self.check_ping_timeout():
                sender.send_data(pkt.encode())
            return
        size = _packet_size(pkt)
        limit = self.server.max_queued_bytes
        over = limit and self._queued + size > limit and not self.replaying
        if over and pkt.packet_type != eio_packet.CLOSE and not self.closed:
            # A client that does not read (or not fast enough): upstream queues without end. Its queue is dropped
            # and the session closed; a client that recovers gets what it missed from the replay log.
            self._drop_queue()
            await self._fail("slow_reader", f"over {limit} bytes queued for a client that does not read")
            if self._ws is not None:
                self.server.start_background_task(self._ws.close)  # a stalled transport is aborted (wire.py)
            return
        self._queued += size
        await super().send(pkt)

    async def poll(self) -> Any:
        packets = await super().poll()
        for pkt in packets or ():
            self._queued -= _packet_size(pkt)
        return packets

    def _drop_queue(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()
            self.queue.task_done()
        self._queued = 0

    async def _websocket_handler(self, ws: Any) -> Any:
        self._ws = ws
        guarded = _GuardedWebSocket(ws, self)
        server = self.server
        hooks = server.instrumentation
        sender = None
        if server.fast_delivery:
            sender = wire.sender_for(getattr(ws, "asgi_send", None), server.flusher, server.max_queued_bytes)
        server.websocket_paths["fast" if sender is not None else "stock"] += 1
        if sender is not None:
            return await self._fast_websocket(guarded, sender, hooks)
        if hooks is not None:  # the Admin UI's byte and packet counts (admin.Instrumentation), this server's only
            return await type(hooks)._eio_websocket_handler(self, hooks, guarded)
        return await super()._websocket_handler(guarded)

    async def _fast_websocket(self, ws: _GuardedWebSocket, sender: wire.WireSender, hooks: Any) -> None:
        """Upstream's `_websocket_handler` (python-engineio 4.15.1) with the WireSender in place of its writer task,
        and no task per message read."""
        server = self.server
        if hooks is not None:  # the Admin UI's counters, as upstream's instrumentation keeps them
            buffer = hooks.event_buffer

            def written(packets: int, size: int) -> None:
                buffer.push("packetsOut", packets)
                buffer.push("bytesOut", size)

            sender.on_written = written
        if self.connected:
            # An upgrade from long-polling: the probe, then the UPGRADE packet; packets wait in the queue meanwhile.
            self.upgrading = True
            try:
                probe = await self._read(ws, hooks)
                if probe is None or not _is_packet(probe, eio_packet.PING, "probe"):
                    return
                await ws.send(eio_packet.Packet(eio_packet.PONG, data="probe").encode())
                await self.queue.put(eio_packet.Packet(eio_packet.NOOP))  # ends the pending poll
                upgrade = await self._read(ws, hooks)
                if upgrade is None or not _is_packet(upgrade, eio_packet.UPGRADE):
                    return
            except (OSError, ValueError):
                return
            finally:
                self.upgrading = False
        self.connected = self.upgraded = True
        sender.on_overflow = self._overflow
        self._sender = sender
        closing = self._hand_over_queue(sender)
        try:
            if closing:
                await self._close_websocket()
                return
            while True:
                try:
                    data = await self._read(ws, hooks)
                except Exception:  # the client went away (OSError), was silent too long, or sent too much
                    break
                if data is None:
                    break
                try:
                    pkt = eio_packet.Packet(encoded_packet=data)
                except (ValueError, TypeError, IndexError) as exc:
                    server.protocol_error(self.sid, ProtocolError("engineio_packet", f"an undecodable packet: {exc}"))
                    break
                try:
                    await self.receive(pkt)
                except eio_exceptions.UnknownPacketError:
                    pass
                except eio_exceptions.SocketIsClosedError:
                    break
                except Exception:
                    log.exception("receive failed", extra={"eio_sid": self.sid})
                # One message, then the other connections' turn: a read that finds the next message already
                # queued does not suspend, and a flooding client would otherwise hold the loop for a whole TCP read.
                await asyncio.sleep(0)
            sender.close()
            await self._close_websocket()
        finally:
            sender.closed = True
            await self.close(wait=False, abort=True, reason=server.reason.TRANSPORT_CLOSE)

    async def _read(self, ws: _GuardedWebSocket, hooks: Any) -> Any:
        # No deadline per read (upstream's wait_for made a task per message): a client that goes silent misses its
        # PONG, python-engineio's service task closes the session, and the close ends this read; during an upgrade
        # _GuardedWebSocket.wait has its own deadline.
        server = self.server
        data = await ws.wait()
        if data and len(data) > server.max_http_buffer_size:
            raise ValueError("packet is too large")
        if hooks is not None:
            hooks.event_buffer.push("packetsIn")
            hooks.event_buffer.push("bytesIn", len(data or ""))
        return data

    def _hand_over_queue(self, sender: wire.WireSender) -> bool:
        """What was queued before the WebSocket took over (the OPEN packet, a CONNECT reply), in order, to the
        sender; True when that ends with the session's CLOSE."""
        while not self.queue.empty():
            pkt = self.queue.get_nowait()
            self.queue.task_done()
            if pkt is None:
                return True
            sender.send_data(pkt.encode())
            if pkt.packet_type == eio_packet.CLOSE:
                return True
        self._queued = 0
        self.queue = _DRAINED  # nothing is queued from now on: one shared empty queue rather than one per connection
        return False

    async def _close_websocket(self) -> None:
        sender, ws = self._sender, self._ws
        if sender is not None:
            sender.close()
        if ws is not None:
            await ws.close()

    def _overflow(self, unsent: int) -> None:
        """The client reads too slowly: its sender aborted the transport, which ends the session."""
        self.server.protocol_error(
            self.sid, ProtocolError("slow_reader", f"{unsent} bytes unsent to a client that does not read")
        )

    def unsent(self) -> int:
        """Bytes waiting for this client: in the fast path's sender and transport, or in upstream's queue."""
        return self._sender.unsent() if self._sender is not None else self._queued

    async def _send_ping(self) -> None:
        hooks = self.server.instrumentation
        if hooks is not None and hooks.mode == "development":  # it lists the socket again with each ping
            await type(hooks)._eio_send_ping(self, hooks)
            return
        await super()._send_ping()

    _ping_timer: asyncio.TimerHandle | None = None

    def schedule_ping(self) -> None:
        """The next PING after the ping interval, on a timer: upstream starts a task per connection that sleeps
        through the interval (about 1 KB held by every idle connection). The Admin UI in development mode keeps
        upstream's task, which it hooks to list the socket again before each ping."""
        if not self.last_ping:
            return  # a PING is out and its PONG not back yet
        hooks = self.server.instrumentation
        if hooks is not None and hooks.mode == "development":
            super().schedule_ping()
            return
        self.last_ping = None
        self._ping_timer = asyncio.get_running_loop().call_later(self.server.ping_interval, self._ping_due)

    def _ping_due(self) -> None:
        self._ping_timer = None
        if self.closing or self.closed:
            return
        self.last_ping = time.time()
        if self._sender is not None:
            self._sender.send_data(_PING)
        else:
            self.server.start_background_task(self.send, eio_packet.Packet(eio_packet.PING))

    async def handle_get_request(self, environ: dict[str, Any]) -> Any:
        if self.closed and self.queue.empty():
            raise eio_exceptions.EngineIOError()  # nothing left to deliver (a queued CLOSE is, once): 400
        upgrade = "upgrade" in str(environ.get("HTTP_CONNECTION", "")).lower()
        if upgrade or self.upgrading or self.upgraded:
            return await super().handle_get_request(environ)
        if self._polling:
            # Engine.IO protocol: a second GET while one is pending MUST be answered 400 and the session closed
            # (the pending one gets the CLOSE packet). Upstream serves both.
            await self._fail("engineio_packet", "two long-polling GETs at once")
            raise eio_exceptions.EngineIOError()
        self._polling = True
        try:
            return await super().handle_get_request(environ)
        finally:
            self._polling = False

    async def handle_post_request(self, environ: dict[str, Any]) -> None:
        if self.closed:
            raise eio_exceptions.EngineIOError()  # a closed session takes nothing more: 400
        if self._posting:
            # As for GETs: a second POST while one is in progress is a 400 and the end of the session.
            await self._fail("engineio_packet", "two long-polling POSTs at once")
            raise eio_exceptions.EngineIOError()
        self._posting = True
        try:
            await self._post(environ)
        finally:
            self._posting = False

    async def _post(self, environ: dict[str, Any]) -> None:
        limit = self.server.max_http_buffer_size
        declared = str(environ.get("CONTENT_LENGTH") or "0")
        length = int(declared) if declared.isdigit() else limit + 1  # no number: refused as too large to read
        if length > limit:
            # Upstream raises here, then closes the session by waiting for its queue to drain: with no GET pending
            # that never happens, and the request is never answered. Closed first, that later close is a no-op.
            await self._fail("too_large", f"a {length}-byte POST (limit {limit})")
            raise eio_exceptions.ContentTooLongError()
        hooks = self.server.instrumentation
        try:
            if hooks is not None:
                await type(hooks)._eio_handle_post_request(self, hooks, environ)
            else:
                await super().handle_post_request(environ)
        except (ValueError, KeyError, IndexError) as exc:  # upstream would log a traceback and answer 200
            await self._fail("engineio_packet", f"a bad long-polling payload: {exc}")
            raise eio_exceptions.EngineIOError() from None

    async def receive(self, pkt: Any) -> None:
        if not eio_packet.CLOSE <= pkt.packet_type <= eio_packet.NOOP:  # OPEN is the server's; the rest are unknown
            await self._fail("engineio_packet", f"an Engine.IO packet of type {pkt.packet_type!r}")
            return
        if self.closed:
            return  # nothing more is read from a closed session (a polling body may hold several packets)
        kind = pkt.packet_type
        if kind in (eio_packet.PING, eio_packet.NOOP):
            # Upstream raises UnknownPacketError: ignored on a WebSocket, but on long-polling it closes the session by
            # waiting for a GET that may never come, and the POST is never answered. Ignored on both here.
            return
        if kind == eio_packet.CLOSE and not self.upgraded:
            # Upstream aborts, so a pending GET waits out the ping timeout; it gets the CLOSE packet here.
            await self.close(wait=False, abort=False, reason=self.server.reason.CLIENT_DISCONNECT)
            return
        await super().receive(pkt)

    async def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        if self._ping_timer is not None:
            self._ping_timer.cancel()
            self._ping_timer = None
        await super().close(wait=wait, abort=abort, reason=reason)
        self.server.session_ended(self.sid)

    async def _fail(self, kind: str, message: str) -> None:
        """Input that breaks the protocol: counted and logged (once a streak), then the session closed now."""
        self.server.protocol_error(self.sid, ProtocolError(kind, message))
        await self.terminate()

    async def terminate(self, reason: Any = None) -> None:
        """Close now: the CLOSE packet goes to the client (a pending poll, or the WebSocket's writer, which then
        closes the WebSocket), without waiting for a client that may never read it."""
        was_open = not (self.closed or self.closing)
        await self.close(wait=False, abort=False, reason=reason or self.server.reason.TRANSPORT_ERROR)
        if self._sender is not None:
            await self._close_websocket()  # the CLOSE packet is written; a closing session's WebSocket closes too
        elif was_open and self.upgraded:
            self.queue.put_nowait(None)  # the writer sends what is queued (CLOSE last), then closes the WebSocket


# The python-engineio and python-socketio names the fast delivery path needs, besides those of wire.py.
_FAST_PATH_NEEDS = (
    (eio_socket.AsyncSocket, ("check_ping_timeout", "receive", "close", "_websocket_handler")),
    (socketio.AsyncServer, ("_send_eio_packet", "_send_packet")),
    (socketio.AsyncManager, ("get_participants", "emit")),
)


def fast_path_missing() -> list[str]:
    """What the fast delivery path needs of its libraries and this installation lacks (nothing, when pinned)."""
    missing = wire.missing_internals()
    missing += [
        f"{owner.__name__}.{name}" for owner, names in _FAST_PATH_NEEDS for name in names if not hasattr(owner, name)
    ]
    state = eio_base_socket.BaseSocket.__init__.__code__.co_names
    missing += [f"BaseSocket.{name}" for name in ("queue", "upgraded", "upgrading", "connected") if name not in state]
    return missing


class EngineIOServer(engineio.AsyncServer):  # type: ignore[misc]
    """python-engineio's server with eventcat's sockets, the handshake deadline and the per-address cap."""

    sockets: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The Admin UI's instrumentation of this server's sockets (admin.Instrumentation), when there is one.
        self.instrumentation: Any = None
        # Bytes queued for one client before it counts as not reading and is closed (0: no limit).
        self.max_queued_bytes: int = 4 * 1024 * 1024
        # The fast delivery path (wire.py) for WebSocket connections on eventcat's uvicorn protocol; off when an
        # internal it needs is missing (said once, at start) or when chosen off.
        missing = fast_path_missing()
        self.fast_delivery: bool = not missing
        if missing:
            log.warning(
                "fast delivery path off, every connection on python-engineio's own writer: %s missing "
                "(another version of a library than eventcat_runtime/pyproject.toml pins?)",
                ", ".join(missing),
            )
        self.flusher = wire.Flusher()
        # WebSocket sessions served so far by each delivery path (eventcat_websocket_sessions_total{path}).
        self.websocket_paths: Counter[str] = Counter({"fast": 0, "stock": 0})
        self.handshake_timeout: float = 10.0
        self.max_pending_per_address: int = 128
        self.on_protocol_error: Callable[[str, ProtocolError], None] | None = None
        self._pending: dict[str, tuple[str, asyncio.TimerHandle | None]] = {}
        self._pending_by_address: Counter[str] = Counter()

    def protocol_error(self, sid: str, error: ProtocolError) -> None:
        if self.on_protocol_error is not None:
            self.on_protocol_error(sid, error)

    def _get_socket(self, sid: str) -> Any:
        # Upstream drops a closed session here and raises KeyError, which its GET path answers 400 but its POST path
        # lets through (a 500 with a traceback). The session is returned as it is: a GET still receives a CLOSE
        # waiting in its queue, anything else is answered 400 by the socket; the service task drops it later.
        try:
            return self.sockets[sid]
        except KeyError:
            raise KeyError("Session not found") from None

    async def send_packet(self, sid: str, pkt: Any) -> None:
        socket = self.sockets.get(sid)
        if socket is not None and not socket.closed:  # upstream's _get_socket raised for a closed one
            await socket.send(pkt)

    def _ok(self, packets: Any = None, headers: Any = None, jsonp_index: Any = None) -> dict[str, Any]:
        response: dict[str, Any] = super()._ok(packets=packets, headers=headers, jsonp_index=jsonp_index)
        if packets is None and jsonp_index is None:
            response["response"] = b"ok"  # what the Engine.IO protocol answers a POST (upstream: "OK")
        return response

    async def disconnect(self, sid: str | None = None) -> None:
        """Close one session (or all) without waiting for it to be read: upstream waits until the client has taken
        the CLOSE packet, which a long-polling client without a pending GET never does."""
        for socket in [self.sockets.get(sid)] if sid is not None else list(self.sockets.values()):
            if socket is not None:
                await socket.terminate(self.reason.SERVER_DISCONNECT)
        if sid is None:
            self.sockets = {}
        else:
            self.sockets.pop(sid, None)

    def _method_not_found(self) -> dict[str, Any]:
        # Upstream answers 405; the Engine.IO protocol's reference test suite expects 400 for a method other than
        # GET, POST or OPTIONS ("fails with an invalid request method"), as socket.io's server answers.
        return self._bad_request("Method not allowed")  # type: ignore[no-any-return]

    # -- sessions not authenticated yet ---------------------------------------------------------------------------

    def awaiting_auth(self, sid: str, address: str) -> None:
        """Start (or restart) the handshake deadline of a session with no namespace connected."""
        if sid in self._pending or self.handshake_timeout <= 0:
            return
        timer = asyncio.get_running_loop().call_later(self.handshake_timeout, self._deadline, sid)
        self._pending[sid] = (address, timer)
        self._pending_by_address[address] += 1

    def authenticated(self, sid: str) -> None:
        entry = self._pending.pop(sid, None)
        if entry is None:
            return
        address, timer = entry
        if timer is not None:
            timer.cancel()
        self._pending_by_address[address] -= 1
        if self._pending_by_address[address] <= 0:
            del self._pending_by_address[address]

    def session_ended(self, sid: str) -> None:
        self.authenticated(sid)  # same bookkeeping: no longer pending

    def _deadline(self, sid: str) -> None:
        if sid not in self._pending:
            return
        socket = self.sockets.get(sid)
        self.authenticated(sid)
        if socket is None or socket.closed:
            return
        self.protocol_error(
            sid, ProtocolError("handshake_timeout", f"no authenticated CONNECT within {self.handshake_timeout:g} s")
        )
        self.start_background_task(socket.terminate)

    # -- the handshake ----------------------------------------------------------------------------------------------

    async def _handle_connect(self, environ: dict[str, Any], transport: str, jsonp_index: int | None = None) -> Any:
        """Upstream's handshake (python-engineio 4.15.1, `AsyncServer._handle_connect`) with eventcat's socket class,
        a 400 without a `transport` (Engine.IO protocol: the query MUST name it; upstream assumes polling), 429 past
        the per-address cap of sessions not authenticated yet, and `pingInterval` in whole milliseconds."""
        if "transport" not in urllib.parse.parse_qs(environ.get("QUERY_STRING", "")):
            return self._bad_request("Transport unknown")
        address = str(environ.get("REMOTE_ADDR", ""))
        cap = self.max_pending_per_address
        if cap > 0 and self._pending_by_address.get(address, 0) >= cap:
            self.protocol_error(
                f"address:{address}",
                ProtocolError("too_many_pending", f"{address}: over {cap} sessions not authenticated yet"),
            )
            return await _too_many(environ)
        if self.start_service_task:  # type: ignore[has-type]
            self.start_service_task = False
            self.service_task_handle = self.start_background_task(self._service_task)

        sid = self.generate_id()
        s = EngineIOSocket(self, sid)
        self.sockets[sid] = s
        pkt = eio_packet.Packet(
            eio_packet.OPEN,
            {
                "sid": sid,
                "upgrades": self._upgrades(sid, transport),
                "pingTimeout": int(self.ping_timeout * 1000),
                # Upstream truncates to whole seconds before converting (a 0.3 s interval was announced as 0).
                "pingInterval": int((self.ping_interval + self.ping_interval_grace_period) * 1000),
                "maxPayload": self.max_http_buffer_size,
            },
        )
        await s.send(pkt)
        del pkt  # this frame lives as long as a WebSocket does: nothing it no longer needs is kept in it
        ret = await self._trigger_event("connect", sid, environ, run_async=False)
        if ret is not None and ret is not True:
            del self.sockets[sid]
            return self._unauthorized(ret or None)
        self.awaiting_auth(sid, address)
        s.schedule_ping()
        if transport == "websocket":
            # The request body reader python-engineio puts in every environ (a class made per request): a WebSocket
            # never reads it, and the environ lives as long as the connection.
            environ.pop("wsgi.input", None)
            ret = await s.handle_get_request(environ)
            if s.closed and sid in self.sockets:
                del self.sockets[sid]
            return ret
        s.connected = True
        headers = None
        if self.cookie:
            options = (
                self.cookie if isinstance(self.cookie, dict) else {"name": self.cookie, "path": "/", "SameSite": "Lax"}
            )
            headers = [("Set-Cookie", self._generate_sid_cookie(sid, options))]
        try:
            return self._ok(await s.poll(), headers=headers, jsonp_index=jsonp_index)
        except eio_exceptions.QueueEmpty:
            return self._bad_request()


async def _too_many(environ: dict[str, Any]) -> Any:
    """429 on either transport: a WebSocket upgrade gets it as an HTTP response (ASGI's websocket.http.response)."""
    body = b'"Too many connections waiting to authenticate from this address"'
    scope = environ.get("asgi.scope") or {}
    if scope.get("type") == "websocket":
        send: Callable[[dict[str, Any]], Awaitable[None]] = environ["asgi.send"]
        if "websocket.http.response" in (scope.get("extensions") or {}):
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": 429,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": 1008})
        return ""
    return {"status": "429 TOO MANY REQUESTS", "headers": [("Content-Type", "application/json")], "response": body}


# -- Socket.IO ---------------------------------------------------------------------------------------------------


class ConnectedOnlyManager(socketio.AsyncManager):  # type: ignore[misc]
    """Rooms as python-socketio keeps them, but a connection whose CONNECT is not answered yet is in none.

    Upstream puts a connection in its namespace's rooms before the connect handler runs, so a broadcast in that
    window reached it: the Admin UI's `socket_connected` events (with other sockets' handshakes) went to a client
    whose admin login was about to be refused.
    """

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        """Upstream's emit (python-socketio 5.18.1, `AsyncManager.emit`) without a task per recipient: the packet is
        encoded and framed once, and handed to each WebSocket's sender (wire.py) in this call; connections on the
        stock path (long-polling, an upgrade in progress, another ASGI server) get it in order after them."""
        server = self.server
        eio = server.eio
        if callback is not None or not eio.fast_delivery:
            await super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to, **kwargs)
            return
        room = to or room
        if namespace not in self.rooms:
            return
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        skip = frozenset(skip_sid if isinstance(skip_sid, list) else (skip_sid,))
        encoded = server.packet_class(packet.EVENT, namespace=namespace, data=[event, *args]).encode()
        packets = [
            eio_packet.Packet(eio_packet.MESSAGE, part)
            for part in (encoded if isinstance(encoded, list) else [encoded])
        ]
        messages = [wire.Outgoing(pkt.encode()) for pkt in packets]
        sockets = eio.sockets
        stock: list[str] = []
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            socket = sockets.get(eio_sid)
            if socket is None:
                continue
            sender = socket._sender
            if sender is None:
                stock.append(eio_sid)
            elif not socket.closed:
                for message in messages:
                    sender.send(message)
        for eio_sid in stock:
            for pkt in packets:
                await server._send_eio_packet(eio_sid, pkt)

    # The rooms of each connection, kept beside upstream's rooms: upstream finds a connection's rooms by scanning
    # every room of the namespace (a copy of them, on each disconnect), so 5,000 clients leaving cost seconds of CPU.
    # (A dict of rooms, for upstream's order in get_rooms.)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rooms_of: dict[tuple[str, str], dict[Any, None]] = {}

    def basic_enter_room(self, sid: str, namespace: str, room: Any, eio_sid: str | None = None) -> None:
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._rooms_of.setdefault((namespace, sid), {})[room] = None

    def basic_leave_room(self, sid: str, namespace: str, room: Any) -> None:
        super().basic_leave_room(sid, namespace, room)
        rooms = self._rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del self._rooms_of[(namespace, sid)]

    def basic_disconnect(self, sid: str, namespace: str, **kwargs: Any) -> None:
        """Upstream's (python-socketio 5.18.1, `BaseManager.basic_disconnect`), leaving the rooms the index names
        rather than scanning every room."""
        if namespace not in self.rooms:
            return
        for room in list(self._rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self._rooms_of.pop((namespace, sid), None)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            waiting = pending.get(namespace)
            if waiting is not None and sid in waiting:
                waiting.remove(sid)
                if not waiting:
                    del pending[namespace]

    def get_rooms(self, sid: str, namespace: str) -> list[Any]:
        """The rooms a client is in (its own and the namespace's excluded, as upstream), from the index."""
        return [room for room in self._rooms_of.get((namespace, sid), ()) if room is not None]

    def get_participants(self, namespace: str, room: Any) -> Any:
        pending = self.pending_connect.get(namespace)
        if not pending:
            yield from super().get_participants(namespace, room)
            return
        for sid, eio_sid in super().get_participants(namespace, room):
            if sid not in pending:
                yield sid, eio_sid


class JsonFirstPacket(packet.Packet):  # type: ignore[misc]
    """python-socketio's packet, with its scan for binary data done by one JSON encoding, which is then sent.

    Upstream walks the whole payload in Python for every packet it builds (`data_is_binary`, with a list and a
    reduce per level): 5 us for a small event, 300 us for a 10 KB leaderboard, paid per packet and before the same
    payload is encoded again. Here the payload is encoded first, in C: JSON holds no bytes, so a payload that encodes
    is not binary, and its text is what `encode` sends. One that does not encode (bytes somewhere, or a value JSON
    cannot hold) goes through upstream's scan and encoding as before. The text is dropped whenever `data` is set.
    """

    _text: str | None = None

    def __init__(
        self,
        packet_type: int = packet.EVENT,
        data: Any = None,
        namespace: str | None = None,
        id: int | None = None,
        binary: bool | None = None,
        encoded_packet: Any = None,
    ) -> None:
        text = None
        if binary is None and data is not None and encoded_packet is None:
            try:
                text = self.json.dumps(data, separators=(",", ":"))
                binary = False
            except (TypeError, ValueError):
                pass  # bytes, or not JSON at all: upstream decides
        super().__init__(packet_type, data, namespace, id, binary, encoded_packet)
        self._text = text

    @property
    def data(self) -> Any:
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value
        self._text = None

    def encode(self) -> Any:
        text = self._text
        if text is None or self.packet_type in _BINARY_TYPES:
            return super().encode()
        head = str(self.packet_type)
        if self.namespace is not None and self.namespace != "/":
            head += self.namespace + ","
        if self.id is not None:
            head += str(self.id)
        return head + text


def _check_placeholders(data: Any, count: int) -> None:
    """Every binary placeholder names an attachment the packet declares (socket.io-parser: "illegal attachments")."""
    if isinstance(data, list):
        for item in data:
            _check_placeholders(item, count)
    elif isinstance(data, dict):
        if data.get("_placeholder") is True:
            num = data.get("num")
            if not isinstance(num, int) or isinstance(num, bool) or not 0 <= num < count:
                raise ProtocolError("binary_attachment", f"a placeholder for attachment {num!r} of {count}")
            return
        for value in data.values():
            _check_placeholders(value, count)


def _check_payload(pkt: Any) -> None:
    """The payload shapes socket.io-parser's `isPayloadValid` accepts, per packet type; anything else is malformed."""
    kind, data = pkt.packet_type, pkt.data
    if kind == packet.CONNECT:
        # socket.io's parser closes the connection for a CONNECT payload that is not an object; here the connect
        # handler refuses it with the catalog's code (AUTH_REQUIRED: no token in it), which tells the client more.
        ok = True
    elif kind == packet.DISCONNECT:
        ok = data is None
    elif kind in (packet.EVENT, packet.BINARY_EVENT):
        ok = isinstance(data, list) and bool(data)
        if ok:
            name = data[0]
            ok = (isinstance(name, str) and name not in RESERVED_EVENTS and is_unicode(name)) or (
                isinstance(name, int) and not isinstance(name, bool)
            )
    elif kind in (packet.ACK, packet.BINARY_ACK):
        ok = isinstance(data, list) and pkt.id is not None
    else:  # CONNECT_ERROR is the server's; anything else is no Socket.IO packet
        raise ProtocolError("socketio_packet", f"a packet of type {kind!r} from a client")
    if not ok:
        raise ProtocolError("socketio_packet", f"a packet of type {packet.packet_names[kind]} with an invalid payload")
    if kind in _BINARY_TYPES:
        if not 1 <= pkt.attachment_count <= MAX_ATTACHMENTS:
            raise ProtocolError("binary_attachment", f"a binary packet declaring {pkt.attachment_count} attachments")
        _check_placeholders(data, pkt.attachment_count)
    elif pkt.attachment_count:
        raise ProtocolError("binary_attachment", "attachments on a packet that is not binary")


def _header(text: str) -> tuple[int | None, str, int | None, str, str]:
    """Type, namespace, ack id, event name (or "") and the JSON text of an encoded Socket.IO packet, read as
    python-socketio reads them but without decoding the JSON."""
    kind = int(text[0]) if text[:1] in _DIGITS else None  # ASCII only: "²".isdigit() is True, int("²") raises
    rest = text[1:]
    dash = rest.find("-")
    if 0 < dash <= 10 and all(c in _DIGITS for c in rest[:dash]):
        rest = rest[dash + 1 :]
    namespace = "/"
    if rest.startswith("/"):
        comma = rest.find(",")
        namespace, rest = (rest, "") if comma == -1 else (rest[:comma], rest[comma + 1 :])
        namespace = namespace.split("?", 1)[0]
    digits = 0
    while digits < len(rest) and digits < 100 and rest[digits] in _DIGITS:
        digits += 1
    if rest[digits : digits + 1] in _DIGITS and digits < len(rest):
        raise ProtocolError("socketio_packet", "an ack id of more than 100 digits")
    name = _EVENT_NAME.match(rest, digits)
    return kind, namespace, int(rest[:digits]) if digits else None, name.group(1) if name else "", rest[digits:]


class SocketIOServer(socketio.AsyncServer):  # type: ignore[misc]
    """python-socketio's server, hardened as described above, with the hooks eventcat's server needs.

    `owner` is the EventServer: it answers events (`dispatch`), is told once a CONNECT has been sent
    (`after_connect`), adds the recovery id to the CONNECT reply (`pid_of`), and answers an over-limit event
    (`refuse_limits`).
    """

    def __init__(
        self, owner: Any, *, json_limits: JsonLimits, stats: Counter[str], secret_params: Sequence[str], **kwargs: Any
    ) -> None:
        if kwargs.get("client_manager") is None:
            kwargs["client_manager"] = ConnectedOnlyManager()
        kwargs.setdefault("serializer", JsonFirstPacket)
        kwargs["logger"] = library_logger("socketio.server", secret_params)
        kwargs["engineio_logger"] = library_logger("engineio.server", secret_params)
        super().__init__(**kwargs)
        self._owner = owner
        self.json_limits = json_limits
        self.client_errors = ClientErrors(stats)
        self._refusals: Counter[str] = Counter()
        self.eio.on_protocol_error = self._protocol_error

    def _engineio_server_class(self) -> type[EngineIOServer]:
        return EngineIOServer

    def _protocol_error(self, eio_sid: str, error: ProtocolError) -> None:
        self.client_errors.report(eio_sid, error.kind, error.message)

    async def close_session(self, eio_sid: str) -> None:
        """Close the whole Engine.IO session now (every namespace, the transport)."""
        socket = self.eio.sockets.get(eio_sid)
        if socket is not None:
            await socket.terminate(self.reason.SERVER_DISCONNECT)

    async def drained(self, sid: str, namespace: str, timeout: float = 20.0) -> None:
        """Wait (at most timeout seconds) until half of the outbound limit is free for this connection: a replay of
        many missed events is paced by what the transport takes, rather than queued whole and cut as a slow reader."""
        socket = self._socket_of(sid, namespace)
        limit = self.eio.max_queued_bytes
        if socket is None or not limit or not socket.upgraded:
            return  # long-polling drains only when the client asks: replaying() exempts its catch-up instead
        deadline = asyncio.get_running_loop().time() + timeout
        while socket.unsent() > limit // 2 and not socket.closed and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)

    def _socket_of(self, sid: str, namespace: str) -> EngineIOSocket | None:
        eio_sid = self.manager.eio_sid_from_sid(sid, namespace)
        return self.eio.sockets.get(eio_sid) if eio_sid is not None else None

    def replaying(self, sid: str, namespace: str, on: bool) -> None:
        """While a long-polling connection catches up, its replay does not count against the outbound limit (it
        is sent from inside the request that carried the CONNECT, so it cannot wait for the client's next GET)."""
        socket = self._socket_of(sid, namespace)
        if socket is not None:
            socket.replaying = on and not socket.upgraded

    async def disconnect_and_close(self, sid: str, namespace: str) -> None:
        """Socket.IO's DISCONNECT for the namespace, then the Engine.IO session closed: a client that ignores the
        DISCONNECT cannot go on sending frames for the server to decode."""
        eio_sid = self.manager.eio_sid_from_sid(sid, namespace)
        await self.disconnect(sid, namespace=namespace)
        if eio_sid is not None:
            await self.close_session(eio_sid)

    # -- inbound ----------------------------------------------------------------------------------------------------

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        try:
            await self._receive(eio_sid, data)
        except ProtocolError as error:
            self._binary_packet.pop(eio_sid, None)
            self.client_errors.report(eio_sid, error.kind, error.message)
            await self.close_session(eio_sid)
        except Exception:
            # A bug of the server's that this input found: logged with its traceback (once per connection and
            # streak) and the connection closed, rather than upstream's traceback per message and a connection left
            # in whatever state the failure left it.
            self._binary_packet.pop(eio_sid, None)
            if self.client_errors.first(eio_sid, "internal"):
                log.exception("message handling failed", extra={"eio_sid": eio_sid})
            await self.close_session(eio_sid)

    async def _receive(self, eio_sid: str, data: Any) -> None:
        pending = self._binary_packet.get(eio_sid)
        if pending is not None:
            await self._attachment(eio_sid, pending, data)
            return
        if not isinstance(data, str):
            raise ProtocolError("binary_attachment", "a binary message with no packet awaiting it")
        if self.json_limits.problem(data) is not None:  # the whole text first: two C-level scans
            kind, namespace, ack_id, event, body = _header(data)
            problem = self.json_limits.problem(body)  # the JSON alone: the header's digits are no number
            if problem is not None:
                await self._over_limits(eio_sid, kind, namespace, ack_id, event, problem)
                return
        try:
            pkt = self.packet_class(encoded_packet=data)
        except (ValueError, TypeError, KeyError, IndexError, RecursionError) as exc:
            raise ProtocolError("socketio_packet", f"an undecodable Socket.IO packet ({type(exc).__name__})") from None
        _check_payload(pkt)
        namespace = pkt.namespace or "/"
        kind = pkt.packet_type
        connected = self.manager.sid_from_eio_sid(eio_sid, namespace)
        if kind == packet.CONNECT:
            if connected is not None:
                raise ProtocolError("socketio_packet", f"a second CONNECT to {namespace}")
            await self._handle_connect(eio_sid, namespace, pkt.data)
        elif connected is None:
            # socket.io's server closes a client that sends to a namespace it has not joined ("invalid state").
            raise ProtocolError(
                "socketio_packet", f"a packet of type {packet.packet_names[kind]} for {namespace}, not joined"
            )
        elif kind == packet.DISCONNECT:
            await self._handle_disconnect(eio_sid, namespace, self.reason.CLIENT_DISCONNECT)
            if not any(self.manager.sid_from_eio_sid(eio_sid, n) for n in list(self.manager.get_namespaces())):
                socket = self.eio.sockets.get(eio_sid)
                if socket is not None:
                    self.eio.awaiting_auth(eio_sid, str(self.environ.get(eio_sid, {}).get("REMOTE_ADDR", "")))
        elif kind in _BINARY_TYPES:
            pkt.attachment_bytes = 0
            self._binary_packet[eio_sid] = pkt
            return
        elif kind == packet.EVENT:
            await self._handle_event(eio_sid, namespace, pkt.id, pkt.data)
        elif pkt.id not in self.manager.callbacks.get(connected, {}):
            # socket.io's server ignores an ACK nobody awaits; upstream logs a warning for each one.
            self.client_errors.report(eio_sid, "socketio_packet", f"an ACK {pkt.id} for no event sent")
            return
        else:
            await self._handle_ack(eio_sid, namespace, pkt.id, pkt.data)
        self.client_errors.good(eio_sid)

    async def _attachment(self, eio_sid: str, pkt: Any, data: Any) -> None:
        if not isinstance(data, bytes | bytearray):
            raise ProtocolError("binary_attachment", "a text message while binary attachments were awaited")
        pkt.attachment_bytes += len(data)
        if pkt.attachment_bytes > self.eio.max_http_buffer_size:
            raise ProtocolError("too_large", "binary attachments over the message size limit")
        if not pkt.add_attachment(data):
            return
        del self._binary_packet[eio_sid]
        namespace = pkt.namespace or "/"
        if pkt.packet_type == packet.BINARY_EVENT:
            await self._handle_event(eio_sid, namespace, pkt.id, pkt.data)
        else:
            await self._handle_ack(eio_sid, namespace, pkt.id, pkt.data)
        self.client_errors.good(eio_sid)

    async def _over_limits(
        self, eio_sid: str, kind: int | None, namespace: str, ack_id: int | None, event: str, problem: str
    ) -> None:
        """An event too deep or with too long a number is an invalid payload, answered as one; anything else that
        deep is malformed."""
        sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
        if kind != packet.EVENT or sid is None or not self.manager.is_connected(sid, namespace):
            raise ProtocolError("limits", f"a packet {problem}")
        self.client_errors.report(eio_sid, "limits", f"an event {problem}")
        answer = await self._owner.refuse_limits(sid, event, problem, ack_id is not None)
        if ack_id is not None:
            await self._send_packet(eio_sid, self.packet_class(packet.ACK, namespace=namespace, id=ack_id, data=answer))

    async def _handle_connect(self, eio_sid: str, namespace: str | None, data: Any) -> None:
        namespace = namespace or "/"
        if not (namespace in self.handlers or namespace in self.namespace_handlers or namespace in self.namespaces):
            # Upstream sends the bare string 'Unable to connect'; socket.io-client reads `data.message`.
            await self._send_packet(
                eio_sid,
                self.packet_class(packet.CONNECT_ERROR, data={"message": "Invalid namespace"}, namespace=namespace),
            )
            return
        await super()._handle_connect(eio_sid, namespace, data)
        sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
        if sid is not None and self.manager.is_connected(sid, namespace):
            self.eio.authenticated(eio_sid)
            if namespace == self._owner.namespace:
                await self._owner.after_connect(sid)
            return
        # Refused. A client may retry on the same session, but not without end: each attempt costs a token check
        # (or a password comparison) and the handshake deadline alone would allow thousands.
        self._refusals[eio_sid] += 1
        if self._refusals[eio_sid] >= MAX_REFUSED_CONNECTS:
            self.client_errors.report(eio_sid, "refused_connects", f"{MAX_REFUSED_CONNECTS} refused CONNECTs")
            await self.close_session(eio_sid)

    def refusals(self, eio_sid: str | None) -> int:
        """How many CONNECTs of this session were refused so far."""
        return self._refusals.get(eio_sid, 0) if eio_sid is not None else 0

    async def _handle_eio_disconnect(self, eio_sid: str, reason: Any) -> None:
        self.client_errors.forget(eio_sid)
        self._refusals.pop(eio_sid, None)
        await super()._handle_eio_disconnect(eio_sid, reason)

    # -- the hooks eventcat's server needs ----------------------------------------------------------------------------

    async def _handle_event_internal(
        self, server: socketio.AsyncServer, sid: str, eio_sid: str, data: list[Any], namespace: str, id: int | None
    ) -> None:
        # An event handler cannot tell whether the client passed an ack callback; the packet id says so, so event
        # dispatch for the catalog's namespace is taken over here.
        if namespace != self._owner.namespace:  # another namespace's own handlers (the Admin UI's `/admin`)
            await super()._handle_event_internal(server, sid, eio_sid, data, namespace, id)
            return
        answer = await self._owner.dispatch(sid, str(data[0]), tuple(data[1:]), wants_ack=id is not None)
        if id is not None:
            await server._send_packet(eio_sid, self.packet_class(packet.ACK, namespace=namespace, id=id, data=answer))

    async def _send_packet(self, eio_sid: str, pkt: Any) -> None:
        # The CONNECT reply carries the private session id a client needs to recover its session later.
        if pkt.packet_type == packet.CONNECT and isinstance(pkt.data, dict) and "sid" in pkt.data:
            pid = self._owner.pid_of(pkt.data["sid"])
            if pid:
                pkt.data = {**pkt.data, "pid": pid}
        await super()._send_packet(eio_sid, pkt)


# -- the ASGI entry point ----------------------------------------------------------------------------------------

# Node's default (`--max-http-header-size`): the request line and every header together. uvicorn's default HTTP
# parser sets no limit, and python-socketio keeps each session's headers for as long as it lives.
MAX_HEADER_BYTES = 16 * 1024


class GuardedASGIApp(socketio.ASGIApp):  # type: ignore[misc]
    """python-socketio's ASGI app (Socket.IO at its path, the other app for the rest) behind a header size limit."""

    def __init__(self, *args: Any, max_header_bytes: int = MAX_HEADER_BYTES, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            for name, value in scope.get("headers") or ():
                size += len(name) + len(value) + 4
            if size > self.max_header_bytes:
                await _header_fields_too_large(scope, send, self.max_header_bytes)
                return
        if scope["type"] == "http" and scope.get("method") == "POST" and self._engineio_request(scope):
            scope, receive = await self._with_length(scope, receive)
        await super().__call__(scope, receive, send)

    def _engineio_request(self, scope: dict[str, Any]) -> bool:
        return self.engineio_path is None or bool(
            self._ensure_trailing_slash(scope["path"]).startswith(self.engineio_path)
        )

    async def _with_length(self, scope: dict[str, Any], receive: Any) -> tuple[dict[str, Any], Any]:
        """A long-polling POST without Content-Length (chunked) read here, up to the limit: python-engineio reads a
        body by its Content-Length only, so it took a chunked one as empty (its packets were lost) or, unbounded,
        would buffer any size. Past the limit the body is dropped and the session refused as for a declared size."""
        headers = scope.get("headers") or []
        if any(name.lower() == b"content-length" for name, _ in headers):
            return scope, receive
        engine: Any = getattr(self.engineio_server, "eio", self.engineio_server)  # socketio's app holds the server
        limit: int = engine.max_http_buffer_size
        body = bytearray()
        more = True
        while more:
            event = await receive()
            if event["type"] != "http.request":
                break
            if len(body) <= limit:
                body += event.get("body") or b""
            more = bool(event.get("more_body"))
        length = len(body) if len(body) <= limit else limit + 1
        data = bytes(body) if len(body) <= limit else b""
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                later: dict[str, Any] = await receive()
                return later
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}

        return {**scope, "headers": [*headers, (b"content-length", str(length).encode())]}, replay


async def _header_fields_too_large(scope: dict[str, Any], send: Any, limit: int) -> None:
    body = f"request header fields too large: at most {limit} bytes, the request line included\n".encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 431, "headers": headers})
        await send({"type": "http.response.body", "body": body})
    elif "websocket.http.response" in (scope.get("extensions") or {}):
        await send({"type": "websocket.http.response.start", "status": 431, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1009})
