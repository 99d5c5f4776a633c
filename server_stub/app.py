"""Assembles the REZ server: the generated registry and emitter, the runtime's server, these handlers, HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import socketio
from eventcat_runtime import InMemoryPolicy
from eventcat_runtime.auth import JwtVerifier
from eventcat_runtime.http import create_http_app
from eventcat_runtime.server import EventServer
from rez_realtime import REGISTRY, Events

from .config import Settings
from .handlers import RezHandlers
from .support import InMemorySupport


@dataclass
class RezApp:
    """Everything a process serves, and the hooks `serve` runs at start and stop."""

    settings: Settings
    server: EventServer
    events: Events
    handlers: RezHandlers
    policy: InMemoryPolicy
    support: InMemorySupport
    asgi: Any = None
    on_startup: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_shutdown: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def startup(self) -> None:
        for hook in self.on_startup:
            await hook()

    async def shutdown(self) -> None:
        for hook in self.on_shutdown:
            await hook()
        await self.server.shutdown()


def verifier_for(settings: Settings) -> JwtVerifier:
    return JwtVerifier(
        algorithms=settings.jwt_algorithms,
        secret=settings.jwt_secret,
        public_key=settings.jwt_public_key,
        user_claim=REGISTRY.auth.user_claim,
        user_schema=REGISTRY.auth.user_schema,
    )


def build(settings: Settings, client_manager: socketio.AsyncManager | None = None) -> RezApp:
    policy = InMemoryPolicy()
    server = EventServer(
        REGISTRY,
        verifier=verifier_for(settings),
        policy=policy,
        mode=settings.mode,
        client_manager=client_manager,
        cors_allowed_origins=settings.cors_allowed_origins,
    )
    events = Events(server)
    support = InMemorySupport()
    handlers = RezHandlers(events, support)
    server.attach(handlers)
    app = RezApp(settings, server, events, handlers, policy, support)
    http = create_http_app(server, settings.service_token)
    app.asgi = socketio.ASGIApp(server.sio, other_asgi_app=http, on_startup=app.startup)
    return app
