"""generated/python/<package>/: pydantic models and the thin typed layer over the hand-written runtime.

Modules: `models.py` (datamodel-code-generator, see python_models), `registry.py` (what the runtime reads),
`emitter.py` (one typed method per server-to-client event), `handlers.py` (one abstract method per
client-to-server event; none for the heartbeat the runtime answers), `codes.py` (the `ErrorCode` enum of the
error contract), `examples.py` (every catalog example), `__init__.py` and `py.typed`.
Everything is formatted by ruff (pinned) in one pass.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from typing import Any

from .. import ir
from ..conventions import answered_by_runtime
from ..pyformat import format_modules
from ..schemas import standalone
from .python_models import models_source
from .python_package import pyproject, runtime_range, runtime_requirement
from .serialize import header_text
from .templating import environment

FOLDER = "python"
_PARAM = re.compile(r"\{([A-Za-z][A-Za-z0-9]*)\}")
_ID_CHARS = "[A-Za-z0-9_-]+"


def package_name(catalog: ir.Catalog) -> str:
    """rez-realtime -> rez_realtime: the import name of the generated package, unless the project names one."""
    if catalog.python_package:
        return catalog.python_package
    name = re.sub(r"[^0-9A-Za-z_]+", "_", catalog.name).strip("_").lower()
    return name if name and not name[0].isdigit() else f"catalog_{name}"


def snake(name: str) -> str:
    """userId -> user_id."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _literal(value: Any) -> str:
    """A Python literal for strings, tuples and dicts of them (repr is deterministic for these)."""
    return repr(value)


def _docstring(*paragraphs: str | None) -> str:
    text = "\n\n".join(p.strip() for p in paragraphs if p and p.strip())
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = []
    for paragraph in text.split("\n\n"):
        lines.append("\n".join(textwrap.wrap(paragraph, 100)) if "\n" not in paragraph else paragraph)
    body = "\n\n".join(lines)
    return textwrap.indent(body, "        ").lstrip() + ("\n        " if "\n" in body else "")


# -- views ------------------------------------------------------------------------------------------------------


def _target(target: ir.RoomTarget) -> dict[str, Any]:
    return {
        "room": target.room,
        "bindings": [
            {"param": b.param, "source": b.source, "path": _literal(tuple(b.path)) if b.path else ""}
            for b in target.bindings
        ],
    }


def _enum_values(catalog: ir.Catalog, expr: ir.TypeExpr) -> tuple[str, ...] | None:
    resolved = catalog.resolve(expr)
    if isinstance(resolved, ir.Enum):
        return tuple(str(v.value) for v in resolved.values)
    return None


def _room_view(catalog: ir.Catalog, room: ir.Room) -> dict[str, Any]:
    values = {p.name: v for p in room.params if (v := _enum_values(catalog, p.type)) is not None}
    return {
        "name": room.name,
        "pattern": room.pattern,
        "params": _literal(tuple(p.name for p in room.params)),
        "access": room.access,
        "roles": _literal(tuple(room.roles)),
        "visibility": room.visibility,
        "param_values": _literal(values) if values else "",
    }


def channel_regex(catalog: ir.Catalog, channel: ir.Channel) -> str:
    types = {p.name: p.type for p in channel.params}
    parts, last = [], 0
    for match in _PARAM.finditer(channel.name):
        parts.append(re.escape(channel.name[last : match.start()]))
        param = match.group(1)
        values = _enum_values(catalog, types[param]) if param in types else None
        body = "|".join(re.escape(v) for v in values) if values else _ID_CHARS
        parts.append(f"(?P<{param}>{body})")
        last = match.end()
    parts.append(re.escape(channel.name[last:]))
    return "^" + "".join(parts) + "$"


def _channels(catalog: ir.Catalog) -> list[dict[str, Any]]:
    def specificity(channel: ir.Channel) -> tuple[int, str]:
        return (-len(channel.name.split("{")[0]), channel.name)

    return [
        {
            "name": channel.name,
            "regex": _literal(channel_regex(catalog, channel)),
            "rooms": [_target(t) for t in channel.rooms],
        }
        for channel in sorted(catalog.channels.values(), key=specificity)
    ]


