"""A deadline for every HTTP request to arrive whole, as Node's `headersTimeout` and `requestTimeout` give.

uvicorn closes a keep-alive connection that stays idle between requests, but not one whose request never
finishes: a client sending one header line every few seconds (slowloris), a TCP connection that sends nothing, or a
WebSocket upgrade request left half-written each hold a file descriptor for as long as the client likes. Here a
timer starts when the connection opens and when each request begins, and is cancelled once the request has
arrived (its last body byte) or has become a WebSocket; when it fires first, the connection is closed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def protocol_class(timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol (`http=`) with `timeout` seconds for each request to arrive (0: none)."""

    class RequestTimeoutProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            self._disarm()
            if timeout > 0:
                self._deadline = self.loop.call_later(timeout, self._expired)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expired(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.logger.warning("request not received within %g s: connection closed", timeout)
                self.transport.close()

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        def handle_websocket_upgrade(self) -> None:
            self._disarm()  # the WebSocket protocol takes the connection over, with its own keepalive
            super().handle_websocket_upgrade()

    return RequestTimeoutProtocol
