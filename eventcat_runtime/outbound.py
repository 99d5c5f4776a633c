"""A server-to-client event's way out, in one direction: validated against the catalog, addressed to its rooms,
logged for replay, delivered to this node's connections.

`Outbound` is the server's side of it (EventServer.publish is `Outbound.publish`); the typed emitter
(emitter.py) and the Redis publisher (publisher.py) call into it or its functions, never the other way round. An
invalid payload is never sent: development mode raises OutboundValidationError, production mode logs the
problems, counts the drop and returns a `Delivered` with `sent=False`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from .errors import OutboundValidationError
from .monitor import Counts
from .registry import EventSpec, Registry, RoomSpec, RoomTarget
from .replay import LogEntry
from .validation import problems, to_wire

# The emitter's logger, as before outbound routing had a module of its own: log filters and tests name it.
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


class Transport(Protocol):
    """What outbound routing sends through: protocol.SocketIOServer."""

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None: ...

    async def drained(self, sid: str, namespace: str, timeout: float = 20.0) -> None: ...


class EventLog(Protocol):
    """The replay log as outbound routing needs it: recovery.Recovery."""

    @property
    def enabled(self) -> bool: ...

    @property
    def shared(self) -> bool: ...

    async def log_and_deliver(
        self, event: str, data: Any, rooms: Sequence[str], deliver: Callable[[LogEntry], Awaitable[None]]
    ) -> None: ...


class Outbound:
    """One server's outbound routing: `publish` validates, addresses, logs and delivers; `deliver` sends a logged
    entry to this node's connections (the log's readers call it for what other nodes published)."""

    def __init__(
        self,
        registry: Registry,
        sio: Transport,
        recovery: EventLog,
        counts: Counts,
        *,
        strict: Callable[[], bool],
        connected: Container[str],
        settling: Collection[str],
        on_control: Callable[[LogEntry], Awaitable[None]],
    ) -> None:
        self.registry = registry
        self.sio = sio
        self.namespace = registry.namespace
        self.recovery = recovery
        self.counts = counts
        # The mode's default for `publish(strict=None)`: read at each publish (a test may switch the mode).
        self._strict = strict
        # Socket ids of the connections (a sender event goes to one of them, never to a room).
        self._connected = connected
        # Connections still catching up on missed events: a broadcast skips them, they get it once, by replay.
        self._settling = settling
        # What a control entry of the log (a grant revoked on some node) does on this one.
        self._on_control = on_control

    async def publish(
        self,
        event: str,
        payload: BaseModel | Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
        strict: bool | None = None,
    ) -> Delivered:
        """Validate a server-to-client event and deliver it to the rooms the catalog names.

        `strict` overrides the mode: True raises OutboundValidationError for an invalid payload, False drops it.
        """
        spec = outbound_spec(self.registry, event)
        wire = validate_outbound(spec, payload, self._strict() if strict is None else strict)
        if wire is None:
            self.counts.dropped(event)
            return Delivered(event, (), sent=False)
        if spec.delivery == "sender" and to and to not in self._connected:
            # Socket.IO would treat a room name as a target too: a sender event must never fan out.
            raise ValueError(f"{event} goes to one connection, and '{to}' is not a connected socket id")
        rooms, broadcast = targets(spec, self.registry, wire, args, to)
        self.counts.sent(event)
        unlogged = not (self.recovery.enabled or self.recovery.shared)
        if spec.delivery == "sender" or spec.volatile or unlogged:
            # Like Socket.IO: events to one socket and volatile events carry no offset and are never replayed; nor
            # does anything on one node of a catalog without recovery (no log at all).
            if rooms:
                await self.sio.emit(event, wire, to=list(rooms), namespace=self.namespace)
            elif broadcast:
                await self.broadcast(event, wire)
            return Delivered(event, rooms, broadcast=broadcast)
        if not rooms and not broadcast:
            return Delivered(event, rooms)
        await self._log_and_deliver(event, wire, rooms)
        return Delivered(event, rooms, broadcast=broadcast)

    async def _log_and_deliver(self, event: str, wire: Any, rooms: tuple[str, ...]) -> None:
        delivered_here = False

        async def deliver(entry: LogEntry) -> None:
            nonlocal delivered_here
            delivered_here = True
            await self.deliver(entry)

        try:
            await self.recovery.log_and_deliver(event, wire, rooms, deliver)
        except Exception as exc:
            if delivered_here:
                raise  # the log took the event: a failure delivering it is not the log's, and is not retried here
            self.counts.add("log_unavailable")
            log.warning(
                "replay log unavailable: delivered to this node only", extra={"event": event, "error": str(exc)}
            )
            if rooms:
                await self.sio.emit(event, wire, to=list(rooms), namespace=self.namespace)
            else:
                await self.broadcast(event, wire)

    async def deliver(self, entry: LogEntry) -> None:
        """Send a logged event to this node's connections in its rooms, with its offset as the last argument."""
        if entry.control is not None:
            await self._on_control(entry)
            return
        if entry.rooms:
            await self.sio.emit(entry.event, self.args(entry), to=list(entry.rooms), namespace=self.namespace)
        else:
            await self.broadcast(entry.event, self.args(entry))

    async def replay(self, sid: str, entry: LogEntry) -> None:
        """A missed event, to one connection catching up, once what was queued for it before has left."""
        await self.sio.drained(sid, self.namespace)
        await self.sio.emit(entry.event, self.args(entry), to=sid, namespace=self.namespace)

    def args(self, entry: LogEntry) -> Any:
        """A logged event's arguments: its payload, and its offset when the catalog promises recovery."""
        return (entry.data, entry.offset) if self.recovery.enabled else entry.data

    async def broadcast(self, event: str, data: Any) -> None:
        """To every connection except those still catching up on missed events: they get it once, by replay."""
        await self.sio.emit(event, data, namespace=self.namespace, skip_sid=list(self._settling) or None)
