"""What the generated registry declares about a catalog: events, rooms, channels, auth. Plain frozen data.

The generated `registry.py` builds one `Registry` from the catalog; the runtime reads nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from typing_extensions import TypeAliasType

from .models import CatalogModel

# What a payload or ack is in the generated models: a model class, or a type alias (a named union of models, or an
# ack that is not an object). The runtime validates both through a pydantic TypeAdapter.
ModelType = type[CatalogModel] | TypeAliasType

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
        literals, params = self._pieces
        if not params:
            return self.pattern
        out = [literals[0]]
        for param, literal in zip(params, literals[1:], strict=True):
            out.append(str(values[param]))
            out.append(literal)
        return "".join(out)

    @cached_property
    def _pieces(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The pattern split once: the literal text around each parameter, and the parameters in order."""
        parts = _PARAM.split(self.pattern)  # literal, param, literal, ..., literal
        return tuple(parts[0::2]), tuple(parts[1::2])

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
    model: ModelType
    max_payload_bytes: int
    ack_model: ModelType | None = None
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


AuthScheme = Literal["jwt", "none"]
TimestampStyle = Literal["iso", "epoch_ms"]


@dataclass(frozen=True, slots=True)
class AuthSpec:
    """How a connection authenticates, as the catalog's `auth:` declares it (no `auth:`: scheme "none")."""

    query_param: str = "token"
    auth_field: str = "token"
    user_claim: str = "userId"
    join: RoomTarget | None = None
    # JSON Schema of a user id (the type of the room parameter the user joins by): a token whose user claim does
    # not match it is refused at connect, since nothing could ever be delivered to that user.
    user_schema: Mapping[str, Any] | None = None
    scheme: AuthScheme = "jwt"
    algorithms: tuple[str, ...] = ("HS256",)
    # Keys from a JWKS document (PyJWT's PyJWKClient); servers may override it.
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None


@dataclass(frozen=True, slots=True)
class EventFill:
    """A server-to-client event the runtime sends by itself, and which payload field holds each value it fills
    (role -> field name; roles: reason, timestamp, attempts, retry_after_ms)."""

    event: str
    fields: Mapping[str, str] = field(default_factory=dict)
    timestamp: TimestampStyle = "iso"


@dataclass(frozen=True, slots=True)
class ErrorContract:
    """The catalog's error contract: the refusal's model, its codes (empty: any string), where each value goes
    (role -> field; roles: code, message, details, timestamp, trace_id), and the event that carries refusals sent
    without an ack."""

    model: type[CatalogModel]
    codes: tuple[str, ...]
    fields: Mapping[str, str]
    timestamp: TimestampStyle = "iso"
    event: str | None = None


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """A client-to-server keep-alive the runtime answers itself with `reply` (the request's fields it declares)."""

    event: str
    reply: str


@dataclass(frozen=True, slots=True)
class Conventions:
    """What the runtime does by convention, as the catalog's `server:` block declares it. None: the catalog has
    no such event, and the runtime behaves without it (a refusal still reaches an ack callback)."""

    errors: ErrorContract | None = None
    close: EventFill | None = None
    throttle: EventFill | None = None
    heartbeat: Heartbeat | None = None


@dataclass(frozen=True)
class Registry:
    catalog: str
    version: str
    namespace: str
    auth: AuthSpec
    rooms: Mapping[str, RoomSpec]
    channels: tuple[ChannelSpec, ...]
    events: Mapping[str, EventSpec]
    # The catalog's recovery window in seconds (None: the catalog promises no replay: no log, no offsets).
    recovery_window: float | None = None
    conventions: Conventions = field(default_factory=Conventions)

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
