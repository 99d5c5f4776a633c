"""Live servers for tests: the real app (REZ's, or any package's) under uvicorn on a free loopback port, built by
the runtime as `eventcat serve` builds it, and real python-socketio clients.

The server runs in the test session's event loop, so tests can also drive its typed emitter in process. Clients
record every event they receive; `barrier` proves that nothing else is on its way to a client (Socket.IO keeps
order on a connection: once a marker sent after an emit has arrived, the emit has arrived too, or never will).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import socketio
import uvicorn
from eventcat_runtime import wire
from eventcat_runtime.app import App, HandlersFactory, buffer_size
from eventcat_runtime.auth import Verifier, verifier_for
from eventcat_runtime.handlers import HandlerBase
from eventcat_runtime.http import create_http_app
from eventcat_runtime.registry import Registry
from eventcat_runtime.serve import GracefulServer, prepare, uvicorn_config
from eventcat_runtime.server import EventServer
from eventcat_runtime.settings import Settings

from server_stub.app import create as create_rez

REZ_ADMIN_NODE_MODULES = Path(__file__).resolve().parent.parent / "server_stub" / "admin" / "node_modules"

SECRET = "test-secret-0123456789abcdef0123456789abcdef"
SERVICE_TOKEN = "service-token-for-tests"
BARRIER = "test:barrier"
_ids = itertools.count(1)


def unique_user(prefix: str = "user") -> str:
    """A user id no other test uses: tests share one server, so they never share users."""
    return f"{prefix}_{next(_ids)}_{int(time.time() * 1000) % 100000}"


def make_token(
    user: str | None,
    *,
    secret: str = SECRET,
    roles: Sequence[str] = (),
    rooms: Sequence[str] = (),
    expires_in: int = 3600,
    algorithm: str = "HS256",
    **claims: Any,
) -> str:
    body: dict[str, Any] = {"iat": int(time.time()), "exp": int(time.time()) + expires_in, **claims}
    if user is not None:
        body["userId"] = user
    if roles:
        body["roles"] = list(roles)
    if rooms:
        body["rooms"] = list(rooms)
    return jwt.encode(body, secret, algorithm=algorithm)


class _QuietServer(GracefulServer):
    """The production server class, without taking over the test process's signal handlers."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Client:
    sio: socketio.AsyncClient
    user: str
    received: list[tuple[str, Any]] = field(default_factory=list)
    offsets: list[str] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def sid(self) -> str:
        sid = self.sio.get_sid("/")
        assert sid is not None
        return str(sid)

    def events(self, name: str | None = None) -> list[tuple[str, Any]]:
        """What arrived, barriers left out; only events called name when given."""
        return [(e, p) for e, p in self.received if e != BARRIER and (name is None or e == name)]

    def payloads(self, name: str) -> list[Any]:
        return [p for _, p in self.events(name)]

    async def call(self, event: str, *args: Any, timeout: float = 5) -> Any:
        """Emit with an ack callback and return the ack's first argument (None for an empty ack)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def answered(*values: Any) -> None:
            if not future.done():
                future.set_result(values[0] if values else None)

        await self.sio.emit(event, args[0] if len(args) == 1 else tuple(args) if args else None, callback=answered)
        return await asyncio.wait_for(future, timeout)

    async def emit(self, event: str, *args: Any) -> None:
        """Emit without an ack callback."""
        await self.sio.emit(event, args[0] if len(args) == 1 else tuple(args) if args else None)

    async def wait_for(self, name: str, count: int = 1, timeout: float = 5) -> list[Any]:
        deadline = time.monotonic() + timeout
        while len(self.payloads(name)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.user} got {len(self.payloads(name))} '{name}' of {count}: {self.received}")
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        return self.payloads(name)

    def clear(self) -> None:
        self.received.clear()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sio.disconnect()


async def recording_client(url: str, user: str, token: str, via_query: bool) -> Client:
    """A real python-socketio client over WebSocket that records every event, connected with the token in
    `auth.token` (or `?token=`)."""
    sio = socketio.AsyncClient(reconnection=False)
    client = Client(sio, user)

    def record(event: str, payload: Any = None, *rest: Any) -> None:
        # Events delivered to rooms carry their replay offset as one more argument (connection state recovery).
        client.received.append((event, payload))
        if rest:
            client.offsets.append(rest[0])
        client._arrived.set()

    sio.on("*", record)
    target = f"{url}?token={token}" if via_query else url
    await sio.connect(target, auth=None if via_query else {"token": token}, transports=["websocket"], wait_timeout=5)
    return client


@dataclass
class LiveServer:
    app: App
    url: str
    port: int
    token: str | None = None
    clients: list[Client] = field(default_factory=list)
    _barriers: Iterator[int] = field(default_factory=itertools.count)

    @property
    def events(self) -> Any:
        return self.app.events

    async def connect(
        self,
        user: str | None = None,
        *,
        token: str | None = None,
        roles: Sequence[str] = (),
        rooms: Sequence[str] = (),
        via_query: bool = False,
        wait_connected: bool = True,
    ) -> Client:
        """A real python-socketio client, authenticated as user (a fresh id when None), over WebSocket."""
        user = user or unique_user()
        client = await recording_client(self.url, user, token or make_token(user, roles=roles, rooms=rooms), via_query)
        self.clients.append(client)
        if wait_connected:
            await client.wait_for("connected")
        # Every test that connects through here runs on the fast delivery path (wire.py): a WebSocket client of a
        # server `build` made and `uvicorn_config` serves has its sender, or the path fell back without saying so.
        eio = self.app.server.sio.eio
        if eio.fast_delivery:
            eio_sid = self.app.server.sio.manager.eio_sid_from_sid(client.sid, self.app.server.namespace)
            socket = eio.sockets.get(eio_sid) if eio_sid else None
            assert socket is None or socket._sender is not None, "a WebSocket client off the fast delivery path"
        else:
            raise AssertionError("the server runs without its fast delivery path")
        return client

    async def refused(self, *, token: str | None, via_query: bool = False) -> socketio.exceptions.ConnectionError:
        """Connect with this token (None: no token at all) and return the refusal."""
        sio = socketio.AsyncClient(reconnection=False)
        url = f"{self.url}?token={token}" if via_query and token else self.url
        auth = {"token": token} if token is not None and not via_query else None
        try:
            await sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)
        except socketio.exceptions.ConnectionError as exc:
            return exc
        await sio.disconnect()
        raise AssertionError("the connection was accepted")

    async def barrier(self, *clients: Client) -> None:
        """Return once every event emitted before this call has reached these clients."""
        for client in clients:
            marker = next(self._barriers)
            await self.app.server.sio.emit(BARRIER, marker, to=client.sid)
            deadline = time.monotonic() + 5
            while (BARRIER, marker) not in client.received:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"barrier {marker} never reached {client.user}")
                client._arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(client._arrived.wait(), 0.5)

    async def close_clients(self) -> None:
        await asyncio.gather(*(c.close() for c in self.clients))
        self.clients.clear()


def live_settings(**changes: Any) -> Settings:
    return Settings(**{"jwt_secret": SECRET, "service_token": SERVICE_TOKEN, "log_level": "warning", **changes})


@contextlib.asynccontextmanager
async def serve(settings: Settings | None = None, port: int = 0) -> Any:
    """Run the REZ app on a free 127.0.0.1 port (or this one) for the duration of the block."""
    settings = settings or live_settings()
    if settings.admin_node_modules is None:
        settings = dataclasses.replace(settings, admin_node_modules=REZ_ADMIN_NODE_MODULES)
    async with serve_app("rez_realtime", create_rez, settings, port=port) as live:
        yield live


@contextlib.asynccontextmanager
async def serve_app(
    package: ModuleType | str,
    handlers: HandlersFactory | None,
    settings: Settings | None = None,
    *,
    registry: Registry | None = None,
    verifier: Verifier | None = None,
    port: int = 0,
) -> AsyncIterator[LiveServer]:
    """Any generated package with these handlers, built by the runtime (eventcat_runtime.app.build) as `serve` builds
    it, on a free 127.0.0.1 port (or this one). registry: one that replaces the package's (conventions, auth).
    handlers None: the mock's (settings.mock or .demo add the example traffic; the demo token is `live.token`)."""
    app, token = prepare(package, handlers, settings or live_settings(), registry=registry, verifier=verifier)
    listener, port = loopback_listener(port)
    async with running(_QuietServer(uvicorn_config(app), app), listener):
        live = LiveServer(app, f"http://127.0.0.1:{port}", port, token=token)
        try:
            yield live
        finally:
            await live.close_clients()


