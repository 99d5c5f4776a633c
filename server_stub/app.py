"""Assembles the REZ server: the generated registry and emitter, the runtime's server, these handlers, HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis
import socketio
from eventcat_runtime import InMemoryPolicy
from eventcat_runtime.admin import Admin, AdminCredentials, disabled_routes
from eventcat_runtime.auth import JwtVerifier
from eventcat_runtime.http import create_http_app
from eventcat_runtime.limits import JsonLimits
from eventcat_runtime.metrics import Metrics, metrics_route
from eventcat_runtime.policy import RedisPolicy
from eventcat_runtime.protocol import GuardedASGIApp
from eventcat_runtime.publisher import log_key
from eventcat_runtime.ratelimit import Rate, RateLimiter, RateLimits
from eventcat_runtime.recovery import Recovery
from eventcat_runtime.registry import Registry
from eventcat_runtime.replay import RedisLog
from eventcat_runtime.server import EventServer
from eventcat_runtime.sessions import RedisSessions
from eventcat_runtime.storms import ReconnectGuard
from rez_realtime import REGISTRY, Events
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute

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
    metrics: Metrics | None = None
    admin: Admin | None = None
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
        RedisLog(redis, log_key(REGISTRY), window), RedisSessions(redis, prefix, window), guard, window_seconds=window
    )
    return recovery, RedisPolicy(redis, prefix)


def buffer_size(registry: Registry, settings: Settings) -> int:
    """The largest Engine.IO message accepted (WebSocket frame or long-polling body): 3 × the catalog's largest
    `max_payload_bytes` plus 4 KiB, unless set. The catalog's limit is measured on the payload's compact UTF-8 JSON;
    on the wire come the packet's framing, event name and ack id (tens of bytes), and the sender's own JSON, which
    may escape non-ASCII text (python-socketio sends `\\u00e9`: 3 × for 2-byte characters, the worst case but for
    control characters). Payloads between the limit and this size get PAYLOAD_TOO_LARGE; longer messages close the
    connection before anything parses them."""
    if settings.max_buffer_bytes:
        return settings.max_buffer_bytes
    largest = max((spec.max_payload_bytes for spec in registry.events.values() if spec.inbound), default=10240)
    return 3 * largest + 4096


def cors_origins(value: str) -> str | list[str]:
    """`*`, or the comma-separated origins as the list python-engineio compares the `Origin` header with."""
    origins = [origin.strip() for origin in value.split(",") if origin.strip()]
    return "*" if not origins or origins == ["*"] else origins


def limiter_for(settings: Settings) -> RateLimiter | None:
    if not settings.rate_limits:
        return None
    limits = RateLimits.from_registry(
        REGISTRY,
        connection=Rate.parse_optional(settings.rate_connection),
        abuse=Rate.parse_optional(settings.rate_abuse),
    )
    return RateLimiter(limits)


def build(settings: Settings, client_manager: socketio.AsyncManager | None = None) -> RezApp:
    recovery, policy = recovery_for(settings)
    server = EventServer(
        REGISTRY,
        verifier=verifier_for(settings),
        policy=policy,
        mode=settings.mode,
        client_manager=client_manager,
        cors_allowed_origins=cors_origins(settings.cors_allowed_origins),
        max_http_buffer_size=buffer_size(REGISTRY, settings),
        recovery=recovery,
        handshake_timeout=settings.handshake_timeout,
        max_pending_per_address=settings.max_pending_per_address,
        json_limits=JsonLimits(settings.max_json_depth, settings.max_number_length),
        max_subscriptions=settings.max_subscriptions,
        max_outbound_bytes=settings.max_outbound_bytes,
    )
    # Long-polling responses: gzip/deflate from the threshold up, as for the HTTP routes.
    server.sio.eio.http_compression = settings.http_compression
    server.sio.eio.compression_threshold = settings.compression_threshold
    server.limiter = limiter_for(settings)
    events = Events(server)
    support = InMemorySupport()
    handlers = RezHandlers(events, support)
    server.attach(handlers)
    app = RezApp(settings, server, events, handlers, policy, support)
    routes: list[BaseRoute] = []
    if settings.metrics:
        app.metrics = Metrics(server)
        routes.append(metrics_route(app.metrics))
    if settings.admin_enabled:
        assert settings.admin_username and settings.admin_password
        failed = app.metrics.admin_auth_failures.inc if app.metrics is not None else None
        app.admin = Admin(
            server,
            AdminCredentials(settings.admin_username, settings.admin_password, failed),
            node_modules=settings.admin_node_modules,
            ui_mode=settings.admin_ui_mode,
        )
        routes.extend(app.admin.routes())
        app.on_startup.append(app.admin.start)
        app.on_shutdown.append(app.admin.stop)
    else:
        routes.extend(disabled_routes())
    middleware = (
        [Middleware(GZipMiddleware, minimum_size=settings.compression_threshold)] if settings.http_compression else []
    )
    http = create_http_app(server, settings.service_token, routes, middleware)
    app.asgi = GuardedASGIApp(server.sio, other_asgi_app=http, on_startup=app.startup)
    return app
