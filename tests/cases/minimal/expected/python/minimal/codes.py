# generated from catalog.yaml by eventcat — do not edit
"""The error codes a refusal carries: the runtime's own and the catalog's. Raise
`eventcat_runtime.EventError(ErrorCode.X, message)` from a handler to refuse an event with one."""

from enum import StrEnum


class ErrorCode(StrEnum):
    """The values of the catalog's `ErrorCode`, as an enum."""

    VALIDATION_ERROR = "VALIDATION_ERROR"
    """The payload does not match the catalog; details lists each problem."""

    UNKNOWN_EVENT = "UNKNOWN_EVENT"
    """The event name is not in the catalog (or not client-to-server)."""

    FORBIDDEN = "FORBIDDEN"
    """The user may not do this (another user's id, a room the user may not enter)."""

    RATE_LIMITED = "RATE_LIMITED"
    """Too many events; details.retryAfterMs says when to try again."""

    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    """The payload is over the event's size limit."""

    INTERNAL_ERROR = "INTERNAL_ERROR"
    """The server failed; the event was not processed. Safe to retry."""
