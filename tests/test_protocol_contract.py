"""The contract with python-socketio's, python-engineio's and uvicorn's internals that eventcat's protocol layer
relies on (eventcat_runtime/protocol.py, eventcat_runtime/admin.py's Instrumentation, eventcat_runtime/wire.py).

The libraries are pinned exactly in eventcat_runtime/pyproject.toml. When one is upgraded, these tests say which touch
point to review: a digest of every upstream method eventcat overrides or copies, the private names it reads, and the
behaviour each override changes, checked without a network. The live behaviour is proven by
tests/test_hostile_input.py and tests/test_protocol_conformance.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import re
import tomllib
from importlib import metadata
from typing import Any

import engineio
import pytest
import socketio
from engineio import async_socket
from eventcat_runtime import protocol, wire
from eventcat_runtime.admin import Admin, AdminCredentials, Instrumentation
from eventcat_runtime.auth import JwtVerifier
from eventcat_runtime.protocol import (
    ConnectedOnlyManager,
    EngineIOServer,
    EngineIOSocket,
    SocketIOServer,
    _header,
)
from eventcat_runtime.server import EventServer
from rez_realtime import REGISTRY
from socketio import async_admin
from socketio import packet as sio_packet
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame

from .conftest import ROOT

# Upstream methods eventcat overrides (calling them) or copies (`copied`): the digest of their source on the pinned
# version. A new digest means upstream changed: read the new source, adapt the override, then update the digest.
UPSTREAM = {
    "engineio.AsyncServer._handle_connect (copied into EngineIOServer)": (
        engineio.AsyncServer._handle_connect,
        "5bd7edc1d1ae115a",
    ),
    "engineio AsyncSocket._websocket_handler": (async_socket.AsyncSocket._websocket_handler, "27f120df4d717a24"),
    "engineio AsyncSocket.handle_post_request": (async_socket.AsyncSocket.handle_post_request, "82dca119a261a959"),
    "socketio.AsyncServer._handle_eio_message (replaced by SocketIOServer)": (
        socketio.AsyncServer._handle_eio_message,
        "bef50fc0e1635921",
    ),
    "socketio.AsyncServer._handle_connect": (socketio.AsyncServer._handle_connect, "c97c480cf777de36"),
    "socketio.AsyncServer._handle_event_internal": (socketio.AsyncServer._handle_event_internal, "472e8b723a12d507"),
    "socketio InstrumentedAsyncServer._trigger_event (connect branch copied)": (
        async_admin.InstrumentedAsyncServer._trigger_event,
        "7971763acf36ffbb",
    ),
    "socketio InstrumentedAsyncServer.serialize_socket": (
        async_admin.InstrumentedAsyncServer.serialize_socket,
        "435b68cabdb5e801",
    ),
    "socketio BaseManager.get_participants": (socketio.AsyncManager.get_participants, "7d78ad681c95de5b"),
    "socketio BaseManager.basic_disconnect (copied, over the room index)": (
        socketio.AsyncManager.basic_disconnect,
        "2933b50bc4b2ea7b",
    ),
    "socketio BaseManager.get_rooms (answered from the room index)": (
        socketio.AsyncManager.get_rooms,
        "56a1017f85af9f91",
    ),
    "socketio BaseManager.basic_enter_room (the index follows it)": (
        socketio.AsyncManager.basic_enter_room,
        "3f509586d2d7f47e",
    ),
    "socketio BaseManager.basic_leave_room (the index follows it)": (
        socketio.AsyncManager.basic_leave_room,
        "e27f3eea06d1c6a6",
    ),
    # The fast delivery path (wire.py, ConnectedOnlyManager.emit, EngineIOSocket._fast_websocket, JsonFirstPacket).
    "socketio Packet.__init__ (JsonFirstPacket passes binary=False for a payload that encodes)": (
        sio_packet.Packet.__init__,
        "5fe2fa797e082c1d",
    ),
    "socketio Packet.encode (its header copied into JsonFirstPacket.encode)": (
        sio_packet.Packet.encode,
        "513c45be75181da2",
    ),
    "socketio AsyncManager.emit (copied into ConnectedOnlyManager.emit)": (
        socketio.AsyncManager.emit,
        "01ccd5b82b4f955e",
    ),
    "uvicorn WebSocketsSansIOProtocol.__init__ (the state WireSender reads)": (
        WebSocketsSansIOProtocol.__init__,
        "631dcd744eab875f",
    ),
    "uvicorn WebSocketsSansIOProtocol.send (what WireSender writes instead of)": (
        WebSocketsSansIOProtocol.send,
        "d4919ed760ce9f7b",
    ),
    "uvicorn WebSocketsSansIOProtocol.handle_close (closes the transport: WireSender stops)": (
        WebSocketsSansIOProtocol.handle_close,
        "62fd412b1f5b9e86",
    ),
    "websockets Frame.serialize (frames built once)": (Frame.serialize, "2aeba0b89df2e975"),
    "websockets PerMessageDeflate.encode (per connection, or once with no context)": (
        PerMessageDeflate.encode,
        "b4328e1eac2316cf",
    ),
    "socketio InstrumentedAsyncServer.instrument (its socket-class patches undone)": (
        async_admin.InstrumentedAsyncServer.instrument,
        "b93e005e951b8ad4",
    ),
    "socketio InstrumentedAsyncServer.uninstrument": (
        async_admin.InstrumentedAsyncServer.uninstrument,
        "e5eea1dfbb2194c5",
    ),
    "socketio InstrumentedAsyncServer._eio_websocket_handler (called per server)": (
        async_admin.InstrumentedAsyncServer._eio_websocket_handler,
        "19cc54847f74f290",
    ),
    "socketio InstrumentedAsyncServer._eio_handle_post_request (called per server)": (
        async_admin.InstrumentedAsyncServer._eio_handle_post_request,
        "701d9a80954ea3fd",
    ),
    "socketio InstrumentedAsyncServer._eio_send_ping (called per server)": (
        async_admin.InstrumentedAsyncServer._eio_send_ping,
        "fe074aeebecfc4fd",
    ),
}


def digest(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


@pytest.mark.parametrize("name", list(UPSTREAM))
def test_upstream_source_is_the_one_the_overrides_were_written_for(name: str) -> None:
    """Each overridden or copied upstream method is byte for byte the pinned version's."""
    function, expected = UPSTREAM[name]
    assert digest(function) == expected, f"{name} changed upstream: review eventcat_runtime/protocol.py"


