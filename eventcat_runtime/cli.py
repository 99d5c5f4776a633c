"""The runtime's command line: `eventcat-runtime serve` (= `python -m eventcat_runtime serve`), also run by the
compiler's `eventcat serve`. It serves any app on its generated package, or any catalog with no app at all (--mock).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import click

from . import __version__
from .handlers import HandlerBase, handler_class
from .ratelimit import Rate
from .settings import Settings

HANDLERS_MODULE = "handlers"


def _rate_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        Rate.parse_optional(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def load_app(reference: str) -> Any:
    """MODULE:ATTR, imported."""
    module_name, sep, attr = reference.partition(":")
    if not sep or not module_name or not attr:
        raise click.UsageError(f"--app {reference}: write MODULE:ATTR, e.g. myapp.handlers:Handlers")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        hint = ""
        if isinstance(exc, ModuleNotFoundError) and exc.name == module_name.split(".")[0]:
            hint = " (is it on the import path? --app-dir DIR puts the folder that holds it there)"
        raise click.UsageError(f"--app {reference}: cannot import {module_name}: {exc}{hint}") from None
    target: Any = module
    for part in attr.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise click.UsageError(f"--app {reference}: {module_name} has no {attr}") from None
    if not callable(target):
        raise click.UsageError(f"--app {reference}: not a handler class or a factory")
    return target


def package_of(app: Any) -> str | None:
    """The generated package an app's handler class is written on: the module of its `EventHandlers` base,
    `<package>.handlers`."""
    cls = handler_class(app)
    if cls is None or not issubclass(cls, HandlerBase):
        return None
    for base in inspect.getmro(cls):
        module = base.__module__
        if base.__name__ == "EventHandlers" and module.endswith(f".{HANDLERS_MODULE}"):
            return module.rsplit(".", 1)[0]
    return None


def load_package(name: str) -> ModuleType:
    from .app import load_package as load

    try:
        return load(name)
    except ImportError as exc:
        raise click.UsageError(f"--package {name}: cannot import it: {exc} (generate it, or pass --app-dir)") from None
    except TypeError as exc:
        raise click.UsageError(f"--package {name}: {exc}") from None


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=5001, show_default=True, type=click.IntRange(0, 65535), help="Port (HTTP and Socket.IO)."
)
@click.option(
    "--app",
    "app_ref",
    metavar="MODULE:ATTR",
    help="The app's handlers: a subclass of the generated EventHandlers, or a factory called with the typed emitter.",
)
@click.option(
    "--package",
    metavar="NAME",
    help="Import name of the generated package.  [default: found from the app's handler class]",
)
@click.option(
    "--app-dir",
    "app_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder put first on the import path, to find --app and --package in (as uvicorn's --app-dir; repeatable).",
)
@click.option(
    "--mock",
    is_flag=True,
    help="No app: accept every valid client event, answer acks from the examples, publish example traffic.",
)
@click.option("--demo", is_flag=True, help="Development secret and token, example traffic in every domain.")
@click.option(
    "--demo-interval",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds between two example events of --demo and --mock.",
)
@click.option("--jwt-secret", envvar="JWT_SECRET", help="Secret for HS* tokens.  [env: JWT_SECRET]")
@click.option(
    "--jwt-algorithms",
    envvar="JWT_ALGORITHMS",
    default=None,
    help="Accepted algorithms, comma-separated ('none' never is).  [env: JWT_ALGORITHMS; default: the catalog's "
    "auth.algorithms, HS256]",
)
@click.option(
    "--jwt-public-key", envvar="JWT_PUBLIC_KEY", help="PEM, or @file, for RS*/ES* tokens.  [env: JWT_PUBLIC_KEY]"
)
@click.option(
    "--jwks-url",
    envvar="JWT_JWKS_URL",
    help="Keys of RS*/ES* tokens from this JWKS document, by kid.  [env: JWT_JWKS_URL; default: the catalog's "
    "auth.jwks_url]",
)
@click.option(
    "--jwt-issuer",
    envvar="JWT_ISSUER",
    help="The `iss` every token must carry.  [env: JWT_ISSUER; default: the catalog's auth.issuer]",
)
@click.option(
    "--jwt-audience",
    envvar="JWT_AUDIENCE",
    help="The `aud` every token must carry.  [env: JWT_AUDIENCE; default: the catalog's auth.audience]",
)
@click.option("--service-token", envvar="SERVICE_TOKEN", help="Bearer token of the publish API.  [env: SERVICE_TOKEN]")
@click.option(
    "--mode",
    envvar="EVENTCAT_MODE",
    type=click.Choice(["development", "production"]),
    default="development",
    show_default=True,
    help="development raises on an invalid outbound payload; production logs and drops it.  [env: EVENTCAT_MODE]",
)
@click.option(
    "--redis-url",
    envvar="REDIS_URL",
    help="Run as one node of many: rooms, replay log, sessions and grants in this Redis.  [env: REDIS_URL]",
)
@click.option(
    "--recovery-window",
    default=None,
    type=click.FloatRange(1, 86400),
    help="Seconds a dropped client has to come back and get every event it missed.  [default: the catalog's "
    "recovery.window_seconds; a catalog without recovery: has none]",
)
@click.option(
    "--cors-allowed-origins",
    envvar="CORS_ALLOWED_ORIGINS",
    default="*",
    show_default=True,
    help="Origins browsers may connect from, comma-separated (`*`: any).  [env: CORS_ALLOWED_ORIGINS]",
)
@click.option("--log-level", envvar="LOG_LEVEL", default="info", show_default=True, help="debug, info, warning, error.")
@click.option("--log-format", type=click.Choice(["json", "text"]), default="json", show_default=True)
@click.option(
    "--rate-limits/--no-rate-limits",
    default=True,
    show_default=True,
    help="Token buckets per connection: each client event at its catalog rate, plus --rate-connection.",
)
@click.option(
    "--rate-connection",
    default="30/s",
    show_default=True,
    callback=_rate_option,
    help="Every event of one connection together, as COUNT/PERIOD (10/s, 30/min, 5/10s), or off.",
)
@click.option(
    "--rate-abuse",
    default="50/10s",
    show_default=True,
    callback=_rate_option,
    help="This many rate-limited events within the period close the connection (the catalog's close event, reason "
    "rate_limited), or off.",
)
@click.option(
    "--max-buffer-bytes",
    type=click.IntRange(1024),
    default=None,
    help="Largest Engine.IO message; longer ones close the connection unparsed.  [default: 3 × the catalog's "
    "largest max_payload_bytes + 4096]",
)
@click.option(
    "--handshake-timeout",
    type=click.FloatRange(0),
    default=10.0,
    show_default=True,
    help="Seconds a session has to complete an authenticated CONNECT before it is closed (0: no deadline).",
)
@click.option(
    "--max-pending-per-address",
    type=click.IntRange(0),
    default=128,
    show_default=True,
    help="Sessions not authenticated yet that one client address may hold at once; more get 429 (0: no cap).",
)
@click.option(
    "--max-json-depth",
    type=click.IntRange(1),
    default=64,
    show_default=True,
    help="Deepest nesting of arrays and objects in a message (the packet's own array counts); deeper events get "
    "VALIDATION_ERROR.",
)
@click.option(
    "--max-number-length",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    help="Longest number in a message, in characters; longer ones get VALIDATION_ERROR.",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(0),
    default=15.0,
    show_default=True,
    help="Seconds for each HTTP request (WebSocket upgrades included) to arrive whole; else closed (0: none).",
)
@click.option(
    "--max-outbound-bytes",
    type=click.IntRange(0),
    default=4 * 1024 * 1024,
    show_default=True,
    help="Bytes waiting for one client before it counts as not reading and is closed (0: no limit).",
)
@click.option(
    "--max-subscriptions",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    help="Channel subscriptions one connection, and one user, may hold.",
)
@click.option(
    "--ws-compression/--no-ws-compression",
    default=True,
    show_default=True,
    help="WebSocket permessage-deflate, when the client offers it.",
)
@click.option(
    "--ws-compress-once/--no-ws-compress-once",
    default=False,
    show_default=True,
    help="Compress each large WebSocket message once for all its recipients (server_no_context_takeover) rather "
    "than with each connection's own context.",
)
@click.option(
    "--http-compression/--no-http-compression",
    default=True,
    show_default=True,
    help="gzip on HTTP responses and long-polling payloads of --compression-threshold bytes or more.",
)
@click.option("--compression-threshold", type=click.IntRange(0), default=1024, show_default=True, help="Bytes.")
@click.option("--metrics/--no-metrics", default=True, show_default=True, help="Prometheus metrics at GET /metrics.")
@click.option(
    "--admin-username",
    envvar="ADMIN_USERNAME",
    help="With --admin-password: the Admin UI (/admin/ui/, namespace /admin), the /admin page.  [env: ADMIN_USERNAME]",
)
@click.option(
    "--admin-password",
    envvar="ADMIN_PASSWORD",
    help="Prefer the environment variable: flags show in the process list.  [env: ADMIN_PASSWORD]",
)
@click.option(
    "--admin-ui-mode",
    type=click.Choice(["development", "production"]),
    default="development",
    show_default=True,
    help="development lists every socket and event in the Admin UI (one more packet per recipient of every event); "
    "production only counts.",
)
@click.option(
    "--admin-node-modules",
    envvar="ADMIN_NODE_MODULES",
    type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    default=None,
    help="The node_modules folder where `npm ci` installed @socket.io/admin-ui, served at /admin/ui/.  "
    "[env: ADMIN_NODE_MODULES]",
)
def serve(
    host: str,
    port: int,
    app_ref: str | None,
    package: str | None,
    app_dirs: tuple[Path, ...],
    mock: bool,
    demo: bool,
    demo_interval: float,
    jwt_secret: str | None,
    jwt_algorithms: str | None,
    jwt_public_key: str | None,
    jwks_url: str | None,
    jwt_issuer: str | None,
    jwt_audience: str | None,
    service_token: str | None,
    mode: str,
    redis_url: str | None,
    recovery_window: float | None,
    cors_allowed_origins: str,
    log_level: str,
    log_format: str,
    rate_limits: bool,
    rate_connection: str,
    rate_abuse: str,
    max_buffer_bytes: int | None,
    handshake_timeout: float,
    max_pending_per_address: int,
    max_json_depth: int,
    max_number_length: int,
    request_timeout: float,
    max_outbound_bytes: int,
    max_subscriptions: int,
    ws_compression: bool,
    ws_compress_once: bool,
    http_compression: bool,
    compression_threshold: int,
    metrics: bool,
    admin_username: str | None,
    admin_password: str | None,
    admin_ui_mode: str,
    admin_node_modules: Path | None,
) -> None:
    """Serve an app (its handlers on its generated package) under uvicorn, or any catalog with --mock.

    Clients connect as the catalog's `auth:` says (a JWT in `?token=` or `auth.token`, or no token at all);
    backends publish with `POST /events/{name}` and the service token. With JWT auth and without --demo a key is
    required: JWT_SECRET for HS*, JWT_PUBLIC_KEY or a JWKS URL for RS*/ES*.

    \b
    Examples:
      eventcat serve --demo                                           the project's app: a token, a client snippet
      eventcat-runtime serve --app myapp.handlers:Handlers --demo     the same, with the runtime alone
      eventcat-runtime serve --package my_catalog --mock --demo       no code at all: acks from the examples
      JWT_SECRET=... SERVICE_TOKEN=... eventcat-runtime serve --app myapp:create --host 0.0.0.0 --mode production
      eventcat-runtime serve --app myapp:Handlers --jwt-algorithms RS256 --jwks-url https://id.example/jwks.json
    """
    for app_dir in reversed(app_dirs):
        sys.path.insert(0, str(app_dir.resolve()))
    if app_ref is None and not mock:
        raise click.UsageError("give the app (--app MODULE:ATTR), or serve the catalog alone with --mock")
    loaded = load_app(app_ref) if app_ref else None
    # --mock serves the catalog alone: an app given too only names the package.
    app = None if mock else loaded
    name = package or (package_of(loaded) if loaded is not None else None)
    if name is None:
        raise click.UsageError(
            "which generated package? pass --package NAME (it could not be found from the app's handler class)"
        )
    module = load_package(name)
    algorithms = tuple(a.strip() for a in jwt_algorithms.split(",") if a.strip()) if jwt_algorithms else ()
    try:
        settings = Settings.from_env(
            host=host,
            port=port,
            demo=demo,
            demo_interval=demo_interval,
            mock=mock,
            jwt_secret=jwt_secret,
            jwt_algorithms=algorithms or None,
            jwt_public_key=jwt_public_key,
            jwks_url=jwks_url,
            jwt_issuer=jwt_issuer,
            jwt_audience=jwt_audience,
            service_token=service_token,
            mode=mode,
            redis_url=redis_url,
            recovery_window=recovery_window,
            cors_allowed_origins=cors_allowed_origins,
            log_level=log_level,
            log_format=log_format,
            rate_limits=rate_limits,
            rate_connection=rate_connection,
            rate_abuse=rate_abuse,
            max_buffer_bytes=max_buffer_bytes,
            handshake_timeout=handshake_timeout,
            max_pending_per_address=max_pending_per_address,
            max_json_depth=max_json_depth,
            max_number_length=max_number_length,
            request_timeout=request_timeout,
            max_outbound_bytes=max_outbound_bytes,
            max_subscriptions=max_subscriptions,
            ws_compression=ws_compression,
            ws_compress_once=ws_compress_once,
            http_compression=http_compression,
            compression_threshold=compression_threshold,
            metrics=metrics,
            admin_username=admin_username,
            admin_password=admin_password,
            admin_ui_mode=admin_ui_mode,
            admin_node_modules=admin_node_modules,
        )
    except OSError as exc:
        raise click.UsageError(f"cannot read the JWT public key: {exc}") from None
    registry = module.REGISTRY
    keyless = not (settings.jwt_secret or settings.jwt_public_key or settings.jwks_url or registry.auth.jwks_url)
    if registry.auth.scheme == "jwt" and not demo and keyless:
        raise click.UsageError("set JWT_SECRET (HS*), JWT_PUBLIC_KEY or --jwks-url (RS*/ES*), or try it with --demo")
    from .serve import run_app, start

    factory: Callable[[Any], HandlerBase] | None = app
    try:
        built, token = start(module, factory, settings)
    except ValueError as exc:  # a configuration the verifier refuses, e.g. RS256 without a key
        raise click.UsageError(str(exc)) from None
    except TypeError as exc:  # handlers that do not fit the catalog
        raise click.UsageError(str(exc)) from None
    run_app(built, token)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="eventcat-runtime")
def main() -> None:
    """eventcat-runtime: serve a catalog's generated package (the server side of eventcat)."""


main.add_command(serve)
