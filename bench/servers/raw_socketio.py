"""The anchor: raw python-socketio under the same uvicorn, doing the same work as the eventcat server without
validation.

- connect: the JWT from `auth.token` verified with PyJWT (HS256, `exp` required), the user's room entered, then
  `connected {userId, socketId, timestamp}` to that connection (after its CONNECT, as eventcat does);
- `subscribe {channel: "order_<id>"}`: the token's `rooms` claim must grant `order:<id>`; enter it; ack
  `{ok, channel, rooms}`;
- `message_read {ticketId, messageId, userId}`: the token must grant `support_ticket:<ticketId>`; the receipt is
  recorded (a bounded deque, as server_stub's InMemorySupport); `support_message_read` goes to the ticket's room;
  ack `{ok: true}`. No payload validation, no caller check, no replay log;
- fan-out: `sio.emit("order_status_update", example, room="order:ord_9f2c41")`, K times; the steady emits the same
  with the send time as `message`; the rooms emits to `order:bench_{i}` with orderId `bench_{i}`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

import jwt
import socketio
from common import FANOUT_ROOM, SECRET, Control, config, now_iso, run

PAYLOAD = {
    "orderId": "ord_9f2c41",
    "orderNumber": "REZ-104233",
    "status": "out_for_delivery",
    "timestamp": "2025-10-27T14:30:00Z",
    "message": "Your order is on its way.",
    "estimatedDelivery": "2025-10-27T15:05:00Z",
}


def main() -> None:
    sio = socketio.AsyncServer(
        async_mode="asgi",
        cors_allowed_origins="*",
        max_http_buffer_size=1_000_000,
        logger=False,
        engineio_logger=False,
    )
    users: dict[str, tuple[str, frozenset[str]]] = {}
    receipts: deque[tuple[str, str, str, str]] = deque(maxlen=1000)
    tasks: set[asyncio.Task[Any]] = set()

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> bool:
        token = auth.get("token") if isinstance(auth, dict) else None
        if not token:
            raise socketio.exceptions.ConnectionRefusedError("AUTH_REQUIRED")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"require": ["exp"]})
        except jwt.InvalidTokenError:
            raise socketio.exceptions.ConnectionRefusedError("AUTH_INVALID") from None
        user = str(claims["userId"])
        users[sid] = (user, frozenset(claims.get("rooms") or ()))
        await sio.enter_room(sid, f"user:{user}")
        # After the CONNECT packet, which python-socketio sends once this handler returns.
        task = asyncio.create_task(
            sio.emit("connected", {"userId": user, "socketId": sid, "timestamp": now_iso()}, to=sid)
        )
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return True

    @sio.event
    async def disconnect(sid: str, reason: Any = None) -> None:
        users.pop(sid, None)

    @sio.on("subscribe")
    async def subscribe(sid: str, data: Any) -> dict[str, Any]:
        channel = data["channel"]
        room = f"order:{channel.removeprefix('order_')}"
        if room not in users[sid][1]:
            return {"ok": False, "error": {"code": "FORBIDDEN", "message": f"not allowed to enter {room}"}}
        await sio.enter_room(sid, room)
        return {"ok": True, "channel": channel, "rooms": [room]}

    @sio.on("message_read")
    async def message_read(sid: str, data: Any) -> dict[str, Any]:
        user, rooms = users[sid]
        ticket = data["ticketId"]
        room = f"support_ticket:{ticket}"
        if room not in rooms:
            return {"ok": False, "error": {"code": "FORBIDDEN", "message": f"not a member of ticket {ticket}"}}
        read_at = now_iso()
        receipts.append((ticket, data["messageId"], user, read_at))
        await sio.emit(
            "support_message_read", {"messageId": data["messageId"], "readBy": user, "readAt": read_at}, room=room
        )
        return {"ok": True}

    async def fanout(k: int, size: int) -> None:
        body = {**PAYLOAD, "message": "x" * size} if size else PAYLOAD
        for _ in range(k):
            await sio.emit("order_status_update", body, room=FANOUT_ROOM)

    async def send(message: str) -> None:
        await sio.emit("order_status_update", {**PAYLOAD, "message": message}, room=FANOUT_ROOM)

    by_room: dict[int, dict[str, str]] = {}

    async def send_room(i: int) -> None:
        body = by_room.get(i)
        if body is None:
            body = by_room[i] = {**PAYLOAD, "orderId": f"bench_{i}"}
        await sio.emit("order_status_update", body, room=f"order:bench_{i}")

    app = Control(socketio.ASGIApp(sio), fanout, lambda: len(users), send, send_room)
    run(config(app))


if __name__ == "__main__":
    main()
