"""A refusal written in the catalog's error contract: each value in the field its role names, the timestamp in the
contract's style, a trace id, validated against the contract's model before it leaves.

A code the catalog does not declare (a handler's typo, a code removed from the catalog) is logged as the bug it is
and sent as INTERNAL_ERROR: the client never gets a code its generated types do not know. A registry without a
contract (generated before contracts existed) gets the runtime's plain shape `{code, message, details?, timestamp}`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .errors import ErrorCode, EventError, now_epoch_ms, now_iso
from .registry import ErrorContract, TimestampStyle
from .validation import problems, to_wire

log = logging.getLogger("eventcat.refusals")


def timestamp(style: TimestampStyle) -> str | int:
    """Now, as the catalog's field holds it: ISO 8601 UTC with `Z`, or epoch milliseconds."""
    return now_epoch_ms() if style == "epoch_ms" else now_iso()


def fill_roles(fields: Mapping[str, str], style: TimestampStyle, values: Mapping[str, Any]) -> dict[str, Any]:
    """A payload the runtime writes: each role's value in the field the catalog maps it to, the `timestamp` role
    now in the catalog's style; roles without a value (or without a field) stay out."""
    out: dict[str, Any] = {}
    for role, name in fields.items():
        if role == "timestamp":
            out[name] = timestamp(style)
        elif role in values:
            out[name] = values[role]
    return out


class ErrorWriter:
    """Turns an EventError into the object an ack's `{ok: false, error}` and the error event carry."""

    def __init__(self, contract: ErrorContract | None) -> None:
        self.contract = contract
        # No codes listed: the catalog's code field is a plain string, and any code is the catalog's.
        self.codes = frozenset(contract.codes) if contract is not None and contract.codes else None

    def error(self, exc: EventError) -> dict[str, Any]:
        if self.contract is None:
            return plain(exc)
        if self.codes is not None and exc.code not in self.codes:
            log.error(
                "refusal with a code the catalog does not declare: sent as INTERNAL_ERROR",
                extra={"code": exc.code[:100], "reason": exc.message[:200]},
            )
            exc = EventError(ErrorCode.INTERNAL_ERROR, "the server failed to process the event")
        written = self._validated(self._fill(exc, with_details=True), quiet=exc.details is not None)
        if written is None and exc.details is not None:
            # The details do not fit the contract's `details` type: the refusal goes out without them.
            written = self._validated(self._fill(exc, with_details=False), quiet=False)
        if written is None:
            log.error("the error contract refuses the runtime's own refusal", extra={"code": exc.code})
            return plain(exc)
        return written

    def _fill(self, exc: EventError, *, with_details: bool) -> dict[str, Any]:
        contract = self.contract
        assert contract is not None
        values: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if "trace_id" in contract.fields:
            values["trace_id"] = uuid.uuid4().hex
        if with_details and exc.details is not None:
            values["details"] = exc.details
        return fill_roles(contract.fields, contract.timestamp, values)

    def _validated(self, error: dict[str, Any], *, quiet: bool) -> dict[str, Any] | None:
        """The refusal as validated by the contract's model; None (logged unless quiet) when it does not match."""
        assert self.contract is not None
        try:
            wire, _ = to_wire(error, self.contract.model)
        except ValidationError as exc:
            (log.debug if quiet else log.error)(
                "refusal does not match the error contract", extra={"errors": problems(exc)}
            )
            return None
        except (TypeError, ValueError) as exc:
            (log.debug if quiet else log.error)("refusal is not JSON", extra={"errors": str(exc)})
            return None
        return dict(wire)


def plain(exc: EventError) -> dict[str, Any]:
    """The runtime's shape, for registries without an error contract."""
    out: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.details is not None:
        out["details"] = exc.details
    out["timestamp"] = now_iso()
    return out
