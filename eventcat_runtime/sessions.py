"""What survives a disconnection: the session (for Socket.IO connection state recovery, within the window) and
the user's subscriptions (restored on every new connection of the user, for as long as they are kept).

Memory for one node; Redis when several nodes share the work, so a client can come back on any of them.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass
class SavedSession:
    pid: str
    user_id: str
    # room -> the reasons it was held (see Connection.holds)
    holds: dict[str, list[str]]
    # channel -> rooms
    subscriptions: dict[str, list[str]]
    saved_at: float = field(default_factory=time.time)


class SessionStore(Protocol):
    window_seconds: float

    async def save(self, session: SavedSession) -> None: ...

    async def take(self, pid: str) -> SavedSession | None:
        """The session saved under pid if it is still within the window; it can be taken once."""
        ...

    async def set_subscription(self, user_id: str, channel: str, rooms: list[str] | None) -> None:
        """Remember (rooms) or forget (None) one subscription of a user."""
        ...

    async def subscriptions(self, user_id: str) -> dict[str, list[str]]: ...

    async def cleanup(self) -> int: ...

    async def size(self) -> dict[str, int]: ...


class MemorySessions:
    def __init__(self, window_seconds: float = 300.0, subscription_ttl: float = 7 * 86400) -> None:
        self.window_seconds = window_seconds
        self.subscription_ttl = subscription_ttl
        self._sessions: dict[str, SavedSession] = {}
        self._subscriptions: dict[str, dict[str, list[str]]] = {}
        self._touched: dict[str, float] = {}

    async def save(self, session: SavedSession) -> None:
        self._sessions[session.pid] = session

    async def take(self, pid: str) -> SavedSession | None:
        session = self._sessions.pop(pid, None)
        if session is None or time.time() - session.saved_at > self.window_seconds:
            return None
        return session

    async def set_subscription(self, user_id: str, channel: str, rooms: list[str] | None) -> None:
        held = self._subscriptions.setdefault(user_id, {})
        if rooms is None:
            held.pop(channel, None)
        else:
            held[channel] = rooms
        if not held:
            self._subscriptions.pop(user_id, None)
        self._touched[user_id] = time.time()

    async def subscriptions(self, user_id: str) -> dict[str, list[str]]:
        return dict(self._subscriptions.get(user_id, {}))

    async def cleanup(self) -> int:
        now = time.time()
        stale = [pid for pid, s in self._sessions.items() if now - s.saved_at > self.window_seconds]
        for pid in stale:
            del self._sessions[pid]
        idle = [u for u, at in self._touched.items() if now - at > self.subscription_ttl]
        for user in idle:
            self._subscriptions.pop(user, None)
            del self._touched[user]
        return len(stale) + len(idle)

    async def size(self) -> dict[str, int]:
        return {"sessions": len(self._sessions), "subscribed_users": len(self._subscriptions)}


class RedisSessions:
    """Sessions as keys that expire with the window; subscriptions as one hash per user, kept for the TTL."""

    def __init__(self, redis: Any, prefix: str, window_seconds: float = 300.0, subscription_ttl: float = 7 * 86400):
        self.redis = redis
        self.prefix = prefix
        self.window_seconds = window_seconds
        self.subscription_ttl = subscription_ttl

    async def save(self, session: SavedSession) -> None:
        key = f"{self.prefix}:session:{session.pid}"
        await self.redis.set(key, json.dumps(asdict(session)), px=int(self.window_seconds * 1000))

    async def take(self, pid: str) -> SavedSession | None:
        raw = await self.redis.getdel(f"{self.prefix}:session:{pid}")
        if raw is None:
            return None
        data = json.loads(raw)
        session = SavedSession(**data)
        return None if time.time() - session.saved_at > self.window_seconds else session

    async def set_subscription(self, user_id: str, channel: str, rooms: list[str] | None) -> None:
        key = f"{self.prefix}:subscriptions:{user_id}"
        if rooms is None:
            await self.redis.hdel(key, channel)
        else:
            await self.redis.hset(key, channel, json.dumps(rooms))
        await self.redis.pexpire(key, int(self.subscription_ttl * 1000))

    async def subscriptions(self, user_id: str) -> dict[str, list[str]]:
        raw = await self.redis.hgetall(f"{self.prefix}:subscriptions:{user_id}")
        return {_text(k): json.loads(v) for k, v in raw.items()}

    async def cleanup(self) -> int:
        return 0  # Redis expires both kinds of keys itself

    async def size(self) -> dict[str, int]:
        sessions = subscribed = 0
        async for _ in self.redis.scan_iter(match=f"{self.prefix}:session:*", count=1000):
            sessions += 1
        async for _ in self.redis.scan_iter(match=f"{self.prefix}:subscriptions:*", count=1000):
            subscribed += 1
        return {"sessions": sessions, "subscribed_users": subscribed}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
