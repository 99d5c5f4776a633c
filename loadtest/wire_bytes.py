"""Bytes on the wire for the largest payloads, with and without WebSocket permessage-deflate.

`python loadtest/wire_bytes.py` (or `make wirebytes`): starts `eventcat serve` on a free loopback port, puts a TCP
proxy that counts bytes in front of it, and connects a plain WebSocket client (the `websockets` package, speaking
Engine.IO 4 / Socket.IO 5 itself) through the proxy, once offering permessage-deflate and once not. The client
subscribes to a leaderboard and its cart; the publish API then sends `leaderboard_update` and `cart_sync` payloads
of realistic, varied content (fixed seed) up to the catalog's 10 KB limit, 20 of each size; the proxy counts every
byte the server wrote for them (WebSocket framing included). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import free_port, server_process

NAMES = ["Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Meera", "Kabir", "Isha", "Arjun", "Diya", "Sara", "Liam"]
PRODUCTS = ["Organic cold-pressed juice", "Basmati rice 5 kg", "Greek yoghurt", "Whole-wheat bread", "Olive oil 1 l"]


def leaderboard(rng: random.Random, entries: int, seq: int) -> dict[str, Any]:
    ranking = []
    points = 250_000
    for rank in range(1, entries + 1):
        points -= rng.randint(10, 900)
        user = f"user_{rng.randint(1, 999_999):06d}"
        ranking.append(
            {
                "rank": rank,
                "userId": user,
                "userName": f"{rng.choice(NAMES)} {rng.choice(NAMES)[0]}.",
                "avatar": f"https://cdn.rez.example/avatars/{user}.jpg",
                "points": max(points, 0),
                "change": rng.randint(-5, 5),
            }
        )
    return {"period": "daily", "rankings": ranking, "updatedAt": f"2025-10-27T14:{seq % 60:02d}:00Z"}


def cart(rng: random.Random, items: int, seq: int, user: str) -> dict[str, Any]:
    lines = []
    for i in range(items):
        quantity = rng.randint(1, 4)
        price = round(rng.uniform(0.5, 40), 2)
        product = f"prod_{rng.randint(1, 99_999):05d}"
        lines.append(
            {
                "productId": product,
                "name": f"{rng.choice(PRODUCTS)}, pack of {rng.randint(1, 12)}",
                "image": f"https://cdn.rez.example/products/{product}/main.jpg",
                "quantity": quantity,
                "unitPrice": price,
                "lineTotal": round(price * quantity, 2),
                "reservedUntil": f"2025-10-27T15:{(seq + i) % 60:02d}:00Z",
            }
        )
    subtotal = round(sum(float(line["lineTotal"]) for line in lines), 2)
    return {
        "userId": user,
        "items": lines,
        "itemCount": sum(int(line["quantity"]) for line in lines),
        "subtotal": subtotal,
        "discount": 0.0,
        "total": subtotal,
        "currency": "EUR",
        "updatedAt": f"2025-10-27T14:{seq % 60:02d}:30Z",
    }


def size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())


def largest_under(limit: int, build: Callable[[int], dict[str, Any]]) -> int:
    count = 1
    while size(build(count + 1)) <= limit:
        count += 1
    return count


class CountingProxy:
    """127.0.0.1:port -> the server; counts the bytes the server sends back."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.down = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, count: bool) -> None:
            try:
                while data := await src.read(65536):
                    if count:
                        self.down += len(data)
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))


async def measure(
    server_port: int, secret: str, service_token: str, deflate: bool, batches: list[tuple[str, list[Any]]]
) -> tuple[list[int], str | None]:
    proxy = CountingProxy(server_port)
    listener = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    user = "wire_user"
    token = jwt.encode({"userId": user, "exp": int(time.time()) + 600}, secret, algorithm="HS256")
    url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
    counts = []
    async with connect(url, compression="deflate" if deflate else None, max_size=None) as ws:
        extensions = ws.response.headers.get("Sec-WebSocket-Extensions") if ws.response else None
        await ws.recv()
        await ws.send("40" + json.dumps({"token": token}))
        for channel, ack_id in (("leaderboard_daily", 1), ("cart", 2)):
            await ws.send(f"42{ack_id}" + json.dumps(["subscribe", {"channel": channel}]))
        acks = 0
        while acks < 2:
            message = str(await ws.recv())
            acks += message.startswith("43")
        for event, payloads in batches:
            before = proxy.down
            for payload in payloads:
                query = "?userId=wire_user" if event == "cart_sync" else ""
                request = urllib.request.Request(
                    f"http://127.0.0.1:{server_port}/events/{event}{query}",
                    data=json.dumps(payload).encode(),
                    headers={"Authorization": f"Bearer {service_token}", "Content-Type": "application/json"},
                    method="POST",
                )
                await asyncio.to_thread(urllib.request.urlopen, request, timeout=5)
                while True:
                    message = str(await ws.recv())
                    if message == "2":
                        await ws.send("3")
                    elif message.startswith(f'42["{event}"'):
                        break
            await asyncio.sleep(0.05)
            counts.append(proxy.down - before)
    listener.close()
    return counts, extensions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="payloads of each kind and size (default 20)")
    parser.add_argument("--limit", type=int, default=10240, help="largest payload, bytes (the catalog's limit)")
    args = parser.parse_args()
    rng = random.Random(20251027)
    lb_entries = largest_under(args.limit, lambda n: leaderboard(random.Random(1), n, 0))
    cart_items = largest_under(args.limit, lambda n: cart(random.Random(1), n, 0, "wire_user"))
    shapes = [
        ("leaderboard_update", f"{max(1, lb_entries // 10)} entries", max(1, lb_entries // 10)),
        ("leaderboard_update", f"{lb_entries} entries", lb_entries),
        ("cart_sync", f"{max(1, cart_items // 10)} items", max(1, cart_items // 10)),
        ("cart_sync", f"{cart_items} items", cart_items),
    ]
    batches: list[tuple[str, list[Any]]] = []
    sizes: list[int] = []
    for event, _, n in shapes:
        if event == "leaderboard_update":
            payloads = [leaderboard(rng, n, i) for i in range(args.repeat)]
        else:
            payloads = [cart(rng, n, i, "wire_user") for i in range(args.repeat)]
        batches.append((event, payloads))
        sizes.append(sum(size(p) for p in payloads))
    secret, service_token = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    port = free_port()
    with server_process(port, secret, service_token, []):
        plain, plain_ext = asyncio.run(measure(port, secret, service_token, False, batches))
        deflated, deflate_ext = asyncio.run(measure(port, secret, service_token, True, batches))
    assert plain_ext is None and deflate_ext and "permessage-deflate" in deflate_ext, (plain_ext, deflate_ext)
    print(f"negotiated: {deflate_ext}\n")
    print("| event | payload | JSON bytes (mean) | on the wire, no deflate | with permessage-deflate | saved |")
    print("|---|---|---:|---:|---:|---:|")
    for (event, label, _), total, raw, packed in zip(shapes, sizes, plain, deflated, strict=True):
        n = args.repeat
        saved = 100 * (1 - packed / raw)
        print(f"| `{event}` | {label} | {total // n:,} | {raw // n:,} | {packed // n:,} | {saved:.0f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
