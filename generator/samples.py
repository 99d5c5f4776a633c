"""Sample room and channel names for the docs and JSDoc, taken from the catalog itself.

Outputs illustrate a room pattern with a concrete name (`auction:auc_7f3`); the values come from this catalog's own
examples (the payload field a delivery or `enters` binds the parameter to), else from the parameter's type (an enum's
first value, a declared example). When nothing in the catalog gives a value, there is no sample and the outputs say
less rather than borrow another catalog's ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import ir


def room_values(catalog: ir.Catalog, room: ir.Room) -> dict[str, str] | None:
    """A value for every parameter of the room, or None when the catalog does not give one for each."""
    values: dict[str, str] = {}
    for param in room.params:
        value = _from_examples(catalog, room.name, param.name) or _from_type(catalog, param.type)
        if value is None:
            return None
        values[param.name] = value
    return values


def room_sample(catalog: ir.Catalog, room: ir.Room) -> str | None:
    """`auction:auc_7f3` for `auction:{auctionId}`; None when the catalog gives no value for a parameter."""
    values = room_values(catalog, room)
    return room.address(values) if values is not None else None


def channel_values(catalog: ir.Catalog, channel: ir.Channel) -> dict[str, str] | None:
    """Values for a channel's parameters: through the rooms it enters (`$channel.auctionId` binds a room parameter
    the catalog has samples for), else from the parameter's type."""
    values: dict[str, str] = {}
    for param in channel.params:
        value = _through_rooms(catalog, channel, param.name) or _from_type(catalog, param.type)
        if value is None:
            return None
        values[param.name] = value
    return values


def channel_sample(catalog: ir.Catalog, channel: ir.Channel) -> str | None:
    values = channel_values(catalog, channel)
    if values is None:
        return None
    text = channel.name
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _through_rooms(catalog: ir.Catalog, channel: ir.Channel, param: str) -> str | None:
    for target in channel.rooms:
        for binding in target.bindings:
            if binding.source == "channel" and binding.path == (param,):
                room = catalog.rooms.get(target.room)
                if room is not None:
                    found = _from_examples(catalog, room.name, binding.param)
                    if found is not None:
                        return found
    return None


def _targets(event: ir.Event) -> Iterator[ir.RoomTarget]:
    if event.delivery is not None:
        yield from event.delivery.rooms
    yield from event.enters
    yield from event.leaves


def _from_examples(catalog: ir.Catalog, room: str, param: str) -> str | None:
    """The value of the payload field bound to the parameter, in the first example of an event addressing the room."""
    for event in catalog.events.values():
        for target in _targets(event):
            if target.room != room:
                continue
            for binding in target.bindings:
                if binding.param == param and binding.source == "field":
                    for example in event.examples:
                        value = _at(example, binding.path)
                        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                            return str(value)
    return None


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data[0] if isinstance(data, list) and data else data


def _from_type(catalog: ir.Catalog, expr: ir.TypeExpr) -> str | None:
    examples = expr.meta.examples or catalog.resolve(expr).meta.examples
    if examples:
        return str(examples[0])
    resolved = catalog.resolve(expr)
    if isinstance(resolved, ir.Enum) and resolved.values:
        return str(resolved.values[0].value)
    if isinstance(resolved, ir.Const):
        return str(resolved.value)
    return None
