"""The typed emitter's behaviour: validate a server-to-client payload, then deliver it to the catalog's rooms.

The generated `Events` class has one method per server-to-client event and only calls `_emit`; every rule lives
here. An invalid payload is never sent: development mode raises OutboundValidationError, production mode logs the
problems, counts the drop and returns a `Delivered` with `sent=False`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from .errors import OutboundValidationError
from .registry import EventSpec, Registry, RoomSpec, RoomTarget
from .validation import problems, to_wire

log = logging.getLogger("eventcat.emitter")


@dataclass(frozen=True)
class Delivered:
    """What an emit did: the event, the rooms (or socket) it went to, and whether it was sent at all."""

    event: str
    rooms: tuple[str, ...]
    sent: bool = True
    broadcast: bool = False


class Publisher(Protocol):
    """Where a typed emitter sends: the EventServer in process, or a RedisPublisher from another process."""

    async def publish(
        self,
        event: str,
        payload: BaseModel | Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
        strict: bool | None = None,
    ) -> Delivered: ...


class Emitter:
    """Base of the generated `Events`: over an EventServer, or a RedisPublisher."""

    def __init__(self, server: Publisher) -> None:
        self._server = server

    async def _emit(
        self,
        event: str,
        payload: BaseModel | Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
    ) -> Delivered:
        return await self._server.publish(event, payload, args=args or {}, to=to)

    async def emit_untyped(
        self,
        event: str,
        payload: Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
    ) -> Delivered:
        """Send a server-to-client event from a plain dict (a JSON literal, a payload read from elsewhere).

        The typed methods take models only, so that a type checker sees every field; this is the one way around
        them, by the event's wire name, and the payload is validated exactly as theirs is. `args` are the room
        parameters the catalog leaves to the publisher (wire names), `to` the socket of a `sender` event.
        """
        return await self._emit(event, payload, args=args, to=to)


def outbound_spec(registry: Registry, event: str) -> EventSpec:
    """The spec of a server-to-client event; KeyError for anything else."""
    spec = registry.events.get(event)
    if spec is None or spec.inbound:
        raise KeyError(f"'{event}' is not a server-to-client event of this catalog")
    return spec


def targets(
    spec: EventSpec, registry: Registry, wire: Mapping[str, Any], args: Mapping[str, str] | None, to: str | None
) -> tuple[tuple[str, ...], bool]:
    """(rooms, broadcast) of a validated server-to-client payload."""
    if spec.delivery == "broadcast":
        return (), True
    return resolve_rooms(spec, registry.rooms, wire, args or {}, to), False


def resolve_rooms(
    spec: EventSpec, rooms: Mapping[str, RoomSpec], wire: Mapping[str, Any], args: Mapping[str, str], to: str | None
) -> tuple[str, ...]:
    """The concrete rooms of a server-to-client event, filled from the payload and the publisher's arguments."""
    if spec.delivery == "sender":
        if not to:
            raise ValueError(f"{spec.name} goes to one connection: pass its socket id as `to`")
        return (to,)
    if spec.delivery == "broadcast":
        return ()
    found: list[str] = []
    for target in spec.rooms:
        found.extend(addresses(spec, rooms[target.room], target, wire, args))
    return tuple(dict.fromkeys(found))


def addresses(
    spec: EventSpec, room: RoomSpec, target: RoomTarget, wire: Mapping[str, Any], args: Mapping[str, str]
) -> list[str]:
    """Every concrete room of one target: one per value when a bound field is an array."""
    combos: list[dict[str, str]] = [{}]
    for binding in target.bindings:
        if binding.source == "arg":
            value = args.get(binding.param)
            if value is None or value == "":
                keyword = spec.args.get(binding.param, binding.param)
                raise ValueError(
                    f"{spec.name} needs the room parameter {binding.param} (keyword `{keyword}`) for {room.pattern}"
                )
            values = [str(value)]
        elif binding.source == "field":
            found = _field(wire, binding.path)
            if found is None:
                return []  # an optional field left out: that room is not addressed
            values = [str(v) for v in found] if isinstance(found, list) else [str(found)]
        else:
            raise ValueError(f"{spec.name}: binding {binding.source} cannot be resolved at emit time")
        combos = [{**c, binding.param: v} for c in combos for v in values]
    return [room.address(c) for c in combos]


def _field(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    current: Any = data
    for part in path:
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def validate_outbound(spec: EventSpec, payload: BaseModel | Mapping[str, Any], strict: bool) -> dict[str, Any] | None:
    """The wire dict, or None (production) / OutboundValidationError (development) when it does not match."""
    try:
        wire, _ = to_wire(payload, spec.model)
        return dict(wire)
    except ValidationError as exc:
        found = problems(exc)
        if strict:
            raise OutboundValidationError(spec.name, found) from None
        log.error(
            "outbound payload dropped: does not match the catalog",
            extra={"event": spec.name, "code": "VALIDATION_ERROR", "errors": found},
        )
        return None
    except (TypeError, ValueError) as exc:  # not JSON-serialisable at all
        found = [{"path": "", "message": str(exc)}]
        if strict:
            raise OutboundValidationError(spec.name, found) from None
        log.error("outbound payload dropped: not JSON", extra={"event": spec.name, "errors": found})
        return None
