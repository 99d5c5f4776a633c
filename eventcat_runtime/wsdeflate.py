"""WebSocket permessage-deflate from a size up, as Node's `ws` does (socket.io's default threshold is 1 KB).

uvicorn's WebSocket implementation (websockets, sans-I/O) compresses every message once the extension is
negotiated: a 40-byte heartbeat reply goes through zlib like a 10 KB payload, for nothing but CPU. RFC 7692 lets
a sender leave any message uncompressed (RSV1 unset) on a connection that negotiated the extension, and with context
takeover a skipped message leaves the compressor's window as it was; so messages under the threshold are sent as
they are, and only larger ones are compressed. The negotiation is uvicorn's own (window bits 12, memLevel 5).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.frames import CONT, CTRL_OPCODES, Frame
from websockets.server import ServerProtocol
from websockets.typing import ExtensionParameter

from . import logs


class ThresholdDeflate(PerMessageDeflate):
    """permessage-deflate that sends single-frame messages under `threshold` bytes uncompressed."""

    def __init__(self, threshold: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
        return super().encode(frame)


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


def protocol_class(threshold: int) -> type[WebSocketsSansIOProtocol]:
    """uvicorn's WebSocket protocol (`ws=`), compressing messages of `threshold` bytes or more."""
    # websockets logs every frame (a CONNECT's token included) and, for a refused upgrade, a traceback, at debug on
    # uvicorn's logger: its own logger here, redacted and at warning unless chosen otherwise; set up once, not per
    # connection.
    frames = logs.library_logger("eventcat.websockets")

    class ThresholdDeflateProtocol(WebSocketsSansIOProtocol):
        def __init__(
            self,
            config: Config,
            server_state: ServerState,
            app_state: dict[str, Any],
            _loop: asyncio.AbstractEventLoop | None = None,
        ) -> None:
            super().__init__(config, server_state, app_state, _loop)
            if config.ws_per_message_deflate:
                # As uvicorn builds it, but for the extension factory.
                self.conn = ServerProtocol(
                    extensions=[
                        ThresholdDeflateFactory(
                            threshold,
                            server_max_window_bits=12,
                            client_max_window_bits=12,
                            compress_settings={"memLevel": 5},
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

    return ThresholdDeflateProtocol
