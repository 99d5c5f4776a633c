"""Client-to-server events against the live REZ server, with real Socket.IO clients.

Everything is driven by the generated registry and the catalog's examples, so a new client-to-server event, field
or channel is covered without touching this file:

- every inbound event's catalog example is accepted, and its ack is the one the catalog documents;
- every way of sending a bad payload is refused with the right code, through the ack when the client passed an ack
  callback and through one `error` event otherwise, and reaches nobody else;
- unknown events, `userId` spoofing, the room policy (join/leave, every subscribe channel), heartbeat, read
  receipts and typing behave as the catalog says.

Absence is always proven with `server.barrier`, never by waiting.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from eventcat_runtime.registry import ChannelSpec
from pydantic import TypeAdapter
from rez_realtime import REGISTRY, models
from rez_realtime.examples import ACK_EXAMPLES, EXAMPLES

from .live import Client, LiveServer, unique_user

INBOUND = [name for name, spec in REGISTRY.events.items() if spec.inbound]
CALLER_EVENTS = [name for name in INBOUND if REGISTRY.events[name].caller_fields]
MODES = pytest.mark.parametrize("with_ack", [True, False], ids=["ack", "no_ack"])
# Stands for the connecting user in payloads built before the test knows who that is.
CALLER = "<caller>"
_tags = itertools.count(1)


def tag() -> str:
    """A fresh id fragment, valid in every channel and room name."""
    return f"t{next(_tags)}x{int(time.time() * 1000) % 100000}"


# -- payloads ----------------------------------------------------------------------------------------------------


def set_path(data: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def get_path(data: Any, path: Sequence[str]) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def example(name: str, user: str, **changes: Any) -> dict[str, Any]:
    """The catalog's first example of an event, its caller fields (`userId`) set to the connecting user."""
    payload = copy.deepcopy(EXAMPLES[name][0])
    for path in REGISTRY.events[name].caller_fields:
        set_path(payload, path, user)
    payload.update(changes)
    return payload


def substitute(value: Any, user: str) -> Any:
    if value == CALLER:
        return user
    if isinstance(value, dict):
        return {k: substitute(v, user) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, user) for v in value]
    if isinstance(value, tuple):
        return tuple(substitute(v, user) for v in value)
    return value


def needed_rooms(name: str, payload: dict[str, Any]) -> list[str]:
    """Grants a user needs for this example to be accepted as documented.

    The rooms its documented ack names (the `orders` lookup finds `order:ord_9f2c41` only for its owner), and every
    member room the payload's fields address (`support_ticket:{ticketId}`).
    """
    rooms: set[str] = set()
    for ack in ACK_EXAMPLES.get(name, ()):
        if isinstance(ack, dict):
            rooms.update(r for r in ack.get("rooms", ()) if isinstance(r, str))
            if isinstance(ack.get("room"), str):
                rooms.add(ack["room"])
    for room in REGISTRY.rooms.values():
        if room.access == "member" and room.params and all(isinstance(payload.get(p), str) for p in room.params):
            rooms.add(room.address({p: payload[p] for p in room.params}))
    return sorted(rooms)


def check_ack_model(name: str, ack: Any) -> None:
    """The ack matches the event's ack model, as the catalog's JSON Schema would check it."""
    model = REGISTRY.events[name].ack_model
    assert model is not None, f"{name} declares no ack"
    TypeAdapter(model).validate_json(json.dumps(ack), strict=True)


# -- what arrives ------------------------------------------------------------------------------------------------


def names(client: Client) -> list[str]:
    return [event for event, _ in client.events()]


def rooms_of(server: LiveServer, client: Client) -> set[str]:
    """The Socket.IO rooms the server has this connection in (its own sid room left out)."""
    return set(server.app.server.sio.rooms(client.sid, namespace=REGISTRY.namespace)) - {client.sid}


async def until(predicate: Callable[[], bool], what: str, timeout: float = 5) -> None:
    """Wait for a state the server reaches (presence only: absence is proven with barriers)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"never happened: {what}")
        await asyncio.sleep(0.002)


# The event that stands for a room's traffic where the catalog has a natural one; other rooms take the event that
# reaches the fewest other rooms.
PUBLISHERS = {"support_ticket": "support_message_received", "order": "order_status_update"}


def publisher_for(room: str) -> tuple[str, int]:
    """A server-to-client event delivered to this room, and the index of that room among its targets."""
    found = []
    for event, spec in REGISTRY.events.items():
        if spec.inbound or spec.delivery != "rooms" or event not in EXAMPLES:
            continue
        for index, target in enumerate(spec.rooms):
            if target.room == room and all(b.source in ("field", "arg") for b in target.bindings):
                found.append((event != PUBLISHERS.get(room), len(spec.rooms), event, index))
    assert found, f"no server-to-client event is delivered to room {room}"
    *_, event, index = min(found)
    return event, index


def publication(address: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The catalog example of an event delivered to this concrete room, its ids pointed at the room: event, payload,
    and the emitter's keyword arguments."""
    found = REGISTRY.room_of(address)
    assert found is not None, f"{address} is no room of the catalog"
    room, params = found
    event, index = publisher_for(room.name)
    spec = REGISTRY.events[event]
    payload = copy.deepcopy(EXAMPLES[event][0])
    kwargs = {}
    for binding in spec.rooms[index].bindings:
        value = params[binding.param]
        if binding.source == "field":
            set_path(payload, binding.path, [value] if isinstance(get_path(payload, binding.path), list) else value)
        else:
            kwargs[spec.args[binding.param]] = value
    return event, payload, kwargs


