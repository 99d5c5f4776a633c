"""Who may connect and which rooms they may enter (DESIGN §5), against the live server with real clients.

Refusals happen at the handshake, each with its stable code: the client's `connect_error` carries
`{message: CODE, data: {code, message, timestamp}}`, whether the token came as `auth.token` or as `?token=`.
An accepted connection lives in `user:{userId}` and is told `connected`; every other room goes through the policy.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote

import jwt
import pytest
import socketio
from eventcat_runtime.devkeys import key_pair
from eventcat_runtime.settings import Settings
from rez_realtime import REGISTRY
from rez_realtime.examples import EXAMPLES

from .live import SECRET, SERVICE_TOKEN, LiveServer, make_token, serve, unique_user

pytestmark = pytest.mark.timeout(60)

OTHER_SECRET = "another-secret-0123456789abcdef0123456789abcdef"
ERROR_FIELDS = {"code", "message", "details", "timestamp"}

# -- tokens built by hand ----------------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value: Mapping[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def claims_for(user: str, expires_in: int = 3600) -> dict[str, Any]:
    now = int(time.time())
    return {"userId": user, "iat": now, "exp": now + expires_in}


def unsigned_token(claims: Mapping[str, Any], alg: str = "none", signature: str = "") -> str:
    """`alg: none`: a header, the claims and an empty signature, the way an attacker writes one."""
    return f"{segment({'alg': alg, 'typ': 'JWT'})}.{segment(claims)}.{signature}"


def hs256_token(claims: Mapping[str, Any], key: bytes) -> str:
    """HS256 by hand, with any bytes as the key (PyJWT refuses a PEM key as an HMAC secret, an attacker does not)."""
    signing_input = f"{segment({'alg': 'HS256', 'typ': 'JWT'})}.{segment(claims)}"
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


@functools.cache
def rsa_pair(name: str) -> tuple[str, str]:
    """(private PEM, public PEM) of a fresh 2048-bit RSA key; one per name for the whole session."""
    del name
    return key_pair("RS256")


def rs256_token(user: str, key: str = "server", expires_in: int = 3600, **extra: Any) -> str:
    return jwt.encode({**claims_for(user, expires_in), **extra}, rsa_pair(key)[0], algorithm="RS256")


def tampered(user: str, victim: str) -> str:
    """A genuine token of user whose claims were rewritten to name victim, the signature kept."""
    header, _, signature = make_token(user).split(".")
    return f"{header}.{segment(claims_for(victim))}.{signature}"


# -- the refusal as the client sees it ---------------------------------------------------------------------------------


class Reachable(Protocol):
    @property
    def url(self) -> str: ...


async def refusal(server: Reachable, token: str | None, *, via_query: bool, auth: Any = None) -> dict[str, Any]:
    """Connect with this token and return the `connect_error` argument: {message, data}.

    via_query puts the token in `?token=`, else in the handshake's `auth.token`; None sends no token at all.
    `auth` overrides the handshake's auth object as a whole.
    """
    sio = socketio.AsyncClient(reconnection=False)
    errors: list[tuple[Any, ...]] = []
    sio.on("connect_error", lambda *args: errors.append(args))
    url = f"{server.url}?token={quote(token, safe='')}" if via_query and token is not None else server.url
    if auth is None and token is not None and not via_query:
        auth = {"token": token}
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            await sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=5)
    finally:
        await sio.disconnect()
    assert len(errors) == 1, f"expected one connect_error, got {errors}"
    [error] = errors[0]
    assert isinstance(error, dict), error
    return error


def assert_refused_with(error: Mapping[str, Any], code: str) -> None:
    assert error["message"] == code, error
    data = error["data"]
    assert data["code"] == code, data
    assert set(data) <= ERROR_FIELDS and {"code", "message", "timestamp"} <= set(data), data
    assert isinstance(data["message"], str) and data["message"], data
    assert_recent_timestamp(data["timestamp"])


def assert_recent_timestamp(value: str) -> None:
    assert value.endswith("Z"), value
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 60, value


async def trace(server: LiveServer) -> tuple[set[str], dict[Any, set[str]]]:
    """What the server holds for connections: its own table and python-socketio's rooms of the namespace."""
    rooms = server.app.server.sio.manager.rooms.get(REGISTRY.namespace, {})
    return set(server.app.server.connections), {room: set(sids) for room, sids in rooms.items()}


