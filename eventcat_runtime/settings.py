"""Settings of a server on the runtime: flags first, then the environment, then defaults (some from the catalog)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Mode = Literal["development", "production"]


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 5001
    jwt_secret: str | None = None
    # Accepted algorithms; empty: the catalog's `auth.algorithms`.
    jwt_algorithms: tuple[str, ...] = ()
    jwt_public_key: str | None = None
    # Keys from a JWKS document, and the `iss` / `aud` a token must carry: the catalog's `auth:` unless set here.
    jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    service_token: str | None = None
    mode: Mode = "development"
    demo: bool = False
    # Handlers from the catalog alone (mock.py): every valid client event accepted, acks from the examples.
    mock: bool = False
    demo_interval: float = 1.0
    log_level: str = "info"
    log_format: str = "json"
    cors_allowed_origins: str = "*"
    # Scale-out: every process given the same Redis shares rooms, the replay log, sessions and grants.
    redis_url: str | None = None
    # How long a disconnected client can come back and get what it missed (seconds). None: the catalog's
    # `recovery.window_seconds`; a catalog without `recovery:` has no replay at all.
    recovery_window: float | None = None
    # Reconnection storms: more connections than this per user and minute are told to back off.
    reconnect_limit: int = 10
    # Operations (README, "Operations"). Rate limits: the catalog's per event, plus every event of one connection
    # (COUNT/PERIOD, or "off"), and how many refusals within a period close the connection.
    rate_limits: bool = True
    rate_connection: str = "30/s"
    rate_abuse: str = "50/10s"
    # Largest Engine.IO message accepted (None: 3 × the catalog's largest limit + 4 KiB); longer ones close the
    # connection before they are parsed.
    max_buffer_bytes: int | None = None
    # Hostile input (README, "Security"): a session with no authenticated CONNECT after this many seconds is closed
    # (0: never); at most this many such sessions per client address (0: no cap); the deepest JSON nesting and the
    # longest number an event may hold, checked before it is decoded.
    handshake_timeout: float = 10.0
    max_pending_per_address: int = 128
    max_json_depth: int = 64
    max_number_length: int = 100
    # Seconds for each HTTP request (a WebSocket upgrade included) to arrive whole; bytes queued for a client that
    # does not read before it is closed; channel subscriptions per connection and per user.
    request_timeout: float = 15.0
    max_outbound_bytes: int = 4 * 1024 * 1024
    max_subscriptions: int = 100
    # WebSocket permessage-deflate; gzip on HTTP responses (routes and long-polling) from this many bytes up.
    # ws_compress_once: every large message compressed on its own (server_no_context_takeover), so once for all
    # its recipients, rather than with each connection's own context (wire.py; bench/README.md measures both).
    ws_compression: bool = True
    ws_compress_once: bool = False
    http_compression: bool = True
    compression_threshold: int = 1024
    metrics: bool = True
    # The Admin UI (/admin namespace, /admin/ui/) and the /admin page: off unless both are set.
    admin_username: str | None = None
    admin_password: str | None = None
    admin_ui_mode: Literal["development", "production"] = "development"
    # The node_modules folder holding @socket.io/admin-ui (its ui/dist is served at /admin/ui/). None: the UI's
    # page answers 503 until it is installed.
    admin_node_modules: Path | None = None

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_username and self.admin_password)

    @classmethod
    def from_env(cls, **flags: object) -> Settings:
        """Flags that were given win over the environment (`JWT_SECRET`, `JWT_ALGORITHMS`, `JWT_PUBLIC_KEY`,
        `ADMIN_USERNAME`, `ADMIN_PASSWORD`, ...)."""
        env = os.environ
        values: dict[str, object] = {
            "jwt_secret": env.get("JWT_SECRET") or None,
            # Read from its file once: a flag given (the CLI's, with its own envvar) is that same key.
            "jwt_public_key": None if flags.get("jwt_public_key") else _key_text(env.get("JWT_PUBLIC_KEY")),
            "service_token": env.get("SERVICE_TOKEN") or None,
            "mode": env.get("EVENTCAT_MODE") or "development",
            "log_level": env.get("LOG_LEVEL") or "info",
            "redis_url": env.get("REDIS_URL") or None,
            "admin_username": env.get("ADMIN_USERNAME") or None,
            "admin_password": env.get("ADMIN_PASSWORD") or None,
            "jwks_url": env.get("JWT_JWKS_URL") or None,
            "jwt_issuer": env.get("JWT_ISSUER") or None,
            "jwt_audience": env.get("JWT_AUDIENCE") or None,
            "admin_node_modules": Path(env["ADMIN_NODE_MODULES"]) if env.get("ADMIN_NODE_MODULES") else None,
        }
        if env.get("JWT_ALGORITHMS"):
            values["jwt_algorithms"] = tuple(a.strip() for a in env["JWT_ALGORITHMS"].split(",") if a.strip())
        for key, value in flags.items():
            if value is not None:
                values[key] = _key_text(str(value)) if key == "jwt_public_key" else value
        return cls(**values)  # type: ignore[arg-type]


def _key_text(value: str | None) -> str | None:
    """A PEM key given inline, or `@path` / a path to a file holding it."""
    if not value:
        return None
    if "-----BEGIN" in value:
        return value
    path = Path(value[1:] if value.startswith("@") else value)
    return path.read_text(encoding="utf-8")
