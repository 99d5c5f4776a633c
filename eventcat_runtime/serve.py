"""Run an app under uvicorn, and stop it gracefully: clients are told (the catalog's close event, the handlers'
`on_shutdown`) before the port closes, rather than finding a dead socket."""

from __future__ import annotations

import contextlib
import dataclasses
import socket
from collections.abc import Iterator
from types import ModuleType

import uvicorn

from . import devkeys, httptimeout, logs, mock, wire
from .app import App, HandlersFactory, build, load_package
from .auth import ASYMMETRIC_PREFIXES, Verifier, verifier_for
from .registry import Registry
from .settings import Settings


class GracefulServer(uvicorn.Server):
    """uvicorn closes open WebSockets as it shuts down; the app says goodbye first."""

    def __init__(self, config: uvicorn.Config, app: App) -> None:
        super().__init__(config)
        self.app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.app.shutdown()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn re-raises the signal it caught once it has stopped; a graceful stop is a clean exit (0)."""
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def prepare(
    package: ModuleType | str,
    handlers: HandlersFactory | None,
    settings: Settings,
    *,
    registry: Registry | None = None,
    verifier: Verifier | None = None,
) -> tuple[App, str | None]:
    """The app for these settings (handlers None: the mock's); in demo mode also the token to print. registry and
    verifier replace the package's and the catalog's (tests, tools)."""
    module = load_package(package)
    private_key = None
    if settings.demo:
        settings = dataclasses.replace(
            settings,
            jwt_secret=settings.jwt_secret or mock.secret(),
            service_token=settings.service_token or mock.secret(),
        )
        if verifier is None:
            verifier, private_key = demo_verifier(registry or module.REGISTRY, settings)
    factory = handlers if handlers is not None else mock.handlers_for(module)
    app = build(module, factory, settings, registry=registry, verifier=verifier)
    token = None
    if settings.demo or settings.mock:
        traffic = mock.Traffic.of(module, app.registry)
        traffic.install(app)
        if settings.demo:
            token = traffic.token(app, private_key)
    return app, token


def demo_verifier(registry: Registry, settings: Settings) -> tuple[Verifier | None, str | None]:
    """For --demo on a catalog of RS*/ES* tokens without a key given: a verifier of a fresh development key pair,
    and its private key to sign the demo's token (None, None: the settings' own verifier does)."""
    auth = registry.auth
    algorithms = settings.jwt_algorithms or auth.algorithms
    if auth.scheme != "jwt" or not algorithms[0].startswith(ASYMMETRIC_PREFIXES):
        return None, None
    if settings.jwt_public_key or settings.jwks_url:
        return None, None
    private, public = devkeys.key_pair(algorithms[0])
    development = dataclasses.replace(settings, jwt_algorithms=(algorithms[0],), jwt_public_key=public)
    return verifier_for(auth, development, jwks=False), private


def uvicorn_config(app: App) -> uvicorn.Config:
    settings = app.settings
    return uvicorn.Config(
        app.asgi,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        # permessage-deflate when the client offers it, for messages from the threshold up (wire.py); a
        # message over the Engine.IO limit is refused by the WebSocket layer itself (close 1009), before it is
        # buffered whole or decompressed past the limit.
        # Each request must arrive whole within --request-timeout (slowloris; httptimeout.py).
        http=httptimeout.protocol_class(settings.request_timeout),
        ws=wire.protocol_class(settings.compression_threshold, settings.ws_compress_once),
        ws_per_message_deflate=settings.ws_compression,
        ws_max_size=app.server.sio.eio.max_http_buffer_size,
    )


def start(package: ModuleType | str, handlers: HandlersFactory | None, settings: Settings) -> tuple[App, str | None]:
    """Logging configured, then the app built: ValueError or TypeError for settings or handlers that do not fit."""
    module = load_package(package)
    logs.configure(settings.log_level, settings.log_format, [module.REGISTRY.auth.query_param])
    return prepare(module, handlers, settings)


def run_app(app: App, token: str | None) -> None:
    """Serve until a signal stops it (gracefully); in demo and mock mode the banner first."""
    if app.settings.demo or app.settings.mock:
        print(mock.banner(app, token), flush=True)
    GracefulServer(uvicorn_config(app), app).run()


def run(package: ModuleType | str, handlers: HandlersFactory | None, settings: Settings) -> None:
    run_app(*start(package, handlers, settings))
