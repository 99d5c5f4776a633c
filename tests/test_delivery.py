"""The fast delivery path (eventcat_runtime/wire.py, the manager's emit and the engine socket's sender in
protocol.py): which connections take it, that order holds through it for every kind of delivery, that a client that
does not read is closed at the bound and recovers every event, and that the stock path takes over when an internal
is missing.

Real servers on loopback (the runtime's `build` under uvicorn, as `eventcat serve` runs it), real python-socketio
clients and, for the stalled reader, a websockets client that stops reading. The catalog is tests/desk.py's, with a
broadcast event and recovery added: nothing here is REZ's.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio
import websockets
from eventcat_runtime import protocol, wire
from eventcat_runtime.handlers import EventContext
from eventcat_runtime.registry import EventSpec
from eventcat_runtime.settings import Settings

from . import desk
from .live import LiveServer, live_settings, make_token, serve_app, unique_user

pytestmark = pytest.mark.timeout(120)

NOTICE = "desk:notice"
# desk's events without rate limits (the clients here send as fast as acks return), a broadcast event, recovery on.
EVENTS = {
    **{name: dataclasses.replace(spec, rate=None) for name, spec in desk.EVENTS.items()},
    NOTICE: EventSpec(NOTICE, "server_to_client", "desk", desk.NoteAdded, 1 << 20, delivery="broadcast"),
}
REGISTRY = desk.registry(events=EVENTS, recovery_window=60)


class Sequenced(desk.EventHandlers):
    """Each note:add answered with a room event, then its ack, each numbered from one counter the whole test shares
    with the publisher: a client must see its numbers increase."""

    def __init__(self, events: Any) -> None:
        super().__init__(events)
        self.numbers = itertools.count()

    async def on_note_add(self, payload: desk.NoteAdd, ctx: EventContext) -> Any:
        await self.events.note_added({"id": "note", "text": f"{next(self.numbers)} {payload.text}"})
        return {"ok": True, "id": str(next(self.numbers))}


def settings(**changes: Any) -> Settings:
    return live_settings(metrics=False, rate_limits=False, **changes)


@contextlib.asynccontextmanager
async def desk_server(**changes: Any) -> AsyncIterator[LiveServer]:
    async with serve_app(desk.package(), Sequenced, settings(**changes), registry=REGISTRY) as live:
        yield live


def engine_socket(live: LiveServer, sid: str) -> protocol.EngineIOSocket:
    sio = live.app.server.sio
    eio_sid = sio.manager.eio_sid_from_sid(sid, "/")
    socket = sio.eio.sockets[eio_sid]
    assert isinstance(socket, protocol.EngineIOSocket)
    return socket


async def test_websocket_connections_take_the_fast_path_and_long_polling_the_stock_one() -> None:
    async with desk_server() as live:
        ws = await live.connect(unique_user(), wait_connected=False)
        assert (await ws.call("note:add", {"text": "hi"}))["ok"] is True
        assert engine_socket(live, ws.sid)._sender is not None

        polling = socketio.AsyncClient(reconnection=False)
        got: list[Any] = []
        polling.on("note:added", lambda payload, *offset: got.append(payload))
        user = unique_user()
        await polling.connect(live.url, auth={"token": make_token(user)}, transports=["polling"], wait_timeout=5)
        try:
            ack = await polling.call("note:add", {"text": "by polling"}, timeout=5)
            assert ack["ok"] is True, ack
            sid = polling.get_sid("/")
            assert sid is not None and engine_socket(live, sid)._sender is None
            # A room event reaches both paths: the WebSocket client through its sender, the poller through its queue.
            await live.events.note_added({"id": "n", "text": "to both"})
            await ws.wait_for("note:added", count=2)
            assert ws.payloads("note:added")[-1]["text"] == "to both"
            for _ in range(50):
                if any(p["text"] == "to both" for p in got):
                    break
                await asyncio.sleep(0.05)
            assert [p["text"] for p in got][-1] == "to both", got
        finally:
            await polling.disconnect()


@dataclasses.dataclass
class Ordered:
    """One client's view: every number it received, in arrival order."""

    sio: socketio.AsyncClient
    numbers: list[int] = dataclasses.field(default_factory=list)
    acks: int = 0

    def record(self, text: str) -> None:
        number, _, what = text.partition(" ")
        if what != "join":  # other clients' joins: how many arrive depends on who joined first
            self.numbers.append(int(number))


