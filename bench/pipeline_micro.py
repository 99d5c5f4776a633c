"""Microseconds per step of eventcat's inbound pipeline, without sockets: where the validation overhead goes.

Builds the REZ app as the benchmark server does, registers one connection (no socket; nobody is in the rooms,
so emits stop before the transport), then times, in a loop on one event loop:

- `dispatch`: the whole pipeline for one `message_read` (what the server runs per inbound event);
- its steps: `parse_inbound` (re-encode + size check + strict JSON validation), the `caller` check, the handler
  (room policy, the receipt, `support_message_read` through the typed emitter: outbound validation, replay log,
  python-socketio's emit), the ack's validation;
- `raw handler`: what raw_socketio.py's handler does for the same event (membership, receipt, emit, ack dict);
- the protocol checks eventcat_runtime/protocol.py runs on every inbound message before python-socketio decodes
  it (JSON limits screen, payload shape), beside that decode for scale.

The transport's cost per event (uvicorn, websockets, engine.io, socket.io) is the same for both servers; this
script shows the part that differs. Prints one JSON object. Diagnostic only: it reaches into private methods.

    python bench/pipeline_micro.py
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import statistics
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
PAYLOAD = {"ticketId": "t_1", "messageId": "msg_1", "userId": "user_1"}


async def per_call(step: Callable[[], Awaitable[Any] | Any], n: int = 3000, repeats: int = 5) -> float:
    """Median over repeats of the mean CPU µs per call (process time: steadier than wall time on a busy machine)."""
    results = []
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(n):
            value = step()
            if asyncio.iscoroutine(value):
                await value
        results.append((time.process_time() - started) / n * 1e6)
    return statistics.median(results)


async def main() -> None:
    import socketio
    from eventcat_runtime import logs
    from eventcat_runtime.app import build
    from eventcat_runtime.emitter import validate_outbound
    from eventcat_runtime.handlers import Connection
    from eventcat_runtime.policy import Principal
    from eventcat_runtime.protocol import _check_payload
    from eventcat_runtime.settings import Settings
    from eventcat_runtime.validation import parse_inbound, to_wire
    from rez_realtime import models
    from socketio import packet

    from server_stub.app import create

    logs.configure("warning", "json")
    options: dict[str, Any] = {"jwt_secret": SECRET, "service_token": "x", "log_level": "warning"}
    if "rate_limits" in {f.name for f in dataclasses.fields(Settings)}:
        options["rate_limits"] = False  # one connection sending thousands of events: the benchmark server's setting
    app = build("rez_realtime", create, Settings(**options))
    server = app.server
    user = Principal(user_id="user_1", rooms=frozenset({"support_ticket:t_1"}))
    conn = Connection("sid_1", user)
    server.connections["sid_1"] = conn
    registry = server.registry
    spec = registry.events["message_read"]
    out_spec = registry.events["support_message_read"]
    model = parse_inbound("message_read", (PAYLOAD,), spec.model, spec.max_payload_bytes)
    read = models.SupportMessageReadPayload.model_validate(
        {"messageId": "msg_1", "readBy": "user_1", "readAt": "2025-10-27T14:31:05Z"}
    )

    first = await server.dispatch("sid_1", "message_read", (PAYLOAD,), True)
    assert first == [{"ok": True}], first

    # What protocol.py checks on every inbound message before python-socketio's decoder and the pipeline run.
    encoded = packet.Packet(packet.EVENT, data=["message_read", PAYLOAD], id=7).encode()
    decoded = packet.Packet(encoded_packet=encoded)
    limits = server.sio.json_limits

    sio = socketio.AsyncServer(async_mode="asgi")
    receipts: deque[tuple[str, str, str, str]] = deque(maxlen=1000)
    rooms = frozenset({"support_ticket:t_1"})

    async def raw_handler() -> dict[str, Any]:
        data = PAYLOAD
        ticket = data["ticketId"]
        room = f"support_ticket:{ticket}"
        if room not in rooms:
            return {"ok": False}
        read_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        receipts.append((ticket, data["messageId"], "user_1", read_at))
        await sio.emit(
            "support_message_read", {"messageId": data["messageId"], "readBy": "user_1", "readAt": read_at}, room=room
        )
        return {"ok": True}

    steps: dict[str, Callable[[], Any]] = {
        "dispatch (whole eventcat pipeline)": lambda: server.dispatch("sid_1", "message_read", (PAYLOAD,), True),
        "  parse_inbound (encode, size, strict JSON validation)": lambda: parse_inbound(
            "message_read", (PAYLOAD,), spec.model, spec.max_payload_bytes
        ),
        "  caller check (model_dump)": lambda: server._check_caller(spec, model, conn),
        "  handler on_message_read (policy, receipt, typed emit)": lambda: app.handlers.on_message_read(
            model, server.context(conn, "message_read", True)
        ),
        "    typed emit support_message_read (validate, log, emit)": lambda: app.events.support_message_read(
            read, ticket_id="t_1"
        ),
        "      validate_outbound alone": lambda: validate_outbound(out_spec, read, True),
        "  ack validation (to_wire {ok: true})": lambda: to_wire({"ok": True}, spec.ack_model),
        "raw handler (membership, receipt, emit, ack dict)": raw_handler,
        "protocol checks before dispatch (limits screen, payload shape)": lambda: (
            limits.problem(encoded),
            _check_payload(decoded),
        ),
        "  python-socketio's packet decode, for scale": lambda: packet.Packet(encoded_packet=encoded),
    }
    out = {}
    for name, step in steps.items():
        out[name] = round(await per_call(step), 2)
    print(json.dumps({"unit": "CPU µs per event", "steps": out}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
