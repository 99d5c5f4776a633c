"""The runtime's conventions as the catalog declares them: auth (`auth:`) and the `server:` block.

What the runtime sends by itself (refusals, the close and throttle events, the heartbeat's reply) has to fit the
catalog's own types, so every role the runtime fills is checked here against the field it is mapped to, and the
defaults (a built-in `Error`, `ErrorCode` and `AckError`) are added to the catalog's types, so that every output
documents what a client receives. The runtime's codes and reasons are copied here as constants (the compiler
imports nothing of the runtime); a test asserts that they equal `eventcat_runtime.errors`'s.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import ir
from .errors import CatalogError, Pos
from .yaml_source import Path

# The codes the runtime refuses with by itself, with what they mean: every catalog's codes include them.
RUNTIME_CODES: tuple[tuple[str, str], ...] = (
    ("AUTH_REQUIRED", "The connection or event needs a token and none was given."),
    ("AUTH_INVALID", "The token is malformed, forged, or uses a refused algorithm."),
    ("TOKEN_EXPIRED", "The token has expired; refresh it and reconnect."),
    ("VALIDATION_ERROR", "The payload does not match the catalog; details lists each problem."),
    ("UNKNOWN_EVENT", "The event name is not in the catalog (or not client-to-server)."),
    ("FORBIDDEN", "The user may not do this (another user's id, a room the user may not enter)."),
    ("RATE_LIMITED", "Too many events; details.retryAfterMs says when to try again."),
    ("PAYLOAD_TOO_LARGE", "The payload is over the event's size limit."),
    ("INTERNAL_ERROR", "The server failed; the event was not processed. Safe to retry."),
)
RUNTIME_CODE_NAMES: tuple[str, ...] = tuple(code for code, _ in RUNTIME_CODES)
# Only a catalog with authentication gets these: without `auth:` nothing is refused for a token.
AUTH_CODES = frozenset({"AUTH_REQUIRED", "AUTH_INVALID", "TOKEN_EXPIRED"})


def authenticated(data: Mapping[str, Any]) -> bool:
    """Whether the catalog's connections authenticate (an `auth:` block whose scheme is not none)."""
    auth = data.get("auth")
    return isinstance(auth, Mapping) and auth.get("scheme", "jwt") != "none"


def runtime_codes(with_auth: bool) -> tuple[tuple[str, str], ...]:
    """The codes the runtime refuses with for a catalog with or without authentication."""
    return RUNTIME_CODES if with_auth else tuple((c, text) for c, text in RUNTIME_CODES if c not in AUTH_CODES)


# The reasons the runtime gives in the close event, and in the throttle event.
CLOSE_REASONS: tuple[str, ...] = ("server_shutdown", "rate_limited")
THROTTLE_REASONS: tuple[str, ...] = ("too_many_reconnects",)

