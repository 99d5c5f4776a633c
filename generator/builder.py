"""Turn checked catalog data into the IR, running every semantic check the format schema cannot express.

The data has already passed the format schema, so shapes are right; what is checked here is meaning: type
references, room bindings, event names, examples. Every error is collected, never just the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from . import ir, names
from .conventions import NO_AUTH, NO_AUTH_HINT, ConventionChecker, builtin_types
from .errors import CatalogError
from .names import pascal
from .yaml_source import Document, Path

# Names Socket.IO itself uses on a socket: emitting them is impossible or means something else.
RESERVED_EVENT_NAMES = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}
)
# Raised by socket.io-client's Manager; an event of the same name would be confused with them in docs and code.
CLIENT_MANAGER_EVENTS = frozenset(
    {"reconnect", "reconnect_attempt", "reconnect_error", "reconnect_failed", "ping", "open", "close"}
)

# Identifiers the generated Python already uses beside one method per event: the handler base's own hook
# (`on_shutdown`; on_connect and on_disconnect are covered by the reserved names) and the emitter's dict method.
GENERATED_IDENTIFIERS = {
    "shutdown": "the handler base's on_shutdown hook",
    "emit_untyped": "the emitter's method for plain dicts",
}

BUILTIN_SCALARS: dict[str, tuple[ir.ScalarKind, str | None]] = {
    "string": ("string", None),
    "number": ("number", None),
    "integer": ("integer", None),
    "boolean": ("boolean", None),
    "any": ("any", None),
    "timestamp": ("string", "date-time"),
    "date": ("string", "date"),
    "uri": ("string", "uri"),
    "email": ("string", "email"),
    "uuid": ("string", "uuid"),
}

_STRING_KEYS = ("format", "pattern", "minLength", "maxLength")
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_ARRAY_KEYS = ("minItems", "maxItems", "uniqueItems")
_META_KEYS = ("description", "title", "unit", "nullable", "default", "examples", "deprecated")
_PARAM = re.compile(r"\{([A-Za-z][A-Za-z0-9]*)\}")
_RATE = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)?(s|min|h)$")
_RATE_UNITS = {"s": 1, "min": 60, "h": 3600}


# A subscribe channel name: a string whose pattern is made from the `channels:` of the catalog, so that it can
# never fall behind them. Outputs that can say more (TypeScript's template literals) find it by CHANNEL_MARK.
CHANNEL_TYPE = "channel"
CHANNEL_MARK = "x-eventcat-channel"
CHANNEL_ID = "[A-Za-z0-9_-]+"


def channel_pattern(data: Mapping[str, Any]) -> str:
    """^(orders|cart|order_[A-Za-z0-9_-]+|leaderboard_(daily|weekly))$ from the catalog's channel names: names
    without parameters first, then the others, each in catalog order; a parameter typed with an enum takes its
    values, any other an id."""
    types = data.get("types", {}) if isinstance(data.get("types"), Mapping) else {}
    alternatives: list[tuple[bool, str]] = []
    for name, body in (data.get("channels") or {}).items():
        params = body.get("params", {}) if isinstance(body, Mapping) else {}

        def param(match: re.Match[str], params: Any = params) -> str:
            values = _enum_values(types.get(params.get(match.group(1)) if isinstance(params, Mapping) else None))
            return "(" + "|".join(re.escape(v) for v in values) + ")" if values else CHANNEL_ID

        parts, last = [], 0
        for match in _PARAM.finditer(str(name)):
            parts.append(re.escape(str(name)[last : match.start()]))
            parts.append(param(match))
            last = match.end()
        parts.append(re.escape(str(name)[last:]))
        alternatives.append(("{" in str(name), "".join(parts)))
    ordered = [text for _, text in sorted(alternatives, key=lambda a: a[0])]
    return "^(" + "|".join(ordered) + ")$"


def _enum_values(body: Any) -> list[str]:
    if not isinstance(body, Mapping) or "enum" not in body:
        return []
    enum = body["enum"]
    return [str(v) for v in enum]  # a list of values, or a mapping of value to description


def parse_rate(text: str) -> ir.Rate:
    match = _RATE.match(text)
    if not match:
        raise ValueError(text)
    count, period, unit = match.groups()
    return ir.Rate(int(count), int(period or 1) * _RATE_UNITS[unit], text)


class Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data
        self.errors: list[CatalogError] = []
        self.default_open: bool = self.data.get("defaults", {}).get("additionalProperties", False)
        # The default error contract's types the catalog leaves out: referable by name like its own.
        self.builtin: dict[str, Any] = builtin_types(self.data)
        self.type_names: set[str] = set(self.data.get("types", {})) | set(self.builtin)
        self.conventions = ConventionChecker(
            self.data, lambda path, key: self.doc.pos(path, key=key), self.resolve, self.builtin
        )
        self.no_auth = self.conventions.auth_scheme() == "none"

    # -- errors ---------------------------------------------------------------------------------------------------

    def error(self, path: Path, message: str, hint: str | None = None, *, key: bool = False) -> None:
        self.errors.append(CatalogError(self.doc.pos(path, key=key), message, hint))

    def event_hint(self, name: str, catalog: ir.Catalog) -> str | None:
        """For an unknown event name: the event it is the identifier of (`bid_placed` for `bid:placed`), else the
        closest name."""
        ident = names.identifier(name)
        same = [e.name for e in catalog.events.values() if e.ident == ident]
        if same:
            return f"did you mean '{same[0]}'? events are named as on the wire"
        return self.did_you_mean(name, catalog.events)

    def did_you_mean(self, name: str, options: Iterable[str]) -> str | None:
        near = difflib.get_close_matches(name, list(options), n=1)
        return f"did you mean '{near[0]}'?" if near else None

    # -- whole catalog ------------------------------------------------------------------------------------------

    def build(self) -> ir.Catalog:
        d = self.data
        defaults = d.get("defaults", {})
        default_limits = self.limits(defaults.get("limits", {}), ("defaults", "limits"), None)
        types = {
            name: ir.SharedType(
                name, self.type_expr(body, ("types", name), name), self.doc.pos(("types", name), key=True)
            )
            for name, body in [*d.get("types", {}).items(), *self.builtin.items()]
        }
        self.check_alias_cycles(types)
        self.types = types
        rooms = {name: self.room(name, body) for name, body in d.get("rooms", {}).items()}
        self.rooms = rooms
        channels = {name: self.channel(name, body) for name, body in d.get("channels", {}).items()}
        auth_data = d.get("auth") or {}
        auth_options = self.conventions.auth_options()
        join = None
        if "join" in auth_data and not self.no_auth:
            join = self.room_target(auth_data["join"], ("auth", "join"), context="auth", payload=None)
        auth = ir.Auth(
            description=auth_data.get("description"),
            query_param=auth_data.get("query_param", "token"),
            auth_field=auth_data.get("auth_field", "token"),
            user_claim=auth_data.get("user_claim", "userId"),
            join=join,
            **auth_options,
        )
        lifecycle = tuple(self.lifecycle_event(name, body) for name, body in d.get("lifecycle", {}).items())
        events: dict[str, ir.Event] = {}
        domains: list[ir.Domain] = []
        first_domain: dict[str, str] = {}
        idents: dict[str, str] = {}
        for domain_name, domain in d["domains"].items():
            domain_events: list[str] = []
            for event_name, body in domain["events"].items():
                path: Path = ("domains", domain_name, "events", event_name)
                if event_name in first_domain:
                    self.error(
                        path,
                        f"duplicate event name '{event_name}'",
                        f"already defined in domain '{first_domain[event_name]}'",
                        key=True,
                    )
                    continue
                first_domain[event_name] = domain_name
                self.check_identifier(event_name, path, idents)
                event = self.event(event_name, domain_name, body, path, default_limits)
                if event is not None:
                    events[event_name] = event
                    domain_events.append(event_name)
            domains.append(
                ir.Domain(
                    domain_name,
                    domain["title"],
                    domain.get("description"),
                    tuple(domain_events),
                    self.doc.pos(("domains", domain_name), key=True),
                    tuple(
                        ir.Flow(flow["title"], tuple(flow["steps"]), flow.get("description"))
                        for flow in domain.get("flows", ())
                    ),
                )
            )
        conventions = self.conventions.conventions(types, events)
        self.errors.extend(self.conventions.errors)
        catalog = ir.Catalog(
            name=d["catalog"],
            version=d["version"],
            title=d["title"],
            description=d.get("description"),
            namespace=d.get("namespace", "/"),
            servers=tuple(ir.Server(n, s["url"], s.get("description")) for n, s in d.get("servers", {}).items()),
            auth=auth,
            additional_properties=self.default_open,
            default_limits=default_limits,
            types=types,
            rooms=rooms,
            channels=channels,
            lifecycle=lifecycle,
            domains=tuple(domains),
            events=events,
            extensions=_extensions(d),
            strict_clients=bool(d.get("compatibility", {}).get("strict_clients", False)),
            recovery_window=d["recovery"]["window_seconds"] if "recovery" in d else None,
            changelog_since=d["changelog"]["since"] if "changelog" in d else None,
            naming=self.naming(d.get("lint", {}).get("naming", {})),
            conventions=conventions,
            positions={key: self.doc.pos((key,), key=True) for key in d},
        )
        self.check_flows(catalog)
        self.check_events(catalog)
        self.check_lifecycle(catalog)
        self.check_named_types(catalog)
        return catalog

    # -- types --------------------------------------------------------------------------------------------------

    def naming(self, body: Mapping[str, Any]) -> ir.Naming:
        return ir.Naming(body.get("style", "snake_case"), tuple(body.get("verbs", ())))

    def check_identifier(self, name: str, path: Path, seen: dict[str, str]) -> None:
        """Two events may not derive one Python identifier (`bid:placed` and `bidPlaced` are both bid_placed):
        their methods and models would collide. Reported at the second one."""
        ident = names.identifier(name)
        if ident in GENERATED_IDENTIFIERS:
            self.error(
                path,
                f"'{name}' clashes in generated code with {GENERATED_IDENTIFIERS[ident]}",
                "rename the event",
                key=True,
            )
        elif ident in seen:
            self.error(
                path,
                f"events '{seen[ident]}' and '{name}' both become '{ident}' in generated code",
                "rename one of them: event names must differ by more than their style",
                key=True,
            )
        seen.setdefault(ident, name)

    def meta(self, body: Mapping[str, Any], path: Path) -> ir.Meta:
        deprecated = self.deprecation(body.get("deprecated"))
        examples = body.get("examples", ())
        return ir.Meta(
            description=body.get("description"),
            title=body.get("title"),
            unit=body.get("unit"),
            nullable=bool(body.get("nullable", False)),
            default=body.get("default"),
            has_default="default" in body,
            examples=tuple(examples),
            deprecated=deprecated,
            extensions=ir.frozen(_extensions(body)),
        )

    def deprecation(self, value: Any) -> ir.Deprecation | None:
        if not value:
            return None
        if value is True:
            return ir.Deprecation()
        return ir.Deprecation(value.get("since"), value.get("reason"), value.get("replacement"))

    def type_expr(self, body: Any, path: Path, name_hint: str) -> ir.TypeExpr:
        """One type expression; name_hint names an inline object or enum that declares no name of its own."""
        if isinstance(body, str):
            return self.compact(body, path, ir.NO_META, {}, name_hint)
        meta = self.meta(body, path)
        name = body.get("name")
        if "fields" in body:
            return self.object(
                body["fields"],
                path + ("fields",),
                name or name_hint,
                body.get("additionalProperties", self.default_open),
                meta,
            )
        self.reject_keys(
            body, path, _STRING_KEYS + _NUMBER_KEYS + _ARRAY_KEYS, "only `type:` and `items:` take constraints"
        )
        if "enum" in body:
            values = body["enum"]
            if isinstance(values, dict):
                items = tuple(ir.EnumValue(_enum_key(k), v) for k, v in values.items())
            else:
                items = tuple(ir.EnumValue(v) for v in values)
            return ir.Enum(items, name, meta)
        if "const" in body:
            return ir.Const(body["const"], meta)
        if "union" in body:
            branches = tuple(
                self.type_expr(b, path + ("union", i), f"{name_hint}Option{i + 1}") for i, b in enumerate(body["union"])
            )
            return ir.Union(branches, body.get("discriminator"), meta, name)
        if "schema" in body:
            return ir.Raw(ir.frozen(body["schema"]), meta)
        if "items" in body:
            items_expr = self.type_expr(body["items"], path + ("items",), name_hint + "Item")
            return ir.Array(items_expr, ir.frozen(_pick(body, _ARRAY_KEYS)), meta)
        return self.compact(body["type"], path + ("type",), meta, body, name_hint)

    def reject_keys(self, body: Mapping[str, Any], path: Path, keys: Iterable[str], hint: str) -> None:
        if "type" in body or "items" in body:
            return
        for key in keys:
            if key in body:
                self.error(path + (key,), f"'{key}' does not apply here", hint, key=True)

    def compact(self, text: str, path: Path, meta: ir.Meta, body: Mapping[str, Any], name_hint: str) -> ir.TypeExpr:
        base, depth = text, 0
        while base.endswith("[]"):
            base, depth = base[:-2], depth + 1
        constraints = dict(_pick(body, _STRING_KEYS + _NUMBER_KEYS + _ARRAY_KEYS))
        array_constraints = _pick(constraints, _ARRAY_KEYS)
        for key in array_constraints:
            constraints.pop(key)
        if array_constraints and not depth:
            self.error(
                path[:-1] + (next(iter(array_constraints)),),
                f"{', '.join(array_constraints)} applies to arrays, and '{text}' is not one",
                "write the type as Name[]",
                key=True,
            )
        element: ir.TypeExpr
        element_meta = meta if not depth else ir.NO_META
        if base == CHANNEL_TYPE:
            if constraints:
                self.error(
                    path[:-1] + (next(iter(constraints)),),
                    f"'{CHANNEL_TYPE}' takes no constraints: its pattern is made from the catalog's channels",
                    "remove them; add or rename a channel under channels: instead",
                    key=True,
                )
            element_meta = replace(element_meta, extensions={**element_meta.extensions, CHANNEL_MARK: True})
            element = ir.Scalar("string", None, ir.frozen({"pattern": channel_pattern(self.data)}), element_meta)
        elif base in BUILTIN_SCALARS:
            kind, fmt = BUILTIN_SCALARS[base]
            fmt = constraints.pop("format", fmt)
            self.check_constraints(kind, constraints, path)
            element = ir.Scalar(kind, fmt, ir.frozen(constraints), element_meta)
        elif base in self.type_names:
            if constraints:
                self.error(
                    path[:-1] + (next(iter(constraints)),),
                    f"constraints ({', '.join(constraints)}) cannot be added to the shared type '{base}'",
                    "put them in the shared type, or use a built-in type here",
                    key=True,
                )
            element = ir.Ref(base, element_meta)
        else:
            options = [*BUILTIN_SCALARS, CHANNEL_TYPE, *sorted(self.type_names)]
            self.error(
                path,
                f"unknown type '{base}'",
                self.did_you_mean(base, options)
                or "define it under types:, or use a built-in type: " + ", ".join(BUILTIN_SCALARS),
            )
            element = ir.Scalar("any", None, ir.EMPTY, element_meta)
        for level in range(depth):
            outer = level == depth - 1
            element = ir.Array(
                element, ir.frozen(array_constraints) if outer else ir.EMPTY, meta if outer else ir.NO_META
            )
        return element

    def check_constraints(self, kind: str, constraints: Mapping[str, Any], path: Path) -> None:
        """path is the `type:` value; each problem is reported at its own key beside it."""
        for key, value in constraints.items():
            at = path[:-1] + (key,)
            if key in _STRING_KEYS and kind != "string":
                self.error(at, f"'{key}' applies to strings, not {kind}", "remove it, or change the type", key=True)
            elif key in _NUMBER_KEYS and kind not in ("number", "integer"):
                self.error(at, f"'{key}' applies to numbers, not {kind}", "remove it, or change the type", key=True)
            elif key == "pattern":
                try:
                    re.compile(value)
                except re.error as exc:
                    self.error(at, f"invalid regular expression: {exc}")

    def object(self, fields: Mapping[str, Any], path: Path, name: str, open_: bool, meta: ir.Meta) -> ir.Object:
        built: list[ir.Field] = []
        for key, body in fields.items():
            optional = key.endswith("?")
            field_name = key[:-1] if optional else key
            field_path = path + (key,)
            expr = self.type_expr(
                body,
                field_path,
                name + pascal(field_name)
                if not name.endswith("Payload")
                else name[: -len("Payload")] + pascal(field_name),
            )
            caller = isinstance(body, dict) and bool(body.get("caller"))
            if caller and self.no_auth:
                self.error(
                    field_path + ("caller",),
                    f"{NO_AUTH}: field '{field_name}' cannot be checked against the user",
                    f"remove caller: true, or {NO_AUTH_HINT}",
                    key=True,
                )
            built.append(ir.Field(field_name, expr, not optional, caller, self.doc.pos(field_path, key=True)))
        seen: set[str] = set()
        for f in built:
            if f.name in seen:
                self.error(path + (f.name + "?",), f"field '{f.name}' is declared twice (once optional)", key=True)
            seen.add(f.name)
        return ir.Object(name, tuple(built), open_, meta)

    def check_alias_cycles(self, types: Mapping[str, ir.SharedType]) -> None:
        for name, shared in types.items():
            seen = [name]
            expr = shared.type
            while isinstance(expr, ir.Ref) and expr.name in types:
                if expr.name in seen:
                    self.error(
                        ("types", name),
                        f"type '{name}' is defined only in terms of itself: {' -> '.join(seen + [expr.name])}",
                        key=True,
                    )
                    break
                seen.append(expr.name)
                expr = types[expr.name].type

    # -- rooms and channels -------------------------------------------------------------------------------------

    def params(
        self, declared: Mapping[str, Any], in_name: list[str], path: Path, owner: str
    ) -> tuple[ir.RoomParam, ...]:
        for name in declared:
            if name not in in_name:
                self.error(
                    path + ("params", name),
                    f"parameter '{name}' does not appear in {owner}",
                    f"write {{{name}}} in it, or remove the parameter",
                    key=True,
                )
        params = []
        for name in in_name:
            expr = (
                self.type_expr(declared[name], path + ("params", name), pascal(name))
                if name in declared
                else ir.Scalar("string")
            )
            self.check_param_type(expr, path + ("params", name))
            params.append(ir.RoomParam(name, expr))
        return tuple(params)

    def check_param_type(self, expr: ir.TypeExpr, path: Path) -> None:
        resolved = self.resolve(expr)
        fits = isinstance(resolved, ir.Enum | ir.Const) or (
            isinstance(resolved, ir.Scalar) and resolved.kind in ("string", "integer")
        )
        if not fits and not isinstance(resolved, ir.Ref):  # an unresolved Ref is an alias cycle, reported already
            self.error(path, "a room parameter must be a string, integer or enum", "room names are text")

    def room(self, name: str, body: Mapping[str, Any]) -> ir.Room:
        path: Path = ("rooms", name)
        in_pattern = _PARAM.findall(body["pattern"])
        if len(set(in_pattern)) != len(in_pattern):
            self.error(path + ("pattern",), "a parameter appears twice in the room pattern")
        if body["access"] == "self" and self.no_auth:
            self.error(
                path + ("access",),
                f"{NO_AUTH}: a room with access: self is entered by its user only, and no connection has one",
                f"use access: public, member or server, or {NO_AUTH_HINT}",
            )
        return ir.Room(
            name=name,
            pattern=body["pattern"],
            params=self.params(body.get("params", {}), in_pattern, path, f"the pattern '{body['pattern']}'"),
            visibility=body.get("visibility", "private"),
            access=body["access"],
            roles=tuple(body.get("roles", ())),
            summary=body.get("summary"),
            description=body.get("description"),
            extensions=ir.frozen(_extensions(body)),
            lint_waivers=self.waivers(body, path),
            pos=self.doc.pos(path, key=True),
        )

    def channel(self, name: str, body: Mapping[str, Any]) -> ir.Channel:
        path: Path = ("channels", name)
        params = self.params(body.get("params", {}), _PARAM.findall(name), path, f"the channel name '{name}'")
        channel = ir.Channel(
            name,
            params,
            (),
            body.get("summary"),
            body.get("description"),
            self.deprecation(body.get("deprecated")),
            ir.frozen(_extensions(body)),
            self.doc.pos(path, key=True),
        )
        rooms = tuple(
            self.room_target(t, path + ("rooms", i), context="channel", payload=None, channel=channel)
            for i, t in enumerate(body["rooms"])
        )
        return ir.Channel(
            name,
            params,
            rooms,
            channel.summary,
            channel.description,
            channel.deprecated,
            channel.extensions,
            channel.pos,
        )

    def room_target(
        self, body: Any, path: Path, *, context: str, payload: ir.TypeExpr | None, channel: ir.Channel | None = None
    ) -> ir.RoomTarget:
        """A room reference with each parameter bound; context says which binding sources make sense."""
        room_name = body if isinstance(body, str) else body["room"]
        given: Mapping[str, str] = {} if isinstance(body, str) else body.get("bind", {})
        room_path = path if isinstance(body, str) else path + ("room",)
        room = self.rooms.get(room_name)
        if room is None:
            self.error(
                room_path,
                f"unknown room '{room_name}'",
                self.did_you_mean(room_name, self.rooms) or "define it under rooms:",
            )
            return ir.RoomTarget(room_name, ())
        param_names = [p.name for p in room.params]
        for given_param in given:
            if given_param not in param_names:
                self.error(
                    path + ("bind", given_param),
                    f"room '{room_name}' has no parameter '{given_param}'",
                    f"its pattern is {room.pattern}",
                    key=True,
                )
        bindings = []
        for param in room.params:
            text = given.get(param.name, param.name)
            where = path + ("bind", param.name) if param.name in given else path
            binding = self.binding(
                param.name, text, where, context=context, payload=payload, channel=channel, room=room
            )
            if binding is not None:
                bindings.append(binding)
        return ir.RoomTarget(room_name, tuple(bindings))

    def binding(
        self,
        param: str,
        text: str,
        path: Path,
        *,
        context: str,
        payload: ir.TypeExpr | None,
        channel: ir.Channel | None,
        room: ir.Room,
    ) -> ir.Binding | None:
        allowed = {
            "delivery": {"field", "arg"},
            "channel": {"user", "lookup", "channel"},
            "enters": {"field", "user", "lookup"},
            "auth": {"user"},
        }[context]
        explain = {
            "delivery": "a payload field, or $arg (given by the publisher)",
            "channel": "$user, $lookup or $channel.NAME",
            "enters": "a payload field, $user or $lookup",
            "auth": "$user",
        }[context]
        extra: tuple[str, ...]
        if text.startswith("$channel."):
            source, extra = "channel", (text.split(".", 1)[1],)
        elif text.startswith("$"):
            source, extra = text[1:], ()
        else:
            source, extra = "field", tuple(text.split("."))
        if source not in allowed:
            if path and path[-2:-1] == ("bind",):
                message = f"room parameter '{param}' of '{room.name}' cannot come from {text} here"
            else:  # a bare room name binds each parameter to the payload field of the same name
                message = f"room '{room.name}' needs its parameter '{param}' bound here"
            hint = f"write {{room: {room.name}, bind: {{{param}: ...}}}} with {explain}"
            self.error(path, message, hint)
            return None
        if source == "user" and self.no_auth:
            self.error(path, f"{NO_AUTH}: room parameter '{param}' cannot be bound to $user", NO_AUTH_HINT)
            return None
        if source == "channel" and channel is not None and extra[0] not in [p.name for p in channel.params]:
            self.error(
                path,
                f"channel '{channel.name}' has no parameter '{extra[0]}'",
                "parameters are the {names} in the channel name",
            )
            return None
        if source == "field":
            if payload is None:
                self.error(
                    path, f"room parameter '{param}' is bound to '{text}', but there is no payload to read it from"
                )
                return None
            problem = self.field_problem(payload, extra)
            if problem:
                hint = "bind it explicitly: {room: " + room.name + ", bind: {" + param + ": FIELD}}, or use $arg"
                self.error(
                    path,
                    f"room '{room.name}' parameter '{param}' is bound to payload field '{text}', which {problem}",
                    hint,
                )
                return None
        return ir.Binding(param, source, extra)  # type: ignore[arg-type]

    def field_problem(self, payload: ir.TypeExpr, segments: tuple[str, ...]) -> str | None:
        """Why a field path cannot fill a room parameter, or None when it can."""
        expr: ir.TypeExpr = payload
        for i, segment in enumerate(segments):
            expr = self.resolve(expr)
            if not isinstance(expr, ir.Object):
                return f"cannot be read: '{'.'.join(segments[:i])}' is not an object"
            f = expr.field(segment)
            if f is None:
                return "does not exist"
            if not f.required:
                return "is optional, and a room must always be known"
            expr = f.type
        expr = self.resolve(expr)
        if (isinstance(expr, ir.Scalar) and expr.kind in ("string", "integer")) or isinstance(expr, ir.Enum | ir.Const):
            return None
        return "is not a string, integer or enum"

    def check_flows(self, catalog: ir.Catalog) -> None:
        for domain in catalog.domains:
            for i, flow in enumerate(domain.flows):
                for j, step in enumerate(flow.steps):
                    if step not in catalog.events:
                        self.error(
                            ("domains", domain.name, "flows", i, "steps", j),
                            f"flow '{flow.title}': unknown event '{step}'",
                            self.event_hint(step, catalog) or "steps are event names of the catalog",
                        )

    def resolve(self, expr: ir.TypeExpr) -> ir.TypeExpr:
        seen: set[str] = set()
        while isinstance(expr, ir.Ref) and expr.name in self.types and expr.name not in seen:
            seen.add(expr.name)
            expr = self.types[expr.name].type
        return expr

    # -- events -------------------------------------------------------------------------------------------------

    def limits(self, body: Mapping[str, Any], path: Path, fallback: ir.Limits | None) -> ir.Limits:
        size = body.get("max_payload_bytes", fallback.max_payload_bytes if fallback else 10240)
        rate = fallback.rate if fallback else None
        if "rate" in body:
            try:
                rate = parse_rate(body["rate"])
            except ValueError:
                self.error(
                    path + ("rate",), f"invalid rate '{body['rate']}'", "write COUNT/PERIOD, e.g. 10/s, 30/min, 5/10s"
                )
        return ir.Limits(size, rate)

    def event(
        self, name: str, domain: str, body: Mapping[str, Any], path: Path, default_limits: ir.Limits
    ) -> ir.Event | None:
        self.check_reserved(name, path)
        direction = body["direction"]
        base = names.pascal_identifier(name)
        payload = self.type_expr(body["payload"], path + ("payload",), base + "Payload")
        resolved = self.resolve(payload)
        if not isinstance(resolved, ir.Object | ir.Union | ir.Raw):
            self.error(
                path + ("payload",), "a payload must be an object", "wrap the value in a field: {fields: {value: ...}}"
            )
        payload_name = _own_name(payload) or base + "Payload"
        ack = ack_name = None
        if "ack" in body:
            ack = self.type_expr(body["ack"], path + ("ack",), base + "Ack")
            ack_name = _own_name(ack) or base + "Ack"
        elif "ack_examples" in body:
            self.error(
                path + ("ack_examples",), "ack_examples without an ack", "declare the ack payload with ack:", key=True
            )
        delivery = None
        server_to_client = direction == "server_to_client"
        if "delivery" in body:
            if not server_to_client:
                self.error(
                    path + ("delivery",),
                    "a client-to-server event has no delivery: the server receives it",
                    "remove delivery:, or make the event server_to_client",
                    key=True,
                )
            else:
                delivery = self.delivery(body["delivery"], path + ("delivery",), payload)
        elif server_to_client:
            self.error(
                path,
                f"server-to-client event '{name}' says nothing about who receives it",
                "add delivery: sender, broadcast, or {rooms: [...]}",
                key=True,
            )
        for key in ("enters", "leaves", "triggers"):
            if key in body and server_to_client:
                self.error(path + (key,), f"'{key}' applies to client-to-server events only", key=True)
        enters = tuple(
            self.room_target(t, path + ("enters", i), context="enters", payload=payload)
            for i, t in enumerate(body.get("enters", ()))
        )
        leaves = tuple(
            self.room_target(t, path + ("leaves", i), context="enters", payload=payload)
            for i, t in enumerate(body.get("leaves", ()))
        )
        return ir.Event(
            name=name,
            domain=domain,
            direction=direction,
            summary=body["summary"],
            payload=payload,
            payload_name=payload_name,
            examples=tuple(body["examples"]),
            limits=self.limits(body.get("limits", {}), path + ("limits",), default_limits),
            description=body.get("description"),
            delivery=delivery,
            ack=ack,
            ack_name=ack_name,
            ack_examples=tuple(body.get("ack_examples", ())),
            enters=enters,
            leaves=leaves,
            triggers=tuple(body.get("triggers", ())),
            volatile=bool(body.get("volatile", False)),
            deprecated=self.deprecation(body.get("deprecated")),
            tags=tuple(body.get("tags", ())),
            extensions=ir.frozen(_extensions(body)),
            lint_waivers=self.waivers(body, path),
            pos=self.doc.pos(path, key=True),
        )

    def check_reserved(self, name: str, path: Path) -> None:
        """Socket.IO's own names, in any style: `connectError` or `connect:error` is not Socket.IO's `connect_error`
        on the wire, but it would be `connect_error` in generated code and in every reader's mind."""
        ident = names.identifier(name)
        reserved = next((r for r in sorted(RESERVED_EVENT_NAMES) if names.identifier(r) == ident), None)
        manager = next((r for r in sorted(CLIENT_MANAGER_EVENTS) if names.identifier(r) == ident), None)
        if reserved is not None:
            said = f"'{name}'" if name == reserved else f"'{name}' (Socket.IO's '{reserved}' in another style)"
            self.error(
                path,
                f"{said} is reserved by Socket.IO and cannot be an event",
                "document it under lifecycle: instead",
                key=True,
            )
        elif manager is not None:
            said = f"'{name}'" if name == manager else f"'{name}' (the Manager's '{manager}' in another style)"
            self.error(
                path,
                f"{said} is raised by socket.io-client's Manager; an event of that name would be confused with it",
                "document it under lifecycle:, or rename the event",
                key=True,
            )

    def waivers(self, body: Mapping[str, Any], path: Path) -> tuple[ir.Waiver, ...]:
        """`lint: {waive: {rule: reason}}`; which rule ids exist is lint's business, not the loader's."""
        waive = body.get("lint", {}).get("waive", {})
        return tuple(
            ir.Waiver(rule, reason, self.doc.pos(path + ("lint", "waive", rule), key=True))
            for rule, reason in waive.items()
        )

    def delivery(self, body: Any, path: Path, payload: ir.TypeExpr) -> ir.Delivery:
        if isinstance(body, str):
            return ir.Delivery(body)  # type: ignore[arg-type]
        targets = tuple(
            self.room_target(t, path + ("rooms", i), context="delivery", payload=payload)
            for i, t in enumerate(body["rooms"])
        )
        return ir.Delivery("rooms", targets)

    def check_events(self, catalog: ir.Catalog) -> None:
        from .examples import check_examples  # late: examples need the finished catalog's schemas

        for event in catalog.events.values():
            path: Path = ("domains", event.domain, "events", event.name)
            for i, trigger in enumerate(event.triggers):
                target = catalog.events.get(trigger)
                if target is None:
                    self.error(path + ("triggers", i), f"unknown event '{trigger}'", self.event_hint(trigger, catalog))
                elif not target.server_to_client:
                    self.error(
                        path + ("triggers", i),
                        f"'{trigger}' is client-to-server; an event can only trigger server-to-client events",
                    )
            self.errors.extend(check_examples(catalog, event, path, self.doc))

    def check_lifecycle(self, catalog: ir.Catalog) -> None:
        idents = {e.ident: e.name for e in catalog.events.values()}
        for event in catalog.lifecycle:
            clash = idents.get(names.identifier(event.name))
            if clash == event.name:
                self.error(
                    ("lifecycle", event.name), f"'{event.name}' is both a lifecycle event and a catalog event", key=True
                )
            elif clash is not None:
                self.error(
                    ("lifecycle", event.name),
                    f"lifecycle event '{event.name}' and catalog event '{clash}' differ only in style",
                    "rename the catalog event",
                    key=True,
                )

    def check_named_types(self, catalog: ir.Catalog) -> None:
        """Two different types may not share a generated name (that is how codegen ends up with Status1, Status2)."""
        seen: dict[str, tuple[ir.TypeExpr, str]] = {}
        for name, expr, where in named_types(catalog):
            if name in seen and seen[name][0] != expr and name in self.builtin:
                self.error(
                    where_path(where),
                    f"'{name}' is the name of a type eventcat adds for the error contract, since the catalog "
                    "declares none",
                    f"give this type another name, or declare {name} under types:",
                    key=True,
                )
            elif name in seen and seen[name][0] != expr:
                other = self.doc.pos(where_path(seen[name][1]), key=True)
                self.error(
                    where_path(where),
                    f"two different types are named '{name}'",
                    f"the other is at line {other.line}, column {other.col}; give one of them another name:",
                    key=True,
                )
            seen.setdefault(name, (expr, where))

    def lifecycle_event(self, name: str, body: Mapping[str, Any]) -> ir.LifecycleEvent:
        arguments = tuple(
            ir.LifecycleArgument(a["name"], a["type"], a.get("description")) for a in body.get("arguments", ())
        )
        return ir.LifecycleEvent(name, body["side"], body["summary"], body.get("description"), arguments)


