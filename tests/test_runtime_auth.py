"""Auth as the catalog declares it, each mode on a live server and real python-socketio clients: no auth at all
(anonymous users), HS* with issuer and audience, ES256 with a public key, and a JWKS URL served on loopback by a
real HTTP server (cached, refreshed for an unknown kid, fetched without blocking the event loop, its failure a clear
refusal).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
import socketio
from cryptography.hazmat.primitives.asymmetric import rsa
from eventcat_runtime.auth import JwtVerifier, verifier_for
from eventcat_runtime.devkeys import key_pair
from eventcat_runtime.handlers import EventContext
from eventcat_runtime.registry import AuthSpec, Binding, RoomTarget

from . import desk
from .live import SECRET, LiveServer, live_settings, serve_app, unique_user
from .test_server_auth import refusal

pytestmark = pytest.mark.timeout(60)

ISSUER = "https://id.example.test"
AUDIENCE = "desk-api"
JOIN = RoomTarget("me", (Binding("userId", "user"),))


class WhoHandlers(desk.DeskHandlers):
    """Answers note:add with the connection's user id."""

    async def on_note_add(self, payload: desk.NoteAdd, ctx: EventContext) -> Any:
        return {"ok": True, "id": ctx.user_id}


def claims(user: str, **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"userId": user, "iat": now, "exp": now + 600, **extra}


async def whoami(live: LiveServer, token: str | None) -> tuple[str, Any]:
    """Connect (with this token, or none) and return (sid, the user id the server sees)."""
    client = await live.connect(unique_user(), token=token or "", wait_connected=False)
    ack = await client.call("note:add", {"text": "who"})
    assert ack["ok"] is True, ack
    return client.sid, ack["id"]


def assert_refused(error: dict[str, Any], kind: str) -> None:
    assert error["message"] == kind and error["data"]["kind"] == kind, error


# -- no auth -------------------------------------------------------------------------------------------------------


async def test_no_auth_every_connection_is_its_own_anonymous_user() -> None:
    registry = desk.registry(auth=AuthSpec(scheme="none"))
    async with serve_app(desk.package(), WhoHandlers, live_settings(jwt_secret=None), registry=registry) as live:
        sio = socketio.AsyncClient(reconnection=False)
        await sio.connect(live.url, transports=["websocket"], wait_timeout=5)  # no token at all
        ack = await sio.call("note:add", {"text": "who"}, timeout=5)
        assert ack == {"ok": True, "id": f"anon:{sio.get_sid('/')}"}, ack
        await sio.disconnect()
        first, user_1 = await whoami(live, "ignored-token")
        second, user_2 = await whoami(live, None)
        assert (user_1, user_2) == (f"anon:{first}", f"anon:{second}")


# -- HS*, issuer, audience -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def checked() -> AsyncIterator[LiveServer]:
    registry = desk.registry(auth=AuthSpec(join=JOIN, issuer=ISSUER, audience=AUDIENCE))
    async with serve_app(desk.package(), WhoHandlers, live_settings(), registry=registry) as live:
        yield live


async def test_issuer_and_audience_from_the_catalog(checked: LiveServer) -> None:
    user = unique_user()
    good = jwt.encode(claims(user, iss=ISSUER, aud=AUDIENCE), SECRET, algorithm="HS256")
    assert (await whoami(checked, good))[1] == user
    for bad in (
        claims(user, aud=AUDIENCE),  # no iss
        claims(user, iss="https://elsewhere.test", aud=AUDIENCE),
        claims(user, iss=ISSUER),  # no aud
        claims(user, iss=ISSUER, aud="another-api"),
    ):
        error = await refusal(checked, jwt.encode(bad, SECRET, algorithm="HS256"), via_query=False)
        assert_refused(error, "AUTH_INVALID")


async def test_issuer_and_audience_overridden_by_the_settings() -> None:
    registry = desk.registry(auth=AuthSpec(join=JOIN, issuer=ISSUER, audience=AUDIENCE))
    settings = live_settings(jwt_issuer="https://staging.test", jwt_audience="staging")
    async with serve_app(desk.package(), WhoHandlers, settings, registry=registry) as live:
        user = unique_user()
        staging = jwt.encode(claims(user, iss="https://staging.test", aud="staging"), SECRET, algorithm="HS256")
        assert (await whoami(live, staging))[1] == user
        prod = jwt.encode(claims(user, iss=ISSUER, aud=AUDIENCE), SECRET, algorithm="HS256")
        assert_refused(await refusal(live, prod, via_query=False), "AUTH_INVALID")


# -- ES256 with a public key ---------------------------------------------------------------------------------------


@functools.cache
def ec_pair() -> tuple[str, str]:
    return key_pair("ES256")


