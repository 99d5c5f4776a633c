"""Operators' views of a running server, behind one set of credentials.

- The Socket.IO Admin UI protocol, through python-socketio's `instrument()`, on the `/admin` namespace, read-only
  (the UI can neither emit events past the catalog's validation nor move sockets between rooms). The UI logs in
  with the username and password; anything else is refused.
- The Admin UI itself at `/admin/ui/`: the static files of the npm package `@socket.io/admin-ui`, installed
  locally, with the icon and text fonts its page would fetch from CDNs served from their npm packages too.
- `GET /admin`: a read-only HTML page of connections per user, rooms and their sizes, and event rates, for
  operators without the Admin UI (`?format=json` for the same as JSON).

Both HTTP paths ask for HTTP Basic credentials (the same username and password). Without credentials configured
none of this exists: `/admin` answers 404 and the `/admin` namespace refuses every connection.

No secret reaches an admin view: the handshakes the Admin UI lists have the token query parameter and the
`Authorization` and `Cookie` headers replaced by `[redacted]`, and a socket is reported only once its CONNECT
has been accepted (python-socketio's instrumentation reports it before the connect handler runs).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import html
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engineio.async_socket import AsyncSocket
from socketio.async_admin import InstrumentedAsyncServer
from socketio.exceptions import ConnectionRefusedError as LoginRefused
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .monitor import Direction

if TYPE_CHECKING:
    from .server import EventServer

EventKey = tuple[Direction, str]

log = logging.getLogger("eventcat.admin")

ADMIN_NAMESPACE = "/admin"
UI_PACKAGE = "@socket.io/admin-ui"
# The Admin UI's index.html loads these from CDNs; they are served from their npm packages instead.
_CDN_LINKS = {
    "https://fonts.googleapis.com/css?family=Roboto:100,300,400,500,700,900": [
        f"vendor/roboto/{weight}.css" for weight in (100, 300, 400, 500, 700, 900)
    ],
    "https://cdn.jsdelivr.net/npm/@mdi/font@latest/css/materialdesignicons.min.css": [
        "vendor/mdi/css/materialdesignicons.min.css"
    ],
}


REDACTED = "[redacted]"
# Handshake headers (as python-socketio names them: lower case, underscores) that carry credentials.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy_authorization"})


# The methods of python-engineio's socket class that upstream's instrument() replaces for the whole process.
_SOCKET_HOOKS = ("handle_post_request", "_websocket_handler", "_send_ping")


class LoginThrottle:
    """At most `attempts` failed logins per client address within `period` seconds; past that every login from the
    address is refused, right or wrong, until its oldest failure leaves the window. Guessing the password inside one
    WebSocket (a CONNECT after another) or over keep-alive HTTP is invisible to a proxy's connection limits."""

    MAX_ADDRESSES = 10_000

    def __init__(
        self,
        attempts: int = 10,
        period: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        overall: int = 100,
    ) -> None:
        self.attempts = attempts
        self.period = period
        self.clock = clock
        # Failures from every address together: addresses are cheap (IPv6, X-Forwarded-For behind a proxy), so past
        # this many a minute every login is refused until the window moves on.
        self.overall = overall
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def _recent(self, address: str) -> deque[float] | None:
        failures = self._failures.get(address)
        if failures is None:
            return None
        horizon = self.clock() - self.period
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            del self._failures[address]
            return None
        return failures

    def allowed(self, address: str) -> bool:
        horizon = self.clock() - self.period
        while self._all and self._all[0] <= horizon:
            self._all.popleft()
        if len(self._all) >= self.overall:
            return False
        failures = self._recent(address)
        return failures is None or len(failures) < self.attempts

    def failed(self, address: str) -> None:
        if len(self._failures) >= self.MAX_ADDRESSES:
            self._failures.clear()  # unreachable under the overall budget; bounded all the same
        now = self.clock()
        self._failures.setdefault(address, deque()).append(now)
        self._all.append(now)


