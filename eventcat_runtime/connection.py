"""One authenticated connection's state: who it is, which rooms it holds and why, and what it came back with.

The room a connection holds is kept while any reason (a *holder*) for it remains: the auth room, a channel
subscription, an event's `enters`. Holders are strings because they are saved with the session (sessions.py) and
read back on another node; their format lives here, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .policy import Principal
from .sessions import SavedSession

# The catalog's auth room: entered at connect, never left by `leave`.
AUTH_HOLDER = "auth"


def channel_holder(channel: str) -> str:
    """The reason a channel subscription holds its rooms."""
    return f"channel:{channel}"


def event_holder(event: str) -> str:
    """The reason a client event (its `enters`, or a handler's `ctx.enter`) holds a room."""
    return f"event:{event}"


@dataclass
class Plan:
    """What a connection comes back with, decided at connect and carried out once the CONNECT has been sent."""

    session: SavedSession | None
    # Replay after this offset: the client's (recovery, lastEventId) or, for a fresh connection, what had been
    # delivered when it connected, so that nothing published while it settles in is lost.
    since: str


class Throttle(NamedTuple):
    """A client reconnecting too often: how many attempts it made, and how long it is told to wait."""

    attempts: int
    backoff_ms: int


@dataclass
class Connection:
    """One authenticated connection: who it is, and which rooms it holds for what reason."""

    sid: str
    user: Principal
    # room -> the reasons it is held (AUTH_HOLDER, channel_holder("orders"), event_holder("join_ticket")); left
    # when none remain.
    holds: dict[str, set[str]] = field(default_factory=dict)
    # channel -> the rooms it entered.
    subscriptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Socket.IO connection state recovery: the private session id given in the CONNECT reply.
    pid: str = ""
    # Whether this connection got its previous session back (within the window), and the channels it was put
    # back in (recovered, or restored from the user's subscriptions).
    recovered: bool = False
    restored_channels: tuple[str, ...] = ()
    # Set at connect, taken once the CONNECT has been sent: what to restore and replay.
    plan: Plan | None = None
    # Set at connect for a client reconnecting too often: it is told to back off and closed instead.
    throttled: Throttle | None = None

    @property
    def rooms(self) -> list[str]:
        return sorted(self.holds)


class Connections(dict[str, Connection]):
    """A server's connections by socket id, and by user: a user's connections are found without a scan of all of
    them (subscribing and revoking ask for them; a scan per subscribe made 5,000 subscribes cost 13 s)."""

    def __init__(self) -> None:
        super().__init__()
        self._by_user: dict[str, dict[str, Connection]] = {}

    def __setitem__(self, sid: str, conn: Connection) -> None:
        old = self.get(sid)
        if old is not None:
            self._forget(old)
        super().__setitem__(sid, conn)
        self._by_user.setdefault(conn.user.user_id, {})[sid] = conn

    def __delitem__(self, sid: str) -> None:
        self._forget(self[sid])
        super().__delitem__(sid)

    def pop(self, sid: str, *default: Connection | None) -> Connection | None:  # type: ignore[override]
        conn = self.get(sid)
        if conn is None:
            if default:
                return default[0]
            raise KeyError(sid)
        self._forget(conn)
        return super().pop(sid)

    def of_user(self, user_id: str) -> list[Connection]:
        return list(self._by_user.get(user_id, {}).values())

    def _forget(self, conn: Connection) -> None:
        mine = self._by_user.get(conn.user.user_id)
        if mine is not None:
            mine.pop(conn.sid, None)
            if not mine:
                del self._by_user[conn.user.user_id]
