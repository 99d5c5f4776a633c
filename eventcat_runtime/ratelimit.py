"""Rate limits on client events: a token bucket per connection and event, one per connection for all its events,
and a cut-off for connections that keep going over.

- Each client-to-server event with a catalog `limits.rate` (COUNT/PERIOD: `10/s`, `30/min`, `5/10s`) gets a bucket
  of COUNT tokens per connection, refilled at COUNT per PERIOD: a burst of COUNT, then the rate. Names the catalog
  does not know share one bucket at the connection's rate, so random names cannot grow the state.
- The connection's overall bucket takes a token for every event, whatever its name.
- An event over either limit is refused with `RATE_LIMITED` and `details.retryAfterMs` (when a token will be
  there), before anything is parsed or validated: refusing costs a dictionary look-up and a little arithmetic.
  With an ack callback the ack answers `{ok: false, error}`, as for every refusal; without one, one error event
  (the catalog's, when it names one) per event name and retry delay is sent, not one per dropped event (a flooder
  would otherwise be flooded back).
- A connection refused `abuse.count` times within `abuse.period` is sent the catalog's close event (reason
  `rate_limited`), when it has one, and closed.

The limiter only decides (`RateLimiter.decide` returns a `RateDecision`); the server answers, counts and closes.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .errors import ErrorCode, EventError
from .registry import Registry

_RATE = re.compile(r"^\s*([1-9][0-9]*)\s*/\s*([1-9][0-9]*)?\s*(s|min|h)\s*$")
_UNITS = {"s": 1, "min": 60, "h": 3600}
OTHER = "(other)"


@dataclass(frozen=True, slots=True)
class Rate:
    """COUNT events per PERIOD seconds."""

    count: int
    period: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`20/s`, `30/min`, `5/10s`, `100/h`: the catalog's syntax."""
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"invalid rate '{text}': write COUNT/PERIOD, e.g. 10/s, 30/min, 5/10s")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * _UNITS[unit])

    @classmethod
    def parse_optional(cls, text: str | None) -> Rate | None:
        """A rate, or None for `off` / `0` / empty."""
        if text is None or text.strip().lower() in ("", "off", "0", "none"):
            return None
        return cls.parse(text)

    def __str__(self) -> str:
        period = int(self.period) if float(self.period).is_integer() else self.period
        return f"{self.count}/s" if period == 1 else f"{self.count}/{period}s"


class TokenBucket:
    """`capacity` tokens, refilled continuously at `capacity / period` per second."""

    __slots__ = ("capacity", "refill", "stamp", "tokens")

    def __init__(self, rate: Rate, now: float) -> None:
        self.capacity = float(rate.count)
        self.refill = rate.count / rate.period
        self.tokens = self.capacity
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: one is there now). Refills first."""
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.refill)
            self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.refill

    def take(self) -> None:
        self.tokens -= 1.0


@dataclass(frozen=True)
class RateLimits:
    """What a server enforces. `per_event` comes from the catalog (`limits.rate`)."""

    per_event: Mapping[str, Rate] = field(default_factory=dict)
    # Every event of a connection, whatever its name (None: no overall limit).
    connection: Rate | None = Rate(30, 1)
    # COUNT refusals within PERIOD seconds close the connection (None: never).
    abuse: Rate | None = Rate(50, 10)

    @classmethod
    def from_registry(
        cls, registry: Registry, *, connection: Rate | None = Rate(30, 1), abuse: Rate | None = Rate(50, 10)
    ) -> RateLimits:
        per_event = {
            name: Rate(spec.rate[0], spec.rate[1])
            for name, spec in registry.events.items()
            if spec.inbound and spec.rate is not None
        }
        return cls(per_event, connection, abuse)


class _State:
    """One connection's buckets and recent refusals."""

    __slots__ = ("buckets", "cut", "overall", "refusals", "told")

    def __init__(self) -> None:
        self.buckets: dict[str, TokenBucket] = {}
        self.overall: TokenBucket | None = None
        self.refusals: deque[float] = deque()
        # event -> monotonic time until which a no-ack refusal of it is not told again (one `error` per delay).
        self.told: dict[str, float] = {}
        self.cut = False


