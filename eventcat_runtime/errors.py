"""The error contract: stable codes, the `error` payload, and the exceptions that carry them."""

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


class EventError(Exception):
    """Refuse an event with a stable code. Raise it from a handler; the client gets `error` or `{ok: false}`."""

    def __init__(self, code: ErrorCode | str, message: str, details: Any = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = ErrorCode(code)
        self.message = message
        self.details = details

    def payload(self) -> dict[str, Any]:
        """The `Error` object of the catalog."""
        out: dict[str, Any] = {"code": str(self.code), "message": self.message}
        if self.details is not None:
            out["details"] = self.details
        out["timestamp"] = now_iso()
        return out


class OutboundValidationError(Exception):
    """The server tried to send a payload the catalog does not allow (raised in development mode)."""

    def __init__(self, event: str, problems: list[dict[str, str]]) -> None:
        listed = "; ".join(f"{p['path'] or '(payload)'}: {p['message']}" for p in problems)
        super().__init__(f"outbound {event} does not match the catalog: {listed}")
        self.event = event
        self.problems = problems
