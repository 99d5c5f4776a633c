"""Deadlines on HTTP connections, as Node's `headersTimeout`, `requestTimeout` and socket timeouts give.

uvicorn closes a keep-alive connection that stays idle between requests, but not one whose request never
finishes: a client sending one header line every few seconds (slowloris), a TCP connection that sends nothing, a
WebSocket upgrade request left half-written, or blank lines between requests (the parser skips them, and any byte
cancels uvicorn's keep-alive timer) each hold a file descriptor for as long as the client likes. Nor does it give up
on a response the client never reads (a long-polling GET on a connection that does not read holds its events).

Here a timer runs from the connection's start, and again after each response, until a request has arrived whole
(its last body byte) or has become a WebSocket; and another runs while the transport cannot write. When one fires,
the connection is closed (aborted, when it cannot write).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def protocol_class(timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol (`http=`) with `timeout` seconds for each request to arrive (0: none)."""

    class RequestTimeoutProtocol(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None
        _stalled: asyncio.TimerHandle | None = None

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
            if self._stalled is not None:
                self._stalled.cancel()
                self._stalled = None
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request, if any, has the same time to arrive

        def pause_writing(self) -> None:
            super().pause_writing()
            if timeout > 0 and self._stalled is None:
                self._stalled = self.loop.call_later(timeout, self._unwritable)

        def resume_writing(self) -> None:
            if self._stalled is not None:
                self._stalled.cancel()
                self._stalled = None
            super().resume_writing()

        def _unwritable(self) -> None:
            self._stalled = None
            self.logger.warning("response not read within %g s: connection aborted", timeout)
            self.transport.abort()

        def handle_websocket_upgrade(self) -> None:
            self._disarm()  # the WebSocket protocol takes the connection over, with its own keepalive
            super().handle_websocket_upgrade()

    return RequestTimeoutProtocol