async def ordered_client(live: LiveServer) -> Ordered:
    sio = socketio.AsyncClient(reconnection=False)
    client = Ordered(sio)
    sio.on("note:added", lambda payload, *offset: client.record(payload["text"]))
    sio.on(NOTICE, lambda payload, *offset: client.record(payload["text"]))
    sio.on("pong", lambda payload: client.numbers.append(payload["sentAt"]))
    await sio.connect(live.url, auth={"token": make_token(unique_user())}, transports=["websocket"], wait_timeout=5)
    return client


@pytest.mark.parametrize("compress_once", [False, True], ids=["own-context", "compress-once"])
async def test_order_holds_for_rooms_broadcasts_one_connection_and_acks(compress_once: bool) -> None:
    """50 clients x 300 events x 3 rounds: room events, broadcasts, events to one connection and acks, small and
    over the compression threshold, from a publisher and from handlers at once: each client's numbers increase."""
    clients_n, rounds = 50, 3
    big = "x" * 3000  # over the 1 KB threshold: compressed (aiohttp's client offers permessage-deflate)
    async with desk_server(ws_compress_once=compress_once) as live:
        handlers = live.app.handlers
        assert isinstance(handlers, Sequenced)
        server = live.app.server
        rng = random.Random(7)
        for _ in range(rounds):
            clients = await asyncio.gather(*(ordered_client(live) for _ in range(clients_n)))
            try:
                joined = [c.sio.call("note:add", {"text": "join"}, timeout=10) for c in clients]
                assert all(a["ok"] for a in await asyncio.gather(*joined))
                sids = [c.sio.get_sid("/") for c in clients]
                pongs = dict.fromkeys(sids, 0)

                async def publish(sids: list[Any]) -> None:
                    for i in range(150):
                        n = next(handlers.numbers)
                        text = f"{n} {big if i % 10 == 0 else ''}"
                        kind = i % 3
                        if kind == 0:
                            await live.events.note_added({"id": "p", "text": text})
                        elif kind == 1:
                            await server.publish(NOTICE, {"id": "p", "text": text})
                        else:
                            sid = rng.choice(sids)
                            pongs[sid] += 1  # noqa: B023 (this round's dict, read in this round)
                            await server.publish("pong", {"sentAt": n}, to=sid)
                        if i % 5 == 0:
                            await asyncio.sleep(0)
                    # A burst in one turn, past what a sender keeps before writing (wire.FLUSH_FRAMES).
                    for _ in range(wire.FLUSH_FRAMES + 36):
                        await live.events.note_added({"id": "p", "text": f"{next(handlers.numbers)} burst"})

                async def ask(client: Ordered) -> None:
                    for _ in range(3):
                        ack = await client.sio.call("note:add", {"text": "q"}, timeout=10)
                        client.numbers.append(int(ack["id"]))
                        client.acks += 1

                await asyncio.gather(publish(sids), *(ask(c) for c in clients))
                # The last word: one more room event, after which every client has all it will get.
                last = next(handlers.numbers)
                await live.events.note_added({"id": "p", "text": f"{last} end"})
                for _ in range(200):
                    if all(c.numbers and c.numbers[-1] >= last for c in clients):
                        break
                    await asyncio.sleep(0.05)
                for client in clients:
                    assert client.acks == 3
                    assert client.numbers[-1] == last, client.numbers[-5:]
                    out_of_order = [(a, b) for a, b in itertools.pairwise(client.numbers) if b <= a]
                    assert out_of_order == [], out_of_order[:5]
                    # Every room event and broadcast of the round, its events, its acks and the last word arrived.
                    expected = 100 + wire.FLUSH_FRAMES + 36 + clients_n * 3 + pongs[client.sio.get_sid("/")] + 3 + 1
                    assert len(client.numbers) == expected, (len(client.numbers), expected)
            finally:
                await asyncio.gather(*(c.sio.disconnect() for c in clients))


