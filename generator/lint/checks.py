"""The lint checks: each reads the IR and yields hits; which hits are waived and at what level is decided later."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import ir, names
from ..errors import Pos
from . import naming

# Examples above this share of the payload limit leave too little room for real payloads.
SIZE_HEADROOM = 0.8
_TIME_NAME = re.compile(r"^(timestamp|time|date)$|(At|Timestamp|Date)$")


@dataclass(frozen=True)
class Hit:
    rule: str
    what: str
    pos: Pos | None
    event: str | None = None
    # What a hit without an event is about: `rooms.order`, `types.Offer`.
    subject: str | None = None
    path: str = ""


Check = Callable[[ir.Catalog], Iterator[Hit]]


def event_names(catalog: ir.Catalog) -> Iterator[Hit]:
    style, accepted = catalog.naming.style, catalog.naming.verbs
    for event in catalog.events.values():
        if not names.style_of(event.name, style):
            yield Hit("event-name-style", f"not {style}, this catalog's naming style", event.pos, event.name)
        if event.server_to_client:
            better = naming.past_tense_suggestion(event.name, accepted)
            if better:
                what = f"names what happened with a verb's base form: `{better}`"
                yield Hit("event-name-past-tense", what, event.pos, event.name)
    for domain in catalog.domains:
        prefix = naming.implied_prefix(domain.events)
        if prefix is None:
            continue
        for name in domain.events:
            if not naming.has_prefix(name, prefix):
                share = sum(naming.has_prefix(n, prefix) for n in domain.events)
                what = f"{share} of the {len(domain.events)} events of domain {domain.name} start with `{prefix}`"
                yield Hit("event-name-domain-prefix", what, catalog.events[name].pos, name)


def payload_fields(catalog: ir.Catalog) -> Iterator[Hit]:
    for event in catalog.events.values():
        if not event.server_to_client:
            continue
        objects = top_objects(catalog, event.payload)
        if objects and not event.volatile and not all(any(is_time(catalog, f) for f in o.fields) for o in objects):
            # Volatile events are dropped rather than delayed: the time they arrive is the time they happened.
            what = "no timestamp field"
            yield Hit("payload-timestamp", what, event.pos, event.name, path="payload")
        for target in event.delivery.rooms if event.delivery else ():
            room = catalog.rooms.get(target.room)
            if room is None or room.access == "self":
                continue  # the user's own room: the recipient is the id
            for binding in target.bindings:
                if binding.source == "arg":
                    what = f"{room.pattern}: {binding.param} comes from the publisher ($arg), not from the payload"
                    yield Hit("payload-ids", what, event.pos, event.name, path="payload")


def docs(catalog: ir.Catalog) -> Iterator[Hit]:
    for event in catalog.events.values():
        words = event.summary.split()
        humanised = " ".join(names.words(event.name))
        if (
            len(words) < 2
            or not event.summary[:1].isupper()
            or not event.summary.rstrip().endswith(".")
            or event.summary.rstrip(". ").lower() == humanised
        ):
            what = "the summary should be a sentence (capital letter, full stop) that says more than the name"
            yield Hit("event-summary", what, event.pos, event.name, path="summary")
        if event.ack is not None and not event.ack_examples:
            yield Hit("ack-example", "the acknowledgement has no example", event.pos, event.name, path="ack")


def examples(catalog: ir.Catalog) -> Iterator[Hit]:
    for event in catalog.events.values():
        limit = event.limits.max_payload_bytes
        for i, example in enumerate(event.examples):
            size = len(json.dumps(example, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
            if size >= SIZE_HEADROOM * limit:
                what = f"{size} bytes, {size * 100 // limit}% of the {limit}-byte limit"
                yield Hit("example-size", what, event.pos, event.name, path=f"examples[{i}]")
        shown = set().union(*(present_paths(e) for e in event.examples)) if event.examples else set()
        for path, pos in optional_paths(catalog, event.payload):
            if path not in shown:
                yield Hit("optional-field-in-examples", "never shown in an example", pos, event.name, path=path)


def any_fields(catalog: ir.Catalog) -> Iterator[Hit]:
    """Shared types are checked once, where they are written; events check their inline types only."""
    for shared in catalog.types.values():
        for path, pos in undocumented_any(shared.type, "", shared.pos):
            yield Hit("any-without-description", _ANY, pos, subject=f"types.{shared.name}", path=path)
    for event in catalog.events.values():
        for root, expr in (("payload", event.payload), ("ack", event.ack)):
            if expr is not None:
                for path, pos in undocumented_any(expr, root, event.pos):
                    yield Hit("any-without-description", _ANY, pos, event.name, path=path)


_ANY = "typed `any` with no description"


def rooms(catalog: ir.Catalog) -> Iterator[Hit]:
    delivered = {target.room for event in catalog.events.values() if event.delivery for target in event.delivery.rooms}
    for name, room in catalog.rooms.items():
        if name not in delivered:
            yield Hit("room-unused", "no event is delivered to this room", room.pos, subject=f"rooms.{name}")


CHECKS: tuple[Check, ...] = (event_names, payload_fields, docs, examples, any_fields, rooms)


# -- helpers ----------------------------------------------------------------------------------------------------


def top_objects(catalog: ir.Catalog, expr: ir.TypeExpr) -> list[ir.Object]:
    """The payload's object, or each branch's for a union; empty for raw schemas, which lint cannot read."""
    resolved = catalog.resolve(expr)
    if isinstance(resolved, ir.Object):
        return [resolved]
    if isinstance(resolved, ir.Union):
        branches = [catalog.resolve(b) for b in resolved.branches]
        return [b for b in branches if isinstance(b, ir.Object)]
    return []


def is_time(catalog: ir.Catalog, f: ir.Field) -> bool:
    resolved = catalog.resolve(f.type)
    if isinstance(resolved, ir.Scalar) and resolved.format in ("date-time", "date"):
        return True
    return bool(_TIME_NAME.search(f.name))


def present_paths(value: Any, prefix: str = "payload") -> set[str]:
    """Every key path an example holds, arrays as `[]`: `payload.items[].image`."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}"
            found.add(path)
            found |= present_paths(inner, path)
    elif isinstance(value, list):
        for inner in value:
            found |= present_paths(inner, prefix + "[]")
    return found


