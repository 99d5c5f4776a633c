"""Room membership of one server's connections: which rooms a target names, entering and leaving them by holder,
channel subscriptions within their caps, a grant revoked on every node, and the session saved on each change.

Every room a connection is in was allowed by the room policy; `RoomKeeper` is the only code that puts a
connection in a room (but for the catch-up's synchronous entry, see EventServer.after_connect).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from .connection import AUTH_HOLDER, Connection, Connections, channel_holder
from .errors import ErrorCode, EventError
from .monitor import Counts
from .policy import RoomPolicy
from .recovery import Recovery
from .registry import Registry, RoomTarget

# The server's logger: these lines were the server's before room membership had a module of its own.
log = logging.getLogger("eventcat.server")


def require_ids(room: str, params: Mapping[str, str]) -> None:
    """A room is named by its ids: an empty one would name no room (or every one), so it is a validation error."""
    empty = [name for name, value in params.items() if value == ""]
    if empty:
        raise EventError(
            ErrorCode.VALIDATION_ERROR,
            f"{', '.join(empty)} cannot be empty: it names a {room} room",
            {"errors": [{"path": name, "message": "must not be empty"} for name in empty]},
        )


class Membership(Protocol):
    """Socket.IO's rooms (protocol.SocketIOServer)."""

    async def enter_room(self, sid: str, room: str, namespace: str | None = None) -> None: ...

    async def leave_room(self, sid: str, room: str, namespace: str | None = None) -> None: ...


