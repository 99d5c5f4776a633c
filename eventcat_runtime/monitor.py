"""What the server tells an observer about its traffic: running totals (`Counts`) and hook points (`Monitor`).

`EventServer.counts` is a `Counts`: every total the server keeps, written and read through typed methods, so that
metrics.py and admin.py read the same numbers without knowing how they are stored. `EventServer.monitor` is a
`Monitor`, whose methods do nothing; `metrics.Metrics` is the one that counts. Its hooks are only for what the
totals cannot say: which event a refusal was for, why a connection closed, and how long handlers took.
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

# The totals without a label.
Total = Literal[
    "connects",
    "disconnects",
    "recovered",
    "replayed",
    "replay_expired",
    "recovery_rooms_refused",
    "throttled",
    "cleanup_runs",
    "log_unavailable",
]
Direction = Literal["in", "out"]

# The labelled totals are kept under "<family>:<label>" in one Counter, `Counts.raw`: protocol.py's ClientErrors
# writes `protocol_error:<kind>` into it directly, and tests read it as `EventServer.stats`. The key format is
# known here and in protocol.py only.
_AUTH_REFUSED = "auth_refused"
_REFUSED = "refused"
_PROTOCOL_ERROR = "protocol_error"
_IN = "in"
_OUT = "out"
_DROPPED = "dropped"


class Counts:
    """The server's running totals since it started."""

    __slots__ = ("raw",)

    def __init__(self) -> None:
        self.raw: Counter[str] = Counter()

    # -- written by the server ------------------------------------------------------------------------------------

    def add(self, total: Total, amount: int = 1) -> None:
        self.raw[total] += amount

    def auth_refused(self, code: str) -> None:
        """A connection refused at authentication, with this error code."""
        self.raw[f"{_AUTH_REFUSED}:{code}"] += 1

    def refused(self, code: str) -> None:
        """A client event refused with this error code (validation, policy, rate limit, ...)."""
        self.raw[f"{_REFUSED}:{code}"] += 1

    def handled(self, event: str) -> None:
        """A client event accepted and handled."""
        self.raw[f"{_IN}:{event}"] += 1

    def sent(self, event: str) -> None:
        """A server event published (once, whatever the fan-out)."""
        self.raw[f"{_OUT}:{event}"] += 1

    def dropped(self, event: str) -> None:
        """A server event dropped: its payload did not match the catalog (production mode)."""
        self.raw[f"{_DROPPED}:{event}"] += 1

    # -- read by metrics and the admin views ----------------------------------------------------------------------

    def total(self, total: Total) -> int:
        return self.raw.get(total, 0)

    def auth_refusals(self) -> dict[str, int]:
        """Connections refused at authentication, by error code."""
        return self._family(_AUTH_REFUSED)

    def refusals(self) -> dict[str, int]:
        """Client events refused, by error code."""
        return self._family(_REFUSED)

    def protocol_errors(self) -> dict[str, int]:
        """Client input refused below the catalog (protocol.py), by kind."""
        return self._family(_PROTOCOL_ERROR)

    def events(self, direction: Direction) -> dict[str, int]:
        """Client events handled (`in`) or server events sent (`out`), by event."""
        return self._family(_IN if direction == "in" else _OUT)

    def dropped_events(self) -> dict[str, int]:
        return self._family(_DROPPED)

    def event_totals(self) -> dict[tuple[Direction, str], int]:
        """Every event's total, by (direction, event): what event rates are sampled from."""
        found: dict[tuple[Direction, str], int] = {}
        for direction in ("in", "out"):
            for event, count in self.events(direction).items():
                found[direction, event] = count
        return found

    def _family(self, family: str) -> dict[str, int]:
        head = family + ":"
        return {key[len(head) :]: count for key, count in list(self.raw.items()) if key.startswith(head)}


class Monitor:
    def handled(self, event: str, seconds: float) -> None:
        """A client event went through the pipeline and its handler in `seconds`."""

    def refused(self, event: str, code: str) -> None:
        """A client event was refused with an error code (event is `(other)` for names the catalog lacks)."""

    def rate_limited(self, event: str, scope: str) -> None:
        """A client event was over its own limit (`event`) or the connection's (`connection`)."""

    def closing(self, sid: str, reason: str) -> None:
        """The server is about to close this connection, for this reason (`rate_limited`, ...)."""

    def disconnected(self, sid: str, reason: str) -> None:
        """A connection closed; reason as python-socketio gives it unless `closing` said otherwise."""
