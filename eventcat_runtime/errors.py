"""The runtime's own codes, and the exceptions that carry a refusal (refusals.py writes it in the catalog's shape)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """The codes the runtime itself refuses with. A catalog declares these and adds its own."""

    AUTH_REQUIRED = "AUTH_REQUIRED"
    AUTH_INVALID = "AUTH_INVALID"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    UNKNOWN_EVENT = "UNKNOWN_EVENT"
    FORBIDDEN = "FORBIDDEN"
    RATE_LIMITED = "RATE_LIMITED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


# What the runtime itself refuses with: every catalog's error codes include these (the compiler checks it).
RUNTIME_CODES: tuple[str, ...] = tuple(code.value for code in ErrorCode)
# The reasons the runtime gives in the catalog's close event, and in its throttle event.
CLOSE_REASONS: tuple[str, ...] = ("server_shutdown", "rate_limited")
THROTTLE_REASONS: tuple[str, ...] = ("too_many_reconnects",)


def now_iso() -> str:
    """The current time as the catalog's Timestamp: ISO 8601, UTC, `Z`."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_epoch_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class EventError(Exception):
    """Refuse an event with a code of the catalog's error contract (the runtime's, or one the catalog adds).
    Raise it from a handler; the client gets `{ok: false, error}` in its ack, or the catalog's error event."""

    def __init__(self, code: ErrorCode | str, message: str, details: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code: str = str(code)
        self.message = message
        self.details = details


class OutboundValidationError(Exception):
    """The server tried to send a payload the catalog does not allow (raised in development mode)."""

    def __init__(self, event: str, problems: list[dict[str, str]]) -> None:
        listed = "; ".join(f"{p['path'] or '(payload)'}: {p['message']}" for p in problems)
        super().__init__(f"outbound {event} does not match the catalog: {listed}")
        self.event = event
        self.problems = problems
