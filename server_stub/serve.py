"""Run the REZ server under uvicorn, and stop it gracefully: clients are told (`disconnected`) before the port
closes, rather than finding a dead socket."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from eventcat_runtime import logs
from rez_realtime import REGISTRY

from . import demo, httptimeout, wsdeflate
from .app import RezApp, build
from .config import Settings


class GracefulServer(uvicorn.Server):
    """uvicorn closes open WebSockets as it shuts down; the app says goodbye first."""

    def __init__(self, config: uvicorn.Config, app: RezApp) -> None:
        super().__init__(config)
        self.rez = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.rez.shutdown()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn re-raises the signal it caught once it has stopped; a graceful stop is a clean exit (0)."""
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def prepare(settings: Settings) -> tuple[RezApp, str | None]:
    """The app for these settings; in demo mode also the token to print."""
    token = None
    if settings.demo:
        settings = Settings(
            **{
                **settings.__dict__,
                "jwt_secret": settings.jwt_secret or demo.secret(),
                "service_token": settings.service_token or demo.secret(),
            }
        )
    app = build(settings)
    if settings.demo:
        token = demo.install(app)
    return app, token


def uvicorn_config(app: RezApp, sockets_given: bool = False) -> uvicorn.Config:
    settings = app.settings
    return uvicorn.Config(
        app.asgi,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        # permessage-deflate when the client offers it, for messages from the threshold up (wsdeflate.py); a
        # message over the Engine.IO limit is refused by the WebSocket layer itself (close 1009), before it is
        # buffered whole or decompressed past the limit.
        # Each request must arrive whole within --request-timeout (slowloris; httptimeout.py).
        http=httptimeout.protocol_class(settings.request_timeout),
        ws=wsdeflate.protocol_class(settings.compression_threshold),
        ws_per_message_deflate=settings.ws_compression,
        ws_max_size=app.server.sio.eio.max_http_buffer_size,
    )


def run(settings: Settings) -> None:
    logs.configure(settings.log_level, settings.log_format, [REGISTRY.auth.query_param])
    app, token = prepare(settings)
    if token is not None:
        print(demo.banner(settings.host, settings.port, token, str(app.settings.service_token)), flush=True)
    server = GracefulServer(uvicorn_config(app), app)
    server.run()
