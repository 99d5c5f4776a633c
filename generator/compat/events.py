"""Compare the events of two catalogs: added, removed, swapped, and everything about one event that can change.

Payloads and acks go to the type walk with the flow of the side that reads them; what is about the event itself
(delivery, limits, acks, documentation, behaviour) is compared here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .. import ir
from ..errors import Pos
from .collect import Collector
from .findings import Flow
from .walk import At, Walker


def flow_of(direction: ir.Direction) -> Flow:
    return "s2c" if direction == "server_to_client" else "c2s"


def flipped(flow: Flow) -> Flow:
    return "c2s" if flow == "s2c" else "s2c"


class EventDiff:
    def __init__(self, old: ir.Catalog, new: ir.Catalog, out: Collector) -> None:
        self.old, self.new, self.out = old, new, out
        self.walker = Walker(old, new, out)

    def run(self) -> None:
        for name, before in self.old.events.items():
            if name not in self.new.events:
                self.removed(before)
        for name, after in self.new.events.items():
            if name in self.old.events:
                self.changed(self.old.events[name], after)
            else:
                flow = flow_of(after.direction)
                self.out.emit("event-added", flow, "event added", event=name, flow=flow, new=name, pos=after.pos)

    def removed(self, event: ir.Event) -> None:
        flow = flow_of(event.direction)
        rule = "deprecated-event-removed" if event.deprecated else "event-removed"
        what = "deprecated event removed" if event.deprecated else "event removed"
        self.out.emit(rule, flow, what, event=event.name, flow=flow, old=event.name, pos=self.removed_pos(event))

    def removed_pos(self, event: ir.Event) -> Pos | None:
        """A removed event has no place in the new file: point at its domain there, else at `domains:`."""
        domain = next((d for d in self.new.domains if d.name == event.domain), None)
        return domain.pos if domain and domain.pos else self.new.positions.get("domains")

    def emit(self, rule: str, flow: Flow, after: ir.Event, path: str, what: str, old: object, new: object) -> None:
        self.out.emit(rule, flow, what, event=after.name, path=path, flow=flow, old=old, new=new, pos=after.pos)

    def changed(self, before: ir.Event, after: ir.Event) -> None:
        flow = flow_of(before.direction)
        if before.direction != after.direction:
            what = f"direction {before.direction} → {after.direction}"
            self.emit("event-direction-changed", flow, after, "direction", what, before.direction, after.direction)
            return  # the payload now travels the other way: comparing it field by field would mislead
        self.walker.compare(before.payload, after.payload, At(after.name, "payload", flow, after.pos))
        self.ack(before, after, flipped(flow))
        if flow == "s2c":
            self.delivery(before, after)
        self.limits(before, after, flow)
        self.docs(before, after, flow)
        self.behaviour(before, after, flow)

    def ack(self, before: ir.Event, after: ir.Event, flow: Flow) -> None:
        if before.ack is None and after.ack is not None:
            self.emit("ack-added", flow, after, "ack", "acknowledgement added", None, after.ack_name)
        elif before.ack is not None and after.ack is None:
            self.emit("ack-removed", flow, after, "ack", "acknowledgement removed", before.ack_name, None)
        elif before.ack is not None and after.ack is not None:
            self.walker.compare(before.ack, after.ack, At(after.name, "ack", flow, after.pos))
        if before.ack_examples != after.ack_examples and before.ack and after.ack:
            what = "ack examples changed"
            self.emit("examples-changed", flow, after, "ack_examples", what, before.ack_examples, after.ack_examples)

    def delivery(self, before: ir.Event, after: ir.Event) -> None:
        old_d, new_d = before.delivery, after.delivery
        old_kind = old_d.kind if old_d else None
        new_kind = new_d.kind if new_d else None
        old_rooms = self.addresses(old_d, self.old)
        new_rooms = self.addresses(new_d, self.new)
        if old_kind != new_kind:
            what = f"delivery {_delivery_text(old_kind, old_rooms)} → {_delivery_text(new_kind, new_rooms)}"
            self.emit("delivery-changed", "s2c", after, "delivery", what, old_kind, new_kind)
            return
        if set(old_rooms) == set(new_rooms):
            return  # rooms renamed in the catalog but addressed the same: clients see no difference
        moved = {
            room
            for room in set(old_rooms.values()) & set(new_rooms.values())
            if room in self.old.rooms
            and room in self.new.rooms
            and self.old.rooms[room].pattern != self.new.rooms[room].pattern
        }
        for room in sorted(moved):
            old_pattern, new_pattern = self.old.rooms[room].pattern, self.new.rooms[room].pattern
            self.out.emit(
                "room-pattern-changed",
                "s2c",
                f"room {room}: pattern {old_pattern} → {new_pattern}",
                event=after.name,
                path=f"delivery.rooms.{room}",
                flow="s2c",
                old=old_pattern,
                new=new_pattern,
                pos=self.new.rooms[room].pos or after.pos,
            )
        old_rest = sorted(a for a, room in old_rooms.items() if room not in moved)
        new_rest = sorted(a for a, room in new_rooms.items() if room not in moved)
        if old_rest != new_rest:
            what = f"delivered to {', '.join(old_rest) or 'no other room'} → {', '.join(new_rest) or 'no other room'}"
            self.emit("delivery-changed", "s2c", after, "delivery", what, old_rest, new_rest)

    @staticmethod
    def addresses(delivery: ir.Delivery | None, catalog: ir.Catalog) -> dict[str, str]:
        """Each target as the room name a client would see, parameters shown by where they come from, e.g.
        `order:{orderId}` or `user:{$arg}`, mapped to the catalog's room key."""
        targets: dict[str, str] = {}
        for target in delivery.rooms if delivery else ():
            room = catalog.rooms.get(target.room)
            address = room.pattern if room else target.room
            for binding in target.bindings:
                address = address.replace("{" + binding.param + "}", "{" + binding.text + "}")
            targets[address] = target.room
        return targets

    def limits(self, before: ir.Event, after: ir.Event, flow: Flow) -> None:
        old_size, new_size = before.limits.max_payload_bytes, after.limits.max_payload_bytes
        if old_size != new_size:
            rule = "limit-tightened" if new_size < old_size else "limit-loosened"
            what = f"max_payload_bytes {old_size} → {new_size}"
            self.emit(rule, flow, after, "limits.max_payload_bytes", what, old_size, new_size)
        old_rate, new_rate = _per_second(before.limits.rate), _per_second(after.limits.rate)
        if old_rate != new_rate:
            rule = "limit-tightened" if new_rate < old_rate else "limit-loosened"
            old_text, new_text = _rate_text(before.limits.rate), _rate_text(after.limits.rate)
            self.emit(rule, flow, after, "limits.rate", f"rate {old_text} → {new_text}", old_text, new_text)

    def docs(self, before: ir.Event, after: ir.Event, flow: Flow) -> None:
        for attr in ("summary", "description"):
            old, new = getattr(before, attr), getattr(after, attr)
            if old != new:
                self.emit("description-changed", flow, after, attr, f"{attr} changed", old, new)
        if before.examples != after.examples:
            old_examples, new_examples = list(before.examples), list(after.examples)
            self.emit("examples-changed", flow, after, "examples", "examples changed", old_examples, new_examples)
        if (before.deprecated is None) != (after.deprecated is None):
            what = "deprecated" if after.deprecated else "no longer deprecated"
            old_dep, new_dep = before.deprecated is not None, after.deprecated is not None
            self.emit("event-deprecated", flow, after, "deprecated", what, old_dep, new_dep)
        if before.domain != after.domain:
            what = f"moved from domain {before.domain} to {after.domain}"
            self.emit("event-moved", flow, after, "domain", what, before.domain, after.domain)

    def behaviour(self, before: ir.Event, after: ir.Event, flow: Flow) -> None:
        if before.volatile != after.volatile:
            what = "now volatile (may be dropped)" if after.volatile else "no longer volatile"
            self.emit("event-behaviour-changed", flow, after, "volatile", what, before.volatile, after.volatile)
        pairs: list[tuple[str, Iterable[str], Iterable[str]]] = [
            ("triggers", before.triggers, after.triggers),
            ("enters", self.targets(before.enters, self.old), self.targets(after.enters, self.new)),
            ("leaves", self.targets(before.leaves, self.old), self.targets(after.leaves, self.new)),
        ]
        for attr, old_items, new_items in pairs:
            old_sorted, new_sorted = sorted(old_items), sorted(new_items)
            if old_sorted != new_sorted:
                what = f"{attr} {', '.join(old_sorted) or 'nothing'} → {', '.join(new_sorted) or 'nothing'}"
                self.emit("event-behaviour-changed", flow, after, attr, what, old_sorted, new_sorted)

    def targets(self, targets: tuple[ir.RoomTarget, ...], catalog: ir.Catalog) -> list[str]:
        return list(self.addresses(ir.Delivery("rooms", targets), catalog))


def _per_second(rate: ir.Rate | None) -> float:
    return math.inf if rate is None else rate.count / rate.period_seconds


def _rate_text(rate: ir.Rate | None) -> str:
    return rate.text if rate else "unlimited"


def _delivery_text(kind: str | None, rooms: dict[str, str]) -> str:
    if kind == "rooms":
        return "to " + ", ".join(sorted(rooms))
    return kind or "none"