def test_installed_versions_are_the_pinned_ones() -> None:
    """The versions the contract was written for are the ones the runtime's pyproject.toml pins and the ones
    installed."""
    pins = {}
    pyproject = ROOT / "eventcat_runtime" / "pyproject.toml"
    for requirement in tomllib.loads(pyproject.read_text())["project"]["dependencies"]:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==([0-9.]+)", requirement)
        if found:
            pins[found.group(1).lower()] = found.group(2)
    for package in ("python-socketio", "python-engineio", "uvicorn", "websockets"):
        assert package in pins, f"{package} must be pinned exactly"
        assert metadata.version(package) == pins[package], package


def server() -> EventServer:
    return EventServer(REGISTRY, verifier=JwtVerifier(secret="x" * 32))


def test_the_servers_are_eventcats_own() -> None:
    """python-socketio builds its Engine.IO server from `_engineio_server_class`; the manager is ours by default."""
    events = server()
    assert isinstance(events.sio, SocketIOServer)
    assert isinstance(events.sio.eio, EngineIOServer)
    assert isinstance(events.sio.manager, ConnectedOnlyManager)
    socket = EngineIOSocket(events.sio.eio, "sid")
    for name in ("queue", "closed", "closing", "upgraded", "connected", "sid", "server"):
        assert hasattr(socket, name), name
    for name in ("_upgrades", "_generate_sid_cookie", "_ok", "_bad_request", "_unauthorized", "_service_task"):
        assert callable(getattr(events.sio.eio, name)), name
    for name in ("start_service_task", "ping_interval_grace_period", "sockets", "max_http_buffer_size"):
        assert hasattr(events.sio.eio, name), name
    assert isinstance(events.sio._binary_packet, dict)


async def test_a_pending_connection_is_in_no_room() -> None:
    """Upstream lists a connection in its namespace before its CONNECT is answered; ours does not."""
    manager = server().sio.manager
    sid = await manager.pre_connect("eio-1", "/")
    assert sid in manager.pending_connect["/"]
    assert list(manager.get_participants("/", None)) == []
    await manager.connect(sid, "/")
    assert list(manager.get_participants("/", None)) == [(sid, "eio-1")]


