"""The replay log: every event delivered to rooms, kept for the recovery window, in one global order.

Offsets are Redis Stream ids (`<milliseconds>-<sequence>`) in both stores, so they compare the same way whether the
log lives in memory (one node) or in a Redis Stream (any number of nodes, each reading the stream in order). A
client's offset is the last event it processed; recovery sends every stored event after it that was addressed to
one of the session's rooms, or to everyone.
"""

from __future__ import annotations

import bisect
import itertools
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Offset = tuple[int, int]


def parse_offset(text: Any) -> Offset | None:
    """`1761575400000-3` -> (1761575400000, 3); anything else -> None."""
    if not isinstance(text, str):
        return None
    head, _, tail = text.partition("-")
    # ASCII digits only (str.isdigit() takes "²", which int() refuses), and no longer than an offset can be (a
    # 4,301-digit number would raise in int() too).
    if not (0 < len(head) <= 20 and 0 < len(tail) <= 20 and head.isascii() and tail.isascii()):
        return None
    if not head.isdigit() or not tail.isdigit():
        return None
    return int(head), int(tail)


def format_offset(offset: Offset) -> str:
    return f"{offset[0]}-{offset[1]}"


@dataclass(frozen=True)
class LogEntry:
    offset: str
    event: str
    data: Any
    # Rooms it was addressed to; empty means every connection (a broadcast).
    rooms: tuple[str, ...]
    # Control entries (e.g. a grant revoked on one node) travel in the same order but are never sent to clients.
    control: str | None = None

    @property
    def key(self) -> Offset:
        parsed = parse_offset(self.offset)
        assert parsed is not None
        return parsed

    def for_rooms(self, rooms: set[str]) -> bool:
        return self.control is None and (not self.rooms or not rooms.isdisjoint(self.rooms))


class ReplayLog(Protocol):
    window_seconds: float

    async def append(self, event: str, data: Any, rooms: Sequence[str], control: str | None = None) -> LogEntry: ...

    async def append_and_deliver(
        self, event: str, data: Any, rooms: Sequence[str], deliver: Callable[[LogEntry], Awaitable[None]]
    ) -> None:
        """Log an event for the connections of every node that reads this log. A log only this node reads hands
        the entry to `deliver` in the same step of the event loop as it appends it (so a catch-up sees it either
        as delivered or not yet logged, never in between); a shared log only appends, and every node, this one
        too, delivers the entry as it reads the log."""
        ...

    async def after(self, offset: str, upto: str | None = None) -> list[LogEntry] | None:
        """Entries after offset (up to and including upto), oldest first; None when offset is older than the
        window (or unknown), so that the caller knows events may have been lost."""
        ...

    async def trim(self) -> int: ...

    async def size(self) -> int: ...