# PyJWT's signature algorithms (jwt.algorithms.get_default_algorithms() with cryptography), without "none".
HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
JWT_ALGORITHMS: tuple[str, ...] = (
    *HMAC_ALGORITHMS,
    *("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    *("ES256", "ES256K", "ES384", "ES512", "ES521", "EdDSA"),
)
DEFAULT_ALGORITHMS = ("HS256",)
# `auth:` keys that only mean something when tokens are checked.
JWT_ONLY_KEYS = ("algorithms", "jwks_url", "issuer", "audience", "query_param", "auth_field", "user_claim", "join")

ERROR_TYPE = "Error"
ERROR_CODE_TYPE = "ErrorCode"
ACK_ERROR_TYPE = "AckError"
NO_AUTH = "this catalog has no auth"
NO_AUTH_HINT = "declare auth: (scheme jwt) to authenticate connections"


@dataclass(frozen=True, slots=True)
class Role:
    """A value the runtime writes into a payload, and the kind of field it fits."""

    name: str
    default: str | None  # the field it goes to when the catalog maps nothing
    kind: str  # code | string | any | timestamp | integer | reason | trace
    what: str
    required: bool = False
    values: tuple[str, ...] = ()  # values an enum field must contain (reasons)
    always: bool = True  # whether every message carries it (details only come with some refusals)


_TIMESTAMP = Role("timestamp", "timestamp", "timestamp", "the time it was sent")
ROLES: dict[str, tuple[Role, ...]] = {
    "errors": (
        Role("code", "code", "code", "the error code", required=True),
        Role("message", "message", "string", "the message"),
        Role("details", "details", "any", "the details", always=False),
        _TIMESTAMP,
        Role("trace_id", "traceId", "trace", "the trace id"),
    ),
    "close": (Role("reason", "reason", "reason", "the reason", values=CLOSE_REASONS), _TIMESTAMP),
    "throttle": (
        Role("reason", "reason", "reason", "the reason", values=THROTTLE_REASONS),
        Role("attempts", "attempts", "integer", "the attempts counted"),
        Role("retry_after_ms", "retryAfterMs", "integer", "the delay before the next attempt"),
        _TIMESTAMP,
    ),
}
WHAT_IS_SENT = {"errors": "a refusal", "close": "the close event", "throttle": "the throttle event"}


def builtin_types(data: Mapping[str, Any]) -> dict[str, Any]:
    """The default error contract's types the catalog does not declare itself, as catalog type bodies.

    `Error` only when `server.errors.type` names no other type; `ErrorCode` only for that `Error` (a catalog that
    declares its own `ErrorCode` enum gets the built-in `Error` around it); `AckError` whenever it is missing.
    """
    declared = data.get("types") or {}
    errors = (data.get("server") or {}).get("errors") or {}
    error_type = errors.get("type", ERROR_TYPE)
    added: dict[str, Any] = {}
    if error_type == ERROR_TYPE and ERROR_TYPE not in declared:
        if ERROR_CODE_TYPE not in declared:
            added[ERROR_CODE_TYPE] = {
                "description": "Stable error codes; clients branch on these, never on the message.",
                "enum": dict(runtime_codes(authenticated(data))),
            }
        added[ERROR_TYPE] = {
            "description": "Why the server refused an event.",
            "fields": {
                "code": ERROR_CODE_TYPE,
                "message": {"type": "string", "description": "Human-readable explanation."},
                "details?": {"type": "any", "description": "Machine-readable context, e.g. the validation problems."},
            },
        }
    if ACK_ERROR_TYPE not in declared:
        # An unknown errors type is reported at server.errors.type; `any` keeps it from being reported twice.
        known = error_type in declared or error_type in added
        added[ACK_ERROR_TYPE] = {
            "description": "What every acknowledgement carries when the server refused the event.",
            "fields": {"ok": {"const": False}, "error": error_type if known else "any"},
        }
    return added


def timestamp_style(expr: ir.TypeExpr) -> ir.TimestampStyle | None:
    """iso for a date-time string, epoch_ms for an integer, None for any other kind (resolved expr)."""
    if isinstance(expr, ir.Scalar) and expr.kind == "string" and expr.format == "date-time":
        return "iso"
    if isinstance(expr, ir.Scalar) and expr.kind == "integer":
        return "epoch_ms"
    return None


def _enum_strings(expr: ir.TypeExpr) -> list[str] | None:
    return [str(v.value) for v in expr.values] if isinstance(expr, ir.Enum) else None


def _plain_string(expr: ir.TypeExpr) -> bool:
    """A string with no format and no constraint: the runtime writes its own text there (a message, a trace id, a
    code of a handler's), which a maxLength or a pattern could refuse."""
    return isinstance(expr, ir.Scalar) and expr.kind == "string" and expr.format is None and not expr.constraints


def accepts(target: ir.TypeExpr, source: ir.TypeExpr) -> bool:
    """Whether every value of source (resolved) is a value of target (resolved): the same scalar kind and format
    with no constraint of target's that source lacks, an enum holding all of source's values, or the same type."""
    if isinstance(target, ir.Scalar) and isinstance(source, ir.Scalar):
        widened = target.kind == "number" and source.kind == "integer"
        return (
            (target.kind == source.kind or widened)
            and target.format == source.format
            and all(source.constraints.get(k) == v for k, v in target.constraints.items())
        )
    if isinstance(target, ir.Enum) and isinstance(source, ir.Enum):
        return {v.value for v in source.values} <= {v.value for v in target.values}
    if isinstance(target, ir.Scalar) and isinstance(source, ir.Enum):
        return (
            target.kind == "string" and not target.constraints and all(isinstance(v.value, str) for v in source.values)
        )
    return _without_meta(target) == _without_meta(source)


def _without_meta(expr: ir.TypeExpr) -> ir.TypeExpr:
    return dataclasses.replace(expr, meta=ir.NO_META) if hasattr(expr, "meta") else expr


def kind_problem(role: Role, expr: ir.TypeExpr, codes: tuple[str, ...] = RUNTIME_CODE_NAMES) -> str | None:
    """Why a field of this (resolved) type cannot hold what the runtime writes for role, or None when it can;
    codes are the runtime's codes for this catalog."""
    if role.kind in ("code", "reason"):
        required = codes if role.kind == "code" else role.values
        values = _enum_strings(expr)
        if values is not None:
            missing = [v for v in required if v not in values]
            return f"its enum lacks {', '.join(missing)}" if missing else None
        return None if _plain_string(expr) else f"it must be a string or an enum containing {', '.join(required)}"
    if role.kind in ("string", "trace"):
        return None if _plain_string(expr) else "it must be a plain string (no format, length or pattern)"
    if role.kind == "any":
        fits = (isinstance(expr, ir.Scalar) and expr.kind == "any") or (isinstance(expr, ir.Raw) and not expr.schema)
        return None if fits else "it must be of type any (the runtime writes objects and lists there)"
    if role.kind == "integer":
        return None if isinstance(expr, ir.Scalar) and expr.kind == "integer" else "it must be an integer"
    if role.kind == "timestamp":
        if timestamp_style(expr) is None:
            return "it must be a timestamp (ISO 8601) or an integer (milliseconds since the Unix epoch)"
        return None
    raise ValueError(role.kind)


class ConventionChecker:
    """Resolves and checks `auth:` and `server:` for one catalog; the builder reports what `errors` collects."""

    def __init__(
        self,
        data: Mapping[str, Any],
        pos: Callable[[Path, bool], Pos],
        resolve: Callable[[ir.TypeExpr], ir.TypeExpr],
        builtin: Iterable[str],
    ) -> None:
        self.data = data
        self.server: Mapping[str, Any] = data.get("server") or {}
        self.pos = pos
        self.resolve = resolve
        self.builtin = tuple(builtin)
        self.errors: list[CatalogError] = []
        self.runtime_codes = runtime_codes(authenticated(data))

    def error(self, where: Path | Pos, message: str, hint: str | None = None, *, key: bool = False) -> None:
        at = where if isinstance(where, Pos) else self.pos(where, key)
        self.errors.append(CatalogError(at, message, hint))

    def did_you_mean(self, name: str, options: Iterable[str]) -> str | None:
        near = difflib.get_close_matches(name, list(options), n=1)
        return f"did you mean '{near[0]}'?" if near else None

    # -- auth ---------------------------------------------------------------------------------------------------

    def auth_scheme(self) -> ir.AuthScheme:
        """No `auth:` block: no authentication; a block: JWT unless it says `scheme: none`."""
        if "auth" not in self.data:
            return "none"
        scheme: ir.AuthScheme = (self.data["auth"] or {}).get("scheme", "jwt")
        return scheme

    def auth_options(self) -> dict[str, Any]:
        """scheme, algorithms, jwks_url, issuer and audience for ir.Auth, after checking them."""
        body: Mapping[str, Any] = self.data.get("auth") or {}
        scheme = self.auth_scheme()
        if scheme == "none":
            for key in JWT_ONLY_KEYS:
                if key in body:
                    self.error(
                        ("auth", key),
                        f"'{key}' applies to scheme jwt, and this catalog says scheme: none",
                        "remove it, or drop `scheme: none`",
                        key=True,
                    )
            return {"scheme": "none", "algorithms": ()}
        algorithms = tuple(body.get("algorithms", DEFAULT_ALGORITHMS))
        self.check_algorithms(algorithms, body)
        return {
            "scheme": scheme,
            "algorithms": algorithms,
            "jwks_url": body.get("jwks_url"),
            "issuer": body.get("issuer"),
            "audience": body.get("audience"),
        }

    def check_algorithms(self, algorithms: tuple[str, ...], body: Mapping[str, Any]) -> None:
        for i, name in enumerate(algorithms):
            if name.lower() == "none":
                self.error(
                    ("auth", "algorithms", i),
                    "algorithm 'none' would accept unsigned tokens",
                    "list signature algorithms only, e.g. HS256 or RS256",
                )
            elif name not in JWT_ALGORITHMS:
                self.error(
                    ("auth", "algorithms", i),
                    f"unknown JWT algorithm '{name}'",
                    self.did_you_mean(name, JWT_ALGORITHMS) or "one of " + ", ".join(JWT_ALGORITHMS),
                )
        hmac = [a for a in algorithms if a in HMAC_ALGORITHMS]
        keyed = [a for a in algorithms if a in JWT_ALGORITHMS and a not in HMAC_ALGORITHMS]
        if hmac and keyed:
            # One verifier has one kind of key; accepting both invites key confusion (a public key used as a secret).
            self.error(
                ("auth", "algorithms"),
                f"algorithms mix a shared secret ({', '.join(hmac)}) with public keys ({', '.join(keyed)})",
                "list algorithms of one kind",
            )
        if hmac and "jwks_url" in body:
            self.error(
                ("auth", "jwks_url"),
                "a JWKS publishes public keys, and HS* tokens are signed with a secret",
                "use RS256, ES256 or PS256 with a JWKS, or remove jwks_url",
                key=True,
            )

    # -- the error contract -------------------------------------------------------------------------------------

    def errors_contract(
        self, types: Mapping[str, ir.SharedType], events: Mapping[str, ir.Event]
    ) -> ir.ErrorContract | None:
        block: Mapping[str, Any] = self.server.get("errors") or {}
        path: Path = ("server", "errors")
        name = block.get("type", ERROR_TYPE)
        shared = types.get(name)
        if shared is None:
            self.error(
                path + ("type",),
                f"server.errors.type: unknown type '{name}'",
                self.did_you_mean(name, types) or "name a shared type declared under types:",
            )
            return None
        # The event and AckError are checked whatever the type's own problems: every error is reported at once.
        event = block.get("event")
        if event is not None:
            self.check_error_event(event, name, events)
        self.check_ack_error(name, types)
        obj = self.resolve(shared.type)
        if not isinstance(obj, ir.Object):
            self.error(
                self.type_pos(name),
                f"the error contract's type '{name}' must be an object",
                self.default_hint(name, block),
            )
            return None
        fields = self.fill("errors", name, obj, block.get("fields") or {}, path, self.type_pos(name))
        if fields is None:
            return None
        mapping, style = fields
        code_field = obj.field(mapping["code"])
        assert code_field is not None
        code_type, codes = self.codes(code_field.type)
        return ir.ErrorContract(
            type=name,
            ack_error=ACK_ERROR_TYPE,
            code_type=code_type,
            codes=codes,
            fields=ir.frozen(mapping),
            timestamp=style,
            event=event,
            builtin=self.builtin,  # builtin_types only ever adds these three
        )

    def default_hint(self, name: str, block: Mapping[str, Any]) -> str:
        if "type" in block:
            return "point server.errors.type at an object type"
        return f"a type named {name} is the error contract unless server.errors.type names another"

    def type_pos(self, name: str) -> Pos:
        return self.pos(("types", name), True)

    def codes(self, expr: ir.TypeExpr) -> tuple[str | None, tuple[ir.EnumValue, ...]]:
        """The codes enum's name (None when the code is a plain string) and every code a refusal may carry."""
        name = expr.name if isinstance(expr, ir.Ref) else expr.name if isinstance(expr, ir.Enum) else None
        resolved = self.resolve(expr)
        if isinstance(resolved, ir.Enum):
            return name, resolved.values
        return None, tuple(ir.EnumValue(code, text) for code, text in self.runtime_codes)

    def check_error_event(self, name: str, type_name: str, events: Mapping[str, ir.Event]) -> None:
        event = self.sent_event("errors", name, events)
        if event is None:
            return
        expected = self.resolve(ir.Ref(type_name))
        if self.resolve(event.payload) != expected:
            self.error(
                ("server", "errors", "event"),
                f"the payload of '{name}' is not the error contract's type {type_name}",
                f"write payload: {type_name} in '{name}'",
            )

    def check_ack_error(self, error_type: str, types: Mapping[str, ir.SharedType]) -> None:
        """A catalog's own AckError must be what the runtime sends to a refused ack: {ok: false, error}."""
        if ACK_ERROR_TYPE in self.builtin:
            return
        problem = self.ack_error_problem(self.resolve(types[ACK_ERROR_TYPE].type), error_type)
        if problem:
            self.error(
                self.type_pos(ACK_ERROR_TYPE),
                f"type '{ACK_ERROR_TYPE}' is what a refused acknowledgement "
                f"carries, so it must be {{ok: false, error: {error_type}}}: {problem}",
                f"fix it, or rename the type and let eventcat add its own {ACK_ERROR_TYPE}",
            )

    def ack_error_problem(self, expr: ir.TypeExpr, error_type: str) -> str | None:
        if not isinstance(expr, ir.Object):
            return "it is not an object"
        ok, error = expr.field("ok"), expr.field("error")
        constant = self.resolve(ok.type) if ok is not None else None
        if ok is None or not ok.required or not isinstance(constant, ir.Const) or constant.value is not False:
            return "`ok` must be a required `{const: false}`"
        if error is None or not error.required or not isinstance(error.type, ir.Ref) or error.type.name != error_type:
            return f"`error` must be a required {error_type}"
        extra = [f.name for f in expr.fields if f.required and f.name not in ("ok", "error")]
        return f"the runtime cannot fill required {', '.join(extra)}" if extra else None

    # -- roles --------------------------------------------------------------------------------------------------

    def fill(
        self, kind: str, owner: str, obj: ir.Object, given: Mapping[str, str], path: Path, owner_pos: Pos
    ) -> tuple[dict[str, str], ir.TimestampStyle] | None:
        """Role -> field for what the runtime writes into obj, each field checked; None when a required role
        has no field. Every problem is reported: a mapped field that is missing or of the wrong kind, two roles on
        one field, a required field no role fills."""
        mapping: dict[str, str] = {}
        tried: set[str] = set()
        style: ir.TimestampStyle = "iso"
        complete = True
        for role in ROLES[kind]:
            explicit = role.name in given
            field_name = given.get(role.name) or role.default
            if not explicit and (field_name is None or obj.field(field_name) is None):
                if role.required:
                    complete = False
                    self.error(
                        owner_pos,
                        f"{owner} has no field for {role.what}, which the runtime writes in {WHAT_IS_SENT[kind]}",
                        f"map it: server.{kind}.fields: {{{role.name}: FIELD}}",
                    )
                continue
            assert field_name is not None
            where: Path = path + ("fields", role.name)
            f = obj.field(field_name)
            if f is None:
                complete = complete and not role.required
                self.error(
                    where,
                    f"{owner} has no field '{field_name}'",
                    self.did_you_mean(field_name, [x.name for x in obj.fields]) or "map the role to a field of it",
                )
                continue
            tried.add(field_name)
            problem = kind_problem(role, self.resolve(f.type), tuple(c for c, _ in self.runtime_codes))
            if problem:
                complete = complete and not role.required
                self.wrong_kind(kind, role, owner, f, problem, where if explicit else None)
                continue
            if field_name in mapping.values():
                self.error(where, f"two roles write field '{field_name}' of {owner}", "give each role its own field")
                continue
            if f.required and not role.always:
                self.error(
                    self.field_pos(owner, f),
                    f"field '{f.name}' of {owner} holds {role.what}, which only some messages carry; it must be "
                    "optional",
                    f"write `{f.name}?:`",
                )
                continue
            mapping[role.name] = field_name
            if role.kind == "timestamp":
                style = timestamp_style(self.resolve(f.type)) or "iso"
        for f in obj.fields:
            if f.required and f.name not in tried:
                self.error(
                    self.field_pos(owner, f),
                    f"the runtime cannot fill required field '{f.name}' of {owner} when it sends {WHAT_IS_SENT[kind]}",
                    f"make it optional, or map it under server.{kind}.fields",
                )
        return (mapping, style) if complete else None

    def wrong_kind(self, kind: str, role: Role, owner: str, f: ir.Field, problem: str, where: Path | None) -> None:
        if owner in self.builtin and isinstance(f.type, ir.Ref):
            # The catalog's own type inside a built-in one (its ErrorCode in eventcat's Error): say it that way.
            self.error(
                self.type_pos(f.type.name),
                f"'{f.type.name}' is {role.what} of the error contract's built-in {owner} type, and {problem}",
                f"a catalog's error codes include the runtime's: add them, or declare your own {owner} type",
            )
            return
        self.error(
            where or self.field_pos(owner, f),
            f"field '{f.name}' of {owner} holds {role.what}, and {problem}",
            f"change its type, or map {role.name} to another field under server.{kind}.fields",
        )

    def field_pos(self, owner: str, f: ir.Field) -> Pos:
        """Where a field is declared; a built-in type's field is reported at the catalog type it refers to."""
        if owner in self.builtin and isinstance(f.type, ir.Ref):
            return self.type_pos(f.type.name)
        return f.pos or self.type_pos(owner)

    # -- events the runtime sends or answers --------------------------------------------------------------------

    def sent_event(self, kind: str, name: str, events: Mapping[str, ir.Event]) -> ir.Event | None:
        """The event server.<kind>.event names, when it is one the runtime can send to one connection."""
        where: Path = ("server", kind, "event" if kind != "heartbeat" else "reply")
        event = events.get(name)
        if event is None:
            self.error(
                where,
                f"server.{kind}: unknown event '{name}'",
                self.did_you_mean(name, events) or "name a server-to-client event of the catalog",
            )
            return None
        if not event.server_to_client:
            self.error(
                where, f"'{name}' is client-to-server, and the runtime sends it", "name a server_to_client event"
            )
            return None
        if event.delivery is None or event.delivery.kind != "sender":
            self.error(
                where, f"'{name}' goes to one connection when the runtime sends it", f"give '{name}' delivery: sender"
            )
            return None
        return event

    def event_fill(self, kind: str, events: Mapping[str, ir.Event]) -> ir.EventFill | None:
        block: Mapping[str, Any] | None = self.server.get(kind)
        if not block:
            return None
        event = self.sent_event(kind, block["event"], events)
        if event is None:
            return None
        payload = self.resolve(event.payload)
        if not isinstance(payload, ir.Object):
            self.error(
                ("server", kind, "event"),
                f"the payload of '{event.name}' must be an object",
                "the runtime fills its fields",
            )
            return None
        pos = event.pos or self.pos(("server", kind), True)
        owner = event.payload.name if isinstance(event.payload, ir.Ref) else f"the payload of '{event.name}'"
        filled = self.fill(kind, owner, payload, block.get("fields") or {}, ("server", kind), pos)
        if filled is None:
            return None
        return ir.EventFill(event.name, ir.frozen(filled[0]), filled[1])

    def heartbeat(self, events: Mapping[str, ir.Event]) -> ir.Heartbeat | None:
        block: Mapping[str, Any] | None = self.server.get("heartbeat")
        if not block:
            return None
        name, path = block["event"], ("server", "heartbeat", "event")
        request = events.get(name)
        if request is None:
            self.error(
                path,
                f"server.heartbeat: unknown event '{name}'",
                self.did_you_mean(name, events) or "name a client-to-server event of the catalog",
            )
            return None
        if request.server_to_client or request.ack is not None:
            self.error(
                path,
                f"'{name}' must be client-to-server without an ack: the runtime answers it with the reply event",
                "make it client_to_server, without ack:",
            )
            return None
        reply = self.sent_event("heartbeat", block["reply"], events)
        if reply is None:
            return None
        if not self.reply_fits(request, reply):
            return None
        return ir.Heartbeat(request.name, reply.name)

    def reply_fits(self, request: ir.Event, reply: ir.Event) -> bool:
        """The reply carries the request's fields it declares: each required one must be required in the request."""
        asked, answer = self.resolve(request.payload), self.resolve(reply.payload)
        if not isinstance(asked, ir.Object) or not isinstance(answer, ir.Object):
            self.error(("server", "heartbeat"), "heartbeat payloads must be objects", key=True)
            return False
        fits = True
        for f in answer.fields:
            source = asked.field(f.name)
            if f.required and (source is None or not source.required):
                fits = False
                self.error(
                    f.pos or self.pos(("server", "heartbeat", "reply"), False),
                    f"the runtime cannot fill required field '{f.name}' of '{reply.name}' from "
                    f"'{request.name}', which has {'no such' if source is None else 'only an optional'} field",
                    "the reply carries the heartbeat's own fields: make it optional, or add it to the heartbeat",
                )
            elif source is not None and not accepts(self.resolve(f.type), self.resolve(source.type)):
                fits = False
                self.error(
                    f.pos or self.pos(("server", "heartbeat", "reply"), False),
                    f"field '{f.name}' of '{reply.name}' does not accept every value of '{request.name}'s "
                    f"'{f.name}', which the runtime copies into it",
                    "give the reply's field the heartbeat field's type",
                )
        return fits

    def conventions(self, types: Mapping[str, ir.SharedType], events: Mapping[str, ir.Event]) -> ir.Conventions:
        return ir.Conventions(
            errors=self.errors_contract(types, events),
            close=self.event_fill("close", events),
            throttle=self.event_fill("throttle", events),
            heartbeat=self.heartbeat(events),
        )


def ack_refusal(catalog: ir.Catalog, event: ir.Event) -> str | None:
    """The type a refused acknowledgement of this event carries, when the outputs must add it to the ack's type:
    a client-to-server event with an ack (the server refuses, never the client) that does not list it already."""
    errors = catalog.conventions.errors
    if errors is None or event.ack is None or event.server_to_client:
        return None
    return None if _lists(catalog, event.ack, errors.ack_error) else errors.ack_error


def _lists(catalog: ir.Catalog, expr: ir.TypeExpr, name: str) -> bool:
    """Whether expr is the type called name, or a union (through one alias) with it as a branch."""
    if isinstance(expr, ir.Ref) and expr.name == name:
        return True
    resolved = catalog.resolve(expr)
    return isinstance(resolved, ir.Union) and any(_lists(catalog, b, name) for b in resolved.branches)


def answered_by_runtime(catalog: ir.Catalog, event: ir.Event) -> bool:
    """The catalog's heartbeat: the runtime replies to it itself, so no handler method exists for it."""
    heartbeat = catalog.conventions.heartbeat
    return heartbeat is not None and heartbeat.event == event.name
