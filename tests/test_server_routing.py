"""Outbound routing on the live REZ server: every server-to-client event of the catalog, sent through the typed
emitter, reaches exactly the connections the catalog's `delivery` names, with the very payload it was given.

The expected rooms are computed here from the registry's room targets (field bindings from the example, `$arg`
bindings from values the test picks), not by the runtime's resolver. Each event gets a member connection placed in
those rooms, a second connection of the same user, an outsider in an unrelated room of the same kind, and a user
with nothing. New events of the catalog are covered automatically: the cases are parametrized by registry name.

Payload comparison is strict JSON (an int is not a float, a bool is not an int). The only difference allowed is for a
pydantic model instance given as the payload: a catalog `number` field is a Python float, so an integral value of
the example (`"discount": 20`) comes out as `20.0`. Same JSON number, different spelling; nothing else may change.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from eventcat_runtime import Delivered, OutboundValidationError
from eventcat_runtime.registry import EventSpec
from rez_realtime import REGISTRY, models
from rez_realtime.examples import EXAMPLES

from .live import Client, LiveServer, unique_user

OUTBOUND = sorted(name for name, spec in REGISTRY.events.items() if not spec.inbound)
ROOM_EVENTS = [name for name in OUTBOUND if REGISTRY.events[name].delivery == "rooms"]
USER_ROOM = REGISTRY.auth.join.room if REGISTRY.auth.join is not None else "user"
# Events the publisher addresses to one user's own room (`{ room: user, bind: { userId: $arg } }`).
ARG_USER_EVENTS = [
    name
    for name in ROOM_EVENTS
    if any(t.room == USER_ROOM and any(b.source == "arg" for b in t.bindings) for t in REGISTRY.events[name].rooms)
]
TEST_HOLDER = "test"


# -- helpers shared with test_publish_api ---------------------------------------------------------------------------


def same_json(got: Any, want: Any, *, loose_numbers: bool = False) -> bool:
    """Equal as JSON values: types matter (1 is not 1.0 nor true) unless loose_numbers lets int and float meet."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, int | float) and isinstance(got, int | float):
        return got == want and (loose_numbers or type(got) is type(want))
    if isinstance(want, dict):
        return (
            isinstance(got, dict)
            and got.keys() == want.keys()
            and all(same_json(got[k], want[k], loose_numbers=loose_numbers) for k in want)
        )
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(same_json(g, w, loose_numbers=loose_numbers) for g, w in zip(got, want, strict=True))
        )
    return type(got) is type(want) and got == want


def room_address(room_name: str, params: Mapping[str, str]) -> str:
    return REGISTRY.rooms[room_name].pattern.format(**params)


def auth_room(user: str) -> str:
    """The room every connection of a user enters on connect (the catalog's `auth.join`)."""
    join = REGISTRY.auth.join
    assert join is not None
    return room_address(join.room, {b.param: user for b in join.bindings})


