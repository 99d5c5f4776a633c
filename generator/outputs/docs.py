"""generated/docs/: Markdown documentation for the people who use the API, rendered through jinja2 templates.

Pages: `README.md` (overview, connecting, every event by domain, rooms and channels, changelog), one page per
domain (every event with its delivery, payload table, example, ack and limits), `rooms.md` (rooms, who may enter,
what is delivered there; subscribe channels) and `connection.md` (auth, lifecycle, errors, heartbeat,
reconnection, limits). This module computes what goes on a page; the templates in `generator/templates/docs/` hold
its shape. Anchors follow GitHub's rule (see `anchor`), so every link resolves on GitHub and in most viewers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2

from .. import ir, samples
from ..conventions import ack_refusal, runtime_codes
from .python import package_name as python_package
from .serialize import header_text
from .templating import environment

FOLDER = "docs"
INDEX = "README.md"
ROOMS = "rooms.md"
CONNECTION = "connection.md"
# Page names a domain page must not take: a domain called `connection` gets `connection-events.md`.
_RESERVED = {INDEX.lower(), ROOMS, CONNECTION}

DIRECTION_TEXT = {"server_to_client": "server → client", "client_to_server": "client → server"}
ACCESS_TEXT = {
    "self": "only the user the room is named after (its {params} is the authenticated user's id)",
    "member": "its members, as the server's authorisation policy decides",
    "public": "any authenticated user",
    "server": "no client: the server alone puts connections in it",
}
_CONSTRAINT_TEXT = {
    "minimum": "≥ {}",
    "maximum": "≤ {}",
    "exclusiveMinimum": "> {}",
    "exclusiveMaximum": "< {}",
    "multipleOf": "multiple of {}",
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "pattern": "matches `{}`",
    "minItems": "at least {} items",
    "maxItems": "at most {} items",
    "minProperties": "at least {} keys",
    "maxProperties": "at most {} keys",
}


# -- small text helpers -----------------------------------------------------------------------------------------


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lowercase, punctuation except - and _ removed, spaces to -."""
    text = re.sub(r"[`*]", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes escaped (GFM wants that inside code spans too)."""
    return " ".join(text.split()).replace("|", "\\|")


def code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def sentence(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def to_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def mermaid_text(text: str) -> str:
    """Text safe in a Mermaid message or note: no `;` or `#` (statement separator, entity start), one line."""
    return " ".join(text.replace(";", ",").replace("#", "").split())


def domain_page(domain: str) -> str:
    name = f"{domain}.md"
    return f"{domain}-events.md" if name.lower() in _RESERVED else name


def room_anchor(room: str) -> str:
    return anchor(f"Room `{room}`")


def channel_anchor(channel: str) -> str:
    return anchor(f"Channel `{channel}`")


def rate_text(limits: ir.Limits) -> str:
    if limits.rate is None:
        return "no rate limit"
    count, seconds = limits.rate.count, limits.rate.period_seconds
    per = {1: "second", 60: "minute", 3600: "hour"}.get(seconds, f"{seconds} seconds")
    return f"{count} per {per}"


def size_text(size: int) -> str:
    if size % 1024 == 0:
        return f"{size // 1024} KiB ({size} bytes)"
    return f"{size} bytes"


# -- types ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRow:
    path: str
    type: str
    required: str
    description: str


class Types:
    """Type labels and payload tables, for one catalog."""

    def __init__(self, catalog: ir.Catalog, enum_links: dict[str, str] | None = None) -> None:
        self.catalog = catalog
        # Named enums documented in a table of their own elsewhere: fields of that type link there.
        self.enum_links = enum_links or {}

    def label(self, expr: ir.TypeExpr) -> str:
        """A short, human type name: `string` (date-time), object `GeoLocation`, array of …"""
        text = self._label(expr)
        if self._meta(expr).nullable:
            text += " or null"
        return text

    def _label(self, expr: ir.TypeExpr) -> str:
        if isinstance(expr, ir.Ref):
            resolved = self.catalog.resolve(expr)
            if isinstance(resolved, ir.Object):
                return f"object `{expr.name}`"
            if isinstance(resolved, ir.Enum):
                return f"enum `{expr.name}`"
            if isinstance(resolved, ir.Union):
                return f"`{expr.name}`: {self._label(resolved)}"
            return self._label(resolved)
        if isinstance(expr, ir.Scalar):
            return f"`{expr.kind}`" + (f" ({expr.format})" if expr.format else "")
        if isinstance(expr, ir.Enum):
            kinds = {type(v.value) for v in expr.values}
            base = "enum" if kinds != {int} else "integer enum"
            return f"{base} `{expr.name}`" if expr.name else base
        if isinstance(expr, ir.Const):
            return f"constant {code(expr.value)}"
        if isinstance(expr, ir.Object):
            return f"object `{expr.name}`"
        if isinstance(expr, ir.Array):
            return f"array of {self._label(expr.items)}"
        if isinstance(expr, ir.Union):
            branches = "one of: " + ", ".join(self._label(b) for b in expr.branches)
            return f"`{expr.name}`: {branches}" if expr.name else branches
        return "JSON Schema (see the schema file)"

    def _meta(self, expr: ir.TypeExpr) -> ir.Meta:
        return expr.meta

    def describe(self, expr: ir.TypeExpr, caller: bool = False) -> str:
        """Description, allowed values, constraints, unit and default of one use of a type."""
        own = expr.meta
        resolved = self.catalog.resolve(expr)
        inherited = resolved.meta if resolved is not expr else ir.NO_META
        parts: list[str] = []
        deprecated = own.deprecated or inherited.deprecated
        if deprecated:
            parts.append("**Deprecated.**")
        description = own.description
        if not description and not (isinstance(resolved, ir.Scalar) and resolved.format):
            # A formatted scalar (Timestamp) is said by its type column; its shared description would repeat.
            description = inherited.description
        if description:
            parts.append(sentence(description))
        if caller and "authenticated" not in (description or ""):
            parts.append("Must be the authenticated user's id (FORBIDDEN otherwise).")
        ref_name = expr.name if isinstance(expr, ir.Ref) else None
        link = self.enum_links.get(ref_name) if ref_name else None
        if link is not None and isinstance(resolved, ir.Enum):
            values = ", ".join(code(v.value) for v in resolved.values)
            parts.append(f"One of the [{ref_name} values]({link}): {values}.")
        else:
            parts.extend(self._values(resolved))
        unit = own.unit or inherited.unit
        if unit:
            parts.append(f"Unit: {unit}.")
        if own.has_default or inherited.has_default:
            default = own.default if own.has_default else inherited.default
            parts.append(f"Default: {code(default)}.")
        return " ".join(parts)

    def _values(self, expr: ir.TypeExpr) -> list[str]:
        out: list[str] = []
        if isinstance(expr, ir.Enum):
            if any(v.description for v in expr.values):
                items = [f"{code(v.value)}: {sentence(v.description) or '(no description)'}" for v in expr.values]
                out.append("Values: " + " ".join(items))
            else:
                out.append("One of " + ", ".join(code(v.value) for v in expr.values) + ".")
        elif isinstance(expr, ir.Const):
            out.append(f"Always {code(expr.value)}.")
        elif isinstance(expr, ir.Scalar | ir.Array):
            constraints = self._constraints(expr.constraints)
            if isinstance(expr, ir.Array):
                item = self.catalog.resolve(expr.items)
                if not isinstance(item, ir.Object):
                    out.extend(f"Items: {text[0].lower()}{text[1:]}" for text in self._values(item))
            if constraints:
                out.insert(0, "Constraints: " + ", ".join(constraints) + ".")
        return out

    @staticmethod
    def _constraints(constraints: Any) -> list[str]:
        out = []
        merged = dict(constraints)
        for low, high, noun in (("minLength", "maxLength", "characters"), ("minItems", "maxItems", "items")):
            if low in merged and high in merged:
                lo, hi = merged.pop(low), merged.pop(high)
                out.append(f"{lo} to {hi} {noun}" if lo != hi else f"exactly {lo} {noun}")
        for key, value in merged.items():
            if key == "uniqueItems":
                if value:
                    out.append("unique items")
            elif key in _CONSTRAINT_TEXT:
                text = _CONSTRAINT_TEXT[key].format(value)
                out.append(text[:-1] if value == 1 and text.endswith("s") else text)
            else:
                out.append(f"{key} {code(value)}")
        return out

    def rows(self, expr: ir.TypeExpr, expand: bool = True) -> list[FieldRow]:
        """The payload table: one row per field, nested objects and arrays of objects expanded with dotted paths."""
        resolved = self.catalog.resolve(expr)
        if not isinstance(resolved, ir.Object):
            return [FieldRow("(the payload)", self.label(expr), "required", self.describe(expr))]
        return list(self._fields(resolved, "", (), expand))

    def _fields(self, obj: ir.Object, prefix: str, stack: tuple[str, ...], expand: bool = True) -> Iterator[FieldRow]:
        for f in obj.fields:
            path = prefix + f.name
            yield FieldRow(
                path, self.label(f.type), "required" if f.required else "optional", self.describe(f.type, f.caller)
            )
            if expand:
                yield from self._nested(f.type, path, stack)
        if obj.additional_properties:
            yield FieldRow(prefix + "*", "any", "optional", "Other keys are allowed.")

    def _nested(self, expr: ir.TypeExpr, path: str, stack: tuple[str, ...]) -> Iterator[FieldRow]:
        name = expr.name if isinstance(expr, ir.Ref) else None
        if name is not None and name in stack:
            return  # a recursive type: its fields are listed above
        inner = stack + ((name,) if name else ())
        resolved = self.catalog.resolve(expr)
        if isinstance(resolved, ir.Object):
            yield from self._fields(resolved, path + ".", inner)
        elif isinstance(resolved, ir.Array):
            yield from self._nested(resolved.items, path + "[]", inner)


# -- delivery and bindings --------------------------------------------------------------------------------------


def binding_text(binding: ir.Binding) -> str:
    param = code("{" + binding.param + "}")
    if binding.source == "field":
        return f"{param} is the payload's {code(binding.text)}"
    if binding.source == "arg":
        return f"{param} is chosen by the server when it sends (not in the payload)"
    if binding.source == "user":
        return f"{param} is the authenticated user's id"
    if binding.source == "lookup":
        return f"{param} is each id the server's ownership resolver lists for the user"
    return f"{param} is the {code('{' + binding.path[0] + '}')} part of the channel name"


def target_text(catalog: ir.Catalog, target: ir.RoomTarget, rooms_page: str) -> str:
    room = catalog.rooms[target.room]
    text = f"[{code(room.pattern)}]({rooms_page}#{room_anchor(room.name)})"
    if target.bindings:
        text += ": " + "; ".join(binding_text(b) for b in target.bindings)
    return text


def delivery_lines(catalog: ir.Catalog, event: ir.Event, rooms_page: str) -> list[str]:
    if event.delivery is None:
        return []
    if event.delivery.kind == "sender":
        return ["only the connection concerned (never to other connections, not even the same user's)"]
    if event.delivery.kind == "broadcast":
        return ["every connected client (broadcast)"]
    return [target_text(catalog, t, rooms_page) for t in event.delivery.rooms]


def delivery_short(catalog: ir.Catalog, event: ir.Event) -> str:
    """For tables: the room patterns, or who gets it."""
    if not event.server_to_client:
        return "the server"
    if event.delivery is None or event.delivery.kind == "sender":
        return "the connection concerned"
    if event.delivery.kind == "broadcast":
        return "everyone"
    return ", ".join(code(catalog.rooms[t.room].pattern) for t in event.delivery.rooms)


def event_link(catalog: ir.Catalog, name: str, from_page: str) -> str:
    event = catalog.events.get(name)
    if event is None:
        return code(name)
    page = domain_page(event.domain)
    target = f"#{anchor(code(name))}" if page == from_page else f"{page}#{anchor(code(name))}"
    return f"[{code(name)}]({target})"


# -- pages ------------------------------------------------------------------------------------------------------


def _event_view(catalog: ir.Catalog, types: Types, event: ir.Event, page: str) -> dict[str, Any]:
    deprecation = None
    if event.deprecated:
        dep = event.deprecated
        parts = [f"**Deprecated{' since ' + dep.since if dep.since else ''}.**"]
        if dep.reason:
            parts.append(sentence(dep.reason))
        if dep.replacement:
            parts.append(f"Use {event_link(catalog, dep.replacement, page)} instead.")
        deprecation = " ".join(parts)
    ack_rows = types.rows(event.ack) if event.ack is not None else []
    if event.server_to_client:
        usage = f"socket.on({json.dumps(event.name)}, (payload) => {{ … }})"
    elif event.ack is not None:
        usage = f"socket.emit({json.dumps(event.name)}, payload, (ack) => {{ … }})"
    else:
        usage = f"socket.emit({json.dumps(event.name)}, payload)"
    return {
        "name": event.name,
        "heading": code(event.name),
        "anchor": anchor(code(event.name)),
        "summary": sentence(event.summary),
        "description": sentence(event.description),
        "direction": DIRECTION_TEXT[event.direction],
        "server_to_client": event.server_to_client,
        "usage": usage,
        "delivery": delivery_lines(catalog, event, ROOMS),
        "enters": [target_text(catalog, t, ROOMS) for t in event.enters],
        "leaves": [target_text(catalog, t, ROOMS) for t in event.leaves],
        "triggers": [event_link(catalog, t, page) for t in event.triggers],
        "answers": [
            event_link(catalog, other.name, page) for other in catalog.events.values() if event.name in other.triggers
        ],
        "payload_name": event.payload_name,
        "schema": f"../jsonschema/{event.ident}.json",
        "ts_file": "ts/index.d.ts",
        "ts_link": "../ts/index.d.ts",
        "py_module": f"{python_package(catalog)}.models",
        "ack_schema": f"../jsonschema/{event.ident}.ack.json" if event.ack is not None else None,
        "ack_name": event.ack_name,
        "ack_rows": ack_rows,
        "ack_example": to_json(event.ack_examples[0]) if event.ack_examples else None,
        "ack_error": ack_refusal(catalog, event),
        "rows": types.rows(event.payload),
        "example": to_json(event.examples[0]) if event.examples else None,
        "more_examples": len(event.examples) - 1,
        "limits": f"payload at most {size_text(event.limits.max_payload_bytes)}"
        + ("" if event.server_to_client else f"; {rate_text(event.limits)} per connection"),
        "volatile": event.volatile,
        "deprecation": deprecation,
        "tags": [code(t) for t in event.tags],
    }


def _flow_order(catalog: ir.Catalog, domain: ir.Domain) -> list[ir.Event]:
    """The domain's events in catalog order, except: an event that triggers another event of the domain comes right
    before the first of them (`message_read` before `support_message_read`), and leaving (`leaves`,
    `unsubscribe`) comes last."""
    events = list(catalog.events_in(domain.name))
    cause: dict[str, ir.Event] = {}
    for event in events:
        for name in event.triggers:
            if name != event.name and any(e.name == name for e in events):
                cause.setdefault(name, event)
    deferred = {e.name for e in cause.values()}
    leaving = [e for e in events if (e.leaves or e.name == "unsubscribe") and e.name not in deferred]
    ordered: list[ir.Event] = []
    for event in events:
        if event in leaving or (event.name in deferred and event not in ordered):
            continue
        trigger = cause.get(event.name)
        if trigger is not None and trigger not in ordered and trigger not in leaving:
            ordered.append(trigger)
        if event not in ordered:
            ordered.append(event)
    ordered += [e for e in events if e not in ordered and e not in leaving]
    return ordered + leaving


def _domain_flows(catalog: ir.Catalog, domain: ir.Domain) -> list[dict[str, Any]]:
    """The domain's flows as the catalog writes them, or one made from catalog order when it writes none."""
    if not domain.flows:
        return [{"title": None, "description": None, "lines": _sequence(catalog, _flow_order(catalog, domain))}]
    return [
        {
            "title": flow.title,
            "description": sentence(flow.description) if flow.description else None,
            "lines": _sequence(catalog, [catalog.events[step] for step in flow.steps]),
        }
        for flow in domain.flows
    ]


def _sequence(catalog: ir.Catalog, steps: list[ir.Event]) -> list[str]:
    """A sequence diagram of these events, Client and Server exchanging them."""
    lines = ["sequenceDiagram", "    participant C as Client", "    participant S as Server"]
    noted: set[str] = set()
    for event in steps:
        if event.server_to_client and event.delivery is not None and event.delivery.kind == "rooms":
            patterns = [catalog.rooms[t.room].pattern for t in event.delivery.rooms]
            new = [p for p in patterns if p not in noted]
            if new:
                noted.update(new)
                lines.append(f"    Note over C,S: in room {mermaid_text(' and '.join(new))}")
        if event.server_to_client:
            arrow = "S-)C" if event.volatile else "S->>C"
            lines.append(f"    {arrow}: {mermaid_text(event.name)}")
        else:
            arrow = "C-)S" if event.volatile else "C->>S"
            lines.append(f"    {arrow}: {mermaid_text(event.name)}")
            if event.ack is not None:
                lines.append(f"    S-->>C: ack {mermaid_text(event.ack_name or '')}".rstrip())
    return lines


def _domain_pages(catalog: ir.Catalog, env: jinja2.Environment, header: str, types: Types) -> dict[str, str]:
    files = {}
    template = env.get_template("domain.md.j2")
    for domain in catalog.domains:
        page = domain_page(domain.name)
        events = [_event_view(catalog, types, e, page) for e in catalog.events_in(domain.name)]
        files[page] = template.render(
            header=header,
            catalog=catalog,
            domain=domain,
            description=sentence(domain.description),
            events=events,
            flows=_domain_flows(catalog, domain),
            index=INDEX,
            rooms_page=ROOMS,
            connection_page=CONNECTION,
            cell=cell,
        )
    return files


def _rooms_entered_by(catalog: ir.Catalog) -> dict[str, list[str]]:
    """Per room: how a connection gets in (on connect, channels, client events)."""
    ways: dict[str, list[str]] = {name: [] for name in catalog.rooms}
    join = catalog.auth.join
    if join is not None:
        ways[join.room].append("automatically on connect, for the authenticated user")
    for channel in catalog.channels.values():
        for target in channel.rooms:
            ways[target.room].append(f"the [{code(channel.name)}](#{channel_anchor(channel.name)}) channel")
    for event in catalog.events.values():
        for target in event.enters:
            ways[target.room].append(f"the {event_link(catalog, event.name, ROOMS)} event")
    return ways


def _rooms_page(catalog: ir.Catalog, env: jinja2.Environment, header: str, types: Types) -> str:
    ways = _rooms_entered_by(catalog)
    delivered: dict[str, list[tuple[ir.Event, ir.RoomTarget]]] = {name: [] for name in catalog.rooms}
    for event in catalog.events.values():
        if event.delivery is not None:
            for target in event.delivery.rooms:
                delivered[target.room].append((event, target))
    rooms = []
    for room in catalog.rooms.values():
        rooms.append(
            {
                "name": room.name,
                "heading": f"Room {code(room.name)}",
                "anchor": room_anchor(room.name),
                "pattern": code(room.pattern),
                "summary": sentence(room.summary),
                "description": sentence(room.description),
                "visibility": room.visibility,
                "access": _access_text(room)
                if catalog.auth.scheme == "jwt" or room.access != "public"
                else "any connection (this API has no authentication)",
                "roles": ", ".join(code(r) for r in room.roles),
                "params": [
                    {"name": code(p.name), "type": types.label(p.type), "description": types.describe(p.type)}
                    for p in room.params
                ],
                "entered_by": ways[room.name],
                "events": [
                    {
                        "link": event_link(catalog, e.name, ROOMS),
                        "summary": sentence(e.summary),
                        "bindings": "; ".join(binding_text(b) for b in t.bindings),
                    }
                    for e, t in delivered[room.name]
                ],
            }
        )
    channels = []
    for channel in catalog.channels.values():
        params = [p.name for p in channel.params] or re.findall(r"\{(\w+)\}", channel.name)
        channels.append(
            {
                "name": channel.name,
                "heading": f"Channel {code(channel.name)}",
                "anchor": channel_anchor(channel.name),
                "summary": sentence(channel.summary),
                "description": sentence(channel.description),
                "example": _channel_example(channel),
                "params": [code(p) for p in params],
                "param_types": [
                    {"name": code(p.name), "type": types.label(p.type), "description": types.describe(p.type)}
                    for p in channel.params
                ],
                "rooms": [target_text(catalog, t, "") for t in channel.rooms],
                "room_patterns": ", ".join(code(catalog.rooms[t.room].pattern) for t in channel.rooms),
                "deprecated": channel.deprecated is not None,
            }
        )
    return env.get_template("rooms.md.j2").render(
        header=header,
        catalog=catalog,
        rooms=rooms,
        channels=channels,
        subscribe=event_link(catalog, "subscribe", ROOMS) if "subscribe" in catalog.events else None,
        unsubscribe=event_link(catalog, "unsubscribe", ROOMS) if "unsubscribe" in catalog.events else None,
        flowchart=_rooms_flowchart(catalog),
        channel_sample=_channel_sample(catalog),
        room_example=_room_example(catalog),
        index=INDEX,
        connection_page=CONNECTION,
        cell=cell,
    )


def _access_text(room: ir.Room) -> str:
    """Who may enter, naming this room's own parameter where the text needs one."""
    params = " ".join(code("{" + p.name + "}") for p in room.params) or "name"
    return ACCESS_TEXT[room.access].format(params=params)


def _room_example(catalog: ir.Catalog) -> str | None:
    """A concrete room name from this catalog's own examples (a room with parameters first), or None."""
    for room in sorted(catalog.rooms.values(), key=lambda r: not r.params):
        sample = samples.room_sample(catalog, room)
        if sample is not None:
            return code(sample)
    return None


def _channel_sample(catalog: ir.Catalog) -> str:
    """A channel name with its parameter filled in, for the subscribe snippet: `order_{orderId}` → `order_123`."""
    with_param = [c for c in catalog.channels.values() if "{" in c.name]
    for channel in with_param:
        sample = samples.channel_sample(catalog, channel)
        if sample is not None:
            return sample
    names = [c.name for c in with_param] or list(catalog.channels) or ["channel"]
    return re.sub(r"\{\w+\}", "123", names[0])


def _channel_example(channel: ir.Channel) -> str:
    """A concrete channel name to subscribe with: each {param} replaced by a sample value."""
    return code(re.sub(r"\{(\w+)\}", lambda m: f"<{m.group(1)}>", channel.name))


def _rooms_flowchart(catalog: ir.Catalog) -> list[str]:
    """Channels on the left, the rooms they enter in the middle, the events delivered to each room on the right."""
    lines = ["flowchart LR"]
    room_ids = {name: f"r{i}" for i, name in enumerate(catalog.rooms)}
    channel_ids = {name: f"c{i}" for i, name in enumerate(catalog.channels)}
    for name in catalog.channels:
        lines.append(f'    {channel_ids[name]}(["{_flow_label(name)}"])')
    if catalog.auth.join is not None:
        lines.append('    c_connect(["on connect"])')
    for name, room_def in catalog.rooms.items():
        lines.append(f'    {room_ids[name]}["{_flow_label(room_def.pattern)}"]')
    delivered: dict[str, list[str]] = {}
    for event in catalog.events.values():
        if not event.server_to_client or event.delivery is None:
            continue
        if event.delivery.kind == "rooms":
            for room_name in dict.fromkeys(t.room for t in event.delivery.rooms):
                delivered.setdefault(room_ids[room_name], []).append(event.name)
        else:
            delivered.setdefault(f"x_{event.delivery.kind}", []).append(event.name)
    specials = {"x_sender": "the connection concerned", "x_broadcast": "every connection"}
    for node, label in specials.items():
        if node in delivered:
            lines.append(f'    {node}[["{label}"]]')
    for name, channel in catalog.channels.items():
        for room_name in dict.fromkeys(t.room for t in channel.rooms):
            lines.append(f"    {channel_ids[name]} --> {room_ids[room_name]}")
    if catalog.auth.join is not None:
        lines.append(f"    c_connect --> {room_ids[catalog.auth.join.room]}")
    for node, events in delivered.items():
        label = "<br>".join(_flow_label(e) for e in events)
        lines.append(f'    {node} --> {node}_events["{label}"]')
    return lines


def _flow_label(text: str) -> str:
    return text.replace('"', "#quot;")


def _code_links(catalog: ir.Catalog, target: str) -> dict[str, str] | None:
    """Fields typed with the error contract's code enum link to the code table of connection.md."""
    errors = catalog.conventions.errors
    if errors is None or errors.code_type is None:
        return None
    return {errors.code_type: target}


ROLE_TEXT = {
    "code": "the code",
    "message": "the message",
    "details": "the details",
    "timestamp": "the time",
    "trace_id": "a trace id that correlates the refusal with the server's logs",
    "reason": "why",
    "attempts": "the connection attempts counted",
    "retry_after_ms": "how many milliseconds to wait before the next attempt",
}
TIMESTAMP_TEXT = {"iso": "ISO 8601, UTC", "epoch_ms": "milliseconds since the Unix epoch"}


def _roles_text(fields: Mapping[str, str], timestamp: ir.TimestampStyle) -> str:
    """`code` holds the code, `at` the time (milliseconds since the Unix epoch), ..."""
    parts = []
    for role, field_name in fields.items():
        what = ROLE_TEXT[role] + (f", {TIMESTAMP_TEXT[timestamp]}" if role == "timestamp" else "")
        parts.append(f"{code(field_name)} ({what})")
    return ", ".join(parts)


def _error_contract(catalog: ir.Catalog, types: Types) -> dict[str, Any] | None:
    errors = catalog.conventions.errors
    if errors is None:
        return None
    error = catalog.types[errors.type]
    own = {c for c, _ in runtime_codes(catalog.auth.scheme != "none")}
    codes = [
        {
            "code": code(v.value),
            "description": sentence(v.description),
            "origin": "the server itself" if v.value in own else "the app's handlers",
        }
        for v in errors.codes
    ]
    return {
        "type": errors.type,
        "builtin": errors.type in errors.builtin,
        "description": sentence(error.type.meta.description),
        "rows": types.rows(ir.Ref(errors.type)),
        "roles": _roles_text(errors.fields, errors.timestamp),
        "codes": codes,
        "code_type": errors.code_type,
        "any_code": errors.code_type is None,
        "event": event_link(catalog, errors.event, CONNECTION) if errors.event else None,
        "ack_error": errors.ack_error,
        "ack_rows": types.rows(ir.Ref(errors.ack_error), expand=False),
        "acks": any(ack_refusal(catalog, e) for e in catalog.events.values()),
    }


def _sent_events(catalog: ir.Catalog) -> list[dict[str, str]]:
    """The close and throttle events the server sends by itself, and what it writes in them."""
    conventions = catalog.conventions
    sent = []
    for fill, when in (
        (conventions.close, "just before the server closes the connection (shutdown, abuse)"),
        (conventions.throttle, "to a connection that reconnects too often, just before the server closes it"),
    ):
        if fill is not None:
            sent.append(
                {
                    "link": event_link(catalog, fill.event, CONNECTION),
                    "when": when,
                    "roles": _roles_text(fill.fields, fill.timestamp),
                }
            )
    return sent


def _auth_view(catalog: ir.Catalog) -> dict[str, Any]:
    auth = catalog.auth
    if auth.scheme == "none":
        return {"scheme": "none", "description": sentence(auth.description)}
    keys = "a shared secret" if all(a.startswith("HS") for a in auth.algorithms) else "public keys"
    names = [code(a) for a in auth.algorithms]
    return {
        "scheme": "jwt",
        "description": sentence(auth.description),
        "query_param": auth.query_param,
        "auth_field": auth.auth_field,
        "user_claim": auth.user_claim,
        "join": target_text(catalog, auth.join, ROOMS) if auth.join is not None else None,
        "algorithms": " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names),
        "key_kind": keys,
        "jwks_url": auth.jwks_url,
        "issuer": auth.issuer,
        "audience": auth.audience,
    }


def _heartbeat_view(catalog: ir.Catalog) -> dict[str, Any] | None:
    """The catalog's keep-alive: the declared heartbeat the server answers itself, else an event named so."""
    declared = catalog.conventions.heartbeat
    event = catalog.events.get(declared.event if declared else "heartbeat")
    if event is None:
        return None
    answers = [declared.reply] if declared else list(event.triggers)
    return {
        "link": event_link(catalog, event.name, CONNECTION),
        "description": sentence(event.description or event.summary),
        "answers": [event_link(catalog, t, CONNECTION) for t in answers],
        "by_server": declared is not None,
    }


def _handshake(catalog: ir.Catalog, names: set[str]) -> list[str]:
    """The diagram's first steps: the handshake, its refusal when a token is required, the rooms entered."""
    connected = "connect" if "connect" in names else "connected (Socket.IO)"
    welcome = (
        ["S->>C: connected"]
        if any(e.server_to_client and e.name == "connected" for e in catalog.events.values())
        else []
    )
    if catalog.auth.scheme == "none":
        return ["    C->>S: handshake (no token)", f"    S->>C: {connected}", *(f"    {w}" for w in welcome)]
    lines = [f"    C->>S: handshake with {catalog.auth.query_param}=JWT or auth.{catalog.auth.auth_field}"]
    lines.append("    alt token missing, invalid or expired")
    lines.append("        S--xC: " + ("connect_error" if "connect_error" in names else "connection refused"))
    lines.append("    else token valid")
    if catalog.auth.join is not None:
        pattern = catalog.rooms[catalog.auth.join.room].pattern
        lines.append(f"        Note over S: joins {mermaid_text(pattern)}")
    lines.append(f"        S->>C: {connected}")
    lines.extend(f"        {w}" for w in welcome)
    lines.append("    end")
    return lines


def _connection_life(catalog: ir.Catalog) -> list[str]:
    """A connection's life: handshake, `connect`, the welcome event, a subscription, events, keep-alive, the end."""
    names = {lc.name for lc in catalog.lifecycle}
    events = catalog.events
    lines = ["sequenceDiagram", "    participant C as Client", "    participant S as Server"]
    lines.extend(_handshake(catalog, names))
    if "subscribe" in events:
        channel = next(iter(catalog.channels), "channel")
        lines.append(f"    C->>S: subscribe {mermaid_text(channel)}")
        if events["subscribe"].ack is not None:
            lines.append("    S-->>C: ack with the rooms entered")
    lines.append("    S->>C: events of the rooms entered")
    heartbeat = catalog.conventions.heartbeat
    keepalive = heartbeat.event if heartbeat else "heartbeat"
    if keepalive in events:
        lines.append("    loop keep-alive")
        lines.append(f"        C-)S: {mermaid_text(keepalive)}")
        for answer in [heartbeat.reply] if heartbeat else events[keepalive].triggers:
            lines.append(f"        S-)C: {mermaid_text(answer)}")
        lines.append("    end")
    lines.append("    Note over C,S: the connection drops")
    lines.append("    S--)C: " + ("disconnect" if "disconnect" in names else "connection closed"))
    if "reconnect_attempt" in names or "reconnect" in names:
        lines.append("    loop until connected, with backoff")
        if "reconnect_attempt" in names:
            lines.append("        Note over C: reconnect_attempt")
        lines.append("        C->>S: handshake with the latest token")
        lines.append("    end")
        if "reconnect" in names:
            lines.append("    Note over C: reconnect")
    if "connected" in events:
        lines.append("    S->>C: connected")
    if "subscribe" in events:
        lines.append("    Note over C,S: subscriptions are restored by the server")
    return lines


def _connection_page(catalog: ir.Catalog, env: jinja2.Environment, header: str, types: Types) -> str:
    lifecycle = [
        {
            "name": code(lc.name),
            "side": {"client": "`socket`", "manager": "`socket.io` (the Manager)", "server": "server"}[lc.side],
            "summary": sentence(lc.summary),
            "description": sentence(lc.description),
            "arguments": ", ".join(
                f"{code(a.name)}: {code(a.type)}" + (f" ({a.description.rstrip('.')})" if a.description else "")
                for a in lc.arguments
            ),
        }
        for lc in catalog.lifecycle
    ]
    limits = [
        {
            "link": event_link(catalog, e.name, CONNECTION),
            "direction": DIRECTION_TEXT[e.direction],
            "size": str(e.limits.max_payload_bytes),
            "rate": "n/a" if e.server_to_client else (e.limits.rate.text if e.limits.rate else "none"),
            "volatile": "yes" if e.volatile else "",
        }
        for e in catalog.events.values()
    ]
    return env.get_template("connection.md.j2").render(
        header=header,
        catalog=catalog,
        auth=_auth_view(catalog),
        url=_connect_url(catalog),
        lifecycle=lifecycle,
        names={lc.name for lc in catalog.lifecycle},
        errors=_error_contract(catalog, types),
        sent=_sent_events(catalog),
        heartbeat=_heartbeat_view(catalog),
        subscribe=event_link(catalog, "subscribe", CONNECTION) if "subscribe" in catalog.events else None,
        recovery_window=_duration(catalog.recovery_window) if catalog.recovery_window else None,
        unreplayed=_unreplayed(catalog),
        default_limits={
            "size": size_text(catalog.default_limits.max_payload_bytes),
            "rate": rate_text(catalog.default_limits),
        },
        limits=limits,
        life=_connection_life(catalog),
        index=INDEX,
        rooms_page=ROOMS,
        cell=cell,
    )


def _unreplayed(catalog: ir.Catalog) -> dict[str, Any]:
    """For the recovery section: this catalog's events sent to one connection (never replayed), and the one that
    tells a returning connection what came back (a payload with a `recovered` field), if it has one."""
    sender = [e for e in catalog.events.values() if e.delivery is not None and e.delivery.kind == "sender"]
    report = None
    for event in sender:
        objects = [catalog.resolve(event.payload)]
        fields = [f.name for o in objects if isinstance(o, ir.Object) for f in o.fields]
        if "recovered" in fields:
            said = [code(f) for f in fields if f in ("recovered", "restoredChannels")]
            report = {"link": event_link(catalog, event.name, CONNECTION), "fields": " and ".join(said)}
            break
    return {"examples": [event_link(catalog, e.name, CONNECTION) for e in sender[:2]], "report": report}


def _connect_url(catalog: ir.Catalog) -> dict[str, str]:
    """The server to show in the connection snippet: the first one whose URL has no path, else the first."""
    if not catalog.servers:
        return {"origin": "http://localhost", "path": ""}
    plain = [s for s in catalog.servers if urlsplit(s.url).path in ("", "/")]
    server = (plain or list(catalog.servers))[0]
    url = urlsplit(server.url)
    return {"origin": f"{url.scheme}://{url.netloc}", "path": url.path if url.path not in ("", "/") else ""}


def _servers(catalog: ir.Catalog) -> list[dict[str, str]]:
    out = []
    for server in catalog.servers:
        url = urlsplit(server.url)
        path = url.path if url.path not in ("", "/") else ""
        out.append(
            {
                "name": server.name,
                "url": code(server.url),
                "description": sentence(server.description),
                "note": (
                    f"origin {code(f'{url.scheme}://{url.netloc}')}, HTTP path {code(path)}"
                    if path
                    else f"origin {code(server.url)}"
                ),
            }
        )
    return out


def _first_use(catalog: ir.Catalog) -> dict[str, str] | None:
    """For the README's snippet: the first parameterless channel and the first event delivered to its rooms."""
    if "subscribe" not in catalog.events:
        return None
    for channel in catalog.channels.values():
        if "{" in channel.name:
            continue
        rooms = {t.room for t in channel.rooms}
        for event in catalog.events.values():
            if event.delivery is not None and any(t.room in rooms for t in event.delivery.rooms):
                return {"channel": channel.name, "event": event.name}
    return None


def _index_page(catalog: ir.Catalog, env: jinja2.Environment, header: str) -> str:
    domains = []
    for domain in catalog.domains:
        page = domain_page(domain.name)
        events = [
            {
                "link": f"[{code(e.name)}]({page}#{anchor(code(e.name))})",
                "direction": DIRECTION_TEXT[e.direction],
                "delivery": delivery_short(catalog, e),
                "summary": sentence(e.summary) + (" **Deprecated.**" if e.deprecated else ""),
            }
            for e in catalog.events_in(domain.name)
        ]
        domains.append(
            {
                "title": domain.title,
                "anchor": anchor(domain.title),
                "page": page,
                "description": sentence(domain.description),
                "events": events,
            }
        )
    s2c = sum(1 for e in catalog.events.values() if e.server_to_client)
    return env.get_template("readme.md.j2").render(
        header=header,
        catalog=catalog,
        changelog=catalog.changelog,
        description=sentence(catalog.description),
        servers=_servers(catalog),
        url=_connect_url(catalog),
        auth=catalog.auth,
        domains=domains,
        counts={"events": len(catalog.events), "s2c": s2c, "c2s": len(catalog.events) - s2c},
        rooms=[
            {
                "link": f"[{code(r.name)}]({ROOMS}#{room_anchor(r.name)})",
                "pattern": code(r.pattern),
                "visibility": r.visibility,
                "summary": sentence(r.summary),
            }
            for r in catalog.rooms.values()
        ],
        channels=[
            {
                "link": f"[{code(c.name)}]({ROOMS}#{channel_anchor(c.name)})",
                "rooms": ", ".join(code(catalog.rooms[t.room].pattern) for t in c.rooms),
                "summary": sentence(c.summary),
            }
            for c in catalog.channels.values()
        ],
        lifecycle=[code(lc.name) for lc in catalog.lifecycle],
        has_errors=catalog.conventions.errors is not None,
        first_use=_first_use(catalog),
        rooms_page=ROOMS,
        connection_page=CONNECTION,
        cell=cell,
    )


def _duration(seconds: int) -> str:
    """300 -> 5 minutes; 90 -> 90 seconds."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} seconds"


def render(catalog: ir.Catalog) -> dict[str, str]:
    env = environment("docs")
    header = header_text(catalog)
    types = Types(catalog, _code_links(catalog, f"{CONNECTION}#error-codes"))
    pages: dict[str, str] = {INDEX: _index_page(catalog, env, header)}
    pages.update(_domain_pages(catalog, env, header, types))
    pages[ROOMS] = _rooms_page(catalog, env, header, types)
    local = Types(catalog, _code_links(catalog, "#error-codes"))
    pages[CONNECTION] = _connection_page(catalog, env, header, local)
    return {f"{FOLDER}/{name}": _tidy(text) for name, text in sorted(pages.items())}


def _tidy(text: str) -> str:
    """One blank line at most between blocks, LF endings, exactly one trailing newline."""
    text = re.sub(r"[ \t]+$", "", text.replace("\r\n", "\n"), flags=re.MULTILINE)
    text = re.sub(r"\n{3,}", "\n\n", text)
    # An empty table cell is one space wide (markdownlint's compact table style).
    text = re.sub(r"^\|.*\|$", lambda m: re.sub(r"\| {2,}(?=\|)", "| ", m.group(0)), text, flags=re.MULTILINE)
    return text.strip("\n") + "\n"
