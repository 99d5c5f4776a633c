"""Structured logs: one JSON object per line, with the socket, user, event and code when a record has them.

Secrets never reach a log line: every record that goes through `configure`'s handler has the values of token query
parameters, `Authorization` credentials and anything shaped like a JWT replaced by `[redacted]`, in its message
and its fields (uvicorn logs each WebSocket's path with its query string, `?token=...` included).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

# Attributes a LogRecord always has; anything else came in through `extra=` and is logged as a field.
# uvicorn adds `color_message`: its message again, with terminal colour codes.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName", "color_message"}


REDACTED = "[redacted]"
# Query parameters that carry credentials in Socket.IO apps; `configure` adds the catalog's own.
SECRET_PARAMS = ("token", "access_token", "auth", "jwt", "password", "api_key")
# A secret as a JSON member: the Socket.IO CONNECT's `{"token": ...}`, as python-engineio logs each packet.
_JSON_SECRET = re.compile(
    r'(?i)("(?:token|access_token|jwt|password|secret|authorization|api_key)"\s*:\s*)"(?:[^"\\]|\\.)*"'
)
# A query string: after `?`, up to whitespace, a quote or a fragment.
_QUERY = re.compile(r"(\?)(\S*=\S*)")  # to whitespace: a quote or `<` inside a query must not end it early
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_CREDENTIALS = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")


class RedactSecrets(logging.Filter):
    """Replaces secrets in a record's message and string fields (the record is rewritten, not dropped)."""

    def __init__(self, params: Iterable[str] = SECRET_PARAMS) -> None:
        super().__init__()
        self._names = frozenset(p.lower() for p in params)

    def _pair(self, pair: str) -> str:
        name, equals, _ = pair.partition("=")
        # By the name as a server decodes it: `%74oken=` is `token=` to parse_qs.
        if equals and unquote_plus(name).strip().lower() in self._names:
            return f"{name}={REDACTED}"
        return pair

    def _query_string(self, match: re.Match[str]) -> str:
        return match.group(1) + "&".join(self._pair(pair) for pair in match.group(2).split("&"))

    def redact(self, text: str) -> str:
        if "=" in text:
            text = _QUERY.sub(self._query_string, text)
        if '"' in text:
            text = _JSON_SECRET.sub(rf'\g<1>"{REDACTED}"', text)
        if "eyJ" in text:
            text = _JWT.sub(REDACTED, text)
        if " " in text:
            text = _CREDENTIALS.sub(rf"\g<1> {REDACTED}", text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.redact(value))
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: the traceback's text is redacted like the rest.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _one_line(value: Any) -> str:
    """A value on one line: a client's text with a newline in it must not forge a log line of its own."""
    text = str(value)
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


class TextFormatter(logging.Formatter):
    """For a terminal: the message, then the structured fields as key=value, each on the record's one line."""

    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(
            f"{k}={_one_line(v)}" for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")
        )
        message = _one_line(record.getMessage())
        text = f"{record.levelname.lower():7} {record.name}: {message}" + (f"  {fields}" if fields else "")
        if record.exc_info:
            text += "\n" + (record.exc_text or self.formatException(record.exc_info))
        return text


def redact_at_source(secret_params: Iterable[str] = ()) -> None:
    """Redact uvicorn's records where they are made, whatever handler (an app's, pytest's) takes them: its
    WebSocket lines carry the query string. Idempotent."""
    for name in ("uvicorn.error", "uvicorn.access"):
        _redact(logging.getLogger(name), secret_params)


def _redact(logger: logging.Logger, secret_params: Iterable[str]) -> None:
    """One RedactSecrets filter on logger, for these parameters (a previous one is replaced)."""
    logger.filters[:] = [f for f in logger.filters if not isinstance(f, RedactSecrets)]
    logger.addFilter(RedactSecrets((*SECRET_PARAMS, *secret_params)))


def library_logger(name: str, secret_params: Iterable[str] = ()) -> logging.Logger:
    """The logger python-socketio or python-engineio is given: secrets redacted where records are made (python-
    engineio logs every packet with its data at info, a CONNECT's token included), and at warning unless an app
    chose a level (upstream's own default logger is at error)."""
    logger = logging.getLogger(name)
    _redact(logger, secret_params)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
    return logger


# python-socketio and python-engineio log each packet, with its data, at info: never below warning here.
_PROTOCOL_LOGGERS = ("socketio", "engineio")


def configure(level: str = "info", fmt: str = "json", secret_params: Iterable[str] = ()) -> None:
    """Route the `eventcat` loggers (and uvicorn's, python-socketio's and python-engineio's) to stderr in the chosen
    format, secrets redacted (`secret_params`: query parameters beyond SECRET_PARAMS that carry credentials)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RedactSecrets((*SECRET_PARAMS, *secret_params)))
    chosen = logging.getLevelName(level.upper())
    for name in ("eventcat", "uvicorn.error", "uvicorn.access", *_PROTOCOL_LOGGERS):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(max(chosen, logging.WARNING) if name in _PROTOCOL_LOGGERS else chosen)
        logger.propagate = False
    for name in ("socketio.server", "engineio.server"):  # their records reach the handler of the loggers above
        library_logger(name, secret_params).setLevel(max(chosen, logging.WARNING))