def where_path(where: str) -> Path:
    return tuple(where.split("\x00"))


def named_types(catalog: ir.Catalog) -> Iterator[tuple[str, ir.TypeExpr, str]]:
    """Every named object and enum in the catalog, with a path (joined by NUL) to where it is written."""

    def walk(expr: ir.TypeExpr, where: tuple[str, ...]) -> Iterator[tuple[str, ir.TypeExpr, str]]:
        if isinstance(expr, ir.Object):
            yield expr.name, expr, "\x00".join(where)
            for f in expr.fields:
                yield from walk(f.type, where + ("fields", f.name if f.required else f.name + "?"))
        elif isinstance(expr, ir.Enum) and expr.name:
            yield expr.name, expr, "\x00".join(where)
        elif isinstance(expr, ir.Array):
            yield from walk(expr.items, where + ("items",))
        elif isinstance(expr, ir.Union):
            if expr.name:
                yield expr.name, expr, "\x00".join(where)
            for i, branch in enumerate(expr.branches):
                yield from walk(branch, where + ("union", str(i)))

    for shared in catalog.types.values():
        if not isinstance(shared.type, ir.Object | ir.Enum):
            yield shared.name, shared.type, "\x00".join(("types", shared.name))
        yield from walk(
            shared.type
            if not isinstance(shared.type, ir.Enum)
            else ir.Enum(shared.type.values, shared.name, shared.type.meta),
            ("types", shared.name),
        )
    for event in catalog.events.values():
        base = ("domains", event.domain, "events", event.name)
        yield from walk(event.payload, base + ("payload",))
        if event.ack is not None:
            yield from walk(event.ack, base + ("ack",))


def _own_name(expr: ir.TypeExpr) -> str | None:
    """The name a payload or ack type gives itself (a shared type, or `name:` beside fields, enum or union)."""
    if isinstance(expr, ir.Ref | ir.Object):
        return expr.name
    if isinstance(expr, ir.Enum | ir.Union):
        return expr.name
    return None


def _extensions(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if isinstance(k, str) and k.startswith("x-")}


def _pick(body: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {k: body[k] for k in keys if k in body}


def _enum_key(key: str) -> str | int:
    """Enum mapping keys arrive as text; keep integer values integers."""
    return int(key) if re.fullmatch(r"-?[0-9]+", key) else key