async def engineio_sockets_settle(server: LiveServer, expected: int, timeout: float = 3) -> int:
    """The number of Engine.IO sockets once it reaches expected (or the timeout passes)."""
    sockets = server.app.server.sio.eio.sockets
    deadline = time.monotonic() + timeout
    while len(sockets) != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return len(sockets)


# -- refused at connect ------------------------------------------------------------------------------------------------

TokenFactory = Callable[[str], "str | None"]

REFUSED: list[tuple[str, TokenFactory, str]] = [
    ("no token", lambda user: None, "AUTH_REQUIRED"),
    ("empty token", lambda user: "", "AUTH_REQUIRED"),
    ("not a JWT", lambda user: "not-a-jwt", "AUTH_INVALID"),
    ("three garbage segments", lambda user: "aaaa.bbbb.cccc", "AUTH_INVALID"),
    ("forged: another secret", lambda user: make_token(user, secret=OTHER_SECRET), "AUTH_INVALID"),
    ("claims rewritten, signature kept", lambda user: tampered(unique_user("owner"), user), "AUTH_INVALID"),
    ("alg none", lambda user: unsigned_token(claims_for(user)), "AUTH_INVALID"),
    ("alg None", lambda user: unsigned_token(claims_for(user), alg="None"), "AUTH_INVALID"),
    ("alg NONE", lambda user: unsigned_token(claims_for(user), alg="NONE"), "AUTH_INVALID"),
    (
        "alg none with a signature",
        lambda user: unsigned_token(claims_for(user), signature=make_token(user).rsplit(".", 1)[1]),
        "AUTH_INVALID",
    ),
    ("expired", lambda user: make_token(user, expires_in=-60), "TOKEN_EXPIRED"),
    ("no userId claim", lambda user: make_token(None), "AUTH_INVALID"),
    ("empty userId", lambda user: make_token(None, userId=""), "AUTH_INVALID"),
    ("userId not a string", lambda user: make_token(None, userId=12345), "AUTH_INVALID"),
    ("no exp claim", lambda user: jwt.encode({"userId": user, "iat": int(time.time())}, SECRET), "AUTH_INVALID"),
    ("not valid yet (nbf)", lambda user: make_token(user, nbf=int(time.time()) + 3600), "AUTH_INVALID"),
    (
        "HS512: not an accepted algorithm",
        lambda user: make_token(user, secret=SECRET * 2, algorithm="HS512"),
        "AUTH_INVALID",
    ),
    ("RS256 on an HS256 server", lambda user: rs256_token(user), "AUTH_INVALID"),
]


@pytest.mark.parametrize("via_query", [False, True], ids=["auth.token", "query"])
@pytest.mark.parametrize(("factory", "code"), [(f, c) for _, f, c in REFUSED], ids=[n for n, _, _ in REFUSED])
async def test_refused_at_connect_with_its_code(
    server: LiveServer, factory: TokenFactory, code: str, via_query: bool
) -> None:
    user = unique_user("refused")
    before = await trace(server)
    eio_before = len(server.app.server.sio.eio.sockets)

    error = await refusal(server, factory(user), via_query=via_query)

    assert_refused_with(error, code)
    # A refused client leaves no trace: no connection, no room (not even its user room), no socket.
    assert await trace(server) == before
    assert f"user:{user}" not in before[1]
    assert await engineio_sockets_settle(server, eio_before) == eio_before


@pytest.mark.parametrize(
    "auth", [{}, {"token": None}, {"token": 42}, {"jwt": make_token("someone")}, "a bare string"], ids=repr
)
async def test_an_auth_object_without_a_token_string_is_auth_required(server: LiveServer, auth: Any) -> None:
    error = await refusal(server, None, via_query=False, auth=auth)
    assert_refused_with(error, "AUTH_REQUIRED")


async def test_a_user_id_of_the_catalogs_longest_length_is_accepted(server: LiveServer) -> None:
    user = unique_user("long").ljust(64, "x")
    assert len(user) == 64
    client = await server.connect(user)
    assert client.payloads("connected")[0]["userId"] == user


@pytest.mark.parametrize("via_query", [False, True], ids=["auth.token", "query"])
async def test_a_user_id_the_catalog_cannot_name_is_refused_at_connect(server: LiveServer, via_query: bool) -> None:
    """A signed token whose userId is not a catalog UserId (1..64 characters) cannot live in `user:{userId}`."""
    user = unique_user("long").ljust(65, "x")
    before = await trace(server)
    error = await refusal(server, make_token(user), via_query=via_query)
    assert_refused_with(error, "AUTH_INVALID")
    assert await trace(server) == before