def _dig(data: Any, path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def arg_values(spec: EventSpec, member: str) -> dict[str, str]:
    """A value for each `$arg` room parameter: the member's id for the user room, a fresh id for anything else."""
    values: dict[str, str] = {}
    for target in spec.rooms:
        for binding in target.bindings:
            if binding.source == "arg":
                join = REGISTRY.auth.join
                values[binding.param] = (
                    member if join is not None and target.room == join.room else unique_user(binding.param)
                )
    assert set(values) == set(spec.args), f"{spec.name}: registry args {dict(spec.args)} vs room bindings {values}"
    return values


def expected_rooms(spec: EventSpec, payload: Mapping[str, Any], args: Mapping[str, str]) -> list[str]:
    """The concrete rooms the catalog sends this payload to, from the spec's room targets."""
    found: list[str] = []
    for target in spec.rooms:
        combos: list[dict[str, str]] = [{}]
        for binding in target.bindings:
            if binding.source == "field":
                value = _dig(payload, binding.path)
                values = [] if value is None else [str(v) for v in value] if isinstance(value, list) else [str(value)]
            elif binding.source == "arg":
                values = [args[binding.param]]
            else:
                pytest.fail(f"{spec.name}: a {binding.source} binding cannot address a server-to-client event")
            combos = [{**c, binding.param: v} for c in combos for v in values]
        found.extend(room_address(target.room, c) for c in combos)
    return list(dict.fromkeys(found))


def unrelated_rooms(spec: EventSpec, expected: Sequence[str]) -> list[str]:
    """For each parametrized target room, another room of the same kind (`order:other_...` for `order:ord_1`)."""
    out: list[str] = []
    for target in spec.rooms:
        room = REGISTRY.rooms[target.room]
        if not room.params:
            continue
        params: dict[str, str] = {}
        for param in room.params:
            allowed = room.param_values.get(param)
            candidates = list(allowed) if allowed else [unique_user(f"other_{param}")]
            params[param] = next(
                v for v in candidates if room_address(target.room, {**params, param: v}) not in expected
            )
        out.append(room_address(target.room, params))
    return out


def wire_kwargs(spec: EventSpec, args: Mapping[str, str], sid: str) -> dict[str, str]:
    """Keyword arguments of the typed emitter method: `$arg` values by their Python name, `to` for one socket."""
    kwargs = {spec.args[param]: value for param, value in args.items()}
    if spec.delivery == "sender":
        kwargs["to"] = sid
    return kwargs


async def connect_all(server: LiveServer, *users: str | None) -> list[Client]:
    """Connect one client per user (None: a fresh user) at once; connecting one by one is slow."""
    return list(await asyncio.gather(*(server.connect(user) for user in users)))


async def enter(server: LiveServer, client: Client, room: str) -> None:
    """Put a connection in a room server-side, without going through the room policy."""
    core = server.app.server
    await core._enter(core.connections[client.sid], room, TEST_HOLDER)


def rooms_of(server: LiveServer, client: Client) -> set[str]:
    """The rooms the server says a connection holds."""
    return set(server.app.server.connections[client.sid].holds)


async def quiet(server: LiveServer, *clients: Client) -> None:
    """Wait until nothing is in flight to these clients, then forget what they got."""
    await server.barrier(*clients)
    for client in clients:
        client.clear()


def assert_got_once(client: Client, event: str, want: Any, *, loose_numbers: bool = False) -> None:
    got = client.events()
    assert len(got) == 1, f"{client.user} should get exactly one {event}, got {got}"
    name, payload = got[0]
    assert name == event
    assert same_json(payload, want, loose_numbers=loose_numbers), f"{event}: sent {want!r}, received {payload!r}"


def assert_got_nothing(client: Client, why: str) -> None:
    assert client.events() == [], f"{client.user} ({why}) should get nothing, got {client.events()}"


class Audience:
    """Who watches one emit: the member (placed in the event's rooms), the member's second connection, an outsider
    of another user (placed in unrelated rooms of the same kinds) and a user with nothing. The rooms each connection
    is in are tracked here, as the test put them there, not read back from the server."""

    def __init__(self, server: LiveServer, clients: list[Client]) -> None:
        self.server = server
        self.clients = clients
        self.member, self.member_again, self.outsider, self.loner = clients
        self.rooms = [{auth_room(c.user)} for c in clients]

    @classmethod
    async def connect(cls, server: LiveServer) -> Audience:
        user = unique_user()
        return cls(server, await connect_all(server, user, user, None, None))

    async def place(self, spec: EventSpec, example: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
        """The `$arg` values chosen for this emit and the rooms it must reach; member and outsider placed."""
        args = arg_values(spec, self.member.user)
        if spec.delivery != "rooms":
            assert spec.delivery in ("sender", "broadcast"), f"{spec.name}: delivery {spec.delivery!r}"
            return args, []
        rooms = expected_rooms(spec, example, args)
        assert rooms, f"{spec.name}: the example {example} addresses no room"
        for room in rooms:
            await enter(self.server, self.member, room)
            self.rooms[0].add(room)
        for room in unrelated_rooms(spec, rooms):
            await enter(self.server, self.outsider, room)
            self.rooms[2].add(room)
        return args, rooms

    def rooms_named(self, spec: EventSpec, rooms: list[str]) -> list[str]:
        """What the emitter reports as the destination: the rooms, the one socket, or nothing for a broadcast."""
        return [self.member.sid] if spec.delivery == "sender" else rooms

    def addressed(self, spec: EventSpec, rooms: list[str]) -> list[bool]:
        if spec.delivery == "broadcast":
            return [True] * len(self.clients)
        if spec.delivery == "sender":
            return [c is self.member for c in self.clients]
        return [bool(held & set(rooms)) for held in self.rooms]

    def check(self, spec: EventSpec, rooms: list[str], example: Any, *, exact: Any = None) -> None:
        """Each addressed connection got the event once, the others nothing; `exact` when a model was sent."""
        addressed = self.addressed(spec, rooms)
        assert addressed[0], "the member connection must be addressed"
        if spec.delivery == "sender":
            assert not addressed[1], "a sender event must not reach the user's other connection"
        if spec.delivery == "rooms":
            assert not addressed[2] and not addressed[3]
        for client, reaches in zip(self.clients, addressed, strict=True):
            if not reaches:
                assert_got_nothing(client, f"not addressed by {spec.name}")
                continue
            if exact is None:
                assert_got_once(client, spec.name, example)
            else:
                assert_got_once(client, spec.name, exact)
                assert_got_once(client, spec.name, example, loose_numbers=True)


# -- every event, every example --------------------------------------------------------------------------------------


def test_every_outbound_event_has_an_example() -> None:
    assert OUTBOUND, "the catalog has no server-to-client events"
    missing = [name for name in OUTBOUND if not EXAMPLES.get(name)]
    assert missing == [], f"server-to-client events without a catalog example (routing untested): {missing}"


def test_every_outbound_event_has_a_typed_emitter_method() -> None:
    from rez_realtime import Events

    assert [name for name in OUTBOUND if not callable(getattr(Events, name, None))] == []


@pytest.mark.parametrize("name", OUTBOUND)
async def test_typed_emitter_routes_every_example(server: LiveServer, name: str) -> None:
    spec = REGISTRY.events[name]
    examples = EXAMPLES.get(name, ())
    assert examples, f"{name} has no catalog example"
    audience = await Audience.connect(server)
    method = getattr(server.app.events, name)

    for example in examples:
        args, rooms = await audience.place(spec, example)
        kwargs = wire_kwargs(spec, args, audience.member.sid)
        for kind in ("dict", "model"):
            if kind == "dict":
                payload: Any = copy.deepcopy(example)
                exact: Any = example
            else:
                payload = spec.model.model_validate_json(json.dumps(example), strict=True)
                # What pydantic itself makes of the model: the example with int -> float in `number` fields.
                exact = json.loads(payload.model_dump_json(by_alias=True, exclude_unset=True))
            await quiet(server, *audience.clients)

            delivered = await method(payload, **kwargs)
            await server.barrier(*audience.clients)

            assert isinstance(delivered, Delivered)
            assert delivered.event == name and delivered.sent
            assert delivered.broadcast == (spec.delivery == "broadcast")
            assert delivered.rooms == tuple(audience.rooms_named(spec, rooms))
            if kind == "dict":
                assert payload == example, "the emitter changed the caller's dict"
            audience.check(spec, rooms, example, exact=exact)


@pytest.mark.parametrize("name", ARG_USER_EVENTS)
async def test_user_room_event_reaches_every_connection_of_that_user_only(server: LiveServer, name: str) -> None:
    spec = REGISTRY.events[name]
    [kw] = spec.args.values()
    user = unique_user()
    phone, laptop, stranger = await connect_all(server, user, user, None)
    await quiet(server, phone, laptop, stranger)

    delivered = await getattr(server.app.events, name)(copy.deepcopy(EXAMPLES[name][0]), **{kw: phone.user})
    await server.barrier(phone, laptop, stranger)

    assert delivered.rooms == (auth_room(phone.user),)
    assert_got_once(phone, name, EXAMPLES[name][0])
    assert_got_once(laptop, name, EXAMPLES[name][0])
    assert_got_nothing(stranger, "another user")


async def test_sender_event_reaches_the_given_socket_not_the_users_other_connection(server: LiveServer) -> None:
    user = unique_user()
    phone, laptop = await connect_all(server, user, user)
    await quiet(server, phone, laptop)

    ack = {"timestamp": 1761575400123}
    delivered = await server.app.events.emit_untyped("heartbeat_ack", ack, to=laptop.sid)
    await server.barrier(phone, laptop)

    assert delivered.rooms == (laptop.sid,)
    assert_got_once(laptop, "heartbeat_ack", ack)
    assert_got_nothing(phone, "the same user's other connection")


async def test_broadcast_reaches_every_connected_client(server: LiveServer) -> None:
    user = unique_user()
    clients = await connect_all(server, user, user, None, None)
    await quiet(server, *clients)

    example = EXAMPLES["system_maintenance"][0]
    delivered = await server.app.events.emit_untyped("system_maintenance", copy.deepcopy(example))
    await server.barrier(*clients)

    assert delivered.broadcast
    for client in clients:
        assert_got_once(client, "system_maintenance", example)


# -- refusals ------------------------------------------------------------------------------------------------------


def _order_example(order_id: str) -> dict[str, Any]:
    return {**copy.deepcopy(EXAMPLES["order_status_update"][0]), "orderId": order_id}


async def _order_watchers(server: LiveServer) -> tuple[str, Client, Client]:
    order_id = unique_user("ord")
    member, other = await connect_all(server, None, None)
    await enter(server, member, f"order:{order_id}")
    await quiet(server, member, other)
    return order_id, member, other


INVALID_ORDER_UPDATES: dict[str, tuple[dict[str, Any], str]] = {
    "unknown status": ({"status": "teleported"}, "status"),
    "extra field": ({"courier": "Ravi"}, "courier"),
    "wrong type": ({"orderNumber": 104233}, "orderNumber"),
    "naive timestamp": ({"timestamp": "2025-10-27T14:30:00"}, "timestamp"),
    "epoch timestamp": ({"timestamp": 1761575400}, "timestamp"),
    "null optional": ({"estimatedDelivery": None}, "estimatedDelivery"),
}


@pytest.mark.parametrize("case", list(INVALID_ORDER_UPDATES))
async def test_invalid_payload_raises_in_development_and_nothing_is_sent(server: LiveServer, case: str) -> None:
    order_id, member, other = await _order_watchers(server)
    change, path = INVALID_ORDER_UPDATES[case]
    payload = {**_order_example(order_id), **change}
    assert server.app.server.mode == "development"

    with pytest.raises(OutboundValidationError) as refused:
        await server.app.events.emit_untyped("order_status_update", payload)
    await server.barrier(member, other)

    assert refused.value.event == "order_status_update"
    assert path in [p["path"] for p in refused.value.problems], refused.value.problems
    assert_got_nothing(member, "the payload was invalid")
    assert_got_nothing(other, "the payload was invalid")


async def test_missing_required_field_is_refused(server: LiveServer) -> None:
    order_id, member, _ = await _order_watchers(server)
    payload = _order_example(order_id)
    del payload["status"]
    with pytest.raises(OutboundValidationError) as refused:
        await server.app.events.emit_untyped("order_status_update", payload)
    await server.barrier(member)
    assert [p["path"] for p in refused.value.problems] == ["status"]
    assert_got_nothing(member, "the payload was invalid")


async def test_payload_that_is_not_json_is_refused(server: LiveServer) -> None:
    order_id, member, _ = await _order_watchers(server)
    with pytest.raises(OutboundValidationError):
        await server.app.events.emit_untyped("order_status_update", {**_order_example(order_id), "message": object()})
    await server.barrier(member)
    assert_got_nothing(member, "the payload was not JSON")


async def test_production_mode_drops_invalid_payload_counts_it_and_sends_nothing(server: LiveServer) -> None:
    order_id, member, other = await _order_watchers(server)
    core = server.app.server
    key = "dropped:order_status_update"
    before = core.stats[key]
    mode = core.mode
    core.mode = "production"
    try:
        delivered = await server.app.events.emit_untyped(
            "order_status_update", {**_order_example(order_id), "status": "teleported"}
        )
        dropped = core.stats[key]
        # A valid payload still goes out in production mode.
        valid = _order_example(order_id)
        sent = await server.app.events.emit_untyped("order_status_update", copy.deepcopy(valid))
    finally:
        core.mode = mode
    await server.barrier(member, other)

    assert delivered == Delivered("order_status_update", (), sent=False)
    assert dropped == before + 1
    assert core.stats[key] == before + 1
    assert sent.sent and sent.rooms == (f"order:{order_id}",)
    assert_got_once(member, "order_status_update", valid)
    assert_got_nothing(other, "not in the order room")


async def test_production_mode_drops_a_payload_that_is_not_json(server: LiveServer) -> None:
    order_id, member, _ = await _order_watchers(server)
    core = server.app.server
    key = "dropped:order_status_update"
    before = core.stats[key]
    mode = core.mode
    core.mode = "production"
    try:
        delivered = await server.app.events.emit_untyped(
            "order_status_update", {**_order_example(order_id), "message": object()}
        )
    finally:
        core.mode = mode
    await server.barrier(member)
    assert not delivered.sent
    assert core.stats[key] == before + 1
    assert_got_nothing(member, "the payload was not JSON")


async def test_model_instance_is_sent_like_a_dict(server: LiveServer) -> None:
    order_id, member, other = await _order_watchers(server)
    example = _order_example(order_id)
    model = models.OrderStatusUpdatePayload.model_validate(example)

    delivered = await server.app.events.order_status_update(model)
    await server.barrier(member, other)

    assert delivered.rooms == (f"order:{order_id}",)
    # No `number` field here, so not even int -> float: the wire is the example, byte for byte as JSON.
    assert_got_once(member, "order_status_update", example)
    assert_got_nothing(other, "not in the order room")


async def test_model_instance_leaves_unset_optional_fields_out(server: LiveServer) -> None:
    order_id, member, _ = await _order_watchers(server)
    example = _order_example(order_id)
    del example["estimatedDelivery"]
    await server.app.events.order_status_update(models.OrderStatusUpdatePayload.model_validate(example))
    await server.barrier(member)
    assert_got_once(member, "order_status_update", example)


MUTATIONS: dict[str, tuple[str, Any]] = {
    "enum": ("status", "teleported"),
    "type": ("orderId", 12345),
    "null for a never-null optional": ("estimatedDelivery", None),
}


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
@pytest.mark.parametrize("case", list(MUTATIONS))
async def test_model_mutated_into_something_invalid_is_refused(server: LiveServer, case: str) -> None:
    order_id, member, _ = await _order_watchers(server)
    model = models.OrderStatusUpdatePayload.model_validate(_order_example(order_id))
    field, value = MUTATIONS[case]
    setattr(model, field, value)
    with pytest.raises(OutboundValidationError):
        await server.app.events.order_status_update(model)
    await server.barrier(member)
    assert_got_nothing(member, "the model was invalid")


async def test_model_construct_without_validation_is_refused(server: LiveServer) -> None:
    order_id, member, _ = await _order_watchers(server)
    model = models.OrderStatusUpdatePayload.model_construct(orderId=order_id, status="teleported")
    with pytest.raises(OutboundValidationError) as refused:
        await server.app.events.order_status_update(model)
    await server.barrier(member)
    paths = {p["path"] for p in refused.value.problems}
    assert {"status", "orderNumber", "timestamp", "message"} <= paths
    assert_got_nothing(member, "the model was invalid")


async def test_missing_arg_keyword_is_a_clear_error(server: LiveServer) -> None:
    member = await server.connect()
    await quiet(server, member)
    example = models.CartItemReservedPayload.model_validate(EXAMPLES["cart_item_reserved"][0])
    with pytest.raises(TypeError, match="user_id"):
        await server.app.events.cart_item_reserved(example)  # type: ignore[call-arg]
    for empty in ("", None):
        with pytest.raises(ValueError, match="user_id"):
            await server.app.events.cart_item_reserved(example, user_id=empty)  # type: ignore[arg-type]
    await server.barrier(member)
    assert_got_nothing(member, "the emit had no room")


async def test_sender_event_without_socket_is_a_clear_error(server: LiveServer) -> None:
    member = await server.connect()
    await quiet(server, member)
    ack = models.HeartbeatAckPayload(timestamp=1)
    with pytest.raises(TypeError, match="to"):
        await server.app.events.heartbeat_ack(ack)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="`to`"):
        await server.app.events.heartbeat_ack(ack, to="")
    # Plain dicts go through emit_untyped, by wire name, with the same checks.
    with pytest.raises(ValueError, match="`to`"):
        await server.app.events.emit_untyped("heartbeat_ack", {"timestamp": 1})
    await server.barrier(member)
    assert_got_nothing(member, "the emit had no socket")


# -- bugs found while writing these tests, fixed since: kept as regression tests ----------------------------------


async def test_sender_event_never_fans_out_to_a_room(server: LiveServer) -> None:
    user = unique_user()
    phone, laptop = await connect_all(server, user, user)
    await quiet(server, phone, laptop)
    with contextlib.suppress(ValueError, KeyError):
        await server.app.events.emit_untyped("heartbeat_ack", {"timestamp": 1}, to=auth_room(user))
    await server.barrier(phone, laptop)
    # `sender` delivery is one connection: a room name is not a socket id, whoever is in that room.
    assert phone.events() == [] and laptop.events() == []


async def test_infinity_is_refused(server: LiveServer) -> None:
    product = unique_user("prod")
    (member,) = await connect_all(server, None)
    await enter(server, member, f"product:{product}")
    await quiet(server, member)
    payload = {**EXAMPLES["price_update"][0], "productId": product, "newPrice": float("inf")}
    try:
        with pytest.raises(OutboundValidationError):
            await server.app.events.emit_untyped("price_update", payload)
    finally:
        await server.barrier(member)
        assert_got_nothing(member, "Infinity is not a JSON number")
