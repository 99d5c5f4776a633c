"""Any catalog served from the catalog alone: `serve --mock` and the example traffic of `serve --demo`.

- `handlers_for(package)`: handlers built from the registry and the examples. Every valid client event is accepted
  (the runtime has validated it, checked its `caller` fields and the room policy, and enters or leaves the rooms
  the event declares once the handler returns); an event with an ack is answered with its first ack example, its
  fields of the request's names taken from the request (`{ticketId}` answers the ticket asked about).
- `Traffic`: the catalog's server-to-client examples published in turn, one every `--demo-interval` seconds, and
  every connection put in the rooms they go to, so that traffic from every domain arrives within a minute or two.
  Events to one connection (replies, the error, close and throttle events) are left out: sent out of the blue they
  would only mislead the client.
- `--demo` also makes a development secret and a token for the catalog's example user, printed with a client
  snippet (`banner`).
"""

from __future__ import annotations

import asyncio
import importlib
import itertools
import json
import logging
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import jsonschema
from pydantic import ValidationError

from .auth import JwtVerifier
from .emitter import resolve_rooms
from .errors import ErrorCode, EventError
from .handlers import EventContext, HandlerBase
from .registry import EventSpec, Registry
from .validation import to_wire

if TYPE_CHECKING:
    from .app import App, HandlersFactory

log = logging.getLogger("eventcat.mock")

FALLBACK_USER = "demo_user"
TOKEN_HOURS = 12


def examples_of(package: ModuleType) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """(EXAMPLES, ACK_EXAMPLES) of a generated package, by event name."""
    module = importlib.import_module(f"{package.__name__}.examples")
    return getattr(module, "EXAMPLES", {}), getattr(module, "ACK_EXAMPLES", {})


# -- handlers from the catalog ------------------------------------------------------------------------------------


def mock_ack(spec: EventSpec, examples: Mapping[str, Any], payload: Mapping[str, Any]) -> Any:
    """The first ack example, with the request's values in the fields of the same name when it stays valid."""
    assert spec.ack_model is not None
    candidates: list[Any] = []
    for example in examples.get(spec.name, ()):
        if isinstance(example, dict):
            candidates.append({**example, **{k: v for k, v in payload.items() if k in example}})
        candidates.append(example)
    candidates.append({"ok": True})
    for candidate in candidates:
        try:
            wire, _ = to_wire(candidate, spec.ack_model)
        except (ValidationError, TypeError, ValueError):
            continue
        return wire
    raise EventError(ErrorCode.INTERNAL_ERROR, f"{spec.name}: the catalog has no ack example to answer with")


def handlers_for(package: ModuleType) -> HandlersFactory:
    """A factory of the package's `EventHandlers` with one method per client-to-server event, from the examples."""
    registry: Registry = package.REGISTRY
    _, acks = examples_of(package)

    def method(spec: EventSpec) -> Any:
        async def handle(self: HandlerBase, payload: Any, ctx: EventContext) -> Any:
            if spec.ack_model is None:
                return None
            return mock_ack(spec, acks, payload.model_dump(by_alias=True, mode="json"))

        handle.__name__ = str(spec.handler)
        handle.__doc__ = f"{spec.name}: accepted; answered from the catalog's ack example."
        return handle

    methods = {
        spec.handler: method(spec) for spec in registry.events.values() if spec.inbound and spec.handler is not None
    }
    methods["__doc__"] = f"Handlers of {registry.catalog} from the catalog alone (eventcat serve --mock)."
    cls: type[HandlerBase] = type("MockHandlers", (package.EventHandlers,), methods)
    return cls


# -- example traffic ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Emit:
    event: str
    payload: Mapping[str, Any]
    args: Mapping[str, str]


def _example_value(examples: Mapping[str, Any], field: str) -> str | None:
    for listed in examples.values():
        for example in listed:
            value = example.get(field) if isinstance(example, dict) else None
            if isinstance(value, str):
                return value
    return None


