"""The WebSocket side of eventcat's delivery path, on uvicorn's sans-I/O protocol and websockets' frames.

Every use of an internal of uvicorn or websockets is in this module; both are pinned exactly in
eventcat_runtime/pyproject.toml, and tests/test_protocol_contract.py proves each touch point on the pinned versions.

- **Frames built once, written by one sender per connection.** python-engineio gives each WebSocket a writer task
  woken once per packet, and the ASGI `websocket.send` path runs websockets' framing (and permessage-deflate) per
  connection, per packet. Here an outgoing message is encoded and framed once (`Outgoing`) and its bytes go to
  every recipient's `WireSender` synchronously; each sender keeps what it was given within one turn of the event loop
  and writes it in one `transport.write` when the turn ends (`Flusher`), or as soon as it holds FLUSH_FRAMES frames.
  Every packet of a connection (broadcasts, its own events, acks, pings, CLOSE) goes through its sender, so they
  reach the client in the order they were sent.
- **permessage-deflate from a size up**, as Node's `ws` does (socket.io's default threshold is 1 KB). RFC 7692 lets
  a sender leave any message uncompressed (RSV1 unset) on a connection that negotiated the extension, and with
  context takeover a skipped message leaves the compressor's window as it was. Larger messages are compressed with
  the connection's own context, or, where `server_no_context_takeover` was negotiated (every message compressed on
  its own), once per message for all the connections that share its window size.
- **A bound on what waits for a client.** A connection whose unsent bytes pass the limit is a client that does not
  read: its sender stops, the transport is aborted and the owner is told (the engine session then ends and the
  client recovers what it missed from the replay log).
- Refused upgrades are answered (uvicorn drops websockets' 4xx answer), and a stalled transport's close is an abort.

A connection served by another ASGI server, or by uvicorn with another WebSocket implementation, has no sender: it
keeps python-engineio's own writer (`sender_for` returns None), as does a long-polling one.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.frames import CONT, CTRL_OPCODES, Frame, Opcode
from websockets.protocol import State
from websockets.server import ServerProtocol
from websockets.typing import ExtensionParameter

from . import logs

log = logging.getLogger("eventcat.wire")

# Frames one sender keeps before it writes without waiting for the end of the turn.
FLUSH_FRAMES = 64

# uvicorn's own negotiation of permessage-deflate (window bits 12, memLevel 5).
WINDOW_BITS = 12
COMPRESS_SETTINGS = {"memLevel": 5}


class ThresholdDeflate(PerMessageDeflate):
    """permessage-deflate that sends single-frame messages under `threshold` bytes uncompressed, and makes its zlib
    contexts when the first message needs one: a deflate stream holds about 32 KB and an inflate stream 7 KB for as
    long as the connection lives, which most connections, sent only small messages, would never use."""

    def __init__(
        self,
        threshold: int,
        remote_no_context_takeover: bool,
        local_no_context_takeover: bool,
        remote_max_window_bits: int,
        local_max_window_bits: int,
        compress_settings: dict[Any, Any] | None = None,
    ) -> None:
        # Built as with no context either way, so that neither stream is made yet; the real choices are set after.
        super().__init__(True, True, remote_max_window_bits, local_max_window_bits, compress_settings)
        self.remote_no_context_takeover = remote_no_context_takeover
        self.local_no_context_takeover = local_no_context_takeover
        self.threshold = threshold
        self._raw = False

    def encode(self, frame: Frame) -> Frame:
        if frame.opcode in CTRL_OPCODES:
            return frame
        if frame.opcode is not CONT:
            # Only whole messages are left as they are: the frames of a fragmented one follow its first.
            self._raw = frame.fin and len(frame.data) < self.threshold
        if self._raw:
            return frame
        if not self.local_no_context_takeover and not hasattr(self, "encoder"):
            self.encoder = zlib.compressobj(wbits=-self.local_max_window_bits, **self.compress_settings)
        return super().encode(frame)

    def decode(self, frame: Frame, *, max_size: int | None = None) -> Frame:
        first_compressed = frame.rsv1 and frame.opcode is not CONT and not hasattr(self, "decoder")
        if first_compressed and not self.remote_no_context_takeover:  # the first compressed message from the client
            self.decoder = zlib.decompressobj(wbits=-self.remote_max_window_bits)
        return super().decode(frame, max_size=max_size)


class ThresholdDeflateFactory(ServerPerMessageDeflateFactory):
    def __init__(self, threshold: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.threshold = threshold

    def process_request_params(
        self, params: Sequence[ExtensionParameter], accepted_extensions: Sequence[Extension]
    ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        response, extension = super().process_request_params(params, accepted_extensions)
        return response, ThresholdDeflate(
            self.threshold,
            extension.remote_no_context_takeover,
            extension.local_no_context_takeover,
            extension.remote_max_window_bits,
            extension.local_max_window_bits,
            self.compress_settings,
        )


class Outgoing:
    """One message for any number of connections: its frame built once, and compressed once per window size for
    the connections that compress every message on its own."""

    __slots__ = ("_deflated", "_plain", "data", "opcode", "size")

    def __init__(self, data: str | bytes) -> None:
        if isinstance(data, str):
            self.data, self.opcode = data.encode(), Opcode.TEXT
        else:
            self.data, self.opcode = bytes(data), Opcode.BINARY
        self.size = len(self.data)
        self._plain: bytes | None = None
        self._deflated: dict[int, bytes] | None = None

    @property
    def plain(self) -> bytes:
        if self._plain is None:
            self._plain = Frame(self.opcode, self.data).serialize(mask=False)
        return self._plain

    def deflated(self, window_bits: int) -> bytes:
        """The frame compressed with no context (the same bytes for every connection with this window)."""
        if self._deflated is None:
            self._deflated = {}
        frame = self._deflated.get(window_bits)
        if frame is None:
            alone = PerMessageDeflate(False, True, WINDOW_BITS, window_bits, COMPRESS_SETTINGS)
            frame = self._deflated[window_bits] = Frame(self.opcode, self.data).serialize(
                mask=False, extensions=[alone]
            )
        return frame

    def framed_by(self, deflate: PerMessageDeflate) -> bytes:
        """The frame compressed with one connection's own context."""
        return Frame(self.opcode, self.data).serialize(mask=False, extensions=[deflate])


