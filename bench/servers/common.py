"""What the two Python benchmark servers share: the control endpoints, the listening socket, uvicorn.

Both servers run under the same uvicorn configuration as `eventcat serve` (eventcat_runtime.serve.uvicorn_config: no
access log, lifespan on; uvicorn's defaults otherwise, so uvloop, httptools and the websockets implementation
when installed). A small ASGI wrapper answers `/bench/...` and hands everything else to the server's own app:

- `GET  /bench/ping`            liveness, the process id
- `POST /bench/fanout?k=K&size=S`      emit K events to the benchmark room, one after the other; answers once they are
                                queued, with `t0` (wall clock of the first emit, seconds) and `t1` (the last)
- `POST /bench/steady?rate=R&seconds=S&size=N`  emit `round(R·S)` events to the benchmark room at R per second, each
                                at its scheduled time (a timer loop that sleeps until the next one, not a burst), with
                                the wall clock of the emit in ms (`time.time()·1000`, a decimal string) as `message`,
                                padded with a space and `x` to N bytes when N > 0; answers when the last is emitted,
                                with `t0`, `t1`, `sent` and `max_late_ms` (how far behind its schedule an emit fell)
- `POST /bench/rooms?r=R&k=K`   K rounds of one event to each of the R rooms `order:bench_{i}` (orderId `bench_{i}`);
                                answers once they are emitted, with `t0`, `t1`, `events`
- `GET  /bench/stats`           connections
- `POST /bench/profile/start`   cProfile on (only with BENCH_PROFILE=1 in the environment)
- `POST /bench/profile/stop?out=PATH`  cProfile off, stats written to PATH

The process binds 127.0.0.1 on a free port and prints one JSON line, `{"port": N, "pid": P}`, on stdout.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import uvicorn

SECRET = os.environ.get("BENCH_JWT_SECRET", "bench-secret-0123456789abcdef0123456789abcdef")
FANOUT_ROOM = "order:ord_9f2c41"
Fanout = Callable[[int, int], Awaitable[None]]  # (events, message size in bytes; 0: the example's)
Send = Callable[[str], Awaitable[None]]  # one event to the benchmark room, with this `message`
SendRoom = Callable[[int], Awaitable[None]]  # one event to the room order:bench_{i}


class Control:
    """The /bench/... endpoints in front of an ASGI app."""

    def __init__(
        self, app: Any, fanout: Fanout, connections: Callable[[], int], send: Send, send_room: SendRoom
    ) -> None:
        self.app = app
        self.fanout = fanout
        self.connections = connections
        self.send = send
        self.send_room = send_room
        self.profiler: cProfile.Profile | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/bench/"):
            await self.app(scope, receive, send)
            return
        query = {k: v[0] for k, v in parse_qs(scope.get("query_string", b"").decode()).items()}
        status, body = await self.handle(scope["path"], query)
        data = json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    async def handle(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if path == "/bench/ping":
            return 200, {"ok": True, "pid": os.getpid()}
        if path == "/bench/stats":
            return 200, {"connections": self.connections()}
        if path == "/bench/fanout":
            k = int(query.get("k", "200"))
            size = int(query.get("size", "0"))
            t0 = time.time()
            await self.fanout(k, size)
            return 200, {"t0": t0, "t1": time.time(), "k": k}
        if path == "/bench/steady":
            rate = float(query.get("rate", "20"))
            seconds = float(query.get("seconds", "5"))
            return 200, await self.steady(rate, seconds, int(query.get("size", "0")))
        if path == "/bench/rooms":
            r = int(query.get("r", "1000"))
            k = int(query.get("k", "1"))
            t0 = time.time()
            for _ in range(k):
                for i in range(r):
                    await self.send_room(i)
            return 200, {"t0": t0, "t1": time.time(), "events": r * k}
        if path.startswith("/bench/profile/"):
            if os.environ.get("BENCH_PROFILE") != "1":
                return 403, {"error": "start the server with BENCH_PROFILE=1"}
            if path.endswith("/start"):
                self.profiler = cProfile.Profile()
                self.profiler.enable()
                return 200, {"ok": True}
            if self.profiler is None:
                return 409, {"error": "not profiling"}
            self.profiler.disable()
            self.profiler.dump_stats(query["out"])
            self.profiler = None
            return 200, {"ok": True, "out": query["out"]}
        return 404, {"error": f"unknown {path}"}

    async def steady(self, rate: float, seconds: float, size: int) -> dict[str, Any]:
        """Emit at `rate` per second for `seconds`: each emit at start + i/rate (sleeping until then), not a burst."""
        count = max(1, round(rate * seconds))
        loop = asyncio.get_running_loop()
        start = loop.time()
        late = 0.0
        t0 = time.time()
        for i in range(count):
            delay = start + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                late = max(late, -delay)
            stamp = f"{time.time() * 1000:.3f}"
            await self.send(f"{stamp} {'x' * (size - len(stamp) - 1)}" if size > len(stamp) + 1 else stamp)
        return {"t0": t0, "t1": time.time(), "sent": count, "max_late_ms": late * 1000}


def listener() -> socket.socket:
    """127.0.0.1 on a free port. IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP
    (as tests/live.py explains); uvicorn's own sockets say so."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def config(app: Any) -> uvicorn.Config:
    """The settings of eventcat_runtime.serve.uvicorn_config, for a server that is not an eventcat App."""
    return uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=5)


def run(cfg: uvicorn.Config) -> None:
    """Serve until SIGTERM/SIGINT; announce the port first (clients that come early wait in the backlog).

    BENCH_WS_DEFLATE=0 turns off uvicorn's permessage-deflate (on by default, and offered by every browser and by
    socket.io-client in Node): a diagnostic variant, not how `eventcat serve` runs.
    """
    if os.environ.get("BENCH_WS_DEFLATE") == "0":
        cfg.ws_per_message_deflate = False
    sock = listener()
    sock.listen(cfg.backlog)
    print(json.dumps({"port": sock.getsockname()[1], "pid": os.getpid()}), flush=True)
    server = uvicorn.Server(cfg)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.exit(0)


def now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
