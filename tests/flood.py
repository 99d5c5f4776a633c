"""A flooding client, in a process of its own: `python -m tests.flood URL TOKEN SECONDS [EVENT]`.

Speaks Engine.IO 4 / Socket.IO 5 itself over a plain WebSocket (the `websockets` package), so that each event
is written to the socket as it is sent, with the socket's own backpressure: python-socketio's client would queue
them in memory instead, and measure nothing. Prints `flooding` once connected, then sends EVENT (heartbeat by
default) without an ack as fast as the socket takes it, for at most SECONDS or until the server closes the
connection. Prints one JSON line: how many it sent, the `error` codes and `disconnected` reasons it got, and
whether the server closed the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed


async def _read(ws: ClientConnection, errors: Counter[str], retry: list[int], reasons: list[str]) -> None:
    """Answer pings, record `error` and `disconnected`; returns when the connection closes."""
    with contextlib.suppress(ConnectionClosed):
        async for message in ws:
            text = message if isinstance(message, str) else message.decode()
            if text == "2":
                await ws.send("3")
            elif text.startswith("42"):
                body = text[2:]
                body = body[body.index("[") :]
                event, payload, *_ = [*json.loads(body), None]
                if event == "error" and isinstance(payload, dict):
                    errors[str(payload.get("code"))] += 1
                    if "retryAfterMs" in (payload.get("details") or {}):
                        retry.append(payload["details"]["retryAfterMs"])
                elif event == "disconnected" and isinstance(payload, dict):
                    reasons.append(str(payload.get("reason")))
            elif text.startswith("41") or text == "1":
                return


async def flood(url: str, token: str, seconds: float, event: str) -> dict[str, Any]:
    parts = urlsplit(url)
    ws_url = f"ws://{parts.netloc}/socket.io/?EIO=4&transport=websocket"
    errors: Counter[str] = Counter()
    retry: list[int] = []
    reasons: list[str] = []
    sent = 0
    async with connect(ws_url, compression=None, max_queue=None) as ws:
        opened = await asyncio.wait_for(ws.recv(), 5)
        assert str(opened).startswith("0"), opened
        await ws.send("40" + json.dumps({"token": token}))
        joined = await asyncio.wait_for(ws.recv(), 5)
        assert str(joined).startswith("40"), joined
        reader = asyncio.create_task(_read(ws, errors, retry, reasons))
        print("flooding", flush=True)
        deadline = time.monotonic() + seconds
        cut = False
        try:
            while time.monotonic() < deadline and not reader.done():
                frame = "42" + json.dumps([event, {"timestamp": int(time.time() * 1000)}], separators=(",", ":"))
                await ws.send(frame)
                sent += 1
                if sent % 20 == 0:
                    await asyncio.sleep(0)  # let the reader see a close
        except ConnectionClosed:
            cut = True
        cut = cut or reader.done()
        if not cut:
            with contextlib.suppress(ConnectionClosed):
                await ws.send("41")
            await ws.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(reader, 5)
    return {"sent": sent, "errors": dict(errors), "retryAfterMs": retry[:5], "reasons": reasons, "cut": cut}


def main() -> None:
    url, token, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    event = sys.argv[4] if len(sys.argv) > 4 else "heartbeat"
    print(json.dumps(asyncio.run(flood(url, token, seconds, event))), flush=True)


if __name__ == "__main__":
    main()