class Instrumentation(InstrumentedAsyncServer):  # type: ignore[misc]
    """python-socketio's Admin UI instrumentation, with secrets kept out of what it reports, and bound to one server.

    Upstream's instrument() patches python-engineio's socket class for the whole process, each patch calling the one
    it saved before: a second instrumented server in the process makes every WebSocket and every ping recurse until
    RecursionError. Here the class is put back at once and the server's own sockets (protocol.EngineIOSocket) call
    this instance's hooks.
    """

    def __init__(
        self, sio: Any, *, secret_query: frozenset[str], throttle: LoginThrottle | None = None, **options: Any
    ) -> None:
        self.secret_query = secret_query
        self.throttle = throttle
        super().__init__(sio, **options)

    async def admin_connect(self, sid: str, environ: Mapping[str, Any], client_auth: Any) -> Any:
        address = str(environ.get("REMOTE_ADDR", ""))
        if self.throttle is not None and not self.throttle.allowed(address):
            raise LoginRefused("too many failed logins from this address: try again later")
        try:
            return await super().admin_connect(sid, environ, client_auth)
        except LoginRefused:
            if self.throttle is not None:
                self.throttle.failed(address)
            raise

    def instrument(self) -> None:
        originals = {name: AsyncSocket.__dict__[name] for name in _SOCKET_HOOKS}
        super().instrument()
        for name, method in originals.items():
            setattr(AsyncSocket, name, method)
        self.sio.eio.instrumentation = self

    def uninstrument(self) -> None:
        super().uninstrument()  # its class-level part puts back what it saved: the originals
        if getattr(self.sio.eio, "instrumentation", None) is self:
            self.sio.eio.instrumentation = None

    def serialize_socket(self, sid: str, namespace: str, eio_sid: str | None = None) -> dict[str, Any]:
        socket: dict[str, Any] = super().serialize_socket(sid, namespace, eio_sid)
        handshake = socket["handshake"]
        handshake["headers"] = {
            name: REDACTED if name in SECRET_HEADERS else value for name, value in handshake["headers"].items()
        }
        handshake["query"] = {
            name: REDACTED if name in self.secret_query else value for name, value in handshake["query"].items()
        }
        return socket

    async def _trigger_event(self, event: str, namespace: str, *args: Any) -> Any:
        if event != "connect":
            return await super()._trigger_event(event, namespace, *args)
        # Upstream reports `socket_connected` before the connect handler decides; here only once it has accepted.
        sid = args[0]
        started = time.time()
        self.sio.manager._timestamps[sid] = started
        try:
            accepted = await self.sio._InstrumentedAsyncServer__trigger_event(event, namespace, *args)
        except BaseException:
            self.sio.manager._timestamps.pop(sid, None)
            raise
        if accepted is False:
            self.sio.manager._timestamps.pop(sid, None)
            return accepted
        eio_sid = self.sio.manager.eio_sid_from_sid(sid, namespace)
        when = datetime.fromtimestamp(started, UTC).isoformat()
        await self.sio.emit(
            "socket_connected", (self.serialize_socket(sid, namespace, eio_sid), when), namespace=self.admin_namespace
        )
        if not self.sio.eio._get_socket(eio_sid).upgraded:
            self.sio.start_background_task(self._check_for_upgrade, eio_sid, sid, namespace)
        return accepted


@dataclass(frozen=True)
class AdminCredentials:
    username: str
    password: str
    # Called on every refused login (metrics count them).
    on_failure: Callable[[], None] | None = None

    def matches(self, username: Any, password: Any) -> bool:
        ok = isinstance(username, str) and isinstance(password, str)
        # Both compared, in constant time, whatever the first one gave.
        user_ok = hmac.compare_digest(str(username).encode(), self.username.encode())
        password_ok = hmac.compare_digest(str(password).encode(), self.password.encode())
        if ok and user_ok and password_ok:
            return True
        if self.on_failure is not None:
            self.on_failure()
        return False

    def socketio_auth(self, auth: Any) -> bool:
        """The Admin UI's login (`auth: {username, password}` on the `/admin` namespace)."""
        if not isinstance(auth, Mapping):
            return self.matches(None, None)
        return self.matches(auth.get("username"), auth.get("password"))

    def basic(self, authorization: str | None) -> bool:
        """An `Authorization: Basic ...` header."""
        if not authorization or not authorization.lower().startswith("basic "):
            return False
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return self.matches(None, None)
        username, _, password = decoded.partition(":")
        return self.matches(username, password)


def _challenge() -> Response:
    return PlainTextResponse(
        "admin credentials required", status_code=401, headers={"WWW-Authenticate": 'Basic realm="eventcat admin"'}
    )


def _too_many_logins() -> Response:
    return PlainTextResponse("too many failed logins from this address: try again later", status_code=429)


