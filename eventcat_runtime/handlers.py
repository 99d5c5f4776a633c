"""The handler side: the base of the generated `EventHandlers`, and the context every handler receives."""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .policy import Principal

if TYPE_CHECKING:
    from .server import EventServer


@dataclass
class Connection:
    """One authenticated connection: who it is, and which rooms it holds for what reason."""

    sid: str
    user: Principal
    # room -> the reasons it is held ("auth", "channel:orders", "event:join_ticket"); left when none remain.
    holds: dict[str, set[str]] = field(default_factory=dict)
    # channel -> the rooms it entered.
    subscriptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Socket.IO connection state recovery: the private session id given in the CONNECT reply.
    pid: str = ""
    # Whether this connection got its previous session back (within the window), and the channels it was put
    # back in (recovered, or restored from the user's subscriptions).
    recovered: bool = False
    restored_channels: tuple[str, ...] = ()
    # Set at connect: what to restore and replay (see recovery.Plan), and, for a client reconnecting too often,
    # (attempts, backoff in ms).
    plan: Any = None
    throttled: tuple[int, int] | None = None

    @property
    def rooms(self) -> list[str]:
        return sorted(self.holds)


@dataclass
class EventContext:
    """What a handler knows besides the payload: the connection, its user, and room operations on it."""

    server: EventServer
    connection: Connection
    event: str
    # Whether the client passed an ack callback (the handler's return value answers it).
    wants_ack: bool = False

    @property
    def sid(self) -> str:
        return self.connection.sid

    @property
    def user(self) -> Principal:
        return self.connection.user

    @property
    def user_id(self) -> str:
        return self.connection.user.user_id

    async def subscribe(self, channel: str) -> list[str]:
        """Enter a channel's rooms (each one checked by the room policy, all or none); returns them."""
        return await self.server.subscribe(self.connection, channel)

    async def unsubscribe(self, channel: str) -> list[str]:
        """Leave the rooms a channel entered, unless something else holds them; returns the channel's rooms."""
        return await self.server.unsubscribe(self.connection, channel)

    async def enter(self, room: str) -> None:
        """Enter a concrete room after the room policy allows it (FORBIDDEN otherwise)."""
        await self.server.enter_checked(self.connection, room, f"event:{self.event}")

    async def leave(self, room: str) -> None:
        await self.server.leave(self.connection, room)

    async def may_enter(self, room: str) -> bool:
        """Whether the room policy lets this user into a concrete room name (without entering it)."""
        return await self.server.may_enter(self.connection, room)

    async def allowed(self, room: str, **params: str) -> bool:
        """Whether the room policy lets this user into a declared room with these parameters, e.g.
        `await ctx.allowed("support_ticket", ticketId=ticket_id)`: the check `enters` makes, for any id."""
        from .server import require_ids

        spec = self.server.registry.rooms[room]
        require_ids(room, params)
        return await self.server.policy.may_enter(self.user, spec, params)


class HandlerBase:
    """Base of the generated `EventHandlers`. Lifecycle hooks are optional; event methods are abstract there."""

    async def on_connect(self, ctx: EventContext) -> None:
        """After authentication, once the connection has entered the catalog's auth room."""

    async def on_disconnect(self, ctx: EventContext, reason: str) -> None:
        """After the connection closed, for any reason."""

    async def on_shutdown(self, ctx: EventContext) -> None:
        """Before the server closes this connection because it is shutting down."""


def handler_class(app: Any) -> type | None:
    """The handler class of an app: the app itself, or what its factory's return annotation names."""
    if isinstance(app, type):
        return app
    try:
        returned = typing.get_type_hints(app).get("return")
    except Exception:
        return None
    return returned if isinstance(returned, type) else None
