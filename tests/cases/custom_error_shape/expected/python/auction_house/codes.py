# generated from catalog.yaml by eventcat — do not edit
"""The error codes a refusal carries: the runtime's own and the catalog's. Raise
`eventcat_runtime.EventError(ErrorCode.X, message)` from a handler to refuse an event with one."""

from enum import StrEnum


class ErrorCode(StrEnum):
    """The values of the catalog's `ProblemCode`, as an enum."""

    AUTH_REQUIRED = "AUTH_REQUIRED"
    """No token."""

    AUTH_INVALID = "AUTH_INVALID"
    """The token is malformed or forged."""

    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    """The token has expired."""

    VALIDATION_ERROR = "VALIDATION_ERROR"
    """The payload does not match the catalog."""

    UNKNOWN_EVENT = "UNKNOWN_EVENT"
    """Not a client-to-server event of this API."""

    FORBIDDEN = "FORBIDDEN"
    """Not allowed."""

    RATE_LIMITED = "RATE_LIMITED"
    """Too many events."""

    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    """Over the size limit."""

    INTERNAL_ERROR = "INTERNAL_ERROR"
    """The server failed."""

    BID_TOO_LOW = "BID_TOO_LOW"
    """The bid is not above the current price."""

    AUCTION_CLOSED = "auction-closed"
    """The auction has ended."""
