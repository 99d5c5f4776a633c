"""generated/ts/: TypeScript typings for the frontend, usable with no build step.

`index.d.ts` holds an interface per payload and named type (names from the catalog, JSDoc from its descriptions),
the `ServerToClientEvents` / `ClientToServerEvents` maps for socket.io-client's `Socket<…>`, event-name unions per
direction and per domain, room-name template-literal types and the subscribe channels. `index.js` (plain ES
module, typed by the same `index.d.ts`) carries the event names and builders for room and channel names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .. import ir, samples
from ..builder import CHANNEL_MARK
from ..conventions import ack_refusal
from ..names import pascal
from .serialize import header_text
from .templating import environment

FOLDER = "ts"
_PARAM = re.compile(r"\{([A-Za-z][A-Za-z0-9]*)\}")
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_FORMAT_TEXT = {
    "date-time": "Date and time, ISO 8601 (RFC 3339) with a timezone.",
    "date": "Calendar date, ISO 8601 (YYYY-MM-DD).",
    "uri": "An absolute URI.",
    "email": "An email address.",
    "uuid": "A UUID in its hyphenated form.",
}
_CONSTRAINT_TAGS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
)


def package_name(catalog: ir.Catalog) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", catalog.name.lower()).strip("-") or "catalog"


def camel(name: str) -> str:
    """order_status_update -> orderStatusUpdate (room and channel builder names)."""
    head, *rest = re.split(r"[_\-\s]+", name)
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _key(name: str) -> str:
    return name if _IDENT.match(name) else json.dumps(name)


def _doc(lines: list[str], indent: str = "") -> str:
    lines = [line for line in lines if line is not None]
    if not lines:
        return ""
    text = "\n".join(lines).replace("*/", "*\\/")
    body = text.split("\n")
    if len(body) == 1:
        return f"{indent}/** {body[0]} */\n"
    return f"{indent}/**\n" + "".join(f"{indent} *{' ' + line if line else ''}\n" for line in body) + f"{indent} */\n"


class Types:
    """Type expressions of the IR as TypeScript, collecting the named declarations they need."""

    def __init__(self, catalog: ir.Catalog) -> None:
        self.catalog = catalog
        self.declarations: dict[str, str] = {}

    def declare_shared(self, shared: ir.SharedType) -> None:
        if shared.name in self.declarations:
            return
        expr = shared.type
        if isinstance(expr, ir.Object):
            self._interface(expr, name=shared.name)
        elif isinstance(expr, ir.Enum):
            self._alias(shared.name, self._enum_union(expr), _meta_doc(expr.meta, expr))
        else:
            self.declarations[shared.name] = ""  # placeholder: recursive aliases refer to themselves
            self._alias(shared.name, self.expr(expr, top=True), _meta_doc(_meta(expr), expr))

    def named(self, expr: ir.TypeExpr, name: str) -> str:
        """The name of a payload or ack type: its own when it has one, else a new alias called name."""
        if isinstance(expr, ir.Ref):
            return expr.name
        if isinstance(expr, ir.Object):
            self._interface(expr)
            return expr.name
        if isinstance(expr, ir.Enum | ir.Union) and expr.name:
            return self.expr(expr)  # declared under its own name
        if name not in self.declarations:
            self._alias(name, self.expr(expr, top=True), _meta_doc(_meta(expr), expr))
        return name

    def expr(self, expr: ir.TypeExpr, top: bool = False) -> str:
        text = self._bare(expr)
        meta = _meta(expr)
        if meta.nullable:
            text = f"{text} | null"
        return text

    def _bare(self, expr: ir.TypeExpr) -> str:
        if isinstance(expr, ir.Scalar) and CHANNEL_MARK in expr.meta.extensions:
            return "SubscribeChannel"
        if isinstance(expr, ir.Scalar):
            return {"string": "string", "number": "number", "integer": "number", "boolean": "boolean"}.get(
                expr.kind, "unknown"
            )
        if isinstance(expr, ir.Enum):
            if expr.name:
                if expr.name not in self.declarations:
                    self._alias(expr.name, self._enum_union(expr), _meta_doc(expr.meta, expr))
                return expr.name
            return self._enum_union(expr)
        if isinstance(expr, ir.Const):
            return json.dumps(expr.value)
        if isinstance(expr, ir.Object):
            self._interface(expr)
            return expr.name
        if isinstance(expr, ir.Array):
            item = self.expr(expr.items)
            return f"({item})[]" if " " in item else f"{item}[]"
        if isinstance(expr, ir.Ref):
            self.declare_shared(self.catalog.types[expr.name])
            return expr.name
        if isinstance(expr, ir.Union):
            text = " | ".join(self.expr(b) for b in expr.branches)
            if expr.name:
                if expr.name not in self.declarations:
                    self._alias(expr.name, text, _meta_doc(expr.meta, expr))
                return expr.name
            return text
        return "unknown"  # raw JSON Schema: described in the JSDoc, checked by the server

    def _enum_union(self, enum: ir.Enum) -> str:
        return " | ".join(json.dumps(v.value) for v in enum.values)

    def _alias(self, name: str, text: str, doc: list[str]) -> None:
        self.declarations[name] = _doc(doc) + f"export type {name} = {text};\n"

    def _interface(self, obj: ir.Object, name: str | None = None) -> None:
        name = name or obj.name
        if name in self.declarations:
            return
        self.declarations[name] = ""
        lines = []
        for f in obj.fields:
            doc = _meta_doc(_meta(f.type), f.type, self.catalog)
            if f.caller:
                doc.append("Must be the authenticated user's id.")
            optional = "" if f.required else "?"
            lines.append(_doc(doc, "  ") + f"  {_key(f.name)}{optional}: {self.expr(f.type)};\n")
        if obj.additional_properties:
            lines.append("  /** Keys the catalog does not name are allowed. */\n  [key: string]: unknown;\n")
        body = "".join(lines)
        self.declarations[name] = _doc(_meta_doc(obj.meta, obj)) + f"export interface {name} {{\n{body}}}\n"


def _meta(expr: ir.TypeExpr) -> ir.Meta:
    return expr.meta


def _meta_doc(meta: ir.Meta, expr: ir.TypeExpr, catalog: ir.Catalog | None = None) -> list[str]:
    lines: list[str] = []
    if meta.description:
        lines.append(meta.description.strip())
    if meta.unit:
        lines.append(f"Unit: {meta.unit}.")
    if isinstance(expr, ir.Scalar):
        if expr.format:
            lines.append(_FORMAT_TEXT.get(expr.format, f"Format: {expr.format}."))
        if expr.kind == "integer":
            lines.append("An integer.")
        for key in _CONSTRAINT_TAGS:
            if key in expr.constraints:
                lines.append(f"@{key} {expr.constraints[key]}")
    if isinstance(expr, ir.Array):
        for key in _CONSTRAINT_TAGS:
            if key in expr.constraints:
                lines.append(f"@{key} {expr.constraints[key]}")
    if isinstance(expr, ir.Enum):
        described = [f"- `{json.dumps(v.value)}`: {v.description}" for v in expr.values if v.description]
        lines.extend(described)
    if isinstance(expr, ir.Raw):
        lines.append("JSON Schema: `" + json.dumps(dict(expr.schema), sort_keys=True) + "`")
    if meta.has_default:
        lines.append(f"@default {json.dumps(meta.default)}")
    if meta.deprecated:
        lines.append("@deprecated " + _deprecation_text(meta.deprecated))
    return lines


def _deprecation_text(d: ir.Deprecation) -> str:
    parts = [d.reason or "Deprecated."]
    if d.since:
        parts.append(f"Since {d.since}.")
    if d.replacement:
        parts.append(f"Use `{d.replacement}` instead.")
    return " ".join(parts)


# -- rooms and channels ----------------------------------------------------------------------------------------


def _template(pattern: str, param_types: dict[str, str]) -> str:
    """order:{orderId} -> `order:${string}`."""
    escaped = pattern.replace("`", "\\`")
    return "`" + _PARAM.sub(lambda m: "${" + param_types.get(m.group(1), "string") + "}", escaped) + "`"


def _param_type(types: Types, expr: ir.TypeExpr) -> str:
    text = types.expr(expr)
    return "string" if text in ("string", "number", "unknown") else text


def _room_views(catalog: ir.Catalog, types: Types) -> list[dict[str, Any]]:
    views = []
    for room in catalog.rooms.values():
        params = {p.name: _param_type(types, p.type) for p in room.params}
        type_name = pascal(room.name) + "Room"
        args = ", ".join(f"{p}: {t}" for p, t in params.items())
        body = "`" + _PARAM.sub(lambda m: "${" + m.group(1) + "}", room.pattern) + "`"
        views.append(
            {
                "name": room.name,
                "key": _key(camel(room.name)),
                "type": type_name,
                "template": _template(room.pattern, params),
                "doc": _doc([room.summary or f"The `{room.pattern}` room.", f"Pattern: `{room.pattern}`."], "  "),
                "args": args,
                "params": list(params),
                "js": f"({', '.join(params)}) => {body}" if params else json.dumps(room.pattern),
                "signature": f"({args}) => {type_name}" if params else type_name,
            }
        )
    return views


def _channel_keys(catalog: ir.Catalog) -> dict[str, str]:
    """Builder names: `order_{orderId}` is `order`; when two channels would share one (`offers` and
    `offers_{category}`), the one with parameters becomes `offersByCategory`."""
    base = {name: camel(_PARAM.sub("", name).strip("_")) or "channel" for name in catalog.channels}
    taken = list(base.values())
    keys = {}
    for name, key in base.items():
        params = _PARAM.findall(name)
        if taken.count(key) > 1 and params:
            key += "By" + "And".join(p[:1].upper() + p[1:] for p in params)
        keys[name] = key
    return keys


def _channel_views(catalog: ir.Catalog, types: Types) -> list[dict[str, Any]]:
    views = []
    keys = _channel_keys(catalog)
    for channel in catalog.channels.values():
        declared = {p.name: _param_type(types, p.type) for p in channel.params}
        names = _PARAM.findall(channel.name)
        params = {n: declared.get(n, "string") for n in names}
        key = keys[channel.name]
        body = "`" + _PARAM.sub(lambda m: "${" + m.group(1) + "}", channel.name) + "`"
        args = ", ".join(f"{p}: {t}" for p, t in params.items())
        views.append(
            {
                "name": channel.name,
                "key": _key(key),
                "template": _template(channel.name, params),
                "doc": _doc([channel.summary or f"The `{channel.name}` channel."], "  "),
                "js": f"({', '.join(params)}) => {body}" if params else json.dumps(channel.name),
                "signature": f"({args}) => SubscribeChannel" if params else json.dumps(channel.name),
            }
        )
    return views


def _builder_example(call: str, params: dict[str, str] | None, name: str) -> str | None:
    """`rooms.auction("auc_7f3")` is `"auction:auc_7f3"`, from the catalog's own sample values."""
    if params is None:
        return None
    args = ", ".join(json.dumps(v) for v in params.values())
    return f"`{call}({args})` is `{json.dumps(name)}`" if params else f"`{call}` is `{json.dumps(name)}`"