async def test_the_refusal_explains_an_expired_token_distinctly(server: LiveServer) -> None:
    """The codes are not all one: a client must be able to tell 'refresh your token' from 'your token is bad'."""
    user = unique_user()
    expired = await refusal(server, make_token(user, expires_in=-60), via_query=False)
    forged = await refusal(server, make_token(user, secret=OTHER_SECRET), via_query=False)
    missing = await refusal(server, None, via_query=False)
    assert [expired["message"], forged["message"], missing["message"]] == [
        "TOKEN_EXPIRED",
        "AUTH_INVALID",
        "AUTH_REQUIRED",
    ]
    assert len({expired["data"]["message"], forged["data"]["message"], missing["data"]["message"]}) == 3


# -- accepted ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("via_query", [False, True], ids=["auth.token", "query"])
async def test_accepted_connection_is_told_connected_and_lives_in_its_user_room(
    server: LiveServer, via_query: bool
) -> None:
    client = await server.connect(via_query=via_query)
    other = await server.connect()

    assert client.events()[0][0] == "connected", client.received
    [connected] = client.payloads("connected")
    assert set(connected) == {"userId", "socketId", "timestamp"}, connected
    assert connected["userId"] == client.user
    assert connected["socketId"] == client.sid
    assert connected["socketId"] != other.sid
    assert_recent_timestamp(connected["timestamp"])
    assert f"user:{client.user}" in server.app.server.sio.rooms(client.sid, namespace=REGISTRY.namespace)

    # Events for the user reach the user room, and only it.
    refresh = {"newToken": make_token(client.user), "expiresIn": 3600}
    expired = {"message": "Your session has expired.", "expiredAt": "2025-10-27T14:30:00Z"}
    await server.events.emit_untyped("token_refresh", refresh, args={"userId": client.user})
    await server.events.emit_untyped("session_expired", expired, args={"userId": client.user})
    assert await client.wait_for("token_refresh") == [refresh]
    assert await client.wait_for("session_expired") == [expired]
    await server.barrier(other)
    assert other.events("token_refresh") == other.events("session_expired") == []


async def test_every_connection_of_a_user_gets_its_own_connected_and_the_user_room_events(
    server: LiveServer,
) -> None:
    user = unique_user()
    first = await server.connect(user)
    second = await server.connect(user, via_query=True)
    assert first.payloads("connected")[0]["socketId"] == first.sid
    assert second.payloads("connected")[0]["socketId"] == second.sid
    assert first.sid != second.sid
    assert len(first.payloads("connected")) == len(second.payloads("connected")) == 1

    achievement = EXAMPLES["leaderboard_achievement"][0]
    await server.events.emit_untyped("leaderboard_achievement", achievement, args={"userId": user})
    assert await first.wait_for("leaderboard_achievement") == [achievement]
    assert await second.wait_for("leaderboard_achievement") == [achievement]


# -- RS256 -------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def rs_server() -> Any:
    """A server that accepts RS256 only, verified with the public key of rsa_pair('server')."""
    settings = Settings(
        jwt_algorithms=("RS256",),
        jwt_public_key=rsa_pair("server")[1],
        service_token=SERVICE_TOKEN,
        log_level="warning",
    )
    async with serve(settings) as live:
        yield live


@pytest.fixture(scope="module")
async def mixed_server() -> Any:
    """A server that accepts HS256 (with SECRET) and RS256 (with the public key): where algorithm confusion bites."""
    settings = Settings(
        jwt_algorithms=("RS256", "HS256"),
        jwt_secret=SECRET,
        jwt_public_key=rsa_pair("server")[1],
        service_token=SERVICE_TOKEN,
        log_level="warning",
    )
    async with serve(settings) as live:
        yield live


@pytest.mark.parametrize("via_query", [False, True], ids=["auth.token", "query"])
async def test_rs256_token_is_accepted_by_an_rs256_server(rs_server: LiveServer, via_query: bool) -> None:
    user = unique_user("rs")
    try:
        client = await rs_server.connect(user, token=rs256_token(user, roles=["admin"]), via_query=via_query)
        [connected] = client.payloads("connected")
        assert connected["userId"] == user
        assert connected["socketId"] == client.sid
        # The claims of an RS256 token count like those of an HS256 one: roles open the rooms they open.
        ack = await client.call("subscribe", {"channel": "order_rs_1"})
        assert ack == {"ok": True, "channel": "order_rs_1", "rooms": ["order:rs_1"]}
    finally:
        await rs_server.close_clients()


