"""The HTTP side of the live REZ server: the publish API, room grants, health, over real HTTP (httpx).

`POST /events/{name}` takes the payload as the JSON body, the catalog's `$arg` room parameters as query parameters
by their catalog name, and `?socketId=` for events delivered to one connection. Every server-to-client event of the
catalog is published once per example and must reach exactly the connections the catalog names.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import httpx
import pytest
from eventcat_runtime.settings import Settings
from rez_realtime import REGISTRY
from rez_realtime.examples import EXAMPLES

from . import live
from .live import Client, LiveServer, unique_user
from .test_server_routing import (
    OUTBOUND,
    Audience,
    assert_got_nothing,
    assert_got_once,
    connect_all,
    enter,
    quiet,
    rooms_of,
)

AUTH = {"Authorization": f"Bearer {live.SERVICE_TOKEN}"}
ORDER_EVENT = "order_status_update"


def http(server: LiveServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, timeout=5)


def order_example(order_id: str) -> dict[str, Any]:
    return {**copy.deepcopy(EXAMPLES[ORDER_EVENT][0]), "orderId": order_id}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["timestamp"], str) and body["timestamp"]
    return body


async def order_watchers(server: LiveServer) -> tuple[str, Client, Client]:
    """A fresh order id, a connection in its room and one that is not."""
    order_id = unique_user("ord")
    member, other = await connect_all(server, None, None)
    await enter(server, member, f"order:{order_id}")
    await quiet(server, member, other)
    return order_id, member, other


# -- publishing every event ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OUTBOUND)
async def test_publish_api_delivers_every_example(server: LiveServer, name: str) -> None:
    spec = REGISTRY.events[name]
    examples = EXAMPLES.get(name, ())
    assert examples, f"{name} has no catalog example"
    audience = await Audience.connect(server)

    async with http(server) as api:
        for example in examples:
            args, rooms = await audience.place(spec, example)
            params = dict(args)  # `$arg` parameters by their catalog name
            if spec.delivery == "sender":
                params["socketId"] = audience.member.sid
            await quiet(server, *audience.clients)

            response = await api.post(f"/events/{name}", json=example, params=params, headers=AUTH)
            await server.barrier(*audience.clients)

            assert response.status_code == 202, response.text
            assert response.json() == {
                "event": name,
                "rooms": audience.rooms_named(spec, rooms),
                "broadcast": spec.delivery == "broadcast",
            }
            audience.check(spec, rooms, example)


async def test_query_params_cannot_redirect_a_payload_bound_event(server: LiveServer) -> None:
    order_id, member, other = await order_watchers(server)
    elsewhere = f"{order_id}_elsewhere"
    await enter(server, other, f"order:{elsewhere}")
    async with http(server) as api:
        response = await api.post(
            f"/events/{ORDER_EVENT}", json=order_example(order_id), params={"orderId": elsewhere}, headers=AUTH
        )
    await server.barrier(member, other)
    assert response.status_code == 202, response.text
    assert response.json()["rooms"] == [f"order:{order_id}"]
    assert_got_once(member, ORDER_EVENT, order_example(order_id))
    assert_got_nothing(other, "in the room named by the query, not by the payload")


# -- refusals ------------------------------------------------------------------------------------------------------


async def test_invalid_payload_is_422_with_every_problem_and_nothing_is_sent(server: LiveServer) -> None:
    order_id, member, other = await order_watchers(server)
    payload = {**order_example(order_id), "status": "teleported", "courier": "Ravi"}
    del payload["orderNumber"]
    async with http(server) as api:
        response = await api.post(f"/events/{ORDER_EVENT}", json=payload, headers=AUTH)
    await server.barrier(member, other)

    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["details"]["event"] == ORDER_EVENT
    errors = body["details"]["errors"]
    assert sorted(e["path"] for e in errors) == ["courier", "orderNumber", "status"], errors
    assert all(isinstance(e["message"], str) and e["message"] for e in errors)
    assert_got_nothing(member, "the payload was invalid")
    assert_got_nothing(other, "the payload was invalid")


@pytest.mark.parametrize(
    "body", [[{"orderId": "x"}], "just a string", None, 42], ids=["array", "string", "null", "int"]
)
async def test_json_that_is_not_an_object_is_422(server: LiveServer, body: Any) -> None:
    async with http(server) as api:
        response = await api.post(f"/events/{ORDER_EVENT}", content=json.dumps(body), headers=AUTH)
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_production_mode_still_refuses_invalid_payload_over_http(server: LiveServer) -> None:
    order_id, member, _ = await order_watchers(server)
    core = server.app.server
    mode = core.mode
    core.mode = "production"
    try:
        async with http(server) as api:
            response = await api.post(
                f"/events/{ORDER_EVENT}", json={**order_example(order_id), "status": "teleported"}, headers=AUTH
            )
    finally:
        core.mode = mode
    await server.barrier(member)
    assert_error(response, 422, "VALIDATION_ERROR")
    assert_got_nothing(member, "the payload was invalid")


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "AUTH_REQUIRED"),
        ({"Authorization": f"Basic {live.SERVICE_TOKEN}"}, "AUTH_REQUIRED"),
        ({"Authorization": "Bearer"}, "AUTH_REQUIRED"),
        ({"Authorization": "Bearer not-the-service-token"}, "AUTH_INVALID"),
        ({"Authorization": f"Bearer {live.SERVICE_TOKEN}x"}, "AUTH_INVALID"),
    ],
    ids=["none", "basic", "bare-bearer", "wrong", "longer"],
)
async def test_publish_without_a_valid_token_is_401_and_nothing_is_sent(
    server: LiveServer, headers: dict[str, str], code: str
) -> None:
    order_id, member, _ = await order_watchers(server)
    async with http(server) as api:
        response = await api.post(f"/events/{ORDER_EVENT}", json=order_example(order_id), headers=headers)
    await server.barrier(member)
    assert_error(response, 401, code)
    assert_got_nothing(member, "the publisher was not authorised")


async def test_bearer_scheme_is_case_insensitive(server: LiveServer) -> None:
    order_id, member, _ = await order_watchers(server)
    async with http(server) as api:
        response = await api.post(
            f"/events/{ORDER_EVENT}",
            json=order_example(order_id),
            headers={"Authorization": f"bearer {live.SERVICE_TOKEN}"},
        )
    await server.barrier(member)
    assert response.status_code == 202, response.text
    assert_got_once(member, ORDER_EVENT, order_example(order_id))


@pytest.mark.parametrize("name", ["no_such_event", "subscribe", "heartbeat", "join_ticket"])
async def test_unknown_or_client_to_server_event_is_404(server: LiveServer, name: str) -> None:
    if name != "no_such_event":
        assert REGISTRY.events[name].inbound
    async with http(server) as api:
        response = await api.post(f"/events/{name}", json=EXAMPLES.get(name, ({},))[0], headers=AUTH)
    assert_error(response, 404, "UNKNOWN_EVENT")


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe"], ids=["broken", "empty", "not-utf8"])
async def test_body_that_is_not_json_is_400(server: LiveServer, body: bytes) -> None:
    _, member, _ = await order_watchers(server)
    async with http(server) as api:
        response = await api.post(
            f"/events/{ORDER_EVENT}", content=body, headers={**AUTH, "Content-Type": "application/json"}
        )
    await server.barrier(member)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert_got_nothing(member, "the body was not JSON")


@pytest.mark.parametrize("params", [{}, {"userId": ""}, {"user_id": "x"}], ids=["absent", "empty", "python-name"])
async def test_missing_arg_query_param_is_400_and_nothing_is_sent(server: LiveServer, params: dict[str, str]) -> None:
    member = (await connect_all(server, None))[0]
    await quiet(server, member)
    if "user_id" in params:
        params = {"user_id": member.user}  # the Python keyword is not the catalog's name
    async with http(server) as api:
        response = await api.post(
            "/events/cart_item_reserved", json=EXAMPLES["cart_item_reserved"][0], params=params, headers=AUTH
        )
    await server.barrier(member)
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert "user" in body["message"].lower(), body
    assert_got_nothing(member, "the event had no room")


async def test_sender_event_without_socket_id_is_400(server: LiveServer) -> None:
    member = (await connect_all(server, None))[0]
    await quiet(server, member)
    async with http(server) as api:
        response = await api.post("/events/heartbeat_ack", json={"timestamp": 1}, headers=AUTH)
    await server.barrier(member)
    assert_error(response, 400, "VALIDATION_ERROR")
    assert_got_nothing(member, "the event had no socket")


# -- grants --------------------------------------------------------------------------------------------------------


async def subscribe(client: Client, channel: str) -> Any:
    return await client.call("subscribe", {"channel": channel})


async def test_grant_lets_the_user_subscribe_and_revoke_takes_the_room_away_at_once(server: LiveServer) -> None:
    user = unique_user()
    order_id = unique_user("ord")
    room = f"order:{order_id}"
    phone, laptop, stranger = await connect_all(server, user, user, None)

    refused = await subscribe(phone, f"order_{order_id}")
    assert refused["ok"] is False and refused["error"]["code"] == "FORBIDDEN", refused

    async with http(server) as api:
        granted = await api.post("/grants", json={"userId": user, "rooms": [room]}, headers=AUTH)
        assert granted.status_code == 204, granted.text
        assert await subscribe(phone, f"order_{order_id}") == {
            "ok": True,
            "channel": f"order_{order_id}",
            "rooms": [room],
        }
        assert (await subscribe(laptop, "orders"))["rooms"] == [room]  # the grant also feeds the `orders` lookup
        assert (await subscribe(stranger, f"order_{order_id}"))["error"]["code"] == "FORBIDDEN"
        await quiet(server, phone, laptop, stranger)

        sent = await api.post(f"/events/{ORDER_EVENT}", json=order_example(order_id), headers=AUTH)
        assert sent.status_code == 202
        await server.barrier(phone, laptop, stranger)
        assert_got_once(phone, ORDER_EVENT, order_example(order_id))
        assert_got_once(laptop, ORDER_EVENT, order_example(order_id))
        assert_got_nothing(stranger, "no grant")
        await quiet(server, phone, laptop, stranger)

        revoked = await api.request("DELETE", "/grants", json={"userId": user, "rooms": [room]}, headers=AUTH)
        assert revoked.status_code == 204, revoked.text
        # At once: no waiting between the revoke's answer and the next event.
        after = await api.post(f"/events/{ORDER_EVENT}", json=order_example(order_id), headers=AUTH)
        assert after.status_code == 202
    await server.barrier(phone, laptop, stranger)
    assert_got_nothing(phone, "the grant was revoked")
    assert_got_nothing(laptop, "the grant was revoked")
    assert room not in rooms_of(server, phone) | rooms_of(server, laptop)
    assert (await subscribe(phone, f"order_{order_id}"))["error"]["code"] == "FORBIDDEN"


async def test_revoke_keeps_the_users_own_room(server: LiveServer) -> None:
    user = unique_user()
    (client,) = await connect_all(server, user)
    async with http(server) as api:
        revoked = await api.request("DELETE", "/grants", json={"userId": user, "rooms": [f"user:{user}"]}, headers=AUTH)
        assert revoked.status_code == 204
        await quiet(server, client)
        example = EXAMPLES["session_expired"][0]
        sent = await api.post("/events/session_expired", json=example, params={"userId": user}, headers=AUTH)
        assert sent.status_code == 202
    await server.barrier(client)
    assert_got_once(client, "session_expired", example)


@pytest.mark.parametrize("method", ["POST", "DELETE"])
async def test_grants_with_unknown_rooms_are_422(server: LiveServer, method: str) -> None:
    user = unique_user()
    async with http(server) as api:
        response = await api.request(
            method, "/grants", json={"userId": user, "rooms": ["order:ok", "nowhere:1", 7]}, headers=AUTH
        )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["details"]["rooms"] == ["nowhere:1", 7]
    # All or nothing: the valid room of a refused request was not granted.
    (client,) = await connect_all(server, user)
    assert (await subscribe(client, "order_ok"))["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "body",
    [{"rooms": ["order:1"]}, {"userId": "", "rooms": ["order:1"]}, {"userId": "u"}, {"userId": "u", "rooms": "x"}, []],
    ids=["no-user", "empty-user", "no-rooms", "rooms-not-list", "array"],
)
async def test_grants_with_a_malformed_body_are_422(server: LiveServer, body: Any) -> None:
    async with http(server) as api:
        response = await api.post("/grants", json=body, headers=AUTH)
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_grants_body_not_json_is_400(server: LiveServer) -> None:
    async with http(server) as api:
        response = await api.post("/grants", content=b"{nope", headers=AUTH)
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize(
    ("headers", "code"), [({}, "AUTH_REQUIRED"), ({"Authorization": "Bearer wrong"}, "AUTH_INVALID")]
)
async def test_grants_without_a_valid_token_are_401(
    server: LiveServer, method: str, headers: dict[str, str], code: str
) -> None:
    user = unique_user()
    room = f"order:{unique_user('ord')}"
    async with http(server) as api:
        response = await api.request(method, "/grants", json={"userId": user, "rooms": [room]}, headers=headers)
    assert_error(response, 401, code)
    (client,) = await connect_all(server, user)
    assert (await subscribe(client, f"order_{room.split(':', 1)[1]}"))["error"]["code"] == "FORBIDDEN"


# -- health --------------------------------------------------------------------------------------------------------


async def healthz(api: httpx.AsyncClient) -> dict[str, Any]:
    response = await api.get("/healthz")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_healthz_reports_catalog_and_connections(server: LiveServer) -> None:
    async with http(server) as api:
        before = await healthz(api)
        assert before["status"] == "ok"
        assert before["catalog"] == REGISTRY.catalog == "rez-realtime"
        assert before["version"] == REGISTRY.version
        assert isinstance(before["connections"], int)

        first, second = await connect_all(server, None, None)
        assert (await healthz(api))["connections"] == before["connections"] + 2

        await first.close()
        deadline = time.monotonic() + 5
        while (await healthz(api))["connections"] != before["connections"] + 1:
            assert time.monotonic() < deadline, "the closed connection is still counted"
            await asyncio.sleep(0.02)
        await second.close()


async def test_healthz_needs_no_token(server: LiveServer) -> None:
    async with http(server) as api:
        response = await api.get("/healthz", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 200


async def test_api_is_503_without_a_service_token() -> None:
    settings = Settings(jwt_secret=live.SECRET, service_token=None, log_level="warning")
    async with live.serve(settings) as bare, http(bare) as api:
        assert (await healthz(api))["status"] == "ok"
        for headers in ({}, AUTH, {"Authorization": "Bearer wrong"}):
            response = await api.post(f"/events/{ORDER_EVENT}", json=order_example("ord_1"), headers=headers)
            assert response.status_code == 503, response.text
            for method in ("POST", "DELETE"):
                response = await api.request(
                    method, "/grants", json={"userId": "u", "rooms": ["order:1"]}, headers=headers
                )
                assert response.status_code == 503, response.text


# -- bugs found while writing these tests, fixed since: kept as regression tests ----------------------------------


async def test_socket_id_that_names_a_room_reaches_no_one(server: LiveServer) -> None:
    user = unique_user()
    phone, laptop = await connect_all(server, user, user)
    await quiet(server, phone, laptop)
    async with http(server) as api:
        response = await api.post(
            "/events/error", json=EXAMPLES["error"][0], params={"socketId": f"user:{user}"}, headers=AUTH
        )
    await server.barrier(phone, laptop)
    assert phone.events() == [] and laptop.events() == [], response.text


async def test_null_optional_is_listed_with_its_path_among_the_other_problems(server: LiveServer) -> None:
    payload = {**order_example(unique_user("ord")), "status": "teleported", "estimatedDelivery": None}
    async with http(server) as api:
        response = await api.post(f"/events/{ORDER_EVENT}", json=payload, headers=AUTH)
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert sorted(e["path"] for e in body["details"]["errors"]) == ["estimatedDelivery", "status"], body


async def test_body_with_infinity_is_refused_and_nothing_is_sent(server: LiveServer) -> None:
    product = unique_user("prod")
    (member,) = await connect_all(server, None)
    await enter(server, member, f"product:{product}")
    await quiet(server, member)
    body = json.dumps({**EXAMPLES["price_update"][0], "productId": product, "newPrice": float("inf")})
    assert "Infinity" in body
    async with http(server) as api:
        response = await api.post("/events/price_update", content=body, headers=AUTH)
    await server.barrier(member)
    assert response.status_code in (400, 422), response.text
    assert_got_nothing(member, "Infinity is not a JSON number")


async def test_missing_arg_error_names_the_query_parameter(server: LiveServer) -> None:
    async with http(server) as api:
        response = await api.post("/events/cart_item_reserved", json=EXAMPLES["cart_item_reserved"][0], headers=AUTH)
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert "userId" in body["message"] and "user_id" not in body["message"], body