@pytest.mark.parametrize(
    "encoded",
    [
        '2["heartbeat",{}]',
        '217["heartbeat",{}]',
        '2/admin,["x"]',
        '2/admin,42["x",1]',
        '2/admin?a=b,3["x"]',
        '51-["upload",{"_placeholder":true,"num":0}]',
        '51-/chat,9["upload",{"_placeholder":true,"num":0}]',
        "3/admin,5[]",
        "0/admin,",
        "0",
    ],
)
def test_the_packet_header_is_read_as_python_socketio_decodes_it(encoded: str) -> None:
    """`_header` (used before decoding, for over-limit events) agrees with python-socketio's own decoder."""
    decoded = sio_packet.Packet(encoded_packet=encoded)
    kind, namespace, ack_id, event, _ = _header(encoded)
    assert (kind, namespace, ack_id) == (decoded.packet_type, decoded.namespace or "/", decoded.id)
    if isinstance(decoded.data, list) and decoded.data and isinstance(decoded.data[0], str):
        assert event == decoded.data[0]


async def test_admin_instrumentation_is_wired_through_eventcats_subclass() -> None:
    """instrument() stores the server's handler under a mangled name; the subclass's connect report uses it."""
    events = server()
    admin = Admin(events, AdminCredentials("ops", "pw"), ui_mode="development")
    try:
        assert isinstance(admin.instrumented, Instrumentation)
        assert callable(events.sio._InstrumentedAsyncServer__trigger_event)
        assert events.sio._trigger_event.__func__ is Instrumentation._trigger_event
        assert isinstance(events.sio.manager._timestamps, dict)
    finally:
        await admin.stop()


async def test_two_instrumented_servers_leave_the_socket_class_alone() -> None:
    """Upstream's instrument() patches python-engineio's socket class for the process, and a second instrumented
    server made every WebSocket recurse; here the class keeps its own methods and each server its own hooks."""
    originals = {name: async_socket.AsyncSocket.__dict__[name] for name in ("_websocket_handler", "_send_ping")}
    first, second = server(), server()
    admins = [Admin(events, AdminCredentials("ops", "pw"), ui_mode="development") for events in (first, second)]
    try:
        for name, method in originals.items():
            assert async_socket.AsyncSocket.__dict__[name] is method, name
        assert first.sio.eio.instrumentation is admins[0].instrumented
        assert second.sio.eio.instrumentation is admins[1].instrumented
        # The hooks end in upstream's own method, saved under the name the instrumentation calls.
        assert async_socket.AsyncSocket._InstrumentedAsyncServer__websocket_handler is originals["_websocket_handler"]
    finally:
        for admin in admins:
            await admin.stop()
    assert first.sio.eio.instrumentation is None and second.sio.eio.instrumentation is None


def test_the_fast_path_finds_every_internal_it_needs() -> None:
    """On the pinned versions nothing the fast delivery path reads is missing, so a server built here uses it."""
    assert protocol.fast_path_missing() == []
    assert wire.missing_internals() == []
    assert server().sio.eio.fast_delivery is True


def test_the_sans_io_websocket_protocol_exposes_what_wire_reads() -> None:
    """eventcat_runtime/wire.py writes frames and answers refused upgrades through these attributes of uvicorn's
    protocol."""
    config = Config(app=lambda *a: None, ws="websockets-sansio")
    config.load()
    protocol = WebSocketsSansIOProtocol(config, ServerState(), {}, _loop=None)
    for name in ("handshake_initiated", "handshake_complete", "close_sent", "transport", "conn", "logger"):
        assert hasattr(protocol, name), name
    assert hasattr(protocol.conn, "handshake_exc") and protocol.conn.handshake_exc is None
    assert isinstance(protocol.logger, logging.Logger)