async def test_es256_with_a_public_key() -> None:
    private, public = ec_pair()
    registry = desk.registry(auth=AuthSpec(join=JOIN, algorithms=("ES256",)))
    settings = live_settings(jwt_secret=None, jwt_public_key=public)
    async with serve_app(desk.package(), WhoHandlers, settings, registry=registry) as live:
        user = unique_user()
        assert (await whoami(live, jwt.encode(claims(user), private, algorithm="ES256")))[1] == user
        hs = jwt.encode(claims(user), SECRET, algorithm="HS256")
        assert_refused(await refusal(live, hs, via_query=False), "AUTH_INVALID")


# -- JWKS ----------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Issuer:
    """An identity provider's JWKS endpoint on loopback: its keys by kid, and what it has served."""

    keys: dict[str, Any] = dataclasses.field(default_factory=dict)
    published: list[str] = dataclasses.field(default_factory=list)
    requests: int = 0
    delay: float = 0.0
    failing: bool = False
    url: str = ""

    def add_key(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def publish(self, *kids: str) -> None:
        self.published = list(kids)

    def jwks(self) -> dict[str, Any]:
        out = []
        for kid in self.published:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
            out.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": out}

    def token(self, user: str, kid: str) -> str:
        return jwt.encode(claims(user), self.keys[kid], algorithm="RS256", headers={"kid": kid})


@contextlib.contextmanager
def serving(state: Issuer) -> Iterator[Issuer]:
    """state's JWKS document served on loopback by a real HTTP server (its URL in state.url) until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests += 1
            if state.delay:
                time.sleep(state.delay)
            if state.failing:
                self.send_response(500)
                self.end_headers()
                return
            body = json.dumps(state.jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{http.server_address[1]}/.well-known/jwks.json"
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        http.shutdown()
        http.server_close()


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    state = Issuer()
    state.add_key("k1")
    state.add_key("k2")
    state.publish("k1")
    with serving(state):
        yield state


def jwks_server(issuer: Issuer, **verifier: Any) -> Any:
    registry = desk.registry(auth=AuthSpec(join=JOIN, algorithms=("RS256",), jwks_url=issuer.url))
    settings = live_settings(jwt_secret=None)
    made = verifier_for(registry.auth, settings)
    assert isinstance(made, JwtVerifier) and made.jwks_url == issuer.url
    return serve_app(
        desk.package(), WhoHandlers, settings, registry=registry, verifier=dataclasses.replace(made, **verifier)
    )


async def test_jwks_keys_by_kid_cached(issuer: Issuer) -> None:
    async with jwks_server(issuer) as live:
        users = [unique_user() for _ in range(3)]
        for user in users:
            assert (await whoami(live, issuer.token(user, "k1")))[1] == user
        assert issuer.requests == 1  # one fetch, then the cache


async def test_jwks_unknown_kid_is_refused_then_found_after_rotation(issuer: Issuer) -> None:
    async with jwks_server(issuer, jwks_cooldown=0.0) as live:
        user = unique_user()
        assert_refused(await refusal(live, issuer.token(user, "k2"), via_query=False), "AUTH_INVALID")
        issuer.publish("k1", "k2")  # the provider rotates its keys
        assert (await whoami(live, issuer.token(user, "k2")))[1] == user
        forged = jwt.encode(claims(user), issuer.keys["k2"], algorithm="RS256", headers={"kid": "k1"})
        assert_refused(await refusal(live, forged, via_query=False), "AUTH_INVALID")


async def test_jwks_unavailable_is_a_clear_refusal(issuer: Issuer, caplog: pytest.LogCaptureFixture) -> None:
    issuer.failing = True
    async with jwks_server(issuer) as live:
        user = unique_user()
        with caplog.at_level(logging.WARNING, logger="eventcat"):
            error = await refusal(live, issuer.token(user, "k1"), via_query=False)
        assert_refused(error, "INTERNAL_ERROR")
        assert "retry later" in error["data"]["text"], error
        assert any("JWKS unavailable" in r.getMessage() for r in caplog.records)
        issuer.failing = False
        assert (await whoami(live, issuer.token(user, "k1")))[1] == user  # the server lived on


async def test_jwks_fetch_does_not_block_the_event_loop(issuer: Issuer) -> None:
    """While the keys are fetched (slowly) for one connection, a connected client is answered at once."""
    import asyncio

    async with jwks_server(issuer, jwks_cooldown=0.0) as live:
        user = unique_user()
        client = await live.connect(user, token=issuer.token(user, "k1"), wait_connected=False)
        issuer.delay = 1.5
        slow = asyncio.create_task(refusal(live, issuer.token(unique_user(), "k2"), via_query=False))
        await asyncio.sleep(0.2)  # the refresh for the unknown kid is under way
        answered = asyncio.create_task(client.call("note:add", {"text": "meanwhile"}))
        # The connected client's answer comes while the fetch (1.5 s) still holds the other connection.
        done, _ = await asyncio.wait({answered, slow}, return_when=asyncio.FIRST_COMPLETED)
        assert answered in done and slow not in done
        assert answered.result()["ok"] is True, answered.result()
        assert_refused(await slow, "AUTH_INVALID")


def test_jwks_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="JWKS URL"):
        JwtVerifier(algorithms=("RS256",), jwks_url="file:///etc/passwd")