def loopback_listener(port: int = 0) -> tuple[socket.socket, int]:
    """A socket on a free 127.0.0.1 port (or this one) for uvicorn to serve on, and the port."""
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and without it every
    # second message in a row waits ~40 ms for Nagle (uvicorn's own sockets say so).
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    return listener, listener.getsockname()[1]


@contextlib.asynccontextmanager
async def running(server: uvicorn.Server, listener: socket.socket) -> AsyncIterator[None]:
    """uvicorn serving on the listener in this event loop, started before the block, stopped after it."""
    task = asyncio.create_task(server.serve(sockets=[listener]))
    deadline = time.monotonic() + 10
    while not server.started:
        if task.done():
            task.result()
        if time.monotonic() > deadline:
            raise TimeoutError("the test server did not start")
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 15)
        listener.close()


# -- any generated catalog -----------------------------------------------------------------------------------------


class _QuietUvicorn(uvicorn.Server):
    """uvicorn for a bare EventServer: says goodbye to its clients first, leaves the signal handlers alone."""

    def __init__(self, config: uvicorn.Config, event_server: EventServer) -> None:
        super().__init__(config)
        self.event_server = event_server

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await self.event_server.shutdown()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class RegistryServer:
    """A live EventServer of any generated registry (the REZ app's LiveServer, without the REZ parts)."""

    server: EventServer
    handlers: HandlerBase
    url: str
    port: int
    clients: list[Client] = field(default_factory=list)

    async def connect(self, user: str, *, token: str | None = None, via_query: bool = False) -> Client:
        """A real python-socketio client over WebSocket, authenticated as user, once its CONNECT is answered."""
        client = await recording_client(self.url, user, token or make_token(user), via_query)
        self.clients.append(client)
        return client

    async def close_clients(self) -> None:
        await asyncio.gather(*(c.close() for c in self.clients))
        self.clients.clear()


