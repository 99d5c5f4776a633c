"""End to end from Node: the official socket.io-client (tests/ts/e2e.mjs) against the REZ server started here, every
payload it receives checked with ajv against the generated JSON Schema.

The script runs as a child process while the server runs in this event loop (awaited, never waited on). It prints
JSON lines; once it says `{"ready": true, "socketId": ...}`, the test publishes over the HTTP publish API one
server-to-client event per catalog domain, with its catalog example, to rooms the Node client is in:

- an event for the user's own room (`$arg` userId) needs nothing more than the connection;
- an event for another room is reached through a subscribe channel: the room is granted in the token's `rooms`
  claim and the script subscribes to the channel (with emitWithAck) before it says it is ready;
- a broadcast reaches every connection; an event for one connection is published with `?socketId=`.

The events are chosen from the registry (a new domain is covered with no edit): per domain, the first event in
catalog order, leaving aside the events the script already checks in their own steps (connected, heartbeat_ack,
error), and spreading the choice over the four ways of reaching the client (see plan_publications).
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from eventcat_runtime.registry import EventSpec
from rez_realtime import REGISTRY
from rez_realtime.examples import EXAMPLES

from .conftest import GENERATED, NODE_DIR, node_or_skip
from .live import SERVICE_TOKEN, make_token, serve, unique_user

pytestmark = pytest.mark.timeout(90)

SCRIPT = "e2e.mjs"
OTHER_SECRET = "another-secret-0123456789abcdef0123456789abcdef"
AUTH = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
SCRIPT_TIMEOUT_MS = 15_000
# Checked by the script in steps of their own; the per-domain event is another one when the domain has one.
OWN_STEPS = {"connected", "heartbeat_ack", "error"}
INVALID_WITH_ACK = ("subscribe", {})
INVALID_WITHOUT_ACK = ("heartbeat", {"timestamp": "soon"})
DOMAINS = list(dict.fromkeys(spec.domain for spec in REGISTRY.events.values()))


# -- choosing one event per domain and how it reaches the Node client ------------------------------------------------


@dataclass
class Publication:
    domain: str
    event: str
    payload: dict[str, Any]
    params: dict[str, str]  # `$arg` query parameters, by their catalog name
    route: str  # own room | channel <name> | broadcast | socket
    rank: int
    channel: str | None = None
    grants: list[str] = field(default_factory=list)


def _own_room(user: str) -> str | None:
    join = REGISTRY.auth.join
    if join is None:
        return None
    return REGISTRY.rooms[join.room].address({b.param: user for b in join.bindings})


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _via_channel(room_name: str, params: dict[str, str], user: str) -> tuple[str, list[str]] | None:
    """A subscribe channel that enters this concrete room, and the grants it needs; None when none does."""
    room = REGISTRY.rooms[room_name]
    if room.access == "server":
        return None
    if room.access == "self" and any(value != user for value in params.values()):
        return None
    address = room.address(params)
    for channel in REGISTRY.channels:
        for target in channel.rooms:
            if target.room != room_name:
                continue
            values: dict[str, str] = {}
            usable, looked_up = True, False
            for binding in target.bindings:
                if binding.source == "channel":
                    values[binding.param] = params[binding.param]
                elif binding.source == "user":
                    usable &= params.get(binding.param) == user
                elif binding.source == "lookup":  # found among the rooms granted to the user
                    looked_up = True
                else:
                    usable = False
            if not usable:
                continue
            name = channel.name
            for param, value in values.items():
                name = name.replace("{" + param + "}", value)
            found = REGISTRY.channel(name)
            if found is None or found[0].name != channel.name:
                continue
            return name, [address] if looked_up or room.access not in ("public", "self") else []
    return None


def _route(spec: EventSpec, user: str) -> Publication | None:
    payload = EXAMPLES[spec.name][0]
    if spec.delivery == "broadcast":
        return Publication(spec.domain, spec.name, payload, {}, "broadcast", 2)
    if spec.delivery == "sender":
        return Publication(spec.domain, spec.name, payload, {}, "socket", 3)
    if spec.delivery != "rooms":
        return None
    args: dict[str, str] = {}
    for target in spec.rooms:
        for binding in target.bindings:
            if binding.source == "arg":
                self_room = REGISTRY.rooms[target.room].access == "self"
                args[binding.param] = user if self_room else unique_user(binding.param)
    for target in spec.rooms:
        params: dict[str, str] = {}
        for binding in target.bindings:
            value = args.get(binding.param) if binding.source == "arg" else _dig(payload, binding.path)
            if binding.source not in ("arg", "field") or value is None or isinstance(value, list | dict):
                break
            params[binding.param] = str(value)
        else:
            address = REGISTRY.rooms[target.room].address(params)
            if address == _own_room(user):
                return Publication(spec.domain, spec.name, payload, args, "own room", 0)
            via = _via_channel(target.room, params, user)
            if via is not None:
                channel, grants = via
                return Publication(spec.domain, spec.name, payload, args, f"channel {channel}", 1, channel, grants)
    return None


def plan_publications(user: str) -> list[Publication]:
    """One event per domain. Within a domain: not one of the script's own steps, then the way of reaching the client
    used least so far (so the plan covers own room, channel, broadcast and socket when the catalog has them), then
    own room before channel before broadcast before socket, then catalog order."""
    chosen: list[Publication] = []
    for domain in DOMAINS:
        used = [p.route.split()[0] for p in chosen]
        candidates = []
        for index, (name, spec) in enumerate(REGISTRY.events.items()):
            if spec.domain != domain or spec.inbound or not EXAMPLES.get(name):
                continue
            publication = _route(spec, user)
            if publication is not None:
                kind = publication.route.split()[0]
                candidates.append(((name in OWN_STEPS, used.count(kind), publication.rank, index), publication))
        assert candidates, f"domain {domain}: no server-to-client event the Node client can be made to receive"
        chosen.append(min(candidates, key=lambda c: c[0])[1])
    return chosen


# -- running the script ----------------------------------------------------------------------------------------------


@dataclass
class Run:
    user: str
    publications: list[Publication]
    returncode: int
    lines: list[dict[str, Any]]
    stderr: str
    published: dict[str, httpx.Response] = field(default_factory=dict)
    seconds: float = 0.0

    def step(self, name: str) -> dict[str, Any]:
        found = [line for line in self.lines if line.get("step") == name]
        assert len(found) == 1, f"step {name!r}: {found}\n{self.context()}"
        return found[0]

    def steps(self, name: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line.get("step") == name]

    def context(self) -> str:
        return f"exit {self.returncode}\nlines: {json.dumps(self.lines)[:4000]}\nstderr: {self.stderr[-3000:]}"


async def run_e2e(url: str, publications: list[Publication], user: str, *, publish: bool, timeout_ms: int) -> Run:
    node = node_or_skip()
    grants = sorted({g for p in publications for g in p.grants})
    plan = {
        "url": url,
        "badToken": make_token(user, secret=OTHER_SECRET),
        "goodToken": make_token(user, rooms=grants),
        "schemas": str(GENERATED / "jsonschema"),
        "channels": list(dict.fromkeys(p.channel for p in publications if p.channel)),
        "events": [p.event for p in publications],
        "invalidWithAck": list(INVALID_WITH_ACK),
        "invalidWithoutAck": list(INVALID_WITHOUT_ACK),
        "timeoutMs": timeout_ms,
    }
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        node,
        SCRIPT,
        json.dumps(plan),
        cwd=NODE_DIR,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    run = Run(user, publications, -1, [], "")
    deadline = started + timeout_ms / 1000 + 10
    try:
        # Until the script is ready (or gives up): its lines, as they come.
        while True:
            raw = await asyncio.wait_for(process.stdout.readline(), max(0.1, deadline - time.monotonic()))
            if not raw:
                break
            line = json.loads(raw)
            run.lines.append(line)
            if line.get("ready"):
                break
        ready = [line for line in run.lines if line.get("ready")]
        if ready and publish:
            async with httpx.AsyncClient(base_url=url, timeout=5) as api:
                for p in publications:
                    params = dict(p.params)
                    if p.route == "socket":
                        params["socketId"] = ready[0]["socketId"]
                    run.published[p.event] = await api.post(
                        f"/events/{p.event}", json=p.payload, params=params, headers=AUTH
                    )
        stdout, stderr = await asyncio.wait_for(process.communicate(), max(0.1, deadline - time.monotonic()))
        run.lines += [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]
        run.stderr = stderr.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    run.returncode = process.returncode
    run.seconds = time.monotonic() - started
    return run


@pytest.fixture(scope="module")
async def e2e() -> Run:
    node_or_skip()
    async with serve() as server:
        user = unique_user("node")
        publications = plan_publications(user)
        return await run_e2e(server.url, publications, user, publish=True, timeout_ms=SCRIPT_TIMEOUT_MS)


# -- tests -------------------------------------------------------------------------------------------------------------


def same_json(got: Any, want: Any) -> bool:
    """Equal as JSON values, types included (1 is not true; 20 and 20.0 are one JSON number)."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, int | float) and isinstance(got, int | float):
        return got == want
    if isinstance(want, dict):
        return isinstance(got, dict) and got.keys() == want.keys() and all(same_json(got[k], want[k]) for k in want)
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(same_json, got, want))
    return type(got) is type(want) and got == want


