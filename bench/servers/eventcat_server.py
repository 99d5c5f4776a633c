"""The eventcat REZ server, as `eventcat serve` builds it, with the benchmark's control endpoints in front.

eventcat_runtime.app.build(rez_realtime, server_stub.app:create, Settings) and uvicorn with
eventcat_runtime.serve.uvicorn_config: the real pipeline, JWT auth,
room policy, typed emitter with outbound validation on (development mode: an invalid payload raises). Fan-out goes
through the typed emitter, `app.events.order_status_update(payload)`, with the catalog's example as the payload
(the steady emits put the send time in its `message`; the rooms emits set its `orderId` to `bench_{i}`, which the
catalog delivers to the room `order:bench_{i}`).
Logs at `warning` (LOG_LEVEL), so that one `info` line per connection does not weigh on the figures. Rate limits
off where the server has them (BENCH_RATE_LIMITS=1 keeps them): the benchmarks measure capacity, not the policy.

    BENCH_PROFILE=1 python bench/servers/eventcat_server.py    # /bench/profile/start|stop enabled
"""

from __future__ import annotations

import dataclasses
import os

from common import SECRET, Control, run
from eventcat_runtime import logs
from eventcat_runtime.app import build
from eventcat_runtime.serve import uvicorn_config
from eventcat_runtime.settings import Settings
from rez_realtime.examples import EXAMPLES

from server_stub.app import create


def main() -> None:
    level = os.environ.get("LOG_LEVEL", "warning")
    logs.configure(level, "json")
    options: dict[str, object] = {
        "jwt_secret": SECRET,
        "service_token": "bench-service-token",
        "mode": "development",
        "log_level": level,
    }
    # The catalog's rate limits (message_read: 20/s per socket) would refuse the inbound benchmark's clients, which
    # send as fast as their acks return: a throughput benchmark runs without them (BENCH_RATE_LIMITS=1 keeps them).
    if "rate_limits" in {f.name for f in dataclasses.fields(Settings)}:
        options["rate_limits"] = os.environ.get("BENCH_RATE_LIMITS") == "1"
    # BENCH_WS_COMPRESS_ONCE=1: large messages compressed once for every recipient (server_no_context_takeover).
    if os.environ.get("BENCH_WS_COMPRESS_ONCE") == "1":
        options["ws_compress_once"] = True
    settings = Settings(**options)  # type: ignore[arg-type]
    app = build("rez_realtime", create, settings)
    payload = dict(EXAMPLES["order_status_update"][0])
    emit = app.events.order_status_update

    async def fanout(k: int, size: int) -> None:
        body = {**payload, "message": "x" * size} if size else payload
        for _ in range(k):
            await emit(body)

    async def send(message: str) -> None:
        await emit({**payload, "message": message})

    # The catalog sends order_status_update to the room order:{orderId}: orderId bench_{i} is the room order:bench_{i}.
    by_room: dict[int, dict[str, object]] = {}

    async def send_room(i: int) -> None:
        body = by_room.get(i)
        if body is None:
            body = by_room[i] = {**payload, "orderId": f"bench_{i}"}
        await emit(body)

    app.asgi = Control(app.asgi, fanout, lambda: len(app.server.connections), send, send_room)
    run(uvicorn_config(app))


if __name__ == "__main__":
    main()