def _rooms_doc(catalog: ir.Catalog) -> str:
    """The JSDoc of `rooms`, with an example from this catalog (a room with parameters first), or none."""
    ordered = sorted(catalog.rooms.values(), key=lambda r: not r.params)
    for room in ordered:
        values = samples.room_values(catalog, room)
        if values is None:
            continue
        example = _builder_example("rooms" + _member(camel(room.name)), values, room.address(values))
        if example:
            return f"Builders of room names: {example}.".replace("*/", "*\\/")
    return "Builders of room names, one per room of the catalog."


def _channels_doc(catalog: ir.Catalog) -> str:
    keys = _channel_keys(catalog)
    ordered = sorted(catalog.channels.values(), key=lambda c: not c.params)
    for channel in ordered:
        values = samples.channel_values(catalog, channel)
        sample = samples.channel_sample(catalog, channel)
        example = _builder_example("channels" + _member(keys[channel.name]), values, sample or "")
        if example and sample:
            return f"Builders of subscribe channel names: {example}.".replace("*/", "*\\/")
    return "Builders of subscribe channel names, one per channel of the catalog."


def _member(key: str) -> str:
    """Property access in a JSDoc example: `.auction`, or `["two-words"]`."""
    return "." + key if _IDENT.match(key) else f"[{json.dumps(key)}]"


