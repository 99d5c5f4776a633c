"""Reconnection without loss: Socket.IO connection state recovery, `lastEventId` replay, subscription restore.

Wire-compatible with socket.io-client ≥ 4.6, as the Socket.IO protocol does it:
- the CONNECT reply carries a private session id, `{sid, pid}`;
- every event delivered to rooms (not volatile, not acknowledged) carries its offset as one more, last argument;
- a client that reconnects sends `{pid, offset}` in its CONNECT payload (with its token); within the window it gets
  its session back (same user, same rooms and subscriptions) and every missed event after its offset, in order,
  exactly once, and the official client reports `socket.recovered === true`.

Clients without that machinery (python-socketio's) pass `lastEventId` (an offset they saw) in the handshake `auth`
and get the missed events of their rooms the same way. Every new connection of a user is put back in the channels
the user subscribed to, however long ago (the subscription store keeps them), whether or not it recovered.

A catalog without `recovery:` gets none of it (`enabled=False`): no pid, no offsets, nothing logged on one node
(with Redis the log still carries events between nodes), no session kept; subscriptions are still restored.

Exactly once: events go to a connection either live (it is in the rooms) or by replay (it is not yet), never both.
Replay sends every logged event up to the last one this node has delivered live, and the connection enters its
rooms in the same step of the event loop as the final check that nothing is left (see `catch_up`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from .connection import Connection, Plan
from .replay import LogEntry, MemoryLog, RedisLog, ReplayLog, parse_offset
from .sessions import MemorySessions, SavedSession, SessionStore
from .storms import ReconnectGuard

__all__ = ["Plan", "Recovery", "new_pid"]  # Plan lives with the connection it is carried on; importable here too

log = logging.getLogger("eventcat.recovery")


def new_pid() -> str:
    return secrets.token_urlsafe(16)


class Recovery:
    """The replay log, the session store and the reconnection guard of one server, and the loops that tend them."""

    def __init__(
        self,
        log_store: ReplayLog | None = None,
        sessions: SessionStore | None = None,
        guard: ReconnectGuard | None = None,
        window_seconds: float = 300.0,
        enabled: bool = True,
    ) -> None:
        self.log: ReplayLog = log_store if log_store is not None else MemoryLog(window_seconds)
        self.sessions: SessionStore = sessions if sessions is not None else MemorySessions(window_seconds)
        self.guard = guard if guard is not None else ReconnectGuard()
        self.window_seconds = window_seconds
        # Whether clients may come back for what they missed (the catalog's `recovery:`).
        self.enabled = enabled
        # The last offset this node has delivered live to its connections.
        self.dispatched = "0-0"
        self._tasks: list[asyncio.Task[None]] = []
        self.redis_up = True

    @property
    def shared(self) -> bool:
        """Whether the log is shared by several nodes (each node then delivers what it reads from it)."""
        return isinstance(self.log, RedisLog)

    # -- connect -------------------------------------------------------------------------------------------------

    async def plan(self, user_id: str, auth: Any) -> tuple[str, Plan]:
        """The pid to give and what to restore, from the handshake's auth payload (no pid: no recovery)."""
        if not self.enabled:
            return "", Plan(None, self.dispatched)
        auth = auth if isinstance(auth, dict) else {}
        pid, offset = auth.get("pid"), auth.get("offset")
        if isinstance(pid, str) and pid:
            try:
                session = await self.sessions.take(pid)
            except Exception:
                log.warning("session store unavailable: a fresh session instead of a recovery", exc_info=True)
                session = None
            if session is not None and session.user_id != user_id:
                # Another user's pid: refused, and the session put back for its owner (it was destroyed).
                await self._put_back(session)
                session = None
            if session is not None and parse_offset(offset) is not None and await self.replayable(str(offset)):
                return pid, Plan(session, str(offset))
            # Not recovered (gone, another user's, or its offset left the log): a new pid, so that the client's
            # `socket.recovered` tells the truth. The user's subscriptions are still restored.
        last = auth.get("lastEventId")
        return new_pid(), Plan(None, str(last) if parse_offset(last) is not None else self.dispatched)

    async def _put_back(self, session: SavedSession) -> None:
        try:
            await self.sessions.save(session)
        except Exception:
            log.warning("session store unavailable: a session could not be put back", exc_info=True)

    async def replayable(self, since: str) -> bool:
        """Whether every event after since is still in the log (False when since is older than the window)."""
        if since == self.dispatched:
            return True
        try:
            return await self.log.after(since, upto=since) is not None
        except Exception:
            return False

    async def catch_up(
        self,
        since: str,
        rooms: set[str],
        send: Callable[[LogEntry], Awaitable[None]],
        enter: Callable[[], None],
    ) -> int:
        """Send every missed event, then enter the rooms with nothing left in between; returns how many were sent."""
        sent = 0
        last = since
        while True:
            upto = self.dispatched
            if (parse_offset(last) or (0, 0)) >= (parse_offset(upto) or (0, 0)):
                enter()  # synchronous: nothing can be delivered live between the check above and this
                return sent
            entries = await self.log.after(last, upto=upto)
            for entry in entries or ():
                if entry.for_rooms(rooms):
                    await send(entry)
                    sent += 1
            last = upto

    # -- publish -------------------------------------------------------------------------------------------------

    async def log_and_deliver(
        self, event: str, data: Any, rooms: Sequence[str], deliver: Callable[[LogEntry], Awaitable[None]]
    ) -> None:
        """Log an event and have it delivered: here at once when this node is the log's only reader, marked
        delivered first (see `catch_up`); by every node's read loop when the log is shared."""

        async def here(entry: LogEntry) -> None:
            self.dispatched = entry.offset
            await deliver(entry)

        await self.log.append_and_deliver(event, data, rooms, here)

    # -- disconnect ----------------------------------------------------------------------------------------------

    async def save(self, conn: Connection) -> None:
        """Keep the connection's session for the window; nothing without recovery (no session to come back to)."""
        if not self.enabled:
            return
        session = SavedSession(
            pid=conn.pid,
            user_id=conn.user.user_id,
            holds={room: sorted(holders) for room, holders in conn.holds.items()},
            subscriptions={channel: list(rooms) for channel, rooms in conn.subscriptions.items()},
        )
        try:
            await self.sessions.save(session)
        except Exception:
            log.warning("session store unavailable: this session cannot be recovered", exc_info=True)

    # -- loops ---------------------------------------------------------------------------------------------------

    def start(self, deliver: Callable[[LogEntry], Awaitable[None]], cleanup: Callable[[], Awaitable[Any]]) -> None:
        if self._tasks:
            return
        self._tasks.append(asyncio.create_task(self._cleanup_loop(cleanup)))
        if self.shared:
            self._tasks.append(asyncio.create_task(self._read_loop(deliver)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()

    async def _cleanup_loop(self, cleanup: Callable[[], Awaitable[Any]]) -> None:
        interval = max(1.0, min(30.0, self.window_seconds / 4))
        while True:
            await asyncio.sleep(interval)
            try:
                await cleanup()
            except Exception:
                log.warning("cleanup failed; retrying later", exc_info=True)

    async def _read_loop(self, deliver: Callable[[LogEntry], Awaitable[None]]) -> None:
        """Scale-out: deliver what the shared stream holds, in its order, to this node's connections."""
        assert isinstance(self.log, RedisLog)
        stream = self.log
        last: str | None = None
        delay = 0.1
        while True:
            try:
                if last is None:
                    last = await stream.tail()
                    self.dispatched = last
                entries = await stream.read(last, block_ms=1000)
                if not self.redis_up:
                    self.redis_up = True
                    log.warning("redis is back: cross-node delivery resumed")
                delay = 0.1
                for entry in entries:
                    # Marked delivered first: deliver() picks its recipients before it first waits, and a catch-up
                    # running meanwhile must then see this entry as its own to replay (or it would get it neither
                    # live nor by replay).
                    self.dispatched = last = entry.offset
                    await deliver(entry)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self.redis_up:
                    self.redis_up = False
                    log.warning(
                        "redis unavailable: serving local clients only, cross-node delivery paused",
                        extra={"error": str(exc)},
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