class Flusher:
    """The senders with something to write, written out once the event loop's current turn ends: what one turn
    sends to a connection leaves in one write."""

    def __init__(self) -> None:
        self._dirty: list[WireSender] = []
        self._scheduled = False

    def mark(self, sender: WireSender) -> None:
        self._dirty.append(sender)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        self._scheduled = False
        dirty, self._dirty = self._dirty, []
        for sender in dirty:
            sender.flush()


class WireSender:
    """Every frame of one WebSocket, in the order given, written when the turn ends; closed past `limit` unsent
    bytes (then `on_overflow` is called once, and nothing more is written)."""

    __slots__ = (
        "_deflate",
        "_flusher",
        "_pending",
        "_protocol",
        "_shared_bits",
        "_transport",
        "closed",
        "limit",
        "on_overflow",
        "on_written",
        "threshold",
    )

    def __init__(self, protocol: EventcatWebSocketProtocol, flusher: Flusher, limit: int) -> None:
        self._protocol = protocol
        self._transport: asyncio.Transport = protocol.transport
        self._flusher = flusher
        self._pending: list[bytes] = []
        deflate = next((e for e in protocol.conn.extensions if isinstance(e, ThresholdDeflate)), None)
        self._deflate = deflate
        # Where every message is compressed on its own, the compressed frame is the same for every connection.
        self._shared_bits = deflate.local_max_window_bits if deflate and deflate.local_no_context_takeover else None
        self.threshold = deflate.threshold if deflate is not None else 0
        self.limit = limit
        self.closed = False
        self.on_overflow: Callable[[int], None] | None = None
        # (packets, bytes) handed to the transport: the Admin UI's counters, when it is on.
        self.on_written: Callable[[int, int], None] | None = None

    @property
    def compressing(self) -> bool:
        return self._deflate is not None

    def send(self, message: Outgoing) -> None:
        if self.closed:
            return
        deflate = self._deflate
        if deflate is None or message.size < self.threshold:
            frame = message.plain
        elif self._shared_bits is not None:
            frame = message.deflated(self._shared_bits)
        else:
            frame = message.framed_by(deflate)
        pending = self._pending
        if not pending:
            self._flusher.mark(self)
        pending.append(frame)
        if len(pending) >= FLUSH_FRAMES:
            # A long burst in one turn (a loop of emits that never waits) is written as it goes, so that the
            # client reads and the kernel sends while the rest is framed and compressed.
            self.flush()

    def send_data(self, data: str | bytes) -> None:
        self.send(Outgoing(data))

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if self.closed or not pending:
            return
        protocol = self._protocol
        transport = self._transport
        if protocol.close_sent or transport.is_closing() or protocol.conn.state is not State.OPEN:
            return  # closing: nothing may follow the close frame
        transport.write(pending[0] if len(pending) == 1 else b"".join(pending))
        if self.on_written is not None:
            self.on_written(len(pending), sum(len(frame) for frame in pending))
        unsent = transport.get_write_buffer_size()
        if self.limit and unsent > self.limit:
            self.closed = True
            protocol.close_sent = True  # nothing else goes out on it, not even a close frame
            transport.abort()
            if self.on_overflow is not None:
                self.on_overflow(unsent)

    def unsent(self) -> int:
        """Bytes given to this connection and not sent yet (its own and the transport's)."""
        return sum(len(frame) for frame in self._pending) + self._transport.get_write_buffer_size()

    def close(self) -> None:
        """Write what is pending now; nothing more is taken."""
        self.flush()
        self.closed = True