# -- events ----------------------------------------------------------------------------------------------------


def _delivery_doc(catalog: ir.Catalog, event: ir.Event) -> str | None:
    delivery = event.delivery
    if delivery is None:
        return None
    if delivery.kind == "sender":
        return "Delivered to the connection concerned only."
    if delivery.kind == "broadcast":
        return "Delivered to every connection."
    rooms = ", ".join(f"`{catalog.rooms[t.room].pattern}`" for t in delivery.rooms)
    return f"Delivered to {rooms}."


def _event_doc(catalog: ir.Catalog, event: ir.Event) -> list[str]:
    lines = [event.summary.strip()]
    if event.description:
        lines += ["", event.description.strip()]
    delivery = _delivery_doc(catalog, event)
    if delivery:
        lines += ["", delivery]
    if event.deprecated:
        lines.append("@deprecated " + _deprecation_text(event.deprecated))
    return lines


def _events(catalog: ir.Catalog, types: Types, direction: str) -> Iterator[dict[str, Any]]:
    for event in catalog.events.values():
        if event.direction != direction:
            continue
        payload = types.named(event.payload, event.payload_name)
        params = f"payload: {payload}"
        if event.ack is not None and event.ack_name:
            ack = types.named(event.ack, event.ack_name)
            refusal = ack_refusal(catalog, event)
            answer = f"{ack} | {refusal}" if refusal else ack
            params += f", ack: (response: {answer}) => void"
        yield {
            "name": event.name,
            "key": _key(event.name),
            "domain": event.domain,
            "signature": f"({params}) => void",
            "doc": _doc(_event_doc(catalog, event), "  "),
        }


