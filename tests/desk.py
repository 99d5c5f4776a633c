"""A catalog built by hand, as the compiler would generate it, with the runtime's conventions under other names than
REZ's: a `ping` heartbeat answered by `pong`, refusals in a `Problem` type (`kind`, `text`, `traceId`, `at` in epoch
milliseconds, no details) through `oops`, `bye` on close, `slow_down` when throttled, colon-named events, its own
error code NOTE_TOO_LONG, and no recovery.

`package()` registers it as the importable package `desk` (with `desk.examples`), so the runtime builds it like any
generated package; `registry(**changes)` is the registry with some parts replaced (auth, conventions, recovery).
"""

from __future__ import annotations

import dataclasses
import sys
import types
from collections.abc import Mapping
from typing import Any, Literal

from eventcat_runtime.emitter import Delivered, Emitter
from eventcat_runtime.errors import RUNTIME_CODES, EventError
from eventcat_runtime.handlers import EventContext, HandlerBase
from eventcat_runtime.models import CatalogModel, IsoDateTime, JsonInt
from eventcat_runtime.registry import (
    AuthSpec,
    Binding,
    Conventions,
    ErrorContract,
    EventFill,
    EventSpec,
    Heartbeat,
    Registry,
    RoomSpec,
    RoomTarget,
)
from pydantic import ConfigDict

DeskCode = Literal[
    "AUTH_REQUIRED",
    "AUTH_INVALID",
    "TOKEN_EXPIRED",
    "VALIDATION_ERROR",
    "UNKNOWN_EVENT",
    "FORBIDDEN",
    "RATE_LIMITED",
    "PAYLOAD_TOO_LARGE",
    "INTERNAL_ERROR",
    "NOTE_TOO_LONG",
]
CODES = (*RUNTIME_CODES, "NOTE_TOO_LONG")


class _Strict(CatalogModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Ping(_Strict):
    sentAt: JsonInt
    nonce: str | None = None


class Pong(_Strict):
    sentAt: JsonInt


class NoteAdd(_Strict):
    text: str


class NoteAck(_Strict):
    ok: bool
    id: str


class NoteAdded(_Strict):
    id: str
    text: str


class Problem(_Strict):
    kind: DeskCode
    text: str
    traceId: str
    at: JsonInt


class Bye(_Strict):
    why: Literal["server_shutdown", "rate_limited"]
    at: IsoDateTime


class SlowDown(_Strict):
    why: str
    tries: JsonInt
    waitMs: JsonInt


CONVENTIONS = Conventions(
    errors=ErrorContract(
        model=Problem,
        codes=CODES,
        fields={"code": "kind", "message": "text", "trace_id": "traceId", "timestamp": "at"},
        timestamp="epoch_ms",
        event="oops",
    ),
    close=EventFill("bye", {"reason": "why", "timestamp": "at"}),
    throttle=EventFill("slow_down", {"reason": "why", "attempts": "tries", "retry_after_ms": "waitMs"}),
    heartbeat=Heartbeat("ping", "pong"),
)

DESK_ROOM = RoomTarget("desk", ())


def _sender(name: str, model: type[CatalogModel]) -> EventSpec:
    return EventSpec(name, "server_to_client", "desk", model, 1024, delivery="sender")


EVENTS = {
    "ping": EventSpec("ping", "client_to_server", "desk", Ping, 1024, rate=(5, 1), handler="on_ping"),
    "note:add": EventSpec(
        "note:add",
        "client_to_server",
        "desk",
        NoteAdd,
        1024,
        ack_model=NoteAck,
        rate=(3, 1),
        enters=(DESK_ROOM,),
        handler="on_note_add",
    ),
    "note:added": EventSpec(
        "note:added", "server_to_client", "desk", NoteAdded, 1024, delivery="rooms", rooms=(DESK_ROOM,)
    ),
    "pong": _sender("pong", Pong),
    "oops": _sender("oops", Problem),
    "bye": _sender("bye", Bye),
    "slow_down": _sender("slow_down", SlowDown),
}

REGISTRY = Registry(
    catalog="desk",
    version="1.0.0",
    namespace="/",
    auth=AuthSpec(join=RoomTarget("me", (Binding("userId", "user"),))),
    rooms={
        "desk": RoomSpec("desk", "desk", access="public", visibility="public"),
        "me": RoomSpec("me", "me:{userId}", ("userId",), access="self"),
    },
    channels=(),
    events=EVENTS,
    recovery_window=None,
    conventions=CONVENTIONS,
)

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "ping": ({"sentAt": 1},),
    "note:add": ({"text": "hello"},),
    "note:added": ({"id": "n_1", "text": "hello"},),
    "pong": ({"sentAt": 1},),
}
ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {"note:add": ({"ok": True, "id": "n_1"},)}


class Events(Emitter):
    """The typed emitter, as generated."""

    async def note_added(self, payload: NoteAdded | Mapping[str, Any]) -> Delivered:
        return await self._emit("note:added", payload)


class EventHandlers(HandlerBase):
    """The handler base, as generated: the heartbeat has no method (the runtime answers it)."""

    def __init__(self, events: Events) -> None:
        self.events = events

    async def on_note_add(self, payload: NoteAdd, ctx: EventContext) -> Any:
        raise NotImplementedError


class DeskHandlers(EventHandlers):
    """The app: refuses with the catalog's own code, with a code it does not declare, or adds the note."""

    async def on_note_add(self, payload: NoteAdd, ctx: EventContext) -> Any:
        if payload.text == "too long":
            raise EventError("NOTE_TOO_LONG", "a note has at most 5 words", {"limit": 5})
        if payload.text == "bogus":
            raise EventError("NOT_IN_THE_CATALOG", "a code nobody declared")
        await self.events.note_added({"id": "n_1", "text": payload.text})
        return {"ok": True, "id": "n_1"}


def package() -> types.ModuleType:
    """The package `desk` (and `desk.examples`, `desk.handlers`), importable by name."""
    if "desk" in sys.modules:
        return sys.modules["desk"]
    module = types.ModuleType("desk")
    module.REGISTRY = REGISTRY  # type: ignore[attr-defined]
    module.Events = Events  # type: ignore[attr-defined]
    module.EventHandlers = EventHandlers  # type: ignore[attr-defined]
    examples = types.ModuleType("desk.examples")
    examples.EXAMPLES = EXAMPLES  # type: ignore[attr-defined]
    examples.ACK_EXAMPLES = ACK_EXAMPLES  # type: ignore[attr-defined]
    sys.modules["desk"] = module
    sys.modules["desk.examples"] = examples
    return module


def registry(**changes: Any) -> Registry:
    return dataclasses.replace(REGISTRY, **changes)


def conventions(**changes: Any) -> Conventions:
    return dataclasses.replace(CONVENTIONS, **changes)