def test_the_plan_covers_every_domain_with_an_event_the_client_can_get() -> None:
    publications = plan_publications("node_plan_user")
    assert [p.domain for p in publications] == DOMAINS
    assert len({p.event for p in publications}) == len(DOMAINS)
    for p in publications:
        assert not REGISTRY.events[p.event].inbound
    # The plan exercises every way a client is reached: its own room, a subscribed channel, its socket id, broadcast.
    kinds = {"own", "channel", "socket"} | {
        "broadcast" for spec in REGISTRY.events.values() if spec.delivery == "broadcast"
    }
    assert kinds <= {p.route.split()[0] for p in publications}, publications


def test_script_ran_to_the_end(e2e: Run) -> None:
    assert e2e.returncode == 0, e2e.context()
    e2e.step("done")
    assert e2e.seconds < SCRIPT_TIMEOUT_MS / 1000 + 5


def test_a_bad_token_is_refused_with_the_error_contract(e2e: Run) -> None:
    refused = e2e.step("refused")
    assert refused["message"] == "AUTH_INVALID", refused
    assert refused["data"]["code"] == "AUTH_INVALID", refused
    assert refused["valid"] is True, refused["errors"]


def test_a_good_token_gets_a_valid_connected(e2e: Run) -> None:
    connected = e2e.step("connected")
    assert connected["valid"] is True, connected["errors"]
    assert connected["payload"]["userId"] == e2e.user
    assert connected["payload"]["socketId"] == connected["socketId"]