def caller_fields(catalog: ir.Catalog, expr: ir.TypeExpr, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Field paths marked `caller` (must be the authenticated user), through nested objects."""
    resolved = catalog.resolve(expr)
    if not isinstance(resolved, ir.Object) or len(prefix) > 8:
        return []
    found: list[tuple[str, ...]] = []
    for f in resolved.fields:
        path = (*prefix, f.name)
        if f.caller:
            found.append(path)
        found.extend(caller_fields(catalog, f.type, path))
    return found


def _user_schema(catalog: ir.Catalog) -> dict[str, Any] | None:
    """The JSON Schema of a user id: the type of the parameter the auth join room binds to `$user`."""
    join = catalog.auth.join
    if join is None:
        return None
    room = catalog.rooms[join.room]
    types = {p.name: p.type for p in room.params}
    for binding in join.bindings:
        if binding.source == "user" and binding.param in types:
            schema = standalone(catalog, types[binding.param])
            return {k: v for k, v in schema.items() if k not in ("description", "title")}
    return None


def _publisher_args(event: ir.Event) -> dict[str, str]:
    """Room parameters the publisher must give (`$arg`): wire name -> Python keyword."""
    args: dict[str, str] = {}
    if event.delivery is not None:
        for target in event.delivery.rooms:
            for b in target.bindings:
                if b.source == "arg":
                    args[b.param] = snake(b.param)
    return args


def _delivery_text(catalog: ir.Catalog, event: ir.Event) -> str:
    delivery = event.delivery
    if delivery is None:
        return ""
    if delivery.kind == "sender":
        return "Delivered to one connection: pass its socket id as `to`."
    if delivery.kind == "broadcast":
        return "Delivered to every connection."
    parts = []
    for target in delivery.rooms:
        room = catalog.rooms[target.room]
        fills = ", ".join(
            f"{b.param} from the payload's {'.'.join(b.path)}"
            if b.source == "field"
            else f"{b.param} from the `{snake(b.param)}` argument"
            for b in target.bindings
        )
        parts.append(f"`{room.pattern}`" + (f" ({fills})" if fills else ""))
    return "Delivered to " + "; ".join(parts) + "."


def _event_view(catalog: ir.Catalog, event: ir.Event) -> dict[str, Any]:
    rate = event.limits.rate
    delivery = event.delivery
    return {
        "name": event.name,
        "direction": event.direction,
        "domain": event.domain,
        "model": event.payload_name,
        "ack": event.ack_name or "",
        "max_bytes": event.limits.max_payload_bytes,
        "delivery": delivery.kind if delivery else "",
        "rooms": [_target(t) for t in delivery.rooms] if delivery else [],
        "args": _literal(_publisher_args(event)) if _publisher_args(event) else "",
        "rate": _literal((rate.count, rate.period_seconds)) if rate and not event.server_to_client else "",
        "volatile": event.volatile,
        "caller_fields": _literal(tuple(caller_fields(catalog, event.payload))) if not event.server_to_client else "",
        "enters": [_target(t) for t in event.enters],
        "leaves": [_target(t) for t in event.leaves],
        "triggers": _literal(tuple(event.triggers)) if event.triggers else "",
        "handler": "" if event.server_to_client or answered_by_runtime(catalog, event) else handler_name(event),
    }


def _emitter_view(catalog: ir.Catalog, event: ir.Event) -> dict[str, Any]:
    args = _publisher_args(event)
    params = [f"{py}: str" for py in args.values()]
    call = [f'"{event.name}"', "payload"]
    if args:
        call.append("args={" + ", ".join(f'"{wire}": {py}' for wire, py in args.items()) + "}")
    if event.delivery is not None and event.delivery.kind == "sender":
        params.append("to: str")
        call.append("to=to")
    deprecated = None
    if event.deprecated:
        reason = event.deprecated.reason or "deprecated"
        if event.deprecated.replacement:
            reason += f"; use {event.deprecated.replacement}"
        deprecated = _literal(reason)
    return {
        "name": event.ident,
        "model": event.payload_name,
        "params": ", ".join(params),
        "call": ", ".join(call),
        "doc": _docstring(event.summary, _delivery_text(catalog, event)),
        "deprecated": deprecated,
    }


def handler_name(event: ir.Event) -> str:
    """`on_bid_placed` for `bid:placed`: the handler method of a client-to-server event."""
    return f"on_{event.ident}"


def _handler_view(event: ir.Event) -> dict[str, Any]:
    returns = f"models.{event.ack_name}" if event.ack_name else "None"
    answer = "Return the acknowledgement model; it is validated before it is sent." if event.ack_name else ""
    return {
        "handler": handler_name(event),
        "model": event.payload_name,
        "returns": returns,
        "doc": _docstring(event.summary, event.description, answer),
    }


def _auth_view(catalog: ir.Catalog) -> dict[str, Any]:
    auth = catalog.auth
    return {
        "scheme": auth.scheme,
        "algorithms": _literal(tuple(auth.algorithms)),
        "jwks_url": _literal(auth.jwks_url) if auth.jwks_url else "",
        "issuer": _literal(auth.issuer) if auth.issuer else "",
        "audience": _literal(auth.audience) if auth.audience else "",
        "query_param": auth.query_param,
        "auth_field": auth.auth_field,
        "user_claim": auth.user_claim,
        "join": _target(auth.join) if auth.join else None,
        "user_schema": _literal(_user_schema(catalog)) if _user_schema(catalog) else "",
    }


def _fill_view(fill: ir.EventFill | None) -> dict[str, Any] | None:
    if fill is None:
        return None
    return {"event": _literal(fill.event), "fields": _literal(dict(fill.fields)), "timestamp": fill.timestamp}


def _errors_view(errors: ir.ErrorContract | None) -> dict[str, Any] | None:
    if errors is None:
        return None
    return {
        "model": errors.type,
        # A plain-string code field: any code goes (an empty tuple tells the runtime so).
        "codes": _literal(tuple(str(v.value) for v in errors.codes) if errors.code_type is not None else ()),
        "fields": _literal(dict(errors.fields)),
        "timestamp": errors.timestamp,
        "event": _literal(errors.event) if errors.event else "",
    }


def _conventions_view(catalog: ir.Catalog) -> dict[str, Any]:
    """Registry(conventions=...): the error contract, close and throttle events, heartbeat, and their imports."""
    conventions = catalog.conventions
    heartbeat = conventions.heartbeat
    view: dict[str, Any] = {
        "errors": _errors_view(conventions.errors),
        "close": _fill_view(conventions.close),
        "throttle": _fill_view(conventions.throttle),
        "heartbeat": {"event": _literal(heartbeat.event), "reply": _literal(heartbeat.reply)} if heartbeat else None,
    }
    used = {
        "ErrorContract": view["errors"],
        "EventFill": view["close"] or view["throttle"],
        "Heartbeat": view["heartbeat"],
    }
    view["imports"] = sorted(["Conventions", *(name for name, value in used.items() if value)])
    return view


def code_members(catalog: ir.Catalog) -> list[dict[str, str]]:
    """The error codes as StrEnum members: BID_TOO_LOW = "BID_TOO_LOW"; a value that is no identifier gets one."""
    errors = catalog.conventions.errors
    members: list[dict[str, str]] = []
    taken: set[str] = set()
    for value in errors.codes if errors else ():
        name = re.sub(r"\W+", "_", str(value.value)).strip("_").upper() or "CODE"
        if name[0].isdigit() or keyword.iskeyword(name):
            name = "CODE_" + name
        base, n = name, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        doc = (value.description or "").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
        members.append({"name": name, "value": _literal(str(value.value)), "doc": " ".join(doc.split())})
    return members


def _codes_doc(catalog: ir.Catalog) -> str:
    errors = catalog.conventions.errors
    if errors is None or errors.code_type is None:
        return "The runtime's error codes (the catalog's error code is a plain string, so any other is allowed too)."
    return f"The values of the catalog's `{errors.code_type}`, as an enum."


def render(catalog: ir.Catalog) -> dict[str, str]:
    header = "# " + header_text(catalog)
    env = environment("python")
    events = list(catalog.events.values())
    outbound = [e for e in events if e.server_to_client]
    inbound = [e for e in events if not e.server_to_client]
    common = {"header": header, "title": catalog.title, "version": catalog.version}
    package_dir = package_name(catalog)
    lowest, below = runtime_range()
    modules = {
        "__init__.py": env.get_template("__init__.py.j2").render(
            common, package=package_dir, requirement=runtime_requirement(), lowest=lowest, below=below
        ),
        "codes.py": env.get_template("codes.py.j2").render(
            common, members=code_members(catalog), doc=_docstring(_codes_doc(catalog))
        ),
        "models.py": models_source(catalog, header),
        "registry.py": env.get_template("registry.py.j2").render(
            common,
            catalog=catalog.name,
            namespace=catalog.namespace,
            recovery_window=catalog.recovery_window,
            auth=_auth_view(catalog),
            conventions=_conventions_view(catalog),
            rooms=[_room_view(catalog, r) for r in catalog.rooms.values()],
            channels=_channels(catalog),
            events=[_event_view(catalog, e) for e in events],
        ),
        "emitter.py": env.get_template("emitter.py.j2").render(
            common,
            events=[_emitter_view(catalog, e) for e in outbound],
            deprecated=any(e.deprecated for e in outbound),
        ),
        "examples.py": env.get_template("examples.py.j2").render(
            common,
            examples=[(e.name, [_literal(x) for x in e.examples]) for e in events if e.examples],
            acks=[(e.name, [_literal(x) for x in e.ack_examples]) for e in events if e.ack_examples],
        ),
        "handlers.py": env.get_template("handlers.py.j2").render(
            common, events=[_handler_view(e) for e in inbound if not answered_by_runtime(catalog, e)]
        ),
    }
    formatted = format_modules(modules)
    package = f"{FOLDER}/{package_dir}"
    files = {f"{package}/{name}": text for name, text in formatted.items()}
    files[f"{package}/py.typed"] = header + "\n"
    files[f"{FOLDER}/pyproject.toml"] = pyproject(catalog, package_dir, header_text(catalog))
    return dict(sorted(files.items()))
