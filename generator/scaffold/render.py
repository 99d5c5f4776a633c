"""`eventcat scaffold`: the app's handler module, rendered once from the catalog, formatted like every Python output.

Each method's body works from the catalog alone: the rooms it declares are the runtime's to enter and leave (the
docstring says which), a subscribe event subscribes to the channel its payload names, and the answer is the
event's first ack example as the generated ack model. The team's logic goes where `TODO(team)` says.
"""

from __future__ import annotations

import keyword
import textwrap
from dataclasses import dataclass
from typing import Any

from .. import ir
from ..builder import CHANNEL_MARK
from ..names import identifier
from ..outputs.python import package_name
from ..outputs.templating import environment
from ..project import DEFAULT_APP
from ..pyformat import format_modules
from .spec import HandlerSpec, handler_specs


@dataclass(frozen=True)
class AppTarget:
    """Where the module goes and what it defines: `app.handlers:create` is a factory `create(events)` beside a class
    `Handlers`; `app.handlers:AuctionHandlers` is that class alone (serve instantiates it with the emitter)."""

    app: str

    @property
    def attr(self) -> str:
        return self.app.partition(":")[2]

    @property
    def class_name(self) -> str:
        return self.attr if self.attr[:1].isupper() else "Handlers"

    @property
    def factory(self) -> str | None:
        return None if self.attr[:1].isupper() else self.attr


def render_handlers(catalog: ir.Catalog, app: str = DEFAULT_APP) -> str:
    target = AppTarget(app)
    specs = handler_specs(catalog)
    views = [_method_view(catalog, catalog.events[spec.event], spec) for spec in specs]
    source = (
        environment("scaffold")
        .get_template("handlers.py.j2")
        .render(
            title=catalog.title,
            source=catalog.source_name,
            package=package_name(catalog),
            class_name=target.class_name,
            factory=target.factory,
            app=app,
            events=views,
            type_adapter=any(v["type_adapter"] for v in views),
        )
    )
    return format_modules({"handlers.py": source})["handlers.py"]


def _method_view(catalog: ir.Catalog, event: ir.Event, spec: HandlerSpec) -> dict[str, Any]:
    body: list[str] = []
    for triggered in event.triggers:
        if catalog.events[triggered].server_to_client:
            body.append(f"# It triggers {triggered}: `await self.events.{catalog.events[triggered].ident}(...)`.")
    channel = _channel_field(catalog, event)
    words = set(identifier(event.name).split("_"))
    if channel is not None and words & {"unsubscribe", "subscribe"}:
        # A payload field typed `channel` is how a catalog says "subscribe to this": the runtime enters the
        # channel's rooms through its room policy and restores them on reconnection.
        verb = "unsubscribe" if "unsubscribe" in words else "subscribe"
        body.append(f"await ctx.{verb}(payload.{channel})")
    type_adapter = False
    if spec.ack is None:
        body.append("return None")
    elif event.ack_examples:
        value = _ack_literal(catalog, event)
        if isinstance(catalog.resolve(event.ack) if event.ack is not None else None, ir.Object):
            body.append(f"return models.{spec.ack}.model_validate({value})")
        else:  # a union or a scalar ack: no model_validate of its own
            type_adapter = True
            body.append(f"return TypeAdapter(models.{spec.ack}).validate_python({value})")
    else:
        body.append(
            f'raise NotImplementedError("{event.name}: the catalog has no ack example to answer with; '
            f'return a models.{spec.ack} here")'
        )
    return {
        "signature": spec.signature(),
        "doc": _docstring(event, catalog),
        "todo": f"what {event.name} does; the answer below is the catalog's ack example."
        if spec.ack and event.ack_examples
        else f"what {event.name} does.",
        "body": body,
        "type_adapter": type_adapter,
    }


def _ack_literal(catalog: ir.Catalog, event: ir.Event) -> str:
    """The first ack example as a Python literal, where each top-level field the payload has too, with the same
    type, echoes the payload's value (`"ticketId": payload.ticketId`) rather than the example's."""
    example = event.ack_examples[0]
    payload = catalog.resolve(event.payload)
    ack = catalog.resolve(event.ack) if event.ack is not None else None
    if not (isinstance(example, dict) and isinstance(payload, ir.Object) and isinstance(ack, ir.Object)):
        return repr(example)
    items = []
    for key, value in example.items():
        mine, theirs = payload.field(key), ack.field(key)
        echo = (
            mine is not None
            and theirs is not None
            and mine.required
            and mine.type == theirs.type
            and key.isidentifier()
            and not keyword.iskeyword(key)
        )
        items.append(f"{key!r}: {f'payload.{key}' if echo else repr(value)}")
    return "{" + ", ".join(items) + "}"


def _channel_field(catalog: ir.Catalog, event: ir.Event) -> str | None:
    """The payload's top-level field of type `channel`, when it is a plain Python attribute name."""
    payload = catalog.resolve(event.payload)
    if not isinstance(payload, ir.Object):
        return None
    for field in payload.fields:
        expr = catalog.resolve(field.type)
        is_channel = isinstance(expr, ir.Scalar) and CHANNEL_MARK in expr.meta.extensions
        if is_channel and field.name.isidentifier() and not keyword.iskeyword(field.name):
            return field.name
    return None


def _rooms_text(catalog: ir.Catalog, targets: tuple[ir.RoomTarget, ...]) -> str:
    parts = []
    for target in targets:
        fills = [f"{b.param} from {_source_text(b)}" for b in target.bindings]
        room = catalog.rooms[target.room]
        parts.append(f"`{room.pattern}`" + (f" ({', '.join(fills)})" if fills else ""))
    return ", ".join(parts)


def _source_text(binding: ir.Binding) -> str:
    if binding.source == "field":
        return f"the payload's {binding.text}"
    if binding.source == "user":
        return "the authenticated user"
    return binding.text


def _docstring(event: ir.Event, catalog: ir.Catalog) -> str:
    lines = [event.summary.strip().replace('"""', "'''").replace("\\", "\\\\")]
    notes = []
    if event.enters:
        notes.append(
            f"The runtime enters {_rooms_text(catalog, event.enters)} once this returns; its room policy "
            "allowed it before this ran."
        )
    if event.leaves:
        notes.append(f"The runtime leaves {_rooms_text(catalog, event.leaves)} once this returns.")
    if notes:
        lines += ["", *_wrap(" ".join(notes))]
        return "\n        ".join(lines) + "\n        "
    return lines[0]


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, 100)