@contextlib.asynccontextmanager
async def serve_registry(
    registry: Registry, handlers: HandlerBase | Callable[[EventServer], HandlerBase], **settings: Any
) -> AsyncIterator[RegistryServer]:
    """Serve any generated registry on a free 127.0.0.1 port: a bare EventServer (no rate limits, metrics or admin;
    serve_app has the whole app).

    handlers: an instance of the package's `EventHandlers` subclass, or a function of the EventServer returning one
    (generated handlers take the typed emitter, which needs the server). settings: EventServer keyword arguments
    (mode, recovery, max_http_buffer_size, and whatever limits it grows); `max_buffer_bytes` as in Settings.
    """
    buffer = buffer_size(registry, Settings(max_buffer_bytes=settings.pop("max_buffer_bytes", None)))
    settings.setdefault("max_http_buffer_size", buffer)
    verifier = verifier_for(registry.auth, Settings(jwt_secret=SECRET))
    server = EventServer(registry, verifier=verifier, **settings)
    attached = handlers(server) if callable(handlers) and not isinstance(handlers, HandlerBase) else handlers
    server.attach(attached)
    listener, port = loopback_listener()
    threshold = Settings().compression_threshold
    config = uvicorn.Config(
        # /healthz and the publish API beside Socket.IO, as the REZ app has them.
        server.asgi_app(create_http_app(server, SERVICE_TOKEN)),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        ws=wire.protocol_class(threshold),
        ws_per_message_deflate=True,
        ws_max_size=server.sio.eio.max_http_buffer_size,
    )
    async with running(_QuietUvicorn(config, server), listener):
        live = RegistryServer(server, attached, f"http://127.0.0.1:{port}", port)
        try:
            yield live
        finally:
            await live.close_clients()
