"""What the generated registry declares about a catalog: events, rooms, channels, auth. Plain frozen data.

The generated `registry.py` builds one `Registry` from the catalog; the runtime reads nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .models import CatalogModel

Direction = Literal["server_to_client", "client_to_server"]
Access = Literal["self", "member", "public", "server"]
BindingSource = Literal["field", "user", "arg", "lookup", "channel"]
DeliveryKind = Literal["rooms", "sender", "broadcast", "none"]

_PARAM = re.compile(r"\{([A-Za-z][A-Za-z0-9]*)\}")


@dataclass(frozen=True)
class RoomSpec:
    name: str
    pattern: str
    params: tuple[str, ...] = ()
    access: Access = "member"
    roles: tuple[str, ...] = ()
    visibility: Literal["private", "public"] = "private"
    # Allowed values of enum-typed parameters; a parameter not listed takes any non-empty id.
    param_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def address(self, values: Mapping[str, str]) -> str:
        """The concrete room name, e.g. order:ord_1 for {orderId: ord_1}."""
        return _PARAM.sub(lambda m: str(values[m.group(1)]), self.pattern)

    @cached_property
    def matcher(self) -> re.Pattern[str]:
        """Matches a concrete room name of this room and captures its parameters."""
        parts: list[str] = []
        last = 0
        for m in _PARAM.finditer(self.pattern):
            parts.append(re.escape(self.pattern[last : m.start()]))
            allowed = self.param_values.get(m.group(1))
            body = "|".join(re.escape(v) for v in allowed) if allowed else r"[^\s]+"
            parts.append(f"(?P<{m.group(1)}>{body})")
            last = m.end()
        parts.append(re.escape(self.pattern[last:]))
        return re.compile("^" + "".join(parts) + "$")

    def parse(self, address: str) -> dict[str, str] | None:
        match = self.matcher.match(address)
        return match.groupdict() if match else None


@dataclass(frozen=True, slots=True)
class Binding:
    """Where one room parameter's value comes from: a payload field, the user, a publisher argument, ..."""

    param: str
    source: BindingSource
    path: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RoomTarget:
    room: str
    bindings: tuple[Binding, ...] = ()


@dataclass(frozen=True)
class ChannelSpec:
    """A subscribe channel: a name pattern (`order_{orderId}`) and the rooms it enters."""

    name: str
    regex: str
    rooms: tuple[RoomTarget, ...]

    @cached_property
    def matcher(self) -> re.Pattern[str]:
        return re.compile(self.regex)


@dataclass(frozen=True, slots=True)
class EventSpec:
    name: str
    direction: Direction
    domain: str
    model: type[CatalogModel]
    max_payload_bytes: int
    ack_model: type[CatalogModel] | None = None
    delivery: DeliveryKind = "none"
    rooms: tuple[RoomTarget, ...] = ()
    # Publisher arguments the emitter needs: wire name (the room parameter) -> Python keyword.
    args: Mapping[str, str] = field(default_factory=dict)
    rate: tuple[int, int] | None = None
    volatile: bool = False
    # Payload field paths that must equal the authenticated user's id.
    caller_fields: tuple[tuple[str, ...], ...] = ()
    enters: tuple[RoomTarget, ...] = ()
    leaves: tuple[RoomTarget, ...] = ()
    triggers: tuple[str, ...] = ()
    handler: str | None = None

    @property
    def inbound(self) -> bool:
        return self.direction == "client_to_server"


@dataclass(frozen=True, slots=True)
class AuthSpec:
    query_param: str = "token"
    auth_field: str = "token"
    user_claim: str = "userId"
    join: RoomTarget | None = None
    # JSON Schema of a user id (the type of the room parameter the user joins by): a token whose user claim does
    # not match it is refused at connect, since nothing could ever be delivered to that user.
    user_schema: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Registry:
    catalog: str
    version: str
    namespace: str
    auth: AuthSpec
    rooms: Mapping[str, RoomSpec]
    channels: tuple[ChannelSpec, ...]
    events: Mapping[str, EventSpec]
    # The catalog's recovery window in seconds (None: the catalog promises no replay; servers default to 300).
    recovery_window: float | None = None

    def channel(self, name: str) -> tuple[ChannelSpec, dict[str, str]] | None:
        """The channel a subscribe name belongs to and its parameters; channels are listed most specific first."""
        for spec in self.channels:
            match = spec.matcher.match(name)
            if match:
                return spec, match.groupdict()
        return None

    def room_of(self, address: str) -> tuple[RoomSpec, dict[str, str]] | None:
        """Which declared room a concrete room name belongs to (longest literal prefix first)."""
        for spec in sorted(self.rooms.values(), key=lambda r: -len(r.pattern.split("{")[0])):
            params = spec.parse(address)
            if params is not None:
                return spec, params
        return None