def _example_strings(value: Any) -> Iterator[str]:
    """Every string in the examples, depth first, in catalog order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _example_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _example_strings(item)


def demo_user(registry: Registry, examples: Mapping[str, Any]) -> str:
    """The user the demo token is for, a valid user id of the catalog (the server refuses any other token): an
    example value of the room parameter the user joins by (else of `userId`), else the first example string that
    is a valid user id (`bidder: bidder_ann` for a `bidder:{bidderId}` room), else `demo_user`."""
    schema = registry.auth.user_schema
    validator = jsonschema.Draft202012Validator(dict(schema)) if schema is not None else None

    def valid(value: str | None) -> bool:
        return value is not None and (validator is None or validator.is_valid(value))

    join = registry.auth.join
    joined_by = [b.param for b in (join.bindings if join is not None else ()) if b.source == "user"]
    named = _example_value(examples, joined_by[0] if joined_by else "userId")
    if named is not None and valid(named):
        return named
    if validator is not None:
        for value in _example_strings(examples):
            if valid(value):
                return value
    return named or FALLBACK_USER


def _sent_by_the_runtime(registry: Registry) -> set[str]:
    conventions = registry.conventions
    names = {fill.event for fill in (conventions.close, conventions.throttle) if fill is not None}
    if conventions.errors is not None and conventions.errors.event:
        names.add(conventions.errors.event)
    if conventions.heartbeat is not None:
        names.add(conventions.heartbeat.reply)
    return names


@dataclass
class Traffic:
    registry: Registry
    emits: list[Emit]
    user: str

    @classmethod
    def of(cls, package: ModuleType, registry: Registry | None = None) -> Traffic:
        """One emit per example of every server-to-client event the traffic may publish, in catalog order."""
        registry = registry if registry is not None else package.REGISTRY
        assert registry is not None
        examples, _ = examples_of(package)
        user = demo_user(registry, examples)
        skip = _sent_by_the_runtime(registry)
        emits = []
        for spec in registry.events.values():
            if spec.inbound or spec.delivery == "sender" or spec.name in skip:
                continue
            args = {wire: _example_value(examples, wire) or f"demo_{wire}" for wire in spec.args}
            if registry.auth.join is not None:
                for binding in registry.auth.join.bindings:
                    if binding.source == "user" and binding.param in args:
                        args[binding.param] = user
            for example in examples.get(spec.name, ()):
                emits.append(Emit(spec.name, example, args))
        return cls(registry, emits, user)

    def rooms(self) -> list[str]:
        rooms: list[str] = []
        for emit in self.emits:
            spec = self.registry.events[emit.event]
            if spec.delivery == "rooms":
                rooms.extend(resolve_rooms(spec, self.registry.rooms, emit.payload, emit.args, None))
        return sorted(set(rooms))

    def install(self, app: App) -> None:
        """Every connection enters the traffic's rooms; publishing starts with the app and stops with it."""
        app.traffic = self
        rooms = self.rooms()
        handlers = app.handlers
        original_connect = handlers.on_connect

        async def on_connect(ctx: EventContext) -> None:
            for room in rooms:
                await app.server._enter(ctx.connection, room, "demo")
            await original_connect(ctx)

        handlers.on_connect = on_connect
        task: dict[str, asyncio.Task[None]] = {}

        async def start() -> None:
            task["publisher"] = asyncio.create_task(self.publish_forever(app, app.settings.demo_interval))

        async def stop() -> None:
            if "publisher" in task:
                task["publisher"].cancel()

        app.on_startup.append(start)
        app.on_shutdown.append(stop)

    async def publish_forever(self, app: App, interval: float) -> None:
        for emit in _cycle(self.emits):
            await asyncio.sleep(interval)
            if not app.server.connections:
                continue
            try:
                await app.server.publish(emit.event, emit.payload, args=emit.args)
            except Exception:
                log.exception("demo publish failed", extra={"event": emit.event})

    def token(self, app: App, private_key: str | None = None) -> str | None:
        """A token for the demo user, when the server can sign one: HS* with its secret, else with private_key."""
        verifier = app.server.verifier
        if not isinstance(verifier, JwtVerifier):
            return None
        hs = verifier.algorithms[0].startswith("HS")
        if (hs and not verifier.secret) or (not hs and private_key is None):
            return None
        now = int(time.time())
        claims: dict[str, Any] = {
            self.registry.auth.user_claim: self.user,
            "roles": [],
            "iat": now,
            "exp": now + TOKEN_HOURS * 3600,
        }
        if verifier.issuer:
            claims["iss"] = verifier.issuer
        if verifier.audience:
            claims["aud"] = verifier.audience
        return verifier.issue(claims, private_key)


def _cycle(emits: list[Emit]) -> Iterator[Emit]:
    return itertools.cycle(emits) if emits else iter(())


def secret() -> str:
    return secrets.token_urlsafe(32)


# -- what `serve --demo` / `--mock` prints ------------------------------------------------------------------------


def banner(app: App, token: str | None) -> str:
    settings, registry = app.settings, app.registry
    url = f"http://{settings.host}:{settings.port}"
    traffic = app.traffic if isinstance(app.traffic, Traffic) else Traffic.of(app.package, registry)
    mode = "mock" if settings.mock else "demo"
    anonymous = registry.auth.scheme == "none"
    if anonymous:
        who = "No token: this catalog has no auth, every connection is a user of its own."
        auth_js, auth_py = "", ""
    elif token is not None:
        who = f"Token for {traffic.user} (valid {TOKEN_HOURS} h):\n  {token}"
        auth_js, auth_py = f'auth: {{ token: "{token}" }}, ', f'auth={{"token": "{token}"}}, '
    else:
        who = "Connect with a token your identity provider signed (auth.token or ?token=)."
        auth_js, auth_py = 'auth: { token: "<JWT>" }, ', 'auth={"token": "<JWT>"}, '
    offsets = (
        "\n      # events to rooms carry their replay offset as one more argument"
        if registry.recovery_window is not None
        else ""
    )
    sample = next((e for e in traffic.emits if registry.events[e.event].delivery == "broadcast"), None)
    curl = ""
    if sample is not None and settings.service_token:
        body = json.dumps(dict(sample.payload), ensure_ascii=False).replace("'", "'\\''")
        curl = f"""
Publish API (service token):
  curl -X POST '{url}/events/{sample.event}' -H 'Authorization: Bearer {settings.service_token}' \\
       -H 'Content-Type: application/json' -d '{body}'
"""
    answers = (
        "It accepts every valid client event and answers acks from the catalog's examples.\n" if settings.mock else ""
    )
    return f"""
eventcat {mode}: {registry.catalog} {registry.version} on {url} (Socket.IO, namespace {registry.namespace})
{answers}It publishes an example event every {settings.demo_interval:g} s; every connection sees them. Ctrl-C stops it.

{who}

Node (npm i socket.io-client):
  const {{ io }} = require("socket.io-client");
  const socket = io("{url}", {{ {auth_js}transports: ["websocket"] }});
  socket.onAny((event, payload) => console.log(event, JSON.stringify(payload)));

Python (pip install "python-socketio[asyncio-client]"):
  import asyncio, socketio
  async def main():
      sio = socketio.AsyncClient(){offsets}
      sio.on("*", lambda event, payload, *offset: print(event, payload))
      await sio.connect("{url}", {auth_py}transports=["websocket"])
      await sio.wait()
  asyncio.run(main())
{curl}"""