class _Protected:
    """An ASGI app behind HTTP Basic credentials (`check` answers a refusal, or None to let the request in)."""

    def __init__(self, app: ASGIApp, check: Callable[[Request], Response | None]) -> None:
        self.app = app
        self.check = check

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.check(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


class EventRates:
    """Events per second over the last minute, from the server's own totals sampled every few seconds."""

    def __init__(self, server: EventServer, interval: float = 5.0, window: float = 60.0) -> None:
        self.server = server
        self.interval = interval
        self.window = window
        self.samples: deque[tuple[float, dict[EventKey, int]]] = deque()
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> None:
        now = time.monotonic()
        self.samples.append((now, self.server.counts.event_totals()))
        while len(self.samples) > 1 and self.samples[1][0] <= now - self.window:
            self.samples.popleft()

    def rates(self) -> tuple[float, dict[EventKey, float]]:
        """(seconds covered, (direction, event) -> per second) between the oldest sample in the window and now."""
        now = time.monotonic()
        if not self.samples:
            return 0.0, {}
        start, old = self.samples[0]
        elapsed = now - start
        if elapsed <= 0:
            return 0.0, {}
        current = self.server.counts.event_totals()
        return elapsed, {key: (count - old.get(key, 0)) / elapsed for key, count in current.items()}

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class Admin:
    """The admin surface of one server: instrumentation, the UI's files and the `/admin` page."""

    def __init__(
        self,
        server: EventServer,
        credentials: AdminCredentials,
        *,
        node_modules: Path | None = None,
        ui_mode: str = "development",
    ) -> None:
        self.server = server
        self.credentials = credentials
        self.node_modules = node_modules
        self.rates = EventRates(server)
        self.started = time.monotonic()
        self.throttle = LoginThrottle()
        self.instrumented = Instrumentation(
            server.sio,
            secret_query=frozenset({server.registry.auth.query_param}),
            throttle=self.throttle,
            auth=credentials.socketio_auth,
            mode=ui_mode,
            read_only=True,
            namespace=ADMIN_NAMESPACE,
            server_id=f"eventcat-{server.registry.catalog}",
        )

    async def start(self) -> None:
        await self.rates.start()

    async def stop(self) -> None:
        await self.rates.stop()
        await self.instrumented.shutdown()
        with contextlib.suppress(AttributeError):
            self.instrumented.uninstrument()

    # -- the page -------------------------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        server = self.server
        users: dict[str, list[dict[str, Any]]] = {}
        for conn in server.connections.values():
            users.setdefault(conn.user.user_id, []).append(
                {"sid": conn.sid, "rooms": len(conn.holds), "recovered": conn.recovered}
            )
        participants = server.sio.manager.rooms.get(server.namespace, {})
        rooms = sorted(
            (
                (str(name), len(members))
                for name, members in participants.items()
                if name is not None and name not in server.connections
            ),
            key=lambda item: (-item[1], item[0]),
        )
        seconds, per_second = self.rates.rates()
        events: list[dict[str, Any]] = []
        totals = server.counts.event_totals()
        for name, spec in server.registry.events.items():
            direction: Direction = "in" if spec.inbound else "out"
            events.append(
                {
                    "event": name,
                    "direction": direction,
                    "total": totals.get((direction, name), 0),
                    "perSecond": round(per_second.get((direction, name), 0.0), 3),
                }
            )
        refusals = dict(sorted(server.counts.refusals().items()))
        return {
            "catalog": server.registry.catalog,
            "version": server.registry.version,
            "uptimeSeconds": round(time.monotonic() - self.started, 1),
            "connections": len(server.connections),
            "users": [
                {"userId": user, "connections": len(conns), "sockets": conns}
                for user, conns in sorted(users.items(), key=lambda item: (-len(item[1]), item[0]))
            ],
            "rooms": [{"room": name, "size": size} for name, size in rooms],
            "rateWindowSeconds": round(seconds, 1),
            "events": sorted(events, key=lambda e: (-e["perSecond"], -e["total"], e["event"])),
            "refusals": refusals,
        }

    def refusal(self, request: Request) -> Response | None:
        """The answer to a request without valid Basic credentials (None: let it in), failures throttled by address.
        The first Authorization header counts, on every path."""
        address = request.client.host if request.client else ""
        if not self.throttle.allowed(address):
            return _too_many_logins()
        if self.credentials.basic(request.headers.get("authorization")):
            return None
        if request.headers.get("authorization"):
            self.throttle.failed(address)  # a request without credentials is the browser asking for the prompt
        return _challenge()

    async def page(self, request: Request) -> Response:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        data = self.snapshot()
        if request.query_params.get("format") == "json":
            return JSONResponse(data)
        return HTMLResponse(render_page(data, ui=self.ui_dir() is not None))

    # -- the Admin UI's files -------------------------------------------------------------------------------------

    def ui_dir(self) -> Path | None:
        if self.node_modules is None:
            return None
        dist = self.node_modules / UI_PACKAGE / "ui" / "dist"
        return dist if (dist / "index.html").is_file() else None

    async def ui_index(self, request: Request) -> Response:
        dist = self.ui_dir()
        if dist is None:
            return PlainTextResponse(
                f"the Admin UI's files are not installed: run `npm ci` where its package.json is ({self.node_modules})",
                status_code=503,
            )
        page = (dist / "index.html").read_text(encoding="utf-8")
        for cdn, local in _CDN_LINKS.items():
            page = page.replace(
                f'<link rel="stylesheet" href="{cdn}">',
                "".join(f'<link rel="stylesheet" href="{href}">' for href in local),
            )
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    def routes(self) -> list[BaseRoute]:
        ui: list[BaseRoute] = [Route("/", self.ui_index), Route("/index.html", self.ui_index)]
        # Only folders that exist are mounted: StaticFiles answers 500 (a RuntimeError) for every path under a
        # missing one; without the files, `/admin/ui/` says how to install them and every other path is a 404.
        if self.node_modules is not None:
            for prefix, package in (("/vendor/mdi", "@mdi/font"), ("/vendor/roboto", "@fontsource/roboto")):
                if (self.node_modules / package).is_dir():
                    ui.append(Mount(prefix, StaticFiles(directory=self.node_modules / package)))
            dist = self.ui_dir()
            if dist is not None:
                ui.append(Mount("/", StaticFiles(directory=dist)))
        return [
            Route("/admin", self.page, methods=["GET"]),
            Route("/admin/ui", lambda request: RedirectResponse("/admin/ui/"), methods=["GET"]),
            Mount("/admin/ui", app=_Protected(Router(routes=ui), self.refusal)),
        ]


def disabled_routes() -> list[BaseRoute]:
    """`/admin` when no credentials are configured: says how to turn it on."""

    async def off(request: Request) -> Response:
        return PlainTextResponse("the admin views are disabled: set ADMIN_USERNAME and ADMIN_PASSWORD", status_code=404)

    return [Route("/admin", off), Route("/admin/{rest:path}", off)]


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p class=empty>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_page(data: Mapping[str, Any], ui: bool) -> str:
    """The `/admin` page: plain HTML, every value from clients escaped."""
    esc = html.escape
    users = _table(
        ["user", "connections", "socket ids"],
        [
            [
                f"<code>{esc(u['userId'])}</code>",
                str(u["connections"]),
                " ".join(f"<code class=sid>{esc(s['sid'])}</code>" for s in u["sockets"]),
            ]
            for u in data["users"]
        ],
        "no connections",
    )
    rooms = _table(
        ["room", "connections"],
        [[f"<code>{esc(r['room'])}</code>", str(r["size"])] for r in data["rooms"][:500]],
        "no rooms in use",
    )
    events = _table(
        ["event", "direction", "per second", "total"],
        [
            [f"<code>{esc(e['event'])}</code>", e["direction"], f"{e['perSecond']:.2f}", str(e["total"])]
            for e in data["events"]
            if e["total"] or e["perSecond"]
        ],
        "no events yet",
    )
    refusals = _table(
        ["code", "refused events"],
        [[f"<code>{esc(code)}</code>", str(count)] for code, count in data["refusals"].items()],
        "no refusals",
    )
    link = '<p><a href="/admin/ui/">Socket.IO Admin UI</a></p>' if ui else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(data["catalog"])} admin</title>
<meta http-equiv="refresh" content="10">
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; }}
th, td {{ border: 1px solid #ccc; padding: .25em .6em; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }} .empty {{ color: #777; }} code.sid {{ color: #555; }}
</style></head><body>
<h1>{esc(data["catalog"])} {esc(data["version"])}: <span id=connections>{data["connections"]}</span> connections</h1>
<p>Up {data["uptimeSeconds"]:.0f} s. Rates over the last {data["rateWindowSeconds"]:.0f} s. Read-only; refreshes
every 10 s. <a href="/admin?format=json">JSON</a>, <a href="/metrics">metrics</a>.</p>{link}
<h2>Connections per user</h2>{users}
<h2>Rooms</h2>{rooms}
<h2>Event rates</h2>{events}
<h2>Refusals</h2>{refusals}
</body></html>
"""