@pytest.mark.parametrize(
    ("kind", "data", "namespace", "id"),
    [
        (sio_packet.EVENT, ["note", {"text": "héllo ☃", "n": [1, 2.5, None, True]}], None, None),
        (sio_packet.EVENT, ["note", {"a": {"b": [{"c": "d"}]}}, "1-0"], "/chat", 12),
        (sio_packet.ACK, [{"ok": True}], "/", 0),
        (sio_packet.EVENT, ["file", {"blob": b"\x00\x01", "name": "a"}], "/chat", 3),
        (sio_packet.ACK, [b"raw"], None, 7),
        (sio_packet.CONNECT, {"sid": "abc"}, "/admin", None),
        (sio_packet.CONNECT_ERROR, {"message": "Invalid namespace"}, None, None),
        (sio_packet.DISCONNECT, None, "/chat", None),
    ],
)
def test_the_json_first_packet_encodes_as_upstream(kind: int, data: Any, namespace: str | None, id: int | None) -> None:
    """Byte for byte python-socketio's encoding, binary attachments included, and its type after the scan."""
    ours = protocol.JsonFirstPacket(kind, data=data, namespace=namespace, id=id)
    theirs = sio_packet.Packet(kind, data=data, namespace=namespace, id=id)
    assert ours.packet_type == theirs.packet_type
    assert ours.encode() == theirs.encode()
    ours.data = {"changed": True}  # a payload set later (the CONNECT reply's pid) is what goes out
    theirs.data = {"changed": True}
    assert ours.encode() == theirs.encode()
    decoded = protocol.JsonFirstPacket(encoded_packet='2/chat,5["a",{"b":1}]')
    assert (decoded.namespace, decoded.id, decoded.data) == ("/chat", 5, ["a", {"b": 1}])


def test_the_inbox_and_the_gate_answer_everything_uvicorn_asks_of_its_queue_and_event() -> None:
    """wire.py swaps uvicorn's receive queue and `writable` event for lighter ones: every method uvicorn's protocol
    calls on them (read from its source) exists on the stand-ins, and both are replaced where uvicorn makes them."""
    source = inspect.getsource(WebSocketsSansIOProtocol)
    for attribute, stand_in in (("queue", wire.Inbox), ("writable", wire.Gate)):
        used = set(re.findall(rf"self\.{attribute}\.(\w+)\(", source))
        assert used, attribute
        missing = [name for name in used if not hasattr(stand_in, name)]
        assert missing == [], (attribute, missing)
        assert re.search(rf"self\.{attribute}(: [^=]+)? = asyncio\.", source), f"uvicorn no longer makes {attribute} so"


async def test_the_inbox_and_the_gate_behave_as_a_queue_and_an_event() -> None:
    inbox = wire.Inbox()
    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    assert not waiting.done() and inbox.empty()
    inbox.put_nowait("a")
    inbox.put_nowait("b")
    assert await waiting == "a" and inbox.qsize() == 1 and await inbox.get() == "b" and inbox.empty()
    gate = wire.Gate()
    assert gate.is_set()
    await gate.wait()
    gate.clear()
    blocked = asyncio.ensure_future(gate.wait())
    await asyncio.sleep(0)
    assert not blocked.done()
    gate.set()
    await blocked
    assert gate.is_set()


def test_the_managers_room_index_agrees_with_upstreams_scan() -> None:
    """ConnectedOnlyManager keeps each connection's rooms beside upstream's rooms: after random entering, leaving,
    closing and disconnecting, it names exactly the rooms upstream's scan finds, and leaves no room behind."""
    import random

    from socketio.base_manager import BaseManager

    manager = ConnectedOnlyManager()
    sids = [f"s{i}" for i in range(30)]
    for i, sid in enumerate(sids):
        manager.basic_enter_room(sid, "/", None, eio_sid=f"e{i}")
        manager.basic_enter_room(sid, "/", sid)
    rng = random.Random(11)
    for step in range(2000):
        sid, room = rng.choice(sids), f"room{rng.randrange(12)}"
        if sid not in manager.rooms.get("/", {}).get(None, {}):
            continue
        if step % 97 == 0:
            manager.basic_close_room(room, "/")
        elif rng.random() < 0.6:
            manager.basic_enter_room(sid, "/", room)
        else:
            manager.basic_leave_room(sid, "/", room)
        if step % 131 == 0:
            manager.basic_disconnect(sid, "/")
    for sid in sids:
        assert set(manager.get_rooms(sid, "/")) == set(BaseManager.get_rooms(manager, sid, "/")), sid
    for sid in sids:
        manager.basic_disconnect(sid, "/")
        assert BaseManager.get_rooms(manager, sid, "/") == []
    assert manager.rooms == {} and manager._rooms_of == {}
