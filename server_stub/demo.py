"""`eventcat serve --demo`: a server a newcomer can connect to and watch, with nothing to configure.

It makes a development secret and a token for the catalog's example user, prints them with a client snippet,
puts every connection in the rooms the demo publishes to, and publishes the catalog's examples in turn, so that
traffic from every domain arrives within a minute or two.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from eventcat_runtime.emitter import resolve_rooms
from eventcat_runtime.handlers import EventContext
from eventcat_runtime.registry import EventSpec
from rez_realtime import REGISTRY
from rez_realtime.examples import EXAMPLES

from .app import RezApp

log = logging.getLogger("eventcat.demo")

DEMO_USER = "user_456"
# Sent to one connection on a real occasion only; publishing them now and then would mislead the client:
# `error` and `connection_error` answer something the client did; sent out of the blue they would only confuse.
LIFECYCLE_EVENTS = frozenset({"connected", "disconnected", "heartbeat_ack", "connection_error", "error"})


@dataclass(frozen=True)
class DemoEmit:
    event: str
    payload: Mapping[str, Any]
    args: Mapping[str, str]


def demo_emits() -> list[DemoEmit]:
    """One emit per catalog example of every server-to-client event the demo may publish, in catalog order."""
    emits = []
    for spec in REGISTRY.events.values():
        if spec.inbound or spec.name in LIFECYCLE_EVENTS:
            continue
        for example in EXAMPLES.get(spec.name, ()):
            emits.append(DemoEmit(spec.name, example, _args_for(spec)))
    return emits


def _args_for(spec: EventSpec) -> dict[str, str]:
    """Publisher arguments for the demo: the demo user, else an id of that name found in the examples."""
    args = {}
    for wire in spec.args:
        args[wire] = DEMO_USER if wire == "userId" else _example_value(wire) or f"demo_{wire}"
    return args


def _example_value(field: str) -> str | None:
    for examples in EXAMPLES.values():
        for example in examples:
            value = example.get(field)
            if isinstance(value, str):
                return value
    return None


def demo_rooms(emits: list[DemoEmit]) -> list[str]:
    rooms: list[str] = []
    for emit in emits:
        spec = REGISTRY.events[emit.event]
        if spec.delivery == "rooms":
            rooms.extend(resolve_rooms(spec, REGISTRY.rooms, emit.payload, emit.args, None))
    return sorted(set(rooms))


def install(app: RezApp) -> str:
    """Turn app into the demo: returns the token to print."""
    emits = demo_emits()
    rooms = demo_rooms(emits)
    original_connect = app.handlers.on_connect

    async def on_connect(ctx: EventContext) -> None:
        for room in rooms:
            await app.server._enter(ctx.connection, room, "demo")
        await original_connect(ctx)

    app.handlers.on_connect = on_connect  # type: ignore[method-assign]
    task: dict[str, asyncio.Task[None]] = {}

    async def start() -> None:
        task["publisher"] = asyncio.create_task(publish_forever(app, emits, app.settings.demo_interval))

    async def stop() -> None:
        if "publisher" in task:
            task["publisher"].cancel()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
    return app.server.verifier.issue(
        {"userId": DEMO_USER, "roles": [], "iat": int(time.time()), "exp": int(time.time()) + 12 * 3600}
    )


async def publish_forever(app: RezApp, emits: list[DemoEmit], interval: float) -> None:
    for emit in _cycle(emits):
        await asyncio.sleep(interval)
        if not app.server.connections:
            continue
        spec = REGISTRY.events[emit.event]
        targets = list(app.server.connections) if spec.delivery == "sender" else [None]
        try:
            for sid in targets:
                await app.server.publish(emit.event, emit.payload, args=emit.args, to=sid)
        except Exception:
            log.exception("demo publish failed", extra={"event": emit.event})


def _cycle(emits: list[DemoEmit]) -> Iterator[DemoEmit]:
    return itertools.cycle(emits) if emits else iter(())


def secret() -> str:
    return secrets.token_urlsafe(32)


def banner(host: str, port: int, token: str, service_token: str) -> str:
    url = f"http://{host}:{port}"
    sample = next((e for e in demo_emits() if REGISTRY.events[e.event].delivery == "broadcast"), None)
    curl = ""
    if sample is not None:
        body = json.dumps(dict(sample.payload), ensure_ascii=False).replace("'", "'\\''")
        curl = f"""
Publish API (service token):
  curl -X POST '{url}/events/{sample.event}' -H 'Authorization: Bearer {service_token}' \\
       -H 'Content-Type: application/json' -d '{body}'
"""
    return f"""
eventcat demo: {REGISTRY.catalog} {REGISTRY.version} on {url} (Socket.IO, namespace {REGISTRY.namespace})
It publishes an example event every few seconds; every connection sees them. Ctrl-C stops it.

Token for {DEMO_USER} (valid 12 h):
  {token}

Node (npm i socket.io-client):
  const {{ io }} = require("socket.io-client");
  const socket = io("{url}", {{ auth: {{ token: "{token}" }}, transports: ["websocket"] }});
  socket.onAny((event, payload) => console.log(event, JSON.stringify(payload)));

Python (pip install "python-socketio[asyncio_client]"):
  import asyncio, socketio
  async def main():
      sio = socketio.AsyncClient()
      # events to rooms carry their replay offset as one more argument
      sio.on("*", lambda event, payload, *offset: print(event, payload))
      await sio.connect("{url}", auth={{"token": "{token}"}}, transports=["websocket"])
      await sio.wait()
  asyncio.run(main())
{curl}"""