def optional_paths(
    catalog: ir.Catalog, expr: ir.TypeExpr, prefix: str = "payload", seen: frozenset[str] = frozenset()
) -> Iterator[tuple[str, Pos | None]]:
    """Paths of optional fields through objects and arrays (unions and recursion are not followed)."""
    if isinstance(expr, ir.Ref):
        if expr.name in seen or expr.name not in catalog.types:
            return
        seen = seen | {expr.name}
    resolved = catalog.resolve(expr)
    if isinstance(resolved, ir.Array):
        yield from optional_paths(catalog, resolved.items, prefix + "[]", seen)
    elif isinstance(resolved, ir.Object):
        for f in resolved.fields:
            path = f"{prefix}.{f.name}"
            if not f.required:
                yield path, f.pos
            yield from optional_paths(catalog, f.type, path, seen)


def undocumented_any(expr: ir.TypeExpr, prefix: str, pos: Pos | None) -> Iterator[tuple[str, Pos | None]]:
    anything = (isinstance(expr, ir.Scalar) and expr.kind == "any") or (isinstance(expr, ir.Raw) and not expr.schema)
    if anything and not expr.meta.description:
        yield prefix, pos
    elif isinstance(expr, ir.Object):
        for f in expr.fields:
            yield from undocumented_any(f.type, f"{prefix}.{f.name}".lstrip("."), f.pos or pos)
    elif isinstance(expr, ir.Array):
        yield from undocumented_any(expr.items, prefix + "[]", pos)
    elif isinstance(expr, ir.Union):
        for i, branch in enumerate(expr.branches):
            yield from undocumented_any(branch, f"{prefix}<#{i + 1}>", pos)
