"""One authorisation policy for entering any room: deny by default, pluggable.

The catalog says who may enter each room (`access`): `public` rooms anyone, `self` rooms only the user they are
named after, `member` rooms whoever was granted that very room (by a JWT claim or by the backend over the publish
API) or holds one of the room's roles, `server` rooms nobody but the server. A deployment with a real ownership
service implements `RoomPolicy` itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .registry import RoomSpec

ADMIN_ROLE = "admin"


@dataclass(frozen=True)
class Principal:
    """The authenticated user of a connection."""

    user_id: str
    roles: frozenset[str] = frozenset()
    # Concrete room names the token itself grants (claim `rooms`), e.g. order:ord_1.
    rooms: frozenset[str] = frozenset()
    claims: Mapping[str, Any] = field(default_factory=dict)


class RoomPolicy(Protocol):
    async def may_enter(self, user: Principal, room: RoomSpec, params: Mapping[str, str]) -> bool:
        """Whether the user may enter this room with these parameter values."""
        ...

    async def lookup(self, user: Principal, room: RoomSpec, param: str) -> list[str]:
        """Values of one parameter of a room the user belongs to (`$lookup`): e.g. the ids of the user's orders."""
        ...


class GrantPolicy:
    """The catalog's rules (above) over grants kept somewhere; a subclass says where. The grant store is async
    throughout, whichever store it is: the publish API's `/grants` awaits `add_grants` and `remove_grants`."""

    async def granted_now(self, user: Principal) -> set[str]:
        """The rooms granted to the user, wherever grants are kept (the token's `rooms` claim included)."""
        raise NotImplementedError

    async def holds(self, user: Principal, address: str) -> bool:
        """Whether one concrete room is granted to the user: what `may_enter` asks for every event that enters a
        room, so a store answers it without listing every grant."""
        return address in await self.granted_now(user)

    async def add_grants(self, user_id: str, rooms: Iterable[str]) -> None:
        raise NotImplementedError

    async def remove_grants(self, user_id: str, rooms: Iterable[str]) -> None:
        raise NotImplementedError

    async def may_enter(self, user: Principal, room: RoomSpec, params: Mapping[str, str]) -> bool:
        if room.access == "server":
            return False
        if room.access == "public":
            return True
        if user.roles.intersection(room.roles):
            return True
        if room.access == "self":
            return bool(params) and all(value == user.user_id for value in params.values())
        return await self.holds(user, room.address(params))

    async def lookup(self, user: Principal, room: RoomSpec, param: str) -> list[str]:
        values = set()
        for address in await self.granted_now(user):
            parsed = room.parse(address)
            if parsed is not None and param in parsed:
                values.add(parsed[param])
        return sorted(values)


class InMemoryPolicy(GrantPolicy):
    """The embedded default: grants held in memory, added and revoked by the backend or carried by the token."""

    def __init__(self) -> None:
        self._grants: defaultdict[str, set[str]] = defaultdict(set)

    # `grant` and `revoke` change the memory at once: code that holds this policy (an app, a test) calls them
    # directly; the async grant store methods are the same operations.
    def grant(self, user_id: str, rooms: Iterable[str]) -> None:
        self._grants[user_id].update(rooms)

    def revoke(self, user_id: str, rooms: Iterable[str]) -> None:
        held = self._grants.get(user_id)
        if held is not None:
            held.difference_update(rooms)
            if not held:
                del self._grants[user_id]

    def granted(self, user: Principal) -> set[str]:
        return self._grants.get(user.user_id, set()) | user.rooms

    async def granted_now(self, user: Principal) -> set[str]:
        return self.granted(user)

    async def holds(self, user: Principal, address: str) -> bool:
        return address in user.rooms or address in self._grants.get(user.user_id, ())

    async def add_grants(self, user_id: str, rooms: Iterable[str]) -> None:
        self.grant(user_id, rooms)

    async def remove_grants(self, user_id: str, rooms: Iterable[str]) -> None:
        self.revoke(user_id, rooms)


class RedisPolicy(GrantPolicy):
    """The same rules with grants in Redis sets, so that every node of a scale-out sees them."""

    def __init__(self, redis: Any, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def _key(self, user_id: str) -> str:
        return f"{self.prefix}:grants:{user_id}"

    async def add_grants(self, user_id: str, rooms: Iterable[str]) -> None:
        rooms = list(rooms)
        if rooms:
            await self.redis.sadd(self._key(user_id), *rooms)

    async def remove_grants(self, user_id: str, rooms: Iterable[str]) -> None:
        rooms = list(rooms)
        if rooms:
            await self.redis.srem(self._key(user_id), *rooms)

    async def granted_now(self, user: Principal) -> set[str]:
        members = await self.redis.smembers(self._key(user.user_id))
        return {m.decode() if isinstance(m, bytes) else str(m) for m in members} | user.rooms

    async def holds(self, user: Principal, address: str) -> bool:
        return address in user.rooms or bool(await self.redis.sismember(self._key(user.user_id), address))
