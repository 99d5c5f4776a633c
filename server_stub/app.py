"""Assembles the REZ server: the generated registry and emitter, the runtime's server, these handlers, HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
import socketio
from eventcat_runtime import InMemoryPolicy
from eventcat_runtime.auth import JwtVerifier
from eventcat_runtime.http import create_http_app
from eventcat_runtime.policy import RedisPolicy
from eventcat_runtime.recovery import Recovery
from eventcat_runtime.replay import RedisLog
from eventcat_runtime.server import EventServer
from eventcat_runtime.sessions import RedisSessions
from eventcat_runtime.storms import ReconnectGuard
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
        await self.server.start()
        for hook in self.on_startup:
            await hook()

    async def shutdown(self) -> None:
        for hook in self.on_shutdown:
            await hook()
        await self.server.shutdown()
        await self.server.stop()


def verifier_for(settings: Settings) -> JwtVerifier:
    return JwtVerifier(
        algorithms=settings.jwt_algorithms,
        secret=settings.jwt_secret,
        public_key=settings.jwt_public_key,
        user_claim=REGISTRY.auth.user_claim,
        user_schema=REGISTRY.auth.user_schema,
    )


def recovery_for(settings: Settings) -> tuple[Recovery, InMemoryPolicy]:
    """In memory for one process; in Redis (log as a Stream, sessions, grants) when several share the work."""
    guard = ReconnectGuard(limit=settings.reconnect_limit)
    window = settings.recovery_window
    if not settings.redis_url:
        return Recovery(guard=guard, window_seconds=window), InMemoryPolicy()
    redis = aioredis.from_url(settings.redis_url)
    prefix = f"eventcat:{REGISTRY.catalog}"
    recovery = Recovery(
        RedisLog(redis, f"{prefix}:log", window), RedisSessions(redis, prefix, window), guard, window_seconds=window
    )
    return recovery, RedisPolicy(redis, prefix)


def build(settings: Settings, client_manager: socketio.AsyncManager | None = None) -> RezApp:
    recovery, policy = recovery_for(settings)
    server = EventServer(
        REGISTRY,
        verifier=verifier_for(settings),
        policy=policy,
        mode=settings.mode,
        client_manager=client_manager,
        cors_allowed_origins=settings.cors_allowed_origins,
        recovery=recovery,
    )
    events = Events(server)
    support = InMemorySupport()
    handlers = RezHandlers(events, support)
    server.attach(handlers)
    app = RezApp(settings, server, events, handlers, policy, support)
    http = create_http_app(server, settings.service_token)
    app.asgi = socketio.ASGIApp(server.sio, other_asgi_app=http, on_startup=app.startup)
    return app