async def test_a_client_that_does_not_read_is_closed_at_the_bound_and_recovers_every_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A WebSocket client that stops reading while 8 KB room events pile up: the server closes it once its unsent
    bytes pass max_outbound_bytes (a logged reason, the slow_reader count), and what it holds for the client never
    grows past the bound; the client's next connection recovers every event it did not read, from the replay log."""
    limit = 256 * 1024
    async with desk_server(max_outbound_bytes=limit) as live:
        server = live.app.server
        user = unique_user()
        url = f"ws://127.0.0.1:{live.port}/socket.io/?EIO=4&transport=websocket"
        # max_queue=1 and a small receive buffer: once the client stops reading, so does TCP, soon.
        stalled = await websockets.connect(url, max_queue=1, compression=None, max_size=None)
        try:
            assert (await stalled.recv()).startswith("0{")
            await stalled.send("40" + json.dumps({"token": make_token(user)}))
            while not (message := str(await stalled.recv())).startswith("40"):
                pass
            pid = json.loads(message[2:])["pid"]  # connection state recovery: the session's private id
            await stalled.send('420["note:add",{"text":"join"}]')  # enters the desk room, once answered
            while not str(await stalled.recv()).startswith("430"):
                pass
            await live.events.note_added({"id": "first", "text": "read"})
            offset = None
            while offset is None:
                message = await stalled.recv()
                if isinstance(message, str) and message.startswith('42["note:added"'):
                    offset = json.loads(message[2:])[2]
            socket = next(s for s in server.sio.eio.sockets.values() if s._sender is not None)
            peak = 0
            caplog.set_level(logging.WARNING, logger="eventcat.protocol")
            texts = []
            for n in range(4000):
                text = f"{n} " + "y" * 8000
                texts.append(text)
                await live.events.note_added({"id": "big", "text": text})
                if n % 20 == 0:
                    await asyncio.sleep(0)  # a turn ends: the senders write
                    peak = max(peak, socket.unsent())
                if socket.closed:
                    break
            for _ in range(100):
                if socket.closed:
                    break
                await asyncio.sleep(0.02)
            assert socket.closed, "the stalled client was not closed"
            assert server.stats["protocol_error:slow_reader"] == 1
            # What the server held for it never passed the bound by more than one turn's writes.
            assert peak <= limit + 20 * 8100, peak
            assert any("does not read" in r.getMessage() for r in caplog.records), caplog.records
        finally:
            with contextlib.suppress(Exception):
                await stalled.close()
        sent = len(texts)

        back = socketio.AsyncClient(reconnection=False)
        got: list[str] = []
        back.on("note:added", lambda payload, *o: got.append(payload["text"]))
        await back.connect(
            live.url,
            auth={"token": make_token(user), "pid": pid, "offset": offset},
            transports=["websocket"],
            wait_timeout=5,
        )
        try:
            for _ in range(400):
                if len(got) >= sent:
                    break
                await asyncio.sleep(0.05)
            assert got == texts, (len(got), sent)
        finally:
            await back.disconnect()


async def test_without_an_internal_the_stock_path_serves_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A library version without one of the fast path's internals: the server logs it and every connection keeps
    python-engineio's own writer, with order, acks and room events as before."""
    monkeypatch.setattr(wire, "_NEEDED", (*wire._NEEDED, (wire.Frame, ("no_such_method",))))
    caplog.set_level(logging.WARNING, logger="eventcat.protocol")
    async with desk_server() as live:
        assert live.app.server.sio.eio.fast_delivery is False
        assert any(
            "fast delivery path off" in r.getMessage() and "Frame.no_such_method" in r.getMessage()
            for r in caplog.records
        )
        client = await ordered_client(live)
        try:
            for _ in range(2):  # the first enters the room once answered; the second's room event reaches it
                ack = await client.sio.call("note:add", {"text": "stock"}, timeout=5)
                client.numbers.append(int(ack["id"]))
            sid = client.sio.get_sid("/")
            assert sid is not None and engine_socket(live, sid)._sender is None
            assert client.numbers == [1, 2, 3]
        finally:
            await client.sio.disconnect()


def test_an_outgoing_message_is_framed_once_and_compressed_once_per_window() -> None:
    message = wire.Outgoing("4" + "z" * 5000)
    assert message.plain is message.plain  # built once
    assert message.plain[0] == 0x81 and message.plain[1] == 126  # FIN + text, 16-bit length, unmasked
    squeezed = message.deflated(12)
    assert squeezed is message.deflated(12) and squeezed[0] == 0xC1  # FIN + RSV1 (compressed) + text
    assert len(squeezed) < 100
    assert message.deflated(10) is not squeezed