RS_REFUSED: list[tuple[str, TokenFactory, str]] = [
    ("HS256 with the shared secret", lambda user: make_token(user), "AUTH_INVALID"),
    (
        "HS256 keyed with the RS public key (algorithm confusion)",
        lambda user: hs256_token(claims_for(user), rsa_pair("server")[1].encode()),
        "AUTH_INVALID",
    ),
    ("RS256 signed by another key", lambda user: rs256_token(user, key="intruder"), "AUTH_INVALID"),
    (
        "RS384 with the right key",
        lambda user: jwt.encode(claims_for(user), rsa_pair("server")[0], "RS384"),
        "AUTH_INVALID",
    ),
    ("alg none", lambda user: unsigned_token(claims_for(user)), "AUTH_INVALID"),
    ("RS256 expired", lambda user: rs256_token(user, expires_in=-60), "TOKEN_EXPIRED"),
    (
        "RS256 without userId",
        lambda user: jwt.encode({"exp": int(time.time()) + 60}, rsa_pair("server")[0], "RS256"),
        "AUTH_INVALID",
    ),
    ("no token", lambda user: None, "AUTH_REQUIRED"),
]


@pytest.mark.parametrize("via_query", [False, True], ids=["auth.token", "query"])
@pytest.mark.parametrize(("factory", "code"), [(f, c) for _, f, c in RS_REFUSED], ids=[n for n, _, _ in RS_REFUSED])
async def test_rs256_server_refuses(rs_server: LiveServer, factory: TokenFactory, code: str, via_query: bool) -> None:
    before = await trace(rs_server)
    error = await refusal(rs_server, factory(unique_user("rs")), via_query=via_query)
    assert_refused_with(error, code)
    assert await trace(rs_server) == before


@pytest.mark.parametrize("via_query", [False, True], ids=["auth.token", "query"])
async def test_mixed_server_refuses_hs256_keyed_with_the_public_key(mixed_server: LiveServer, via_query: bool) -> None:
    """The classic confusion: the verifier must pick the key by its own configuration, never by the token's `alg`."""
    user = unique_user("confused")
    public_pem = rsa_pair("server")[1]
    for key in (public_pem.encode(), public_pem.strip().encode()):
        error = await refusal(mixed_server, hs256_token(claims_for(user), key), via_query=via_query)
        assert_refused_with(error, "AUTH_INVALID")


async def test_mixed_server_accepts_each_algorithm_with_its_own_key(mixed_server: LiveServer) -> None:
    try:
        hs_user, rs_user = unique_user("hs"), unique_user("rs")
        hs = await mixed_server.connect(hs_user, token=make_token(hs_user))
        rs = await mixed_server.connect(rs_user, token=rs256_token(rs_user), via_query=True)
        assert hs.payloads("connected")[0]["userId"] == hs_user
        assert rs.payloads("connected")[0]["userId"] == rs_user
        # ... and HS256 keyed with the secret a forger does not have is still refused.
        error = await refusal(mixed_server, make_token(hs_user, secret=OTHER_SECRET), via_query=False)
        assert_refused_with(error, "AUTH_INVALID")
    finally:
        await mixed_server.close_clients()


# -- room authorisation ------------------------------------------------------------------------------------------------


def publish_example(event: str, **ids: str) -> dict[str, Any]:
    """The catalog's first example of event, with its id fields replaced."""
    return {**EXAMPLES[event][0], **ids}


# (room kind, the channel, its room, an event delivered to that room, the payload's id field)
MEMBER_ROOMS = [
    ("support_ticket", "support_ticket_{}", "support_ticket:{}", "support_message_received", "ticketId"),
    ("order", "order_{}", "order:{}", "order_status_update", "orderId"),
    ("group", "group_{}", "group:{}", "group_message", "groupId"),
    ("store_conversation", "store_conversation_{}", "store_conversation:{}", "store_message", "conversationId"),
    ("support_agent", "support_agent_{}", "support_agent:{}", "support_agent_status_changed", "agentId"),
]


def rooms_of(server: LiveServer, sid: str) -> set[str]:
    return set(server.app.server.sio.rooms(sid, namespace=REGISTRY.namespace)) - {sid}


def forbidden(ack: Any, room: str) -> None:
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    error = ack["error"]
    assert error["code"] == "FORBIDDEN", ack
    assert error["details"] == {"room": room}, ack
    assert set(error) <= ERROR_FIELDS, ack
    assert_recent_timestamp(error["timestamp"])