def sender_for(asgi_send: Any, flusher: Flusher, limit: int) -> WireSender | None:
    """The fast sender of a WebSocket whose ASGI `send` is eventcat's uvicorn protocol; None for any other."""
    protocol = getattr(asgi_send, "__self__", None)
    if not isinstance(protocol, EventcatWebSocketProtocol) or not protocol.handshake_complete:
        return None
    if protocol.close_sent or protocol.transport is None or protocol.transport.is_closing():
        return None
    return WireSender(protocol, flusher, limit)


# The uvicorn and websockets names the fast path needs: one missing (another version) turns it off, said at start.
_NEEDED = (
    (WebSocketsSansIOProtocol, ("send", "data_received", "connection_lost")),
    (ServerProtocol, ("send_text", "data_to_send")),
    (Frame, ("serialize",)),
    (PerMessageDeflate, ("encode",)),
)


def missing_internals() -> list[str]:
    """Internals of uvicorn and websockets the fast path uses that this installation lacks (none when pinned)."""
    missing = [f"{owner.__name__}.{name}" for owner, names in _NEEDED for name in names if not hasattr(owner, name)]
    probe = WebSocketsSansIOProtocol.__init__.__code__.co_names
    for name in ("transport", "conn", "close_sent", "handshake_complete"):
        if name not in probe:
            missing.append(f"WebSocketsSansIOProtocol.{name}")
    return missing


class Inbox:
    """What uvicorn's protocol asks of its receive queue (`put_nowait`, `get`, `empty`), for one reader.

    An asyncio.Queue keeps three deques and an Event (about 3 KB with their blocks) for as long as the connection
    lives; the queue here rarely holds more than one message, since uvicorn stops reading once one waits."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)


class Gate:
    """What uvicorn's protocol asks of its `writable` Event (`set`, `clear`, `is_set`, `wait`), without the deque an
    asyncio.Event keeps for its waiters (the one waiter is a sender whose transport is paused)."""

    __slots__ = ("_open", "_waiters")

    def __init__(self) -> None:
        self._open = True
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._open

    def set(self) -> None:
        self._open = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._open = False

    async def wait(self) -> None:
        if self._open:
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        await waiter


class EventcatWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O WebSocket protocol with eventcat's deflate threshold, refusals answered, and a stalled
    close aborted. Made by `protocol_class`, which sets the class attributes."""

    threshold = 1024
    shared_deflate = False
    frames_logger: logging.Logger = log

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Gate()  # type: ignore[assignment]
        frames = self.frames_logger
        if config.ws_per_message_deflate:
            # As uvicorn builds it, but for the extension factory.
            self.conn = ServerProtocol(
                extensions=[
                    ThresholdDeflateFactory(
                        self.threshold,
                        server_max_window_bits=WINDOW_BITS,
                        client_max_window_bits=WINDOW_BITS,
                        compress_settings=COMPRESS_SETTINGS,
                        server_no_context_takeover=self.shared_deflate,
                    )
                ],
                max_size=config.ws_max_size,
                logger=frames,
            )
        else:
            self.conn.logger = frames
        self.conn.debug = frames.isEnabledFor(logging.DEBUG)

    async def send(self, message: Any) -> None:
        if message["type"] == "websocket.close" and self.handshake_complete and not self.writable.is_set():
            # The peer reads nothing and the transport's buffer is full: uvicorn would wait for it to drain
            # before even sending the close frame, and so would asyncio before closing the socket. Aborted.
            self.close_sent = True
            self.transport.abort()
            return
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # The upgrade request and its answer, parsed headers and all (about 4 KB), are not read again: uvicorn
            # would keep them as long as the connection lives, and websockets' parser keeps the request in its frame
            # (its headers are emptied here).
            self.request.headers.clear()
            self.request = self.response = None  # type: ignore[assignment]
            # Nor the scope's copy of the request headers: python-engineio's environ, made from them, has them all.
            self.scope["headers"] = []

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.handshake_exc is not None and not self.handshake_initiated and not self.close_sent:
            # websockets answers an upgrade request it refuses (414 for a request line over 8 KiB, 431 for a
            # header line over 8 KiB or more than 128 headers, 400 for a malformed one), but uvicorn never sends
            # that answer nor closes: the client would wait until its own timeout.
            self.logger.warning("WebSocket upgrade refused: %s", self.conn.handshake_exc)
            self.handshake_complete = self.close_sent = True
            self.transport.write(b"".join(self.conn.data_to_send()))
            self.transport.close()


def protocol_class(threshold: int, shared_deflate: bool = False) -> type[EventcatWebSocketProtocol]:
    """uvicorn's WebSocket protocol (`ws=`), compressing messages of `threshold` bytes or more; with
    `shared_deflate`, each on its own (`server_no_context_takeover`), so that it is compressed once for everyone."""
    # websockets logs every frame (a CONNECT's token included) and, for a refused upgrade, a traceback, at debug on
    # uvicorn's logger: its own logger here, redacted and at warning unless chosen otherwise; set up once, not per
    # connection.
    frames = logs.library_logger("eventcat.websockets")
    return type(
        "EventcatWebSocketProtocol",
        (EventcatWebSocketProtocol,),
        {"threshold": threshold, "shared_deflate": shared_deflate, "frames_logger": frames},
    )
