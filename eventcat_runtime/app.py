"""Assembles a server for any generated package: its registry and emitter, the runtime's server, the app's
handlers, the HTTP routes, and the operations the settings turn on (rate limits, metrics, admin, Redis).

    app = build("my_catalog", MyHandlers, Settings(jwt_secret=...))

`package` is the generated package (a module or its import name: it holds `REGISTRY` and `Events`); `handlers`
is a handler class (a subclass of the package's `EventHandlers`) or any callable taking the typed emitter and
returning the handlers.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import redis.asyncio as aioredis
import socketio
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute

from .admin import Admin, AdminCredentials, disabled_routes
from .auth import Verifier, verifier_for
from .emitter import Emitter
from .handlers import HandlerBase, handler_class
from .http import create_http_app
from .limits import JsonLimits
from .metrics import Metrics, metrics_route
from .policy import GrantPolicy, InMemoryPolicy, RedisPolicy
from .protocol import GuardedASGIApp
from .publisher import log_key
from .ratelimit import Rate, RateLimiter, RateLimits
from .recovery import Recovery
from .registry import Registry
from .replay import RedisLog
from .server import EventServer
from .sessions import RedisSessions
from .settings import Settings
from .storms import ReconnectGuard

HandlersFactory = Callable[[Any], HandlerBase]


@dataclass
class App:
    """Everything a process serves, and the hooks `serve` runs at start and stop."""

    settings: Settings
    registry: Registry
    package: ModuleType
    server: EventServer
    events: Any  # the package's typed emitter (`Events`)
    handlers: Any  # what the factory returned: the app's EventHandlers subclass
    policy: GrantPolicy
    asgi: Any = None
    metrics: Metrics | None = None
    admin: Admin | None = None
    # The example traffic `--demo` / `--mock` publishes (mock.Traffic), once installed.
    traffic: Any = None
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


def load_package(package: ModuleType | str) -> ModuleType:
    """The generated package, imported by name when a name is given; it must hold REGISTRY and Events."""
    module = importlib.import_module(package) if isinstance(package, str) else package
    registry = getattr(module, "REGISTRY", None)
    if not isinstance(registry, Registry) or not isinstance(getattr(module, "Events", None), type):
        raise TypeError(f"{module.__name__} is not a generated eventcat package (no REGISTRY and Events)")
    return module


def recovery_window(registry: Registry, settings: Settings) -> float | None:
    """The replay window in seconds: the setting, else the catalog's; None when the catalog promises no replay."""
    if registry.recovery_window is None:
        if settings.recovery_window is not None:
            raise ValueError(f"{registry.catalog} declares no recovery: a recovery window cannot be set")
        return None
    return settings.recovery_window or registry.recovery_window


def recovery_for(registry: Registry, settings: Settings) -> tuple[Recovery, GrantPolicy]:
    """In memory for one process; in Redis (log as a Stream, sessions, grants) when several share the work. Without
    a recovery window the log only carries events between nodes (scale-out): nothing is replayed."""
    guard = ReconnectGuard(limit=settings.reconnect_limit)
    window = recovery_window(registry, settings)
    enabled = window is not None
    # Without replay, the shared log is only the way between nodes: kept a minute, for nodes that fall behind.
    kept = window if window is not None else 60.0
    if not settings.redis_url:
        return Recovery(guard=guard, window_seconds=kept, enabled=enabled), InMemoryPolicy()
    redis = aioredis.from_url(settings.redis_url)
    prefix = f"eventcat:{registry.catalog}"
    recovery = Recovery(
        RedisLog(redis, log_key(registry), kept),
        RedisSessions(redis, prefix, kept),
        guard,
        window_seconds=kept,
        enabled=enabled,
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


def limiter_for(registry: Registry, settings: Settings) -> RateLimiter | None:
    """The catalog's rate limits (each client event's `limits.rate`), the connection's and the abuse cut-off."""
    if not settings.rate_limits:
        return None
    limits = RateLimits.from_registry(
        registry,
        connection=Rate.parse_optional(settings.rate_connection),
        abuse=Rate.parse_optional(settings.rate_abuse),
    )
    return RateLimiter(limits)


def make_handlers(factory: HandlersFactory, events: Emitter, package: ModuleType) -> HandlerBase:
    """The app's handlers, written on this package's `EventHandlers` (TypeError otherwise)."""
    cls = handler_class(factory)
    missing = sorted(getattr(cls, "__abstractmethods__", ()))
    if cls is not None and missing:
        # Python's own message ("Can't instantiate abstract class ...") says what, not why nor what to do.
        raise TypeError(
            f"{cls.__name__} has no {', '.join(missing)}: the catalog has a client-to-server event it does not handle "
            "(`eventcat scaffold --check` lists what changed, `eventcat scaffold --print` shows the methods)"
        )
    handlers = factory(events)
    base = getattr(package, "EventHandlers", HandlerBase)
    if not isinstance(handlers, HandlerBase):
        raise TypeError(f"{factory!r} returned {type(handlers).__name__}, not the package's EventHandlers")
    if not isinstance(handlers, base):
        raise TypeError(
            f"{type(handlers).__name__} is not written on {package.__name__}.EventHandlers: "
            f"is --package the package its handlers come from?"
        )
    return handlers


def build(
    package: ModuleType | str,
    handlers: HandlersFactory,
    settings: Settings,
    *,
    registry: Registry | None = None,
    client_manager: socketio.AsyncManager | None = None,
    verifier: Verifier | None = None,
) -> App:
    """The server of a generated package with these handlers. `registry` replaces the package's (tests, tools);
    `verifier` replaces the one the catalog's `auth:` and the settings describe."""
    module = load_package(package)
    registry = registry if registry is not None else module.REGISTRY
    assert registry is not None
    recovery, policy = recovery_for(registry, settings)
    server = EventServer(
        registry,
        verifier=verifier if verifier is not None else verifier_for(registry.auth, settings),
        policy=policy,
        mode=settings.mode,
        client_manager=client_manager,
        cors_allowed_origins=cors_origins(settings.cors_allowed_origins),
        max_http_buffer_size=buffer_size(registry, settings),
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
    server.limiter = limiter_for(registry, settings)
    events = module.Events(server)
    attached = make_handlers(handlers, events, module)
    server.attach(attached)
    app = App(settings, registry, module, server, events, attached, policy)
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