async def check_delivery(
    server: LiveServer, address: str, to: Sequence[Client] = (), not_to: Sequence[Client] = ()
) -> None:
    """Publish to a room through the typed emitter: each client of `to` gets it once, no client of `not_to` gets it."""
    event, payload, kwargs = publication(address)
    clients = [*to, *not_to]
    before = [len(c.payloads(event)) for c in clients]
    delivered = await getattr(server.events, event)(payload, **kwargs)
    assert address in delivered.rooms, delivered
    for client, count in zip(to, before, strict=False):
        got = await client.wait_for(event, count + 1)
        assert got[-1] == payload
    await server.barrier(*clients)
    copies = {f"{c.user}#{i}": len(c.payloads(event)) - n for i, (c, n) in enumerate(zip(clients, before, strict=True))}
    expected = {f"{c.user}#{i}": int(i < len(to)) for i, c in enumerate(clients)}
    assert copies == expected, f"{event} published to {address}: copies received {copies}, expected {expected}"


async def alive(client: Client) -> None:
    """The connection is still served: a heartbeat is answered."""
    count = len(client.payloads("heartbeat_ack"))
    stamp = int(time.time() * 1000)
    await client.emit("heartbeat", {"timestamp": stamp})
    got = await client.wait_for("heartbeat_ack", count + 1)
    assert got[-1] == {"timestamp": stamp}


# -- the error contract ------------------------------------------------------------------------------------------


def check_error(error: Any, code: str, event: str | None = None, field: str | None = None) -> None:
    """An `Error` of the catalog with this code; validation errors list their problems, naming `field`."""
    models.Error.model_validate_json(json.dumps(error), strict=True)
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    stamp = datetime.fromisoformat(error["timestamp"].replace("Z", "+00:00"))
    assert stamp.tzinfo is not None and abs((datetime.now(UTC) - stamp).total_seconds()) < 60, error
    if code == "VALIDATION_ERROR":
        details = error["details"]
        assert isinstance(details, dict) and {"event", "errors"} <= set(details), error
        assert details["event"] == event, error
        assert details["errors"] and all(
            set(item) == {"path", "message"} and isinstance(item["path"], str) and isinstance(item["message"], str)
            for item in details["errors"]
        ), error
        if field is not None:
            paths = [item["path"] for item in details["errors"]]
            assert any(p == field or p.startswith(f"{field}.") for p in paths), (field, paths)


async def send(client: Client, event: str, args: tuple[Any, ...], with_ack: bool) -> Any:
    """Send exactly these arguments (none, one, two...): a tuple is what python-socketio spreads into arguments."""
    if with_ack:
        return await client.call(event, args)
    await client.emit(event, args)
    return None


async def refused(
    server: LiveServer,
    client: Client,
    event: str,
    args: tuple[Any, ...],
    with_ack: bool,
    witnesses: Sequence[Client] = (),
) -> Any:
    """Send an event the server must refuse; the Error, from the ack or from the single `error` event.

    Returns after a barrier on the client and the witnesses: whatever the refusal sent has arrived.
    """
    errors_before = len(client.payloads("error"))
    if with_ack:
        ack = await send(client, event, args, True)
        TypeAdapter(models.AckError).validate_json(json.dumps(ack), strict=True)
        assert set(ack) == {"ok", "error"} and ack["ok"] is False, ack
        await server.barrier(client, *witnesses)
        assert len(client.payloads("error")) == errors_before, "the ack answered: no `error` event as well"
        return ack["error"]
    await send(client, event, args, False)
    got = await client.wait_for("error", errors_before + 1)
    await server.barrier(client, *witnesses)
    assert len(client.payloads("error")) == errors_before + 1, client.payloads("error")
    return got[-1]


# -- 1. every catalog example is accepted ------------------------------------------------------------------------

# What a connection does first so that the example meets the state its documented ack describes (an unsubscribe
# leaves what a subscribe entered) and its effect can be seen (message_read's receipt goes to the ticket room).
PREPARE = {
    "unsubscribe": "subscribe",
    "leave_ticket": "join_ticket",
    "message_read": "join_ticket",
    "user_typing_stop": "user_typing_start",
}