def test_heartbeat_is_answered_with_a_valid_heartbeat_ack(e2e: Run) -> None:
    beat = e2e.step("heartbeat_ack")
    assert beat["valid"] is True, beat["errors"]
    assert beat["payload"]["timestamp"] == beat["sent"]


def test_every_subscribe_is_acknowledged_with_a_valid_subscription_ack(e2e: Run) -> None:
    channels = [p.channel for p in e2e.publications if p.channel]
    acks = e2e.steps("subscribe")
    assert [a["channel"] for a in acks] == list(dict.fromkeys(channels)), e2e.context()
    for ack in acks:
        assert ack["ack"]["ok"] is True, ack
        assert ack["valid"] is True, ack["errors"]
        assert ack["ack"]["channel"] == ack["channel"]
        assert ack["ack"]["rooms"], f"{ack['channel']} entered no room"


def test_invalid_payload_with_an_ack_gets_the_error_ack(e2e: Run) -> None:
    refusal = e2e.step("invalid_ack")
    assert refusal["event"] == INVALID_WITH_ACK[0]
    assert refusal["ack"]["ok"] is False, refusal
    assert refusal["ack"]["error"]["code"] == "VALIDATION_ERROR", refusal
    assert set(refusal["ack"]) == {"ok", "error"}, refusal
    assert refusal["valid"] is True, refusal["errors"]


def test_invalid_payload_without_an_ack_gets_the_error_event(e2e: Run) -> None:
    error = e2e.step("invalid_event")
    assert error["event"] == INVALID_WITHOUT_ACK[0]
    assert error["payload"]["code"] == "VALIDATION_ERROR", error
    assert error["valid"] is True, error["errors"]


@pytest.mark.parametrize("domain", DOMAINS)
def test_one_event_of_the_domain_arrives_once_and_matches_its_schema(e2e: Run, domain: str) -> None:
    (publication,) = [p for p in e2e.publications if p.domain == domain]
    response = e2e.published.get(publication.event)
    assert response is not None, f"not published: {e2e.context()}"
    assert response.status_code == 202, response.text
    got = [line for line in e2e.steps("event") if line["name"] == publication.event]
    assert got, f"{publication.event} ({publication.route}) never reached the Node client\n{e2e.context()}"
    (event,) = got
    assert event["count"] == 1, event
    assert event["valid"] is True, f"ajv: {publication.event}: {event['errors']}"
    assert event["mutantValid"] is False, (
        f"{publication.event}: the schema accepts the payload without a required field"
    )
    assert same_json(event["payload"], publication.payload), (event["payload"], publication.payload)


def test_nothing_else_arrived(e2e: Run) -> None:
    expected = {p.event for p in e2e.publications}
    extra = [line["name"] for line in e2e.steps("event") if line["name"] not in expected]
    assert not extra, extra


async def test_the_script_fails_bounded_when_an_event_never_comes() -> None:
    """The waiting can fail: nothing published, the script gives up on its own, non-zero, naming what is missing."""
    async with serve() as server:
        user = unique_user("node")
        publications = plan_publications(user)
        run = await run_e2e(server.url, publications, user, publish=False, timeout_ms=2_000)
    assert run.returncode == 3, run.context()
    (timeout,) = run.steps("timeout")
    assert set(timeout["missing"]) == {p.event for p in publications}
    assert not run.steps("done")
    assert run.seconds < 8


async def test_the_script_fails_when_there_is_no_server() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = await run_e2e(f"http://127.0.0.1:{port}", [], unique_user("node"), publish=False, timeout_ms=5_000)
    assert run.returncode != 0, run.context()
    assert not run.steps("done")