def render(catalog: ir.Catalog) -> dict[str, str]:
    header = header_text(catalog)
    types = Types(catalog)
    outbound = list(_events(catalog, types, "server_to_client"))
    inbound = list(_events(catalog, types, "client_to_server"))
    for shared in catalog.types.values():
        types.declare_shared(shared)
    domains = [
        {
            "name": d.name,
            "type": pascal(d.name) + "Events",
            "title": d.title,
            "events": [json.dumps(e) for e in d.events],
        }
        for d in catalog.domains
    ]
    context = {
        "header": header,
        # How a client connects: with the token the catalog's auth asks for, or with nothing.
        "connect_options": "{ auth: { token } }" if catalog.auth.scheme != "none" else "{}",
        "title": catalog.title,
        "version": catalog.version,
        "catalog": catalog.name,
        "namespace": catalog.namespace,
        "description": catalog.description,
        "declarations": [types.declarations[name] for name in sorted(types.declarations)],
        "outbound": outbound,
        "inbound": inbound,
        "domains": domains,
        "rooms": _room_views(catalog, types),
        "channels": _channel_views(catalog, types),
        "rooms_doc": _rooms_doc(catalog),
        "channels_doc": _channels_doc(catalog),
    }
    env = environment("ts")
    package = {
        "//": header,
        "name": package_name(catalog),
        "version": catalog.version,
        "description": f"TypeScript typings for {catalog.title}: Socket.IO event maps, payloads and rooms.",
        "type": "module",
        "main": "./index.js",
        "types": "./index.d.ts",
        "exports": {".": {"types": "./index.d.ts", "default": "./index.js"}},
        "files": ["index.js", "index.d.ts"],
        "sideEffects": False,
    }
    return {
        f"{FOLDER}/index.d.ts": env.get_template("index.d.ts.j2").render(context),
        f"{FOLDER}/index.js": env.get_template("index.js.j2").render(context),
        f"{FOLDER}/package.json": json.dumps(package, indent=2, ensure_ascii=False) + "\n",
    }