@pytest.mark.parametrize(
    ("channel_of", "room_of", "event", "field"),
    [case[1:] for case in MEMBER_ROOMS],
    ids=[case[0] for case in MEMBER_ROOMS],
)
async def test_someone_elses_room_is_forbidden_and_a_token_grant_opens_it(
    server: LiveServer, channel_of: str, room_of: str, event: str, field: str
) -> None:
    thing = unique_user("id")
    channel, room = channel_of.format(thing), room_of.format(thing)
    owner = await server.connect(rooms=[room])
    intruder = await server.connect()

    assert await owner.call("subscribe", {"channel": channel}) == {"ok": True, "channel": channel, "rooms": [room]}
    forbidden(await intruder.call("subscribe", {"channel": channel}), room)
    assert room not in rooms_of(server, intruder.sid)

    payload = publish_example(event, **{field: thing})
    await getattr(server.events, event)(payload)
    assert await owner.wait_for(event) == [payload]
    await server.barrier(intruder)
    assert intruder.events(event) == []


async def test_a_refusal_without_an_ack_callback_is_the_error_event(server: LiveServer) -> None:
    intruder = await server.connect()
    await intruder.emit("subscribe", {"channel": "order_not_yours_1"})
    [error] = await intruder.wait_for("error")
    assert error["code"] == "FORBIDDEN"
    assert error["details"] == {"room": "order:not_yours_1"}
    assert "order:not_yours_1" not in rooms_of(server, intruder.sid)


async def test_a_grant_opens_that_room_only(server: LiveServer) -> None:
    mine, theirs = unique_user("ord"), unique_user("ord")
    client = await server.connect(rooms=[f"order:{mine}", f"support_ticket:{mine}"])
    assert (await client.call("subscribe", {"channel": f"order_{mine}"}))["ok"] is True
    forbidden(await client.call("subscribe", {"channel": f"order_{theirs}"}), f"order:{theirs}")
    # A grant names one room of one kind: the order's id does not open a group or a ticket of the same id.
    forbidden(await client.call("subscribe", {"channel": f"group_{mine}"}), f"group:{mine}")
    forbidden(await client.call("subscribe", {"channel": f"support_ticket_{theirs}"}), f"support_ticket:{theirs}")


async def test_a_grant_by_the_backend_opens_the_room_too(server: LiveServer) -> None:
    client = await server.connect()
    group = unique_user("grp")
    forbidden(await client.call("subscribe", {"channel": f"group_{group}"}), f"group:{group}")
    server.app.policy.grant(client.user, [f"group:{group}"])
    try:
        ack = await client.call("subscribe", {"channel": f"group_{group}"})
        assert ack == {"ok": True, "channel": f"group_{group}", "rooms": [f"group:{group}"]}
    finally:
        server.app.policy.revoke(client.user, [f"group:{group}"])


async def test_admin_may_enter_order_rooms_and_an_agent_may_not(server: LiveServer) -> None:
    order, ticket = unique_user("ord"), unique_user("tkt")
    admin = await server.connect(roles=["admin"])
    agent = await server.connect(roles=["agent"])

    ack = await admin.call("subscribe", {"channel": f"order_{order}"})
    assert ack == {"ok": True, "channel": f"order_{order}", "rooms": [f"order:{order}"]}
    payload = publish_example("order_status_update", orderId=order)
    await server.events.emit_untyped("order_status_update", payload)
    assert await admin.wait_for("order_status_update") == [payload]

    forbidden(await agent.call("subscribe", {"channel": f"order_{order}"}), f"order:{order}")
    ack = await agent.call("subscribe", {"channel": f"support_ticket_{ticket}"})
    assert ack == {"ok": True, "channel": f"support_ticket_{ticket}", "rooms": [f"support_ticket:{ticket}"]}


async def test_join_ticket_goes_through_the_same_policy(server: LiveServer) -> None:
    ticket = unique_user("tkt")
    owner = await server.connect(rooms=[f"support_ticket:{ticket}"])
    intruder = await server.connect()

    forbidden(
        await intruder.call("join_ticket", {"ticketId": ticket, "userId": intruder.user}), f"support_ticket:{ticket}"
    )
    # Naming the owner does not help: the caller field must be the authenticated user.
    ack = await intruder.call("join_ticket", {"ticketId": ticket, "userId": owner.user})
    assert ack["ok"] is False and ack["error"]["code"] == "FORBIDDEN", ack
    ack = await owner.call("join_ticket", {"ticketId": ticket, "userId": intruder.user})
    assert ack["ok"] is False and ack["error"]["code"] == "FORBIDDEN", ack

    ack = await owner.call("join_ticket", {"ticketId": ticket, "userId": owner.user})
    assert ack == {"ok": True, "ticketId": ticket, "room": f"support_ticket:{ticket}"}
    assert f"support_ticket:{ticket}" in rooms_of(server, owner.sid)
    assert f"support_ticket:{ticket}" not in rooms_of(server, intruder.sid)


