"""The handler side: the base of the generated `EventHandlers`, and the context every handler receives."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Protocol

from .connection import Connection, event_holder
from .policy import Principal, RoomPolicy
from .registry import Registry
from .rooms import require_ids

# Connection lives in connection.py; it is importable from here, where generated code and tests have found it.
__all__ = ["Connection", "EventContext", "HandlerBase", "RoomOperations", "handler_class"]


class RoomOperations(Protocol):
    """What a handler's context asks of the server (EventServer), on the connection it belongs to."""

    @property
    def registry(self) -> Registry: ...

    @property
    def policy(self) -> RoomPolicy: ...

    async def subscribe(self, conn: Connection, channel: str) -> list[str]: ...

    async def unsubscribe(self, conn: Connection, channel: str) -> list[str]: ...

    async def enter_checked(self, conn: Connection, room: str, holder: str) -> None: ...

    async def leave(self, conn: Connection, room: str) -> None: ...

    async def may_enter(self, conn: Connection, room: str) -> bool: ...


@dataclass
class EventContext:
    """What a handler knows besides the payload: the connection, its user, and room operations on it."""

    server: RoomOperations
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
        await self.server.enter_checked(self.connection, room, event_holder(self.event))

    async def leave(self, room: str) -> None:
        await self.server.leave(self.connection, room)

    async def may_enter(self, room: str) -> bool:
        """Whether the room policy lets this user into a concrete room name (without entering it)."""
        return await self.server.may_enter(self.connection, room)

    async def allowed(self, room: str, **params: str) -> bool:
        """Whether the room policy lets this user into a declared room with these parameters, e.g.
        `await ctx.allowed("support_ticket", ticketId=ticket_id)`: the check `enters` makes, for any id."""
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