class RoomKeeper:
    def __init__(
        self,
        registry: Registry,
        policy: RoomPolicy,
        sio: Membership,
        recovery: Recovery,
        counts: Counts,
        connections: Connections,
        max_subscriptions: int,
    ) -> None:
        self.registry = registry
        self.policy = policy
        self.sio = sio
        self.namespace = registry.namespace
        self.recovery = recovery
        self.counts = counts
        self.connections = connections
        # Channel subscriptions one connection, and one user across connections and restores, may hold.
        self.max_subscriptions = max_subscriptions

    # -- which rooms ----------------------------------------------------------------------------------------------

    async def target_rooms(
        self,
        target: RoomTarget,
        conn: Connection,
        payload: Mapping[str, Any],
        channel: Mapping[str, str],
        check: bool = False,
    ) -> list[str]:
        room = self.registry.rooms[target.room]
        combos: list[dict[str, str]] = [{}]
        for binding in target.bindings:
            if binding.source == "user":
                values = [conn.user.user_id]
            elif binding.source == "channel":
                values = [channel[binding.path[0]]]
            elif binding.source == "field":
                value: Any = payload
                for part in binding.path:
                    value = value.get(part) if isinstance(value, dict) else None
                values = [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]
            elif binding.source == "lookup":
                values = await self.policy.lookup(conn.user, room, binding.param)
            else:
                raise ValueError(f"{target.room}: {binding.source} bindings need a publisher")
            combos = [{**c, binding.param: v} for c in combos for v in values]
        addresses = []
        for params in combos:
            require_ids(room.name, params)
            if check and not await self.policy.may_enter(conn.user, room, params):
                raise EventError(
                    ErrorCode.FORBIDDEN, f"not allowed to enter {room.address(params)}", {"room": room.address(params)}
                )
            addresses.append(room.address(params))
        return addresses

    async def channel_rooms(self, conn: Connection, channel: str) -> list[str]:
        """The rooms a channel enters for this user, every one allowed by the policy (FORBIDDEN otherwise)."""
        found = self.registry.channel(channel)
        if found is None:
            raise EventError(ErrorCode.VALIDATION_ERROR, f"unknown channel '{channel}'", {"channel": channel})
        spec, params = found
        rooms: list[str] = []
        for target in spec.rooms:
            rooms.extend(await self.target_rooms(target, conn, {}, params, check=True))
        return list(dict.fromkeys(rooms))

    async def may_enter(self, conn: Connection, room: str) -> bool:
        found = self.registry.room_of(room)
        return found is not None and await self.policy.may_enter(conn.user, found[0], found[1])

    # -- entering and leaving -------------------------------------------------------------------------------------

    async def enter(self, conn: Connection, room: str, holder: str) -> None:
        if room not in conn.holds:
            conn.holds[room] = set()
            await self.sio.enter_room(conn.sid, room, namespace=self.namespace)
        conn.holds[room].add(holder)

    async def enter_checked(self, conn: Connection, room: str, holder: str) -> None:
        if not await self.may_enter(conn, room):
            raise EventError(ErrorCode.FORBIDDEN, f"not allowed to enter {room}", {"room": room})
        await self.enter(conn, room, holder)

    async def release(self, conn: Connection, room: str, holder: str) -> None:
        holders = conn.holds.get(room)
        if holders is None:
            return
        holders.discard(holder)
        if not holders:
            del conn.holds[room]
            await self.sio.leave_room(conn.sid, room, namespace=self.namespace)

    async def leave(self, conn: Connection, room: str) -> None:
        """Leave a room whatever entered it, except the auth room the connection lives in."""
        holders = conn.holds.get(room)
        if holders is None or holders == {AUTH_HOLDER}:
            return
        for holder in list(holders - {AUTH_HOLDER}):
            await self.release(conn, room, holder)

    async def revoke(self, user_id: str, rooms: list[str], share: bool = True) -> None:
        """Take rooms away from every connection of a user (after the backend revoked a grant), on every node."""
        if share and self.recovery.shared:
            await self.recovery.log.append("", {"userId": user_id, "rooms": rooms}, (), control="revoke")
            return
        for conn in self.connections.of_user(user_id):
            for room in rooms:
                await self.leave(conn, room)

    # -- channels -------------------------------------------------------------------------------------------------

    async def subscribe(self, conn: Connection, channel: str) -> list[str]:
        if channel not in conn.subscriptions:
            await self._subscription_allowed(conn, channel)
        rooms = await self.channel_rooms(conn, channel)
        holder = channel_holder(channel)
        for room in rooms:
            await self.enter(conn, room, holder)
        # Subscribing again refreshes a $lookup channel: rooms it no longer lists are released.
        for room in conn.subscriptions.get(channel, ()):
            if room not in rooms:
                await self.release(conn, room, holder)
        conn.subscriptions[channel] = tuple(rooms)
        await self.remember(conn, channel, rooms)
        await self.persist(conn)
        return rooms

    async def unsubscribe(self, conn: Connection, channel: str) -> list[str]:
        rooms = conn.subscriptions.pop(channel, ())
        for room in rooms:
            await self.release(conn, room, channel_holder(channel))
        await self.remember(conn, channel, None)
        await self.persist(conn)
        return list(rooms)

    async def _subscription_allowed(self, conn: Connection, channel: str) -> None:
        """One more channel for this user, within the caps: each is rooms held in memory and a subscription restored
        into every later connection of the user (a public channel family such as `store_{id}` has no end)."""
        cap = self.max_subscriptions  # a channel name itself is bounded by the catalog's max_payload_bytes
        if len(conn.subscriptions) >= cap:
            raise EventError(
                ErrorCode.FORBIDDEN,
                f"at most {cap} channels per connection: unsubscribe from one first",
                {"limit": cap},
            )
        try:
            stored = await self.recovery.sessions.subscriptions(conn.user.user_id)
        except Exception:
            return  # the store is down: the connection's own cap still holds
        # The user's channels: stored ones, and those its connections here hold (one may have been unsubscribed
        # from the store by another connection while this one keeps its rooms).
        user = conn.user.user_id
        held = set(stored).union(*(c.subscriptions for c in self.connections.of_user(user)))
        if channel not in held and len(held) >= cap:
            raise EventError(
                ErrorCode.FORBIDDEN, f"at most {cap} channels per user: unsubscribe from one first", {"limit": cap}
            )

    async def remember(self, conn: Connection, channel: str, rooms: list[str] | None) -> None:
        try:
            await self.recovery.sessions.set_subscription(conn.user.user_id, channel, rooms)
        except Exception:
            log.warning("subscription store unavailable", extra={"user": conn.user.user_id, "channel": channel})

    # -- at connect -----------------------------------------------------------------------------------------------

    async def fresh_rooms(self, conn: Connection) -> None:
        """The auth room, and every channel the user is subscribed to (re-checked by the policy; refused ones are
        forgotten), recorded on the connection but not entered yet."""
        join = self.registry.auth.join
        if join is not None:
            for room in await self.target_rooms(join, conn, {}, {}):
                conn.holds.setdefault(room, set()).add(AUTH_HOLDER)
        try:
            stored = await self.recovery.sessions.subscriptions(conn.user.user_id)
        except Exception:
            log.warning("subscription store unavailable: nothing restored", exc_info=True)
            stored = {}
        for channel in list(stored)[: self.max_subscriptions]:
            try:
                rooms = await self.channel_rooms(conn, channel)
            except EventError:
                await self.remember(conn, channel, None)
                continue
            for room in rooms:
                conn.holds.setdefault(room, set()).add(channel_holder(channel))
            conn.subscriptions[channel] = tuple(rooms)

    async def recovered_rooms(
        self, conn: Connection, holds: Mapping[str, Any], subscriptions: Mapping[str, Any]
    ) -> None:
        """A recovered session's rooms, each asked of the room policy again with the token the client came back with:
        a grant revoked, or a role or `rooms` claim the new token no longer has, while it was away loses the room
        (and the events sent to it meanwhile), as a fresh connection would."""
        allowed = {room for room in holds if await self.may_enter(conn, room)}
        conn.holds = {room: set(holders) for room, holders in holds.items() if room in allowed}
        conn.subscriptions = {}
        for channel, rooms in subscriptions.items():
            kept = tuple(room for room in rooms if room in allowed)
            if kept:
                conn.subscriptions[channel] = kept
        lost = set(holds) - allowed
        if lost:
            self.counts.add("recovery_rooms_refused", len(lost))
            log.info("recovered without rooms it may no longer enter", extra={"sid": conn.sid, "rooms": len(lost)})

    async def persist(self, conn: Connection) -> None:
        """Save the session as it is now, so that a node that dies without a clean disconnect (SIGKILL, power) still
        leaves it for another node to recover; refreshed on every change and by the cleanup loop."""
        if self.recovery.shared and conn.sid in self.connections and conn.throttled is None:
            await self.recovery.save(conn)