async def test_subscribing_to_cart_gives_the_users_own_cart_only(server: LiveServer) -> None:
    victim = await server.connect()
    # Even a token that names the victim's rooms: `user` and `cart` rooms are the user's own, never granted.
    intruder = await server.connect(rooms=[f"cart:{victim.user}", f"user:{victim.user}"])

    for client in (victim, intruder):
        ack = await client.call("subscribe", {"channel": "cart"})
        assert ack == {"ok": True, "channel": "cart", "rooms": [f"cart:{client.user}"]}

    reserved = EXAMPLES["cart_item_reserved"][0]
    await server.events.emit_untyped("cart_item_reserved", reserved, args={"userId": victim.user})
    assert await victim.wait_for("cart_item_reserved") == [reserved]
    await server.events.emit_untyped("cart_item_reserved", reserved, args={"userId": intruder.user})
    assert await intruder.wait_for("cart_item_reserved") == [reserved]
    await server.barrier(victim, intruder)
    assert len(victim.events("cart_item_reserved")) == len(intruder.events("cart_item_reserved")) == 1


def attempts_on(victim: str, attacker: str) -> list[tuple[str, dict[str, Any]]]:
    """Every client-to-server event, with payloads that try to name the victim or their rooms."""
    ticket = unique_user("tkt")
    return [
        ("subscribe", {"channel": "cart", "userId": victim}),
        ("subscribe", {"channel": f"cart_{victim}"}),
        ("subscribe", {"channel": f"cart:{victim}"}),
        ("subscribe", {"channel": f"user_{victim}"}),
        ("subscribe", {"channel": f"user:{victim}"}),
        ("subscribe", {"channel": "user"}),
        ("subscribe", {"channel": "cart"}),
        ("subscribe", {"channel": "feed"}),
        ("subscribe", {"channel": "orders"}),
        ("unsubscribe", {"channel": "cart", "userId": victim}),
        ("heartbeat", {"timestamp": 1761575400000, "userId": victim}),
        ("join_ticket", {"ticketId": victim, "userId": victim}),
        ("join_ticket", {"ticketId": ticket, "userId": attacker, "room": f"user:{victim}"}),
        ("leave_ticket", {"ticketId": ticket, "userId": victim}),
        ("user_typing_start", {"ticketId": ticket, "userId": victim}),
        ("user_typing_stop", {"ticketId": ticket, "userId": victim}),
        ("message_read", {"ticketId": ticket, "messageId": "msg_1", "userId": victim}),
    ]


async def test_no_client_event_gets_a_user_into_another_users_user_or_cart_room(server: LiveServer) -> None:
    victim = await server.connect()
    await victim.call("subscribe", {"channel": "cart"})
    attacker = await server.connect()
    attempts = attempts_on(victim.user, attacker.user)
    inbound = {name for name, spec in REGISTRY.events.items() if spec.inbound}
    assert {event for event, _ in attempts} == inbound, "every client-to-server event is tried"

    for event, payload in attempts:
        ack = await attacker.call(event, payload)
        if isinstance(ack, dict) and ack.get("ok"):
            assert not {f"user:{victim.user}", f"cart:{victim.user}"} & set(ack.get("rooms", [])), (event, ack)
    await server.barrier(attacker)

    held = rooms_of(server, attacker.sid)
    assert f"user:{victim.user}" not in held and f"cart:{victim.user}" not in held, held
    assert {r for r in held if r.startswith(("user:", "cart:"))} == {f"user:{attacker.user}", f"cart:{attacker.user}"}

    refresh = {"newToken": make_token(victim.user), "expiresIn": 3600}
    released = EXAMPLES["cart_item_released"][0]
    await server.events.emit_untyped("token_refresh", refresh, args={"userId": victim.user})
    await server.events.emit_untyped("cart_item_released", released, args={"userId": victim.user})
    assert await victim.wait_for("token_refresh") == [refresh]
    assert await victim.wait_for("cart_item_released") == [released]
    await server.barrier(attacker)
    assert attacker.events("token_refresh") == attacker.events("cart_item_released") == []
