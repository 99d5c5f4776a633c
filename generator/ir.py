"""The intermediate representation every output reads: small, immutable, typed.

Nothing here knows about YAML; the builder turns the catalog's data into these classes once, after checking it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from .errors import Pos
from .names import identifier

Direction = Literal["server_to_client", "client_to_server"]
ScalarKind = Literal["string", "number", "integer", "boolean", "any"]
BindingSource = Literal["field", "user", "arg", "lookup", "channel"]

EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return EMPTY


def frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping)) if mapping else EMPTY


@dataclass(frozen=True, slots=True)
class Deprecation:
    since: str | None = None
    reason: str | None = None
    replacement: str | None = None


@dataclass(frozen=True, slots=True)
class Waiver:
    """A lint rule switched off for one event or room, with the reason a reviewer reads."""

    rule: str
    reason: str
    pos: Pos | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Meta:
    """What any use of a type may say about itself."""

    description: str | None = None
    title: str | None = None
    unit: str | None = None
    nullable: bool = False
    default: Any = None
    has_default: bool = False
    examples: tuple[Any, ...] = ()
    deprecated: Deprecation | None = None
    extensions: Mapping[str, Any] = field(default_factory=_empty)


NO_META = Meta()


@dataclass(frozen=True, slots=True)
class Scalar:
    kind: ScalarKind
    format: str | None = None
    # JSON Schema constraint keywords (minLength, pattern, minimum, ...) in catalog order.
    constraints: Mapping[str, Any] = field(default_factory=_empty)
    meta: Meta = NO_META


@dataclass(frozen=True, slots=True)
class EnumValue:
    value: str | int
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Enum:
    values: tuple[EnumValue, ...]
    name: str | None = None
    meta: Meta = NO_META


@dataclass(frozen=True, slots=True)
class Const:
    value: str | int | float | bool
    meta: Meta = NO_META


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: TypeExpr
    required: bool
    # A client-to-server field that must equal the authenticated user's id.
    caller: bool = False
    pos: Pos | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Object:
    name: str
    fields: tuple[Field, ...]
    additional_properties: bool = False
    meta: Meta = NO_META

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class Array:
    items: TypeExpr
    constraints: Mapping[str, Any] = field(default_factory=_empty)
    meta: Meta = NO_META


@dataclass(frozen=True, slots=True)
class Ref:
    """A use of a shared type, by name."""

    name: str
    meta: Meta = NO_META


@dataclass(frozen=True, slots=True)
class Union:
    branches: tuple[TypeExpr, ...]
    discriminator: str | None = None
    meta: Meta = NO_META
    # `name:` beside `union:`: the union's own name in generated code (a type alias), as for enums.
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Raw:
    schema: Mapping[str, Any]
    meta: Meta = NO_META


TypeExpr = Scalar | Enum | Const | Object | Array | Ref | Union | Raw


@dataclass(frozen=True, slots=True)
class SharedType:
    name: str
    type: TypeExpr
    pos: Pos | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    period_seconds: int
    text: str


@dataclass(frozen=True, slots=True)
class Limits:
    max_payload_bytes: int
    rate: Rate | None


@dataclass(frozen=True, slots=True)
class RoomParam:
    name: str
    type: TypeExpr


@dataclass(frozen=True, slots=True)
class Room:
    name: str
    pattern: str
    params: tuple[RoomParam, ...]
    visibility: Literal["private", "public"]
    access: Literal["self", "member", "public", "server"]
    roles: tuple[str, ...] = ()
    summary: str | None = None
    description: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=_empty)
    lint_waivers: tuple[Waiver, ...] = ()
    pos: Pos | None = field(default=None, compare=False)

    def address(self, values: Mapping[str, str]) -> str:
        """The concrete room name for these parameter values."""
        text = self.pattern
        for param in self.params:
            text = text.replace("{" + param.name + "}", str(values[param.name]))
        return text


@dataclass(frozen=True, slots=True)
class Binding:
    """Where one room parameter's value comes from."""

    param: str
    source: BindingSource
    # Field path segments for source "field", the channel parameter for "channel".
    path: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        if self.source == "field":
            return ".".join(self.path)
        if self.source == "channel":
            return "$channel." + self.path[0]
        return "$" + self.source


@dataclass(frozen=True, slots=True)
class RoomTarget:
    room: str
    bindings: tuple[Binding, ...]