async def _fence(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    await alive(client)


def _in_room(server: LiveServer, client: Client, room: str) -> bool:
    return room in rooms_of(server, client)


def _out_of_room(server: LiveServer, client: Client, room: str) -> bool:
    return room not in rooms_of(server, client)


def _documented_rooms(name: str) -> list[str]:
    return list(ACK_EXAMPLES[name][0]["rooms"])


async def _subscribed(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    for room in _documented_rooms("subscribe"):
        await until(partial(_in_room, server, client, room), f"{client.user} in {room}")
        await check_delivery(server, room, to=[client])


async def _unsubscribed(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    for room in _documented_rooms("unsubscribe"):
        await until(partial(_out_of_room, server, client, room), f"{client.user} out of {room}")
        await check_delivery(server, room, not_to=[client])
    await check_delivery(server, f"user:{client.user}", to=[client])


async def _heartbeat_answered(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    assert await client.wait_for("heartbeat_ack") == [{"timestamp": payload["timestamp"]}]


async def _joined(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    room = f"support_ticket:{payload['ticketId']}"
    await until(lambda: room in rooms_of(server, client), f"{client.user} in {room}")
    await check_delivery(server, room, to=[client])


async def _left(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    room = f"support_ticket:{payload['ticketId']}"
    await until(lambda: room not in rooms_of(server, client), f"{client.user} out of {room}")
    await check_delivery(server, room, not_to=[client])


def _typing(server: LiveServer, ticket: str) -> set[str]:
    return set(server.app.handlers.support.typing_now.get(ticket, ()))


async def _typing_started(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    await until(lambda: client.user in _typing(server, payload["ticketId"]), f"{client.user} typing")


async def _typing_stopped(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    await until(lambda: client.user not in _typing(server, payload["ticketId"]), f"{client.user} not typing")


async def _read(server: LiveServer, client: Client, payload: dict[str, Any]) -> None:
    [receipt] = await client.wait_for("support_message_read")
    check_receipt(receipt, payload["messageId"], client.user)
    assert (
        payload["ticketId"],
        payload["messageId"],
        client.user,
        receipt["readAt"],
    ) in server.app.handlers.support.receipts


def check_receipt(receipt: dict[str, Any], message_id: str, user: str) -> None:
    models.SupportMessageReadPayload.model_validate_json(json.dumps(receipt), strict=True)
    assert set(receipt) == {"messageId", "readBy", "readAt"}, receipt
    assert receipt["messageId"] == message_id and receipt["readBy"] == user, receipt
    read_at = datetime.fromisoformat(receipt["readAt"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - read_at).total_seconds()) < 60, receipt


# How to see that an accepted event did what the catalog says; events not listed are fenced by a heartbeat.
EFFECTS: dict[str, Callable[[LiveServer, Client, dict[str, Any]], Awaitable[None]]] = {
    "subscribe": _subscribed,
    "unsubscribe": _unsubscribed,
    "heartbeat": _heartbeat_answered,
    "join_ticket": _joined,
    "leave_ticket": _left,
    "user_typing_start": _typing_started,
    "user_typing_stop": _typing_stopped,
    "message_read": _read,
}


def test_every_inbound_event_is_covered() -> None:
    """The tests below iterate the registry: it lists the catalog's client-to-server events, each with an example."""
    assert set(EFFECTS) <= set(INBOUND)
    assert {"subscribe", "unsubscribe", "heartbeat", "join_ticket", "leave_ticket", "message_read"} <= set(INBOUND)
    for name in INBOUND:
        assert EXAMPLES.get(name), f"{name} has no catalog example"
        if name in ACK_EXAMPLES:
            assert REGISTRY.events[name].ack_model is not None, f"{name} documents an ack it does not declare"


@MODES
@pytest.mark.parametrize("name", INBOUND)
async def test_catalog_example_is_accepted(server: LiveServer, name: str, with_ack: bool) -> None:
    user = unique_user()
    payload = example(name, user)
    prepare = PREPARE.get(name)
    grants = needed_rooms(name, payload) + (needed_rooms(prepare, example(prepare, user)) if prepare else [])
    client, observer = await asyncio.gather(server.connect(user, rooms=grants), server.connect())
    if prepare:
        answer = await client.call(prepare, example(prepare, user))
        if REGISTRY.events[prepare].ack_model is not None:
            check_ack_model(prepare, answer)
    ack = await send(client, name, (payload,), with_ack)
    if with_ack:
        if REGISTRY.events[name].ack_model is None:
            assert ack is None, f"{name} declares no ack: the callback is called with nothing"
        else:
            check_ack_model(name, ack)
            if name in ACK_EXAMPLES:
                assert ack == ACK_EXAMPLES[name][0]
    await EFFECTS.get(name, _fence)(server, client, payload)
    await server.barrier(client, observer)
    assert client.events("error") == []
    assert names(observer) == ["connected"]


# -- 2. and 3. invalid payloads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    event: str
    label: str
    args: tuple[Any, ...]
    code: str = "VALIDATION_ERROR"
    field: str | None = None

    @property
    def id(self) -> str:
        return f"{self.event}-{self.label}"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].split("/")[-1]]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [_resolve(s, root) for s in schema[key]]
            return next(s for s in options if s.get("type") != "null")
    return schema


def _wrong_type(schema: dict[str, Any], valid: Any) -> Any:
    """A JSON value of another type, preferring one lax parsing would coerce (a numeric string for a number)."""
    kind = schema.get("type") or type(valid).__name__
    return {
        "string": 12345,
        "str": 12345,
        "integer": "12",
        "int": "12",
        "number": "1.5",
        "float": "1.5",
        "boolean": "true",
        "bool": "true",
        "array": {"not": "a list"},
        "list": {"not": "a list"},
        "object": ["not", "an", "object"],
        "dict": ["not", "an", "object"],
    }.get(kind, 12345)


def _bad_values(schema: dict[str, Any]) -> list[tuple[str, Any]]:
    """Values of the right type that a constraint refuses: not in the enum, not matching the pattern, out of range."""
    out: list[tuple[str, Any]] = []
    if "enum" in schema:
        out.append(("enum", next(v for v in ("not_a_member", "NOT_A_MEMBER_2") if v not in schema["enum"])))
    if "const" in schema:
        out.append(("const", "not_the_const" if schema["const"] != "not_the_const" else "other"))
    if "pattern" in schema:
        # A leaderboard of an unknown period looks like a channel but is not one.
        candidates = ("leaderboard_yearly", "no such value", "", "\u00e9", "*")
        out.append(("pattern", next(v for v in candidates if not re.search(schema["pattern"], v))))
    if "minimum" in schema:
        out.append(("minimum", schema["minimum"] - 1))
    if "maximum" in schema:
        out.append(("maximum", schema["maximum"] + 1))
    if schema.get("minLength", 0) > 0:
        out.append(("minLength", "x" * (schema["minLength"] - 1)))
    if "maxLength" in schema:
        out.append(("maxLength", "x" * (schema["maxLength"] + 1)))
    return out


def invalid_cases(name: str) -> list[Case]:
    spec = REGISTRY.events[name]
    root = spec.model.model_json_schema()
    valid = example(name, CALLER)
    cases = []
    for field in root.get("required", []):
        cases.append(Case(name, f"missing_{field}", ({k: v for k, v in valid.items() if k != field},), field=field))
    for field, raw in root.get("properties", {}).items():
        if field not in valid:
            continue
        schema = _resolve(raw, root)
        cases.append(
            Case(name, f"wrong_type_{field}", ({**valid, field: _wrong_type(schema, valid[field])},), field=field)
        )
        cases.append(Case(name, f"null_{field}", ({**valid, field: None},), field=field))
        for constraint, value in _bad_values(schema):
            cases.append(Case(name, f"bad_{constraint}_{field}", ({**valid, field: value},), field=field))
    cases.append(Case(name, "extra_field", ({**valid, "unexpected": "x"},), field="unexpected"))
    padding = "x" * spec.max_payload_bytes
    cases.append(Case(name, "too_large", ({**valid, "padding": padding},), code="PAYLOAD_TOO_LARGE"))
    cases.append(Case(name, "string", ("orders",)))
    cases.append(Case(name, "list", ([valid],)))
    cases.append(Case(name, "number", (42,)))
    cases.append(Case(name, "null", (None,)))
    cases.append(Case(name, "no_argument", ()))
    cases.append(Case(name, "two_arguments", (valid, valid)))
    return cases


CASES = [case for name in INBOUND for case in invalid_cases(name)]


@MODES
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_invalid_payload_is_refused(server: LiveServer, case: Case, with_ack: bool) -> None:
    user = unique_user()
    grants = needed_rooms(case.event, example(case.event, user))
    client, other_device, observer = await asyncio.gather(
        server.connect(user, rooms=grants), server.connect(user, rooms=grants), server.connect()
    )
    args = substitute(case.args, user)
    error = await refused(server, client, case.event, args, with_ack, witnesses=[other_device, observer])
    check_error(error, case.code, case.event, case.field)
    assert names(client) == ["connected"] + ([] if with_ack else ["error"])
    # Nobody else hears of it: not another user, not another device of the same user.
    assert names(other_device) == ["connected"]
    assert names(observer) == ["connected"]
    # The refused event had no effect: the client is in no room it would have reached.
    assert rooms_of(server, client) == {f"user:{user}"}
    for room in grants:
        await check_delivery(server, room, not_to=[client])
    if case.event in ("user_typing_start", "user_typing_stop"):
        assert all(user not in users for users in server.app.handlers.support.typing_now.values())
    # The connection is not dropped, and the server still serves the others.
    await alive(client)
    await alive(observer)


async def test_server_still_up_after_invalid_events(server: LiveServer) -> None:
    """A connection opened after every refusal above is accepted and served."""
    fresh = await server.connect()
    await alive(fresh)
    assert names(fresh) == ["connected", "heartbeat_ack"]


@MODES
async def test_payload_at_the_size_limit_is_accepted(server: LiveServer, with_ack: bool) -> None:
    """The limit is on the payload's JSON in bytes: exactly max_payload_bytes passes, one more byte does not."""
    limit = REGISTRY.events["subscribe"].max_payload_bytes
    frame = len(json.dumps({"channel": "offers_"}, separators=(",", ":")).encode())
    category = "c" * (limit - frame)
    client = await server.connect()
    channel = f"offers_{category}"
    assert len(json.dumps({"channel": channel}, separators=(",", ":")).encode()) == limit
    ack = await send(client, "subscribe", ({"channel": channel},), with_ack)
    if with_ack:
        assert ack == {"ok": True, "channel": channel, "rooms": [f"offers:{category}"]}
    await until(lambda: f"offers:{category}" in rooms_of(server, client), "entered the offers room")
    error = await refused(server, client, "subscribe", ({"channel": channel + "c"},), with_ack)
    check_error(error, "PAYLOAD_TOO_LARGE")


@MODES
async def test_size_limit_counts_bytes_not_characters(server: LiveServer, with_ack: bool) -> None:
    """Fewer characters than the limit, more bytes (two per é): too large, before any validation."""
    limit = REGISTRY.events["subscribe"].max_payload_bytes
    channel = "offers_" + "\u00e9" * (limit // 2)
    assert len(json.dumps({"channel": channel}, ensure_ascii=False)) < limit
    client = await server.connect()
    error = await refused(server, client, "subscribe", ({"channel": channel},), with_ack)
    check_error(error, "PAYLOAD_TOO_LARGE")


@MODES
async def test_binary_payload_is_a_validation_error(server: LiveServer, with_ack: bool) -> None:
    """A Socket.IO binary attachment is not a JSON object (and these bytes are not even UTF-8)."""
    client = await server.connect()
    error = await refused(server, client, "subscribe", (b"\xff\xfe\x00",), with_ack)
    check_error(error, "VALIDATION_ERROR", "subscribe")
    await alive(client)


@MODES
@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")], ids=["nan", "inf", "-inf"])
async def test_non_json_numbers_are_a_validation_error(server: LiveServer, number: float, with_ack: bool) -> None:
    """python-socketio's client sends NaN and Infinity as bare tokens; they are not JSON."""
    client = await server.connect()
    error = await refused(server, client, "heartbeat", ({"timestamp": number},), with_ack)
    check_error(error, "VALIDATION_ERROR", "heartbeat")
    await alive(client)


async def test_binary_value_is_not_a_string(server: LiveServer) -> None:
    client = await server.connect()
    error = await refused(server, client, "subscribe", ({"channel": b"offers"},), True)
    check_error(error, "VALIDATION_ERROR", "subscribe", "channel")
    assert rooms_of(server, client) == {f"user:{client.user}"}


# -- 4. unknown events -------------------------------------------------------------------------------------------

UNKNOWN = [
    ("nope", ({"channel": "orders"},)),
    ("nope", ()),
    ("order_status_update", (EXAMPLES["order_status_update"][0],)),
    ("connected", (EXAMPLES["connected"][0],)),
    ("error", (EXAMPLES["error"][0],)),
]


@MODES
@pytest.mark.parametrize(("event", "args"), UNKNOWN, ids=[f"{e}-{len(a)}_args" for e, a in UNKNOWN])
async def test_unknown_event_is_refused(server: LiveServer, event: str, args: tuple[Any, ...], with_ack: bool) -> None:
    assert event not in INBOUND
    client, observer = await asyncio.gather(server.connect(), server.connect())
    error = await refused(server, client, event, args, with_ack, witnesses=[observer])
    check_error(error, "UNKNOWN_EVENT")
    assert names(client) == ["connected"] + ([] if with_ack else ["error"])
    assert names(observer) == ["connected"]
    await alive(client)


# -- 5. behaviour: the caller, the ticket rooms ------------------------------------------------------------------


@MODES
@pytest.mark.parametrize("name", CALLER_EVENTS)
async def test_another_users_id_is_forbidden(server: LiveServer, name: str, with_ack: bool) -> None:
    """A payload naming someone else as the caller is refused, whatever the caller may otherwise do."""
    ticket = f"ticket_{tag()}"
    room = f"support_ticket:{ticket}"
    user, victim = unique_user(), unique_user("victim")
    client, victim_client, agent = await asyncio.gather(
        server.connect(user, rooms=[room]),
        server.connect(victim, rooms=[room]),
        server.connect(roles=["agent"]),
    )
    assert (await agent.call("join_ticket", example("join_ticket", agent.user, ticketId=ticket)))["ok"] is True
    if name == "leave_ticket":  # so that leaving could be seen
        assert (await client.call("join_ticket", example("join_ticket", user, ticketId=ticket)))["ok"] is True
    payload = example(name, user)
    for path in REGISTRY.events[name].caller_fields:
        set_path(payload, path, victim)
    if "ticketId" in payload:
        payload["ticketId"] = ticket
    error = await refused(server, client, name, (payload,), with_ack, witnesses=[victim_client, agent])
    check_error(error, "FORBIDDEN")
    # Nothing happened: no receipt in the room, no typing, no room entered or left, the victim saw nothing.
    assert agent.events("support_message_read") == [] and client.events("support_message_read") == []
    assert names(victim_client) == ["connected"]
    assert _typing(server, ticket) == set()
    assert all(r[1] != payload.get("messageId") or r[0] != ticket for r in server.app.handlers.support.receipts)
    in_room = name == "leave_ticket"
    assert (room in rooms_of(server, client)) is in_room
    await check_delivery(server, room, to=[agent, client] if in_room else [agent], not_to=[] if in_room else [client])


@MODES
async def test_join_ticket_without_grant_is_forbidden(server: LiveServer, with_ack: bool) -> None:
    ticket = f"ticket_{tag()}"
    room = f"support_ticket:{ticket}"
    client, agent = await asyncio.gather(
        server.connect(rooms=[f"support_ticket:other_{ticket}"]), server.connect(roles=["agent"])
    )
    await agent.call("join_ticket", example("join_ticket", agent.user, ticketId=ticket))
    error = await refused(
        server, client, "join_ticket", (example("join_ticket", client.user, ticketId=ticket),), with_ack
    )
    check_error(error, "FORBIDDEN")
    assert room not in rooms_of(server, client)
    await check_delivery(server, room, to=[agent], not_to=[client])


@pytest.mark.parametrize("how", ["token", "policy"])
async def test_join_ticket_with_grant(server: LiveServer, how: str) -> None:
    ticket = f"ticket_{tag()}"
    room = f"support_ticket:{ticket}"
    user = unique_user()
    if how == "policy":
        server.app.policy.grant(user, [room])
    client, outsider = await asyncio.gather(
        server.connect(user, rooms=[room] if how == "token" else []), server.connect()
    )
    ack = await client.call("join_ticket", example("join_ticket", user, ticketId=ticket))
    check_ack_model("join_ticket", ack)
    assert ack == {"ok": True, "ticketId": ticket, "room": room}
    assert room in rooms_of(server, client)
    await check_delivery(server, room, to=[client], not_to=[outsider])
    # Joining again changes nothing: one copy of each event.
    assert await client.call("join_ticket", example("join_ticket", user, ticketId=ticket)) == ack
    await check_delivery(server, room, to=[client], not_to=[outsider])


async def test_leave_ticket_stops_events(server: LiveServer) -> None:
    ticket = f"ticket_{tag()}"
    room = f"support_ticket:{ticket}"
    user = unique_user()
    client, agent = await asyncio.gather(server.connect(user, rooms=[room]), server.connect(roles=["agent"]))
    await agent.call("join_ticket", example("join_ticket", agent.user, ticketId=ticket))
    await client.call("join_ticket", example("join_ticket", user, ticketId=ticket))
    await check_delivery(server, room, to=[client, agent])
    ack = await client.call("leave_ticket", example("leave_ticket", user, ticketId=ticket))
    check_ack_model("leave_ticket", ack)
    assert ack == {"ok": True, "ticketId": ticket, "room": room}
    assert room not in rooms_of(server, client)
    await check_delivery(server, room, to=[agent], not_to=[client])
    # The user's own room is kept.
    await check_delivery(server, f"user:{user}", to=[client])
    assert client.events("error") == []


@MODES
@pytest.mark.parametrize("granted", [True, False], ids=["granted", "not_granted"])
async def test_leaving_a_ticket_one_is_not_in_is_not_an_error(
    server: LiveServer, with_ack: bool, granted: bool
) -> None:
    ticket = f"ticket_{tag()}"
    room = f"support_ticket:{ticket}"
    user = unique_user()
    client = await server.connect(user, rooms=[room] if granted else [])
    payload = example("leave_ticket", user, ticketId=ticket)
    ack = await send(client, "leave_ticket", (payload,), with_ack)
    if with_ack:
        assert ack == {"ok": True, "ticketId": ticket, "room": room}
    await alive(client)
    await server.barrier(client)
    assert names(client) == ["connected", "heartbeat_ack"]
    assert rooms_of(server, client) == {f"user:{user}"}


@pytest.mark.parametrize("role", REGISTRY.rooms["support_ticket"].roles)
async def test_support_roles_may_join_any_ticket(server: LiveServer, role: str) -> None:
    ticket = f"ticket_{tag()}"
    room = f"support_ticket:{ticket}"
    staff, customer = await asyncio.gather(server.connect(roles=[role]), server.connect(roles=["customer"]))
    ack = await staff.call("join_ticket", example("join_ticket", staff.user, ticketId=ticket))
    assert ack == {"ok": True, "ticketId": ticket, "room": room}
    await check_delivery(server, room, to=[staff], not_to=[customer])
    assert await staff.call("user_typing_start", example("user_typing_start", staff.user, ticketId=ticket)) is None
    assert staff.user in _typing(server, ticket)
    # Another role is no pass.
    error = await refused(
        server, customer, "join_ticket", (example("join_ticket", customer.user, ticketId=ticket),), True
    )
    check_error(error, "FORBIDDEN")
    assert room not in rooms_of(server, customer)


@pytest.mark.parametrize(
    "ticket",
    [
        "ticket_{}",
        "ticket {}",
        "",
    ],
    ids=["plain", "with_space", "empty"],
)
@pytest.mark.parametrize("how", ["grant", "agent"])
async def test_who_may_join_a_ticket_may_type_and_read_in_it(server: LiveServer, ticket: str, how: str) -> None:
    """join_ticket, typing and message_read decide membership alike, whatever the (valid) ticket id."""
    ticket = ticket.format(tag())
    room = f"support_ticket:{ticket}"
    user = unique_user()
    client = await server.connect(
        user, rooms=[room] if how == "grant" else [], roles=["agent"] if how == "agent" else []
    )
    joined = await client.call("join_ticket", example("join_ticket", user, ticketId=ticket))
    typing = await client.call("user_typing_start", example("user_typing_start", user, ticketId=ticket))
    read = await client.call("message_read", example("message_read", user, ticketId=ticket))
    if joined["ok"]:
        assert typing is None, typing
        assert read == {"ok": True}, read
    else:
        assert typing["error"]["code"] == read["error"]["code"] == joined["error"]["code"]


# -- 5. behaviour: subscribe and unsubscribe, channel by channel -------------------------------------------------


@dataclass
class Plan:
    channel: str
    roles: list[str]
    grants: list[str]
    rooms: list[str]  # every room the subscribe reaches
    allowed: bool


def _channel_value(spec: ChannelSpec, param: str, unique: str) -> str:
    """A valid value for a channel parameter: the first allowed one for an enum (leaderboard period), else an id."""
    for target in spec.rooms:
        for binding in target.bindings:
            if binding.source == "channel" and binding.path[0] == param:
                allowed = REGISTRY.rooms[target.room].param_values.get(binding.param)
                if allowed:
                    return allowed[0]
    return f"{param}_{unique}"


def plan(spec: ChannelSpec, user: str, scenario: str, unique: str) -> Plan:
    """What subscribing to a concrete channel of this pattern must do, by the catalog's access rules.

    no_grant: the user holds nothing; granted: every member room (and every room a `$lookup` finds) is granted;
    role: the user holds a role of the channel's member rooms and no grant.
    """
    params: dict[str, str] = {}

    def fill(match: re.Match[str]) -> str:
        params[match.group(1)] = _channel_value(spec, match.group(1), unique)
        return params[match.group(1)]

    channel = re.sub(r"\{([A-Za-z][A-Za-z0-9]*)\}", fill, spec.name)
    roles: list[str] = []
    grants: list[str] = []
    rooms: list[str] = []
    allowed = True
    for target in spec.rooms:
        room = REGISTRY.rooms[target.room]
        combos: list[dict[str, str]] = [{}]
        for binding in target.bindings:
            if binding.source == "channel":
                values = [params[binding.path[0]]]
            elif binding.source == "user":
                values = [user]
            elif binding.source == "lookup":
                # The lookup lists what the user was granted: nothing, or two rooms.
                allowed_values = room.param_values.get(binding.param)
                values = list(allowed_values[:2]) if allowed_values else [f"{binding.param}_{unique}_{i}" for i in "ab"]
                values = values if scenario == "granted" else []
                grants.extend(room.address({**c, binding.param: v}) for c in combos for v in values)
            else:
                raise AssertionError(f"{spec.name}: unexpected binding {binding}")
            combos = [{**c, binding.param: v} for c in combos for v in values]
        for combo in combos:
            address = room.address(combo)
            rooms.append(address)
            if room.access in ("public",) or (room.access == "self" and all(v == user for v in combo.values())):
                continue
            if room.access == "member" and scenario == "granted":
                grants.append(address)
            elif room.access == "member" and scenario == "role" and room.roles:
                roles.append(room.roles[0])
            elif room.access != "member" or address not in grants:
                allowed = False
    return Plan(channel, sorted(set(roles)), sorted(set(grants)), list(dict.fromkeys(rooms)), allowed)


def _has_role_scenario(spec: ChannelSpec) -> bool:
    return any(
        REGISTRY.rooms[t.room].access == "member"
        and REGISTRY.rooms[t.room].roles
        and all(b.source in ("channel", "user") for b in t.bindings)
        for t in spec.rooms
    )


CHANNEL_CASES = [
    pytest.param(spec.name, scenario, id=f"{spec.name}-{scenario}")
    for spec in REGISTRY.channels
    for scenario in ("no_grant", "granted", *(("role",) if _has_role_scenario(spec) else ()))
]


@pytest.mark.parametrize(("pattern", "scenario"), CHANNEL_CASES)
async def test_subscribe_and_unsubscribe_every_channel(server: LiveServer, pattern: str, scenario: str) -> None:
    spec = next(s for s in REGISTRY.channels if s.name == pattern)
    user = unique_user()
    p = plan(spec, user, scenario, tag())
    found = REGISTRY.channel(p.channel)
    assert found is not None and found[0] is spec, f"{p.channel} is not read as {pattern}"
    client, observer = await asyncio.gather(server.connect(user, roles=p.roles, rooms=p.grants), server.connect())
    ack = await client.call("subscribe", {"channel": p.channel})
    if not p.allowed:
        assert ack["ok"] is False, ack
        check_error(ack["error"], "FORBIDDEN")
        # All or nothing: not even the channel's public rooms were entered.
        assert rooms_of(server, client) == {f"user:{user}"}
        for room in p.rooms:
            await check_delivery(server, room, not_to=[client, observer])
        await server.barrier(client)
        assert client.events("error") == []
        return
    check_ack_model("subscribe", ack)
    assert ack["ok"] is True and ack["channel"] == p.channel, ack
    assert sorted(ack["rooms"]) == sorted(p.rooms) and len(set(ack["rooms"])) == len(ack["rooms"]), (ack, p)
    assert rooms_of(server, client) == {f"user:{user}", *p.rooms}
    for room in p.rooms:
        await check_delivery(server, room, to=[client], not_to=[observer])

    ack = await client.call("unsubscribe", {"channel": p.channel})
    check_ack_model("unsubscribe", ack)
    assert ack["ok"] is True and ack["channel"] == p.channel and sorted(ack["rooms"]) == sorted(p.rooms), ack
    assert rooms_of(server, client) == {f"user:{user}"}
    for room in p.rooms:
        await check_delivery(server, room, not_to=[client, observer])
    # The user's own room is never left by an unsubscribe.
    await check_delivery(server, f"user:{user}", to=[client], not_to=[observer])
    await server.barrier(client, observer)
    assert client.events("error") == []
    assert names(observer) == ["connected"]


async def test_subscribe_orders_enters_every_granted_order(server: LiveServer) -> None:
    """`orders` binds orderId to `$lookup`: the rooms of the user's granted orders, and no other."""
    unique = tag()
    a, b, c = (f"order:ord_{unique}_{x}" for x in "abc")
    user = unique_user()
    client, stranger = await asyncio.gather(server.connect(user, rooms=[a, b]), server.connect(rooms=[c]))
    ack = await client.call("subscribe", {"channel": "orders"})
    check_ack_model("subscribe", ack)
    assert ack["ok"] is True and ack["channel"] == "orders" and sorted(ack["rooms"]) == [a, b], ack
    await check_delivery(server, a, to=[client], not_to=[stranger])
    await check_delivery(server, b, to=[client], not_to=[stranger])
    await check_delivery(server, c, not_to=[client, stranger])
    ack = await client.call("unsubscribe", {"channel": "orders"})
    assert ack["ok"] is True and sorted(ack["rooms"]) == [a, b], ack
    await check_delivery(server, a, not_to=[client])
    await check_delivery(server, b, not_to=[client])


async def test_subscribe_orders_finds_grants_from_the_policy_too(server: LiveServer) -> None:
    unique = tag()
    user = unique_user()
    server.app.policy.grant(user, [f"order:ord_{unique}_p"])
    client = await server.connect(user, rooms=[f"order:ord_{unique}_t"])
    ack = await client.call("subscribe", {"channel": "orders"})
    assert sorted(ack["rooms"]) == [f"order:ord_{unique}_p", f"order:ord_{unique}_t"], ack


async def test_subscribe_cart_enters_cart_and_product_rooms(server: LiveServer) -> None:
    unique = tag()
    p1, p2 = f"product:prod_{unique}_1", f"product:prod_{unique}_2"
    user = unique_user()
    client, other = await asyncio.gather(server.connect(user, rooms=[p1, p2]), server.connect())
    ack = await client.call("subscribe", {"channel": "cart"})
    check_ack_model("subscribe", ack)
    assert ack["ok"] is True and sorted(ack["rooms"]) == sorted([f"cart:{user}", p1, p2]), ack
    for room in (f"cart:{user}", p1, p2):
        await check_delivery(server, room, to=[client], not_to=[other])
    ack = await client.call("unsubscribe", {"channel": "cart"})
    assert sorted(ack["rooms"]) == sorted([f"cart:{user}", p1, p2]), ack
    for room in (f"cart:{user}", p1, p2):
        await check_delivery(server, room, not_to=[client])
    await check_delivery(server, f"user:{user}", to=[client])


@MODES
async def test_unsubscribe_from_a_channel_one_is_not_in(server: LiveServer, with_ack: bool) -> None:
    client = await server.connect()
    ack = await send(client, "unsubscribe", ({"channel": "orders"},), with_ack)
    if with_ack:
        assert ack == {"ok": True, "channel": "orders", "rooms": []}
    await alive(client)
    await server.barrier(client)
    assert names(client) == ["connected", "heartbeat_ack"]
    await check_delivery(server, f"user:{client.user}", to=[client])


async def test_unsubscribe_keeps_rooms_held_for_another_reason(server: LiveServer) -> None:
    """A room entered by two channels (or a channel and join_ticket) stays until the last one lets go."""
    unique = tag()
    order, ticket = f"ord_{unique}", f"ticket_{unique}"
    user = unique_user()
    client = await server.connect(user, rooms=[f"order:{order}", f"support_ticket:{ticket}"])
    assert (await client.call("subscribe", {"channel": "orders"}))["rooms"] == [f"order:{order}"]
    assert (await client.call("subscribe", {"channel": f"order_{order}"}))["rooms"] == [f"order:{order}"]
    assert (await client.call("unsubscribe", {"channel": "orders"}))["rooms"] == [f"order:{order}"]
    await check_delivery(server, f"order:{order}", to=[client])
    assert (await client.call("unsubscribe", {"channel": f"order_{order}"}))["rooms"] == [f"order:{order}"]
    await check_delivery(server, f"order:{order}", not_to=[client])

    assert (await client.call("join_ticket", example("join_ticket", user, ticketId=ticket)))["ok"] is True
    channel = f"support_ticket_{ticket}"
    assert (await client.call("subscribe", {"channel": channel}))["rooms"] == [f"support_ticket:{ticket}"]
    assert (await client.call("unsubscribe", {"channel": channel}))["rooms"] == [f"support_ticket:{ticket}"]
    await check_delivery(server, f"support_ticket:{ticket}", to=[client])
    # Unsubscribing again leaves nothing more.
    assert await client.call("unsubscribe", {"channel": channel}) == {"ok": True, "channel": channel, "rooms": []}
    await check_delivery(server, f"support_ticket:{ticket}", to=[client])


async def test_unsubscribe_leaves_rooms_of_an_earlier_subscribe_to_the_same_channel(server: LiveServer) -> None:
    """Subscribing again (an app resuming) when the `$lookup` finds fewer rooms: unsubscribe still leaves them all.

    A real ownership policy drops delivered orders from the `orders` lookup; the in-memory one does the same when the
    grant is taken back from the policy.
    """
    unique = tag()
    a, b = f"order:ord_{unique}_a", f"order:ord_{unique}_b"
    user = unique_user()
    server.app.policy.grant(user, [a, b])
    client = await server.connect(user)
    assert sorted((await client.call("subscribe", {"channel": "orders"}))["rooms"]) == [a, b]
    server.app.policy.revoke(user, [b])
    assert (await client.call("subscribe", {"channel": "orders"}))["rooms"] == [a]
    assert (await client.call("unsubscribe", {"channel": "orders"}))["ok"] is True
    await check_delivery(server, a, not_to=[client])
    await check_delivery(server, b, not_to=[client])
    assert rooms_of(server, client) == {f"user:{user}"}


async def test_admin_may_subscribe_to_any_order(server: LiveServer) -> None:
    order = f"ord_{tag()}"
    admin, customer = await asyncio.gather(server.connect(roles=["admin"]), server.connect())
    ack = await admin.call("subscribe", {"channel": f"order_{order}"})
    assert ack == {"ok": True, "channel": f"order_{order}", "rooms": [f"order:{order}"]}
    error = await refused(server, customer, "subscribe", ({"channel": f"order_{order}"},), True)
    check_error(error, "FORBIDDEN")
    await check_delivery(server, f"order:{order}", to=[admin], not_to=[customer])


# -- 5. behaviour: heartbeat, read receipts, typing --------------------------------------------------------------


@MODES
@pytest.mark.parametrize("stamp", [0, 1761575400000, 2**53 - 1])
async def test_heartbeat_is_echoed_to_the_sender_only(server: LiveServer, stamp: int, with_ack: bool) -> None:
    user = unique_user()
    client, same_user, observer = await asyncio.gather(server.connect(user), server.connect(user), server.connect())
    ack = await send(client, "heartbeat", ({"timestamp": stamp},), with_ack)
    assert ack is None
    assert await client.wait_for("heartbeat_ack") == [{"timestamp": stamp}]
    await server.barrier(client, same_user, observer)
    assert names(client) == ["connected", "heartbeat_ack"]
    assert names(same_user) == names(observer) == ["connected"]


@MODES
async def test_message_read_tells_every_member_of_the_ticket(server: LiveServer, with_ack: bool) -> None:
    ticket = f"ticket_{tag()}"
    room = f"support_ticket:{ticket}"
    user, member = unique_user(), unique_user("member")
    reader, reader_phone, reader_tablet, agent, other_member, outsider = await asyncio.gather(
        server.connect(user, rooms=[room]),
        server.connect(user, rooms=[room]),
        server.connect(user, rooms=[room]),  # granted, but never joined
        server.connect(roles=["agent"]),
        server.connect(member, rooms=[room]),
        server.connect(),
    )
    for client in (reader, reader_phone, agent, other_member):
        assert (await client.call("join_ticket", example("join_ticket", client.user, ticketId=ticket)))["ok"]
    payload = example("message_read", user, ticketId=ticket, messageId=f"msg_{tag()}")
    ack = await send(reader, "message_read", (payload,), with_ack)
    if with_ack:
        check_ack_model("message_read", ack)
        assert ack == {"ok": True}
    members = [reader, reader_phone, agent, other_member]
    receipts = [(await c.wait_for("support_message_read"))[0] for c in members]
    for receipt in receipts:
        check_receipt(receipt, payload["messageId"], user)
    assert len({r["readAt"] for r in receipts}) == 1
    assert (ticket, payload["messageId"], user, receipts[0]["readAt"]) in server.app.handlers.support.receipts
    await server.barrier(*members, reader_tablet, outsider)
    assert all(len(c.payloads("support_message_read")) == 1 for c in members)
    assert names(reader_tablet) == names(outsider) == ["connected"]
    assert reader.events("error") == []


@MODES
async def test_message_read_by_a_non_member_is_forbidden(server: LiveServer, with_ack: bool) -> None:
    ticket = f"ticket_{tag()}"
    client, agent = await asyncio.gather(server.connect(), server.connect(roles=["agent"]))
    await agent.call("join_ticket", example("join_ticket", agent.user, ticketId=ticket))
    payload = example("message_read", client.user, ticketId=ticket, messageId=f"msg_{tag()}")
    error = await refused(server, client, "message_read", (payload,), with_ack, witnesses=[agent])
    check_error(error, "FORBIDDEN")
    assert agent.events("support_message_read") == []
    assert all(r[1] != payload["messageId"] for r in server.app.handlers.support.receipts)


@MODES
async def test_typing_by_a_member_is_recorded(server: LiveServer, with_ack: bool) -> None:
    ticket = f"ticket_{tag()}"
    user = unique_user()
    client = await server.connect(user, rooms=[f"support_ticket:{ticket}"])
    start = example("user_typing_start", user, ticketId=ticket)
    assert await send(client, "user_typing_start", (start,), with_ack) is None
    await until(lambda: _typing(server, ticket) == {user}, "typing recorded")
    stop = example("user_typing_stop", user, ticketId=ticket)
    assert await send(client, "user_typing_stop", (stop,), with_ack) is None
    await until(lambda: user not in _typing(server, ticket), "typing stopped")
    assert ticket not in server.app.handlers.support.typing_now
    await server.barrier(client)
    assert names(client) == ["connected"]


@MODES
@pytest.mark.parametrize("name", ["user_typing_start", "user_typing_stop"])
async def test_typing_by_a_non_member_is_forbidden(server: LiveServer, name: str, with_ack: bool) -> None:
    ticket = f"ticket_{tag()}"
    member_id = unique_user("member")
    member, client = await asyncio.gather(
        server.connect(member_id, rooms=[f"support_ticket:{ticket}"]),
        server.connect(rooms=[f"support_ticket:not_{ticket}"]),
    )
    assert await member.call("user_typing_start", example("user_typing_start", member_id, ticketId=ticket)) is None
    error = await refused(server, client, name, (example(name, client.user, ticketId=ticket),), with_ack)
    check_error(error, "FORBIDDEN")
    assert _typing(server, ticket) == {member_id}
