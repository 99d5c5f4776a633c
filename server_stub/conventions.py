"""REZ's runtime conventions (issue 14), as the catalog's `server:` block declares them: refusals in its `Error`
type through the `error` event, `disconnected` on close, `connection_error` when a client reconnects too often, and
`heartbeat` answered with `heartbeat_ack`.

Transitional: until the generated registry carries them (the compiler fills `Registry.conventions` from the
catalog), the app puts them in itself; a registry that has conventions of its own keeps them.
"""

from __future__ import annotations

from eventcat_runtime.errors import RUNTIME_CODES
from eventcat_runtime.registry import Conventions, ErrorContract, EventFill, Heartbeat, Registry
from rez_realtime import models

REZ_CONVENTIONS = Conventions(
    errors=ErrorContract(
        model=models.Error,
        codes=RUNTIME_CODES,
        fields={"code": "code", "message": "message", "details": "details", "timestamp": "timestamp"},
        event="error",
    ),
    close=EventFill("disconnected", {"reason": "reason", "timestamp": "timestamp"}),
    throttle=EventFill("connection_error", {"reason": "reason", "attempts": "attempts", "retry_after_ms": "nextRetry"}),
    heartbeat=Heartbeat("heartbeat", "heartbeat_ack"),
)


def conventions_of(registry: Registry) -> Conventions:
    return registry.conventions if registry.conventions != Conventions() else REZ_CONVENTIONS