@dataclass(frozen=True, slots=True)
class Delivery:
    kind: Literal["rooms", "sender", "broadcast"]
    rooms: tuple[RoomTarget, ...] = ()


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    params: tuple[RoomParam, ...]
    rooms: tuple[RoomTarget, ...]
    summary: str | None = None
    description: str | None = None
    deprecated: Deprecation | None = None
    extensions: Mapping[str, Any] = field(default_factory=_empty)
    pos: Pos | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class LifecycleArgument:
    name: str
    type: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class LifecycleEvent:
    name: str
    side: Literal["client", "manager", "server"]
    summary: str
    description: str | None = None
    arguments: tuple[LifecycleArgument, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    domain: str
    direction: Direction
    summary: str
    payload: TypeExpr
    # Name of the payload type in generated code: the shared type's or <EventName>Payload.
    payload_name: str
    examples: tuple[Any, ...]
    limits: Limits
    description: str | None = None
    delivery: Delivery | None = None
    ack: TypeExpr | None = None
    ack_name: str | None = None
    ack_examples: tuple[Any, ...] = ()
    enters: tuple[RoomTarget, ...] = ()
    leaves: tuple[RoomTarget, ...] = ()
    triggers: tuple[str, ...] = ()
    volatile: bool = False
    deprecated: Deprecation | None = None
    tags: tuple[str, ...] = ()
    extensions: Mapping[str, Any] = field(default_factory=_empty)
    lint_waivers: tuple[Waiver, ...] = ()
    pos: Pos | None = field(default=None, compare=False)

    @property
    def server_to_client(self) -> bool:
        return self.direction == "server_to_client"

    @property
    def ident(self) -> str:
        """The Python identifier the wire name derives (`bid:placed` -> `bid_placed`), in every output."""
        return identifier(self.name)


@dataclass(frozen=True, slots=True)
class Flow:
    """A typical sequence of events, for the docs' diagrams."""

    title: str
    steps: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Domain:
    name: str
    title: str
    description: str | None
    events: tuple[str, ...]
    pos: Pos | None = field(default=None, compare=False)
    flows: tuple[Flow, ...] = ()


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    url: str
    description: str | None = None


AuthScheme = Literal["jwt", "none"]
TimestampStyle = Literal["iso", "epoch_ms"]


@dataclass(frozen=True, slots=True)
class Auth:
    description: str | None
    query_param: str
    auth_field: str
    user_claim: str
    join: RoomTarget | None
    # A catalog without `auth:` has no authentication at all (scheme "none").
    scheme: AuthScheme = "jwt"
    algorithms: tuple[str, ...] = ("HS256",)
    jwks_url: str | None = None
    issuer: str | None = None
    audience: str | None = None


@dataclass(frozen=True, slots=True)
class ErrorContract:
    """The shape of a refusal (`server.errors`), resolved: which shared types, codes and fields the runtime uses."""

    type: str
    # The shared type every refused acknowledgement carries: {ok: false, error: <type>}.
    ack_error: str
    # The enum of the codes, by name (None: the code field is a plain string); its values, runtime codes included.
    code_type: str | None
    codes: tuple[EnumValue, ...]
    # Role (code, message, details, timestamp, trace_id) -> field of the type.
    fields: Mapping[str, str]
    timestamp: TimestampStyle = "iso"
    event: str | None = None
    # Shared types the compiler added because the catalog declares none of that name (Error, ErrorCode, AckError).
    builtin: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EventFill:
    """A server-to-client event the runtime sends by itself (`server.close`, `server.throttle`) and which payload
    field holds each value it fills (role -> field)."""

    event: str
    fields: Mapping[str, str]
    timestamp: TimestampStyle = "iso"


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """A client-to-server keep-alive the runtime answers itself with `reply`."""

    event: str
    reply: str


@dataclass(frozen=True, slots=True)
class Conventions:
    """What the runtime does by convention, as `server:` declares it (None: no such event in this catalog)."""

    errors: ErrorContract | None = None
    close: EventFill | None = None
    throttle: EventFill | None = None
    heartbeat: Heartbeat | None = None


@dataclass(frozen=True, slots=True)
class Naming:
    """`lint: {naming: ...}`: the catalog's event-name style and the action words it adds to lint's own list."""

    style: Literal["snake_case", "camelCase", "domain:action"] = "snake_case"
    verbs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Catalog:
    name: str
    version: str
    title: str
    description: str | None
    namespace: str
    servers: tuple[Server, ...]
    auth: Auth
    additional_properties: bool
    default_limits: Limits
    types: Mapping[str, SharedType]
    rooms: Mapping[str, Room]
    channels: Mapping[str, Channel]
    lifecycle: tuple[LifecycleEvent, ...]
    domains: tuple[Domain, ...]
    events: Mapping[str, Event]
    # The catalog file as outputs name it in their headers (relative, never absolute).
    source_name: str = "catalog/events.yaml"
    # The generated Python package's import name when the project names one (`[tool.eventcat] package`); None:
    # derived from the catalog's name (outputs/python.package_name).
    python_package: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=_empty)
    # Compatibility policy (`compatibility.strict_clients`): clients reject keys a closed payload does not name, so
    # `eventcat diff` treats any field added to a closed server-to-client payload as breaking.
    strict_clients: bool = False
    # Seconds a dropped client can come back within and get what it missed (`recovery.window_seconds`); None when
    # the catalog promises no replay.
    recovery_window: int | None = None
    changelog_since: str | None = None
    naming: Naming = Naming()
    conventions: Conventions = field(default_factory=Conventions)
    # The docs' changelog: what `eventcat diff` finds between the release `changelog.since` names and this
    # catalog, as Markdown; set by the loader (None without a changelog, or when the release was not loaded).
    changelog: str | None = field(default=None, compare=False)
    # Where top-level keys (version, namespace, auth, ...) are written, for findings about them.
    positions: Mapping[str, Pos] = field(default_factory=_empty, compare=False)

    def events_in(self, domain: str) -> Iterator[Event]:
        return (e for e in self.events.values() if e.domain == domain)

    def resolve(self, expr: TypeExpr) -> TypeExpr:
        """Follow shared-type references to the type they name."""
        seen: set[str] = set()
        while isinstance(expr, Ref) and expr.name not in seen:
            seen.add(expr.name)
            expr = self.types[expr.name].type
        return expr