class MemoryLog:
    """The embedded default: a deque of the window's entries."""

    def __init__(self, window_seconds: float = 300.0) -> None:
        self.window_seconds = window_seconds
        self._entries: deque[LogEntry] = deque()
        # The entries' offsets, parsed once and in order: a reconnecting client's offset is found by bisection,
        # not by parsing every entry's (with 30,000 entries that stalled the event loop 35 ms a reconnection).
        self._keys: deque[Offset] = deque()
        self._times: deque[float] = deque()
        self._last: Offset = (0, 0)
        # The oldest offset still known: anything before it may have been trimmed.
        self._horizon: Offset = (int(time.time() * 1000), 0)

    def _next(self) -> Offset:
        now = int(time.time() * 1000)
        last_ms, last_seq = self._last
        self._last = (now, 0) if now > last_ms else (last_ms, last_seq + 1)
        return self._last

    def append_now(self, event: str, data: Any, rooms: Sequence[str], control: str | None = None) -> LogEntry:
        """Synchronous, so that appending and delivering an event happen in one step of the event loop."""
        key = self._next()
        entry = LogEntry(format_offset(key), event, data, tuple(rooms), control)
        self._entries.append(entry)
        self._keys.append(key)
        self._times.append(time.monotonic())
        return entry

    async def append(self, event: str, data: Any, rooms: Sequence[str], control: str | None = None) -> LogEntry:
        return self.append_now(event, data, rooms, control)

    async def append_and_deliver(
        self, event: str, data: Any, rooms: Sequence[str], deliver: Callable[[LogEntry], Awaitable[None]]
    ) -> None:
        await deliver(self.append_now(event, data, rooms))

    def after_now(self, offset: str, upto: str | None = None) -> list[LogEntry] | None:
        key = parse_offset(offset)
        if key is None or key < self._horizon_key():
            return None
        limit = parse_offset(upto) if upto else None
        start = bisect.bisect_right(self._keys, key)
        stop = len(self._keys) if limit is None else bisect.bisect_right(self._keys, limit)
        return list(itertools.islice(self._entries, start, max(start, stop)))

    async def after(self, offset: str, upto: str | None = None) -> list[LogEntry] | None:
        return self.after_now(offset, upto)

    def _horizon_key(self) -> Offset:
        return self._keys[0] if self._keys and self._keys[0] < self._horizon else self._horizon

    @property
    def last(self) -> str:
        return format_offset(self._last)

    async def trim(self) -> int:
        cutoff = time.monotonic() - self.window_seconds
        removed = 0
        while self._times and self._times[0] < cutoff:
            self._times.popleft()
            self._entries.popleft()
            key = self._keys.popleft()
            self._horizon = max(self._horizon, (key[0], key[1] + 1))
            removed += 1
        return removed

    async def size(self) -> int:
        return len(self._entries)


class RedisLog:
    """The log as a Redis Stream, trimmed to the window: every node appends to it and reads it in order."""

    def __init__(self, redis: Any, key: str, window_seconds: float = 300.0) -> None:
        self.redis = redis
        self.key = key
        self.window_seconds = window_seconds

    def _min_id(self) -> str:
        return f"{int((time.time() - self.window_seconds) * 1000)}-0"

    async def append(self, event: str, data: Any, rooms: Sequence[str], control: str | None = None) -> LogEntry:
        fields = {"event": event, "data": json.dumps(data, separators=(",", ":")), "rooms": json.dumps(list(rooms))}
        if control:
            fields["control"] = control
        offset = await self.redis.xadd(self.key, fields, minid=self._min_id(), approximate=True)
        return LogEntry(_text(offset), event, data, tuple(rooms), control)

    async def append_and_deliver(
        self, event: str, data: Any, rooms: Sequence[str], deliver: Callable[[LogEntry], Awaitable[None]]
    ) -> None:
        await self.append(event, data, rooms)  # delivered here too, by this node's read loop (recovery.py)

    async def after(self, offset: str, upto: str | None = None) -> list[LogEntry] | None:
        key = parse_offset(offset)
        # The stream is trimmed to the window: an offset older than the window may have lost entries after it.
        if key is None or key < (int((time.time() - self.window_seconds) * 1000), 0):
            return None
        rows = await self.redis.xrange(self.key, min=f"({offset}", max=upto or "+")
        return [entry_from(row_id, fields) for row_id, fields in rows]

    async def read(self, last: str, block_ms: int) -> list[LogEntry]:
        """Entries after last, waiting up to block_ms for new ones (each node's delivery loop)."""
        found = await self.redis.xread({self.key: last}, block=block_ms, count=500)
        entries: list[LogEntry] = []
        for _stream, rows in found or ():
            entries.extend(entry_from(row_id, fields) for row_id, fields in rows)
        return entries

    async def tail(self) -> str:
        info = await self.redis.xinfo_stream(self.key) if await self.redis.exists(self.key) else None
        return _text(info["last-generated-id"]) if info else "0-0"

    async def trim(self) -> int:
        return int(await self.redis.xtrim(self.key, minid=self._min_id(), approximate=False))

    async def size(self) -> int:
        return int(await self.redis.xlen(self.key))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def entry_from(row_id: Any, fields: dict[Any, Any]) -> LogEntry:
    decoded = {_text(k): _text(v) for k, v in fields.items()}
    return LogEntry(
        _text(row_id),
        decoded["event"],
        json.loads(decoded["data"]),
        tuple(json.loads(decoded["rooms"])),
        decoded.get("control"),
    )