@dataclass(frozen=True, slots=True)
class RateDecision:
    """What to do with one client event: let it through (`error` None), or refuse it, and how."""

    error: EventError | None = None
    # What the refusal is counted under: the event, or OTHER for a name the catalog does not know.
    label: str = OTHER
    # Which limit it was over: the event's own (`event`) or the connection's (`connection`).
    scope: str = "event"
    # Whether this refusal is the first for a second (logged; the rest of a flood is not).
    first: bool = False
    # Without an ack: whether to send the error event (once per event name and retry delay, not per dropped event).
    tell: bool = False
    # The connection crossed the abuse limit: tell it why and close it.
    disconnect: bool = False

    @property
    def allowed(self) -> bool:
        return self.error is None


ALLOWED = RateDecision()


class RateLimiter:
    """Per-connection token buckets. `check` and `decide` are synchronous and cheap."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._states: dict[str, _State] = {}

    def check(self, sid: str, event: str) -> EventError | None:
        """Take a token for this event (and one of the connection's); the refusal when either is empty."""
        state = self._states.get(sid)
        if state is None:
            state = self._states[sid] = _State()
        now = self.clock()
        rate = self.limits.per_event.get(event)
        key = event
        if rate is None and event not in self.limits.per_event:
            # Unknown names (and events the catalog gives no rate) share one bucket at the connection's rate.
            key, rate = OTHER, self.limits.connection
        bucket = None
        if rate is not None:
            bucket = state.buckets.get(key)
            if bucket is None:
                bucket = state.buckets[key] = TokenBucket(rate, now)
        overall = None
        if self.limits.connection is not None:
            overall = state.overall
            if overall is None:
                overall = state.overall = TokenBucket(self.limits.connection, now)
        wait_event = bucket.wait(now) if bucket is not None else 0.0
        wait_overall = overall.wait(now) if overall is not None else 0.0
        if wait_event == 0.0 and wait_overall == 0.0:
            if bucket is not None:
                bucket.take()
            if overall is not None:
                overall.take()
            return None
        scope = "event" if wait_event >= wait_overall else "connection"
        limit = rate if scope == "event" else self.limits.connection
        retry_ms = max(1, math.ceil(max(wait_event, wait_overall) * 1000))
        message = (
            f"{event}: more than {limit} for this event; retry in {retry_ms} ms"
            if scope == "event"
            else f"more than {limit} events on this connection; retry in {retry_ms} ms"
        )
        return EventError(
            ErrorCode.RATE_LIMITED,
            message,
            {"event": event, "scope": scope, "limit": str(limit), "retryAfterMs": retry_ms},
        )

    def forget(self, sid: str) -> None:
        self._states.pop(sid, None)

    def size(self) -> int:
        return len(self._states)

    def _abusive(self, state: _State, now: float) -> bool:
        """Record a refusal; True the first time the connection crosses the abuse limit."""
        abuse = self.limits.abuse
        if abuse is None or state.cut:
            return False
        state.refusals.append(now)
        while state.refusals and state.refusals[0] <= now - abuse.period:
            state.refusals.popleft()
        if len(state.refusals) >= abuse.count:
            state.cut = True
            return True
        return False

    def decide(self, sid: str, event: str, *, wants_ack: bool, known: bool) -> RateDecision:
        """Take this event's tokens; a refusal is recorded and says how to answer it. `known`: the catalog has
        an event of that name (a made-up name is counted and told under OTHER)."""
        error = self.check(sid, event)
        if error is None:
            return ALLOWED
        state = self._states.get(sid) or _State()
        now = self.clock()
        label = event if known else OTHER
        scope = str(error.details["scope"]) if isinstance(error.details, dict) else "event"
        first = not state.refusals or state.refusals[-1] <= now - 1.0
        cut = self._abusive(state, now)
        tell = False
        if not wants_ack and state.told.get(label, 0.0) <= now:
            retry = error.details["retryAfterMs"] / 1000 if isinstance(error.details, dict) else 1.0
            state.told[label] = now + retry
            tell = True
        return RateDecision(error, label, scope, first=first, tell=tell, disconnect=cut)
