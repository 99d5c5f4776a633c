"""Reconnection storms: too many connections of one user in a short time are told to back off, then closed.

An abusive client gets the catalog's throttle event (reason, attempts, retry_after_ms), then is closed: the delay
grows exponentially with the attempts over the limit, with jitter so that a crowd of clients does not come back in
step.
"""

from __future__ import annotations

import bisect
import random
import time
from dataclasses import dataclass, field


@dataclass
class ReconnectGuard:
    limit: int = 10
    period_seconds: float = 60.0
    base_delay_ms: int = 1000
    max_delay_ms: int = 60_000
    # Each user's recent attempts, oldest first: a list (a deque's first block alone is about 600 bytes, and there
    # is one per user who connected within the period).
    _attempts: dict[str, list[float]] = field(default_factory=dict)

    def attempt(self, user_id: str) -> tuple[int, int | None]:
        """Record a connection attempt; returns (recent attempts, backoff in ms or None when within the limit)."""
        now = time.monotonic()
        recent = self._attempts.setdefault(user_id, [])
        del recent[: bisect.bisect_left(recent, now - self.period_seconds)]  # older than the period
        recent.append(now)
        count = len(recent)
        if count <= self.limit:
            return count, None
        delay = min(self.max_delay_ms, self.base_delay_ms * 2 ** min(count - self.limit - 1, 16))
        jitter = random.randint(0, delay // 4)
        return count, min(self.max_delay_ms, delay + jitter)

    def cleanup(self) -> int:
        now = time.monotonic()
        stale = [u for u, q in self._attempts.items() if not q or now - q[-1] > self.period_seconds]
        for user in stale:
            del self._attempts[user]
        return len(stale)

    def size(self) -> int:
        return len(self._attempts)
