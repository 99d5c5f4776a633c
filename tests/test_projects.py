"""eventcat on catalogs besides REZ's (issue 14, item 8): two projects of different shape, each generated,
scaffolded, type-checked (mypy --strict, tsc --strict), served by `eventcat serve` as a subprocess started in the
project, and driven by python-socketio and the Node socket.io-client.

- tests/projects/auction (`live-auction`): colon-named events; RS256 tokens whose keys come from a JWKS (served here
  on loopback), user claim `sub`, the bidder's room `bidder:{bidderId}` joined by auth; its own error type `Problem`
  {code, message, details?, traceId} with codes of its own (BID_TOO_LOW, AUCTION_CLOSED), carried by the event
  `auction:problem`; its close event `session:closing` {reason, at: epoch ms}; recovery (room events carry a replay
  offset). Its app is hand-written (auction_app/handlers.py).
- tests/projects/notes (`team-notes`): camelCase events, no auth, no recovery, the runtime's built-in error contract
  and no error event. No app is committed: `eventcat scaffold` writes it and it serves as is; a second copy carries
  a team's hand edit (addNote publishes noteAdded to the board's room).
- `eventcat serve --mock` serves each catalog with no app code at all.

Every wait is bounded. That something did not arrive is checked after a later answer on the same connection: a
connection's packets arrive in the order the server sent them, so once the later answer is there, the earlier
packet would be too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest

from .conftest import ROOT, node_or_skip, run_cli
from .test_node_client import run_script
from .test_runtime_auth import Issuer, serving
from .test_serve_cli import DISCONNECT, Recorder, Running, connect, running
from .test_server_auth import refusal
from .test_typescript import TSC
from .test_typescript import Project as TsProject

pytestmark = pytest.mark.timeout(90)

PROJECTS = ROOT / "tests" / "projects"
NODE_CLIENT = "catalog-client.mjs"
# The identity provider the auction server is told to trust (--jwt-issuer); the catalog's own is production's.
TEST_ISSUER = "https://id.test.example"
CATALOG_ISSUER = "https://id.auctions.example"
KID = "k1"
TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
PROBLEM_KEYS = {"code", "message", "details", "traceId"}


# -- the projects, generated and scaffolded in a copy --------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """A copy of a project under tests/projects, generated in place."""

    root: Path

    @property
    def package(self) -> str:
        """Import name of the generated Python package."""
        [package] = [p.name for p in (self.root / "generated" / "python").iterdir() if (p / "__init__.py").is_file()]
        return package

    @property
    def app_package(self) -> str:
        table = tomllib.loads((self.root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["eventcat"]
        return str(table["app"]).split(".", 1)[0]

    def cli(self, *args: str) -> str:
        """`eventcat ARGS` run in the copy; its output. Fails unless it exits 0."""
        done = run_cli(*args, cwd=self.root)
        assert done.exit_code == 0, f"eventcat {' '.join(args)}: {done.exit_code}\n{done.stdout}{done.stderr}"
        return done.stdout


def generated_copy(tmp: Path, project: str, *, app: bool = True) -> Copy:
    """tests/projects/PROJECT copied to tmp (without its app when app is False) and generated there."""
    ignore = shutil.ignore_patterns("generated", "__pycache__", *(() if app else ("*_app",)))
    copy = Copy(Path(shutil.copytree(PROJECTS / project, tmp / project, ignore=ignore)))
    copy.cli("generate")
    return copy


# The hand edit a team makes to the scaffolded notes app: addNote keeps a count and announces the note to the board.
SCAFFOLDED_INIT = "        # TODO(team): keep what the handlers share here (clients of your services, stores).\n"
EDITED_INIT = "        self.added = 0\n"
SCAFFOLDED_ADD_NOTE = """\
        # TODO(team): what addNote does; the answer below is the catalog's ack example.
        # It triggers noteAdded: `await self.events.note_added(...)`.
        return models.NoteAdded.model_validate({"ok": True, "noteId": "n2"})
"""
EDITED_ADD_NOTE = """\
        self.added += 1
        note = models.Note(noteId=f"note{self.added}", text=payload.text, color=payload.color or "yellow")
        await self.events.note_added(models.NoteAddedPayload(boardId=payload.boardId, note=note))
        return models.NoteAdded(ok=True, noteId=note.noteId)
"""


@pytest.fixture(scope="module")
def auction(tmp_path_factory: pytest.TempPathFactory) -> Copy:
    """The auction project with its hand-written app, which matches its catalog (`scaffold --check`)."""
    copy = generated_copy(tmp_path_factory.mktemp("auction"), "auction")
    assert "every handler matches" in copy.cli("scaffold", "--check")
    return copy


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Copy:
    """The notes project, its app written by `eventcat scaffold` and left as it was written."""
    copy = generated_copy(tmp_path_factory.mktemp("notes"), "notes")
    assert not (copy.root / "notes_app").exists()
    assert "wrote notes_app/handlers.py" in copy.cli("scaffold")
    assert "every handler matches" in copy.cli("scaffold", "--check")
    return copy


@pytest.fixture(scope="module")
def notes_edited(tmp_path_factory: pytest.TempPathFactory) -> Copy:
    """The notes project after the team's edit of the scaffolded module (still matching its catalog)."""
    copy = generated_copy(tmp_path_factory.mktemp("notes-edited"), "notes")
    copy.cli("scaffold")
    module = copy.root / "notes_app" / "handlers.py"
    text = module.read_text(encoding="utf-8")
    assert SCAFFOLDED_INIT in text and SCAFFOLDED_ADD_NOTE in text, text
    module.write_text(
        text.replace(SCAFFOLDED_INIT, EDITED_INIT).replace(SCAFFOLDED_ADD_NOTE, EDITED_ADD_NOTE), encoding="utf-8"
    )
    assert "every handler matches" in copy.cli("scaffold", "--check")
    return copy


# -- the identity provider of the auction: a JWKS on loopback ------------------------------------------------------


@pytest.fixture(scope="module")
def idp() -> Iterator[Issuer]:
    """Publishes the key `k1`; `stranger` is a key of nobody's, used to forge tokens that name kid k1."""
    state = Issuer()
    state.add_key(KID)
    state.add_key("stranger")
    state.publish(KID)
    with serving(state):
        yield state


def bidder_token(idp: Issuer, sub: str, *, key: str = KID, iss: str = TEST_ISSUER, expires_in: int = 600) -> str:
    """An RS256 token as the auction's identity provider signs it: `kid` k1, `sub` the bidder, `iss`."""
    now = int(time.time())
    claims = {"sub": sub, "iss": iss, "iat": now - 5, "exp": now + expires_in}
    return jwt.encode(claims, idp.keys[key], algorithm="RS256", headers={"kid": KID})


def jwks_args(idp: Issuer) -> tuple[str, ...]:
    return ("--jwks-url", idp.url, "--jwt-issuer", TEST_ISSUER, "--log-format", "text")


# -- servers and clients -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def auction_server(auction: Copy, idp: Issuer) -> AsyncIterator[Running]:
    async with running(*jwks_args(idp), cwd=auction.root) as server:
        yield server


@pytest.fixture(scope="module")
async def notes_server(notes: Copy) -> AsyncIterator[Running]:
    async with running("--log-format", "text", cwd=notes.root) as server:
        yield server


@pytest.fixture(scope="module")
async def notes_edited_server(notes_edited: Copy) -> AsyncIterator[Running]:
    async with running("--log-format", "text", cwd=notes_edited.root) as server:
        yield server


Connect = Callable[[Running, str | None], Awaitable[Recorder]]


@pytest.fixture
async def client() -> AsyncIterator[Connect]:
    """Opens python-socketio clients (token None: no auth at all); every one is closed after the test."""
    opened: list[Recorder] = []

    async def open_client(server: Running, token: str | None) -> Recorder:
        recorder = await connect(server, token)
        opened.append(recorder)
        return recorder

    yield open_client
    for recorder in opened:
        await recorder.sio.disconnect()


async def listening(server: Running, token: str | None) -> None:
    """A client in and out, retried until the server listens: a test whose first client must not be retried (a
    refused handshake, the Node client) does not race the server's start."""
    probe = await connect(server, token)
    await probe.sio.disconnect()


async def call(client: Recorder, event: str, payload: Any) -> Any:
    """Emit with an ack callback; the ack."""
    return await client.sio.call(event, payload, timeout=5)


async def arrival(client: Recorder, event: str) -> tuple[Any, ...]:
    """The arguments of the first EVENT the client received, waiting for it (bounded)."""
    await client.until(lambda: event in client.names(), 10, f"no {event}")
    return next(args for name, args in client.arguments if name == event)


def problem(code: str, ack: Any) -> dict[str, Any]:
    """The auction's refusal: `{ok: false, error: Problem}` with exactly Problem's fields, or the Problem itself."""
    error = ack["error"] if "ok" in ack else ack
    if "ok" in ack:
        assert set(ack) == {"ok", "error"} and ack["ok"] is False, ack
    assert set(error) in (PROBLEM_KEYS, PROBLEM_KEYS - {"details"}), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert TRACE_ID.match(error["traceId"]), error
    return dict(error)


def builtin_error(code: str, ack: Any) -> dict[str, Any]:
    """A refusal in the built-in Error shape (generator/conventions.py) of a catalog that declares no error type:
    `{ok: false, error: {code, message, details?}}`."""
    assert set(ack) == {"ok", "error"} and ack["ok"] is False, ack
    error = ack["error"]
    assert set(error) in ({"code", "message", "details"}, {"code", "message"}), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    return dict(error)


def accepted_bid(ack: Any, amount: float) -> str:
    """The BidAccepted branch of BidOutcome; its bid id."""
    assert set(ack) == {"ok", "bidId", "amount"} and ack["ok"] is True and ack["amount"] == amount, ack
    assert re.fullmatch(r"bid_\d+", ack["bidId"]), ack
    return str(ack["bidId"])


# -- the outputs type-check as an app uses them --------------------------------------------------------------------


@pytest.mark.parametrize("project", ["auction", "notes", "notes_edited"])
def test_generated_package_and_app_pass_mypy_strict(project: str, request: pytest.FixtureRequest) -> None:
    """One mypy --strict run over the generated package and the app module, the way the team type-checks it."""
    copy: Copy = request.getfixturevalue(project)
    sources = [*(copy.root / "generated" / "python" / copy.package).glob("*.py")]
    sources += (copy.root / copy.app_package).glob("*.py")
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--config-file",
        str(ROOT / "pyproject.toml"),
    ]
    command += ["-p", copy.package, "-p", copy.app_package]
    env = {**os.environ, "MYPYPATH": os.pathsep.join([str(copy.root / "generated" / "python"), str(copy.root)])}
    done = subprocess.run(command, cwd=copy.root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == f"Success: no issues found in {len(sources)} source files", done.stdout


AUCTION_TS = """\
import { io, type Socket } from "socket.io-client";
import type { BidPlacedPayload, ClientToServerEvents, ProblemCode, ServerToClientEvents } from "live-auction";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://127.0.0.1:7001", {
  auth: { token: "<jwt>" },
});

socket.emit("bid:place", { auctionId: "auc_7f3", amount: 125 }, (response) => {
  if (response.ok === false) {
    const code: ProblemCode = response.error.code;
    const trace: string = response.error.traceId;
    // @ts-expect-error Problem has a traceId, not the built-in Error's timestamp
    const stamp: string = response.error.timestamp;
    console.log(code === "BID_TOO_LOW", trace, stamp);
  } else if ("bidId" in response) {
    const bid: string = response.bidId;
    console.log(bid, response.amount);
  } else {
    const behind: number = response.queuedBehind;
    console.log(behind);
  }
});
socket.emit("auction:watch", { auctionId: "auc_7f3" }, (response) => {
  if (response.ok === false) {
    console.log(response.error.code, response.error.traceId);
  } else {
    console.log(response.currentPrice);
  }
});
socket.on("bid:placed", (payload: BidPlacedPayload) => console.log(payload.bidder, payload.placedAt));
socket.on("session:closing", (payload) => {
  const at: number = payload.at;
  console.log(payload.reason === "server_shutdown", at);
});
socket.on("auction:problem", (payload) => console.log(payload.code, payload.traceId));
// @ts-expect-error bid:place is a client-to-server event
socket.on("bid:place", () => undefined);
"""

NOTES_TS = """\
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ErrorCode, ServerToClientEvents } from "team-notes";

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://127.0.0.1:7002");

socket.emit("addNote", { boardId: "retro-42", text: "More tests", color: "pink" }, (response) => {
  if (response.ok === false) {
    const code: ErrorCode = response.error.code;
    const details: unknown = response.error.details;
    // @ts-expect-error the built-in Error has no traceId (nor a timestamp)
    console.log(code === "VALIDATION_ERROR", details, response.error.traceId);
  } else {
    const id: string = response.noteId;
    console.log(id);
  }
});
socket.emit("openBoard", { boardId: "retro-42" }, (response) => {
  if (response.ok === false) {
    console.log(response.error.code);
  } else {
    console.log(response.notes.map((note) => note.color));
  }
});
socket.on("noteAdded", (payload) => console.log(payload.boardId, payload.note.text));
socket.on("boardsReset", (payload) => console.log(payload.resetBy));
// @ts-expect-error a code of another catalog
const code: ErrorCode = "BID_TOO_LOW";
console.log(code);
"""


@pytest.mark.parametrize(("project", "client_ts"), [("auction", AUCTION_TS), ("notes", NOTES_TS)])
def test_generated_ts_compiles_strict_with_a_typed_client(
    project: str, client_ts: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """tsc --strict over the generated package (installed by name, as a frontend installs it) and a client that
    emits with an ack and narrows the refusal to the catalog's error type."""
    node_or_skip()
    assert TSC.is_file(), f"{TSC} is missing: run `npm ci` in tests/ts"
    copy: Copy = request.getfixturevalue(project)
    ts = copy.root / "generated" / "ts"
    name = json.loads((ts / "package.json").read_text(encoding="utf-8"))["name"]
    app = TsProject(tmp_path, package=ts, package_name=name)
    app.write("client.ts", client_ts)
    compiled = app.tsc("client.ts")
    assert compiled.returncode == 0 and not compiled.diagnostics, compiled.report()


# -- the auction, served: python-socketio --------------------------------------------------------------------------


async def test_watch_answers_the_current_price(auction_server: Running, idp: Issuer, client: Connect) -> None:
    ann = await client(auction_server, bidder_token(idp, "bidder_ann"))
    ack = await call(ann, "auction:watch", {"auctionId": "auc_watch"})
    assert ack == {"ok": True, "auctionId": "auc_watch", "currentPrice": 100}


async def test_a_bid_is_announced_to_the_auctions_room_with_a_replay_offset(
    auction_server: Running, idp: Issuer, client: Connect
) -> None:
    ann = await client(auction_server, bidder_token(idp, "bidder_ann"))
    bob = await client(auction_server, bidder_token(idp, "bidder_bob"))
    carl = await client(auction_server, bidder_token(idp, "bidder_carl"))
    for watcher in (ann, bob):
        assert (await call(watcher, "auction:watch", {"auctionId": "auc_room"}))["ok"] is True
    assert (await call(carl, "auction:watch", {"auctionId": "auc_elsewhere"}))["ok"] is True

    bid = accepted_bid(await call(ann, "bid:place", {"auctionId": "auc_room", "amount": 125}), 125)
    payload, offset = await arrival(bob, "bid:placed")  # the catalog has recovery: one more argument
    placed_at = payload.pop("placedAt")
    assert payload == {"auctionId": "auc_room", "bidId": bid, "amount": 125, "bidder": "bidder_ann"}
    assert ISO_UTC.match(placed_at), placed_at
    assert isinstance(offset, str) and offset, offset
    await arrival(ann, "bid:placed")
    await call(carl, "auction:watch", {"auctionId": "auc_elsewhere"})  # after bid:placed, had it been sent
    assert "bid:placed" not in carl.names(), carl.received


async def test_a_low_bid_is_refused_in_the_catalogs_problem_shape(
    auction_server: Running, idp: Issuer, client: Connect
) -> None:
    ann = await client(auction_server, bidder_token(idp, "bidder_ann"))
    error = problem("BID_TOO_LOW", await call(ann, "bid:place", {"auctionId": "auc_low", "amount": 50}))
    assert (error["message"], error["details"]) == ("the bid must be above 100", {"currentPrice": 100})


async def test_without_an_ack_the_refusal_is_the_catalogs_error_event(
    auction_server: Running, idp: Issuer, client: Connect
) -> None:
    ann = await client(auction_server, bidder_token(idp, "bidder_ann"))
    await ann.sio.emit("bid:place", {"auctionId": "auc_noack", "amount": 50})
    (payload,) = await arrival(ann, "auction:problem")  # sent to one connection: no replay offset
    error = problem("BID_TOO_LOW", payload)
    assert (error["message"], error["details"]) == ("the bid must be above 100", {"currentPrice": 100})
    assert ann.names() == ["auction:problem"], ann.received


async def test_an_invalid_payload_is_a_validation_error_in_the_problem_shape(
    auction_server: Running, idp: Issuer, client: Connect
) -> None:
    ann = await client(auction_server, bidder_token(idp, "bidder_ann"))
    error = problem("VALIDATION_ERROR", await call(ann, "bid:place", {"auctionId": "auc_bad", "amount": "x"}))
    assert [p["path"] for p in error["details"]["errors"]] == ["amount"], error


async def test_the_outbid_bidder_is_told_in_its_own_room(auction_server: Running, idp: Issuer, client: Connect) -> None:
    ann = await client(auction_server, bidder_token(idp, "bidder_ann"))
    bob = await client(auction_server, bidder_token(idp, "bidder_bob"))
    accepted_bid(await call(ann, "bid:place", {"auctionId": "auc_outbid", "amount": 200}), 200)
    accepted_bid(await call(bob, "bid:place", {"auctionId": "auc_outbid", "amount": 210}), 210)
    payload, _offset = await arrival(ann, "bid:outbid")
    assert payload == {"auctionId": "auc_outbid", "amount": 210}
    # bob's ack left after the outbid notice (the handler sends it first): had bob been told, he would know by now.
    assert "bid:outbid" not in bob.names(), bob.received


async def test_bids_over_the_catalogs_rate_are_refused_rate_limited(
    auction_server: Running, idp: Issuer, client: Connect
) -> None:
    """bid:place allows 2/s: a bucket of 2, refilled at 2 a second. Six bids sent one after the other: the first
    two pass, the rest are refused unless a token came back meanwhile (the clock runs: not an exact count)."""
    ann = await client(auction_server, bidder_token(idp, "bidder_ann"))
    acks = [await call(ann, "bid:place", {"auctionId": "auc_rate", "amount": 300 + i}) for i in range(6)]
    accepted_bid(acks[0], 300)
    accepted_bid(acks[1], 301)
    refused = [ack for ack in acks[2:] if ack["ok"] is False]
    assert refused, acks
    for ack in refused:
        error = problem("RATE_LIMITED", ack)
        details = error["details"]
        assert details.pop("retryAfterMs") > 0, details
        assert details == {"event": "bid:place", "scope": "event", "limit": "2/s"}, details
    for ack in acks[2:]:
        if ack["ok"] is True:
            assert set(ack) == {"ok", "bidId", "amount"}, ack


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("no token", "AUTH_REQUIRED"),
        ("forged: another key, same kid", "AUTH_INVALID"),
        ("the catalog's issuer, not the one served", "AUTH_INVALID"),
        ("expired", "TOKEN_EXPIRED"),
        ("sub is not a bidder id", "AUTH_INVALID"),
    ],
)
async def test_refused_handshakes_carry_the_problem_shape(
    case: str, code: str, auction_server: Running, idp: Issuer
) -> None:
    token = {
        "no token": None,
        "forged: another key, same kid": bidder_token(idp, "bidder_ann", key="stranger"),
        "the catalog's issuer, not the one served": bidder_token(idp, "bidder_ann", iss=CATALOG_ISSUER),
        "expired": bidder_token(idp, "bidder_ann", expires_in=-60),
        "sub is not a bidder id": bidder_token(idp, "user_456"),
    }[case]
    await listening(auction_server, bidder_token(idp, "bidder_probe"))
    error = await refusal(auction_server, token, via_query=False)
    assert set(error) == {"message", "data"} and error["message"] == code, error
    assert set(problem(code, error["data"])) == {"code", "message", "traceId"}, error


async def test_sigterm_tells_every_client_session_closing_first(auction: Copy, idp: Issuer) -> None:
    async with running(*jwks_args(idp), cwd=auction.root) as server:
        clients = [await connect(server, bidder_token(idp, who)) for who in ("bidder_ann", "bidder_bob")]
        try:
            before = int(time.time() * 1000)
            status = await server.stop()
            after = int(time.time() * 1000)
            for each in clients:
                await each.until(lambda each=each: DISCONNECT in each.names(), 10, "the connection did not close")
                assert each.names() == ["session:closing", DISCONNECT], each.received
                (goodbye,) = each.arguments[0][1]
                assert set(goodbye) == {"reason", "at"} and goodbye["reason"] == "server_shutdown", goodbye
                assert isinstance(goodbye["at"], int) and before <= goodbye["at"] <= after, (before, goodbye, after)
            assert status == 0, f"exit status {status}\n{server.log()}"
            assert "Traceback" not in server.log(), server.log()
        finally:
            for each in clients:
                await each.sio.disconnect()


# -- the auction, served: the Node client --------------------------------------------------------------------------


async def node_steps(server: Running, token: str | None, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """tests/ts/catalog-client.mjs against the server: its JSON lines, after the `connected` one."""
    status, lines, stderr = await run_script(server.url, token or "-", json.dumps(steps), script=NODE_CLIENT)
    assert status == 0, (status, lines, stderr, server.log())
    assert lines[0] == {"step": "connected"}, lines
    assert [line["step"] for line in lines[1:]] == list(range(len(steps))), lines
    return lines[1:]


async def test_node_client_watches_bids_and_is_refused_bid_too_low(auction_server: Running, idp: Issuer) -> None:
    await listening(auction_server, bidder_token(idp, "bidder_probe"))
    watch, bid, placed, low = await node_steps(
        auction_server,
        bidder_token(idp, "bidder_node"),
        [
            {"emit": "auction:watch", "payload": {"auctionId": "auc_node"}},
            {"emit": "bid:place", "payload": {"auctionId": "auc_node", "amount": 150}},
            {"wait": "bid:placed"},
            {"emit": "bid:place", "payload": {"auctionId": "auc_node", "amount": 50}},
        ],
    )
    assert watch["ack"] == {"ok": True, "auctionId": "auc_node", "currentPrice": 100}, watch
    bid_id = accepted_bid(bid["ack"], 150)
    assert {k: v for k, v in placed["payload"].items() if k != "placedAt"} == {
        "auctionId": "auc_node",
        "bidId": bid_id,
        "amount": 150,
        "bidder": "bidder_node",
    }, placed
    error = problem("BID_TOO_LOW", low["ack"])
    assert (error["message"], error["details"]) == ("the bid must be above 150", {"currentPrice": 150})


async def test_node_client_refused_handshake_is_the_problem(auction_server: Running, idp: Issuer) -> None:
    await listening(auction_server, bidder_token(idp, "bidder_probe"))
    status, lines, stderr = await run_script(auction_server.url, "-", "[]", script=NODE_CLIENT)
    assert status == 0, (status, lines, stderr)
    [refused] = lines
    assert refused["step"] == "refused" and refused["message"] == "AUTH_REQUIRED", refused
    problem("AUTH_REQUIRED", refused["data"])


# -- the notes, served as scaffolded -------------------------------------------------------------------------------


SCAFFOLDED_NOTES = [{"noteId": "n1", "text": "Ship it", "color": "yellow"}]


async def test_notes_needs_no_token_and_answers_from_the_scaffolded_examples(
    notes_server: Running, client: Connect
) -> None:
    anyone = await client(notes_server, None)
    opened = await call(anyone, "openBoard", {"boardId": "retro-1"})
    assert opened == {"ok": True, "boardId": "retro-1", "notes": SCAFFOLDED_NOTES}
    added = await call(anyone, "addNote", {"boardId": "retro-1", "text": "More tests", "color": "pink"})
    assert added == {"ok": True, "noteId": "n2"}


async def test_an_invalid_note_is_refused_in_the_builtin_error_shape(notes_server: Running, client: Connect) -> None:
    anyone = await client(notes_server, None)
    error = builtin_error("VALIDATION_ERROR", await call(anyone, "addNote", {"boardId": "retro-1", "text": ""}))
    assert [p["path"] for p in error["details"]["errors"]] == ["text"], error


async def test_without_an_ack_a_refusal_sends_nothing_and_the_connection_stays(
    notes_server: Running, client: Connect
) -> None:
    """The catalog declares no error event: a refused event without an ack callback is only logged."""
    anyone = await client(notes_server, None)
    await anyone.sio.emit("addNote", {"boardId": "retro-1", "text": ""})
    opened = await call(anyone, "openBoard", {"boardId": "retro-2"})  # answered after the refusal was handled
    assert opened == {"ok": True, "boardId": "retro-2", "notes": SCAFFOLDED_NOTES}
    assert anyone.received == [] and anyone.sio.connected
    assert "refusal not sent: the catalog has no error event" in notes_server.log()


async def test_notes_over_the_catalogs_rate_are_refused_rate_limited(notes_server: Running, client: Connect) -> None:
    """addNote allows 3/s: the first three of six pass, the rest are refused unless a token came back meanwhile."""
    anyone = await client(notes_server, None)
    acks = [await call(anyone, "addNote", {"boardId": "retro-1", "text": f"note {i}"}) for i in range(6)]
    assert acks[:3] == [{"ok": True, "noteId": "n2"}] * 3, acks
    refused = [ack for ack in acks[3:] if ack != {"ok": True, "noteId": "n2"}]
    assert refused, acks
    for ack in refused:
        details = builtin_error("RATE_LIMITED", ack)["details"]
        assert details.pop("retryAfterMs") > 0, details
        assert details == {"event": "addNote", "scope": "event", "limit": "3/s"}, details


# -- the notes, after the team's edit ------------------------------------------------------------------------------


async def test_an_added_note_reaches_its_board_only_without_a_replay_offset(
    notes_edited_server: Running, client: Connect
) -> None:
    ann, bob, carl = [await client(notes_edited_server, None) for _ in range(3)]
    for member in (ann, bob):
        assert (await call(member, "openBoard", {"boardId": "plan-a"}))["ok"] is True
    assert (await call(carl, "openBoard", {"boardId": "plan-b"}))["ok"] is True

    added = await call(ann, "addNote", {"boardId": "plan-a", "text": "hello", "color": "blue"})
    assert set(added) == {"ok", "noteId"} and added["ok"] is True, added
    note = {"noteId": added["noteId"], "text": "hello", "color": "blue"}
    # No recovery in this catalog: exactly one argument after the event name.
    assert await arrival(bob, "noteAdded") == ({"boardId": "plan-a", "note": note},)
    assert await arrival(ann, "noteAdded") == ({"boardId": "plan-a", "note": note},)
    await call(carl, "openBoard", {"boardId": "plan-b"})  # after noteAdded, had it been sent
    assert carl.received == [], carl.received


async def test_node_client_adds_a_note_and_sees_it_arrive(notes_edited_server: Running, client: Connect) -> None:
    await listening(notes_edited_server, None)
    opened, added, arrived = await node_steps(
        notes_edited_server,
        None,
        [
            {"emit": "openBoard", "payload": {"boardId": "node-1"}},
            {"emit": "addNote", "payload": {"boardId": "node-1", "text": "from node"}},
            {"wait": "noteAdded"},
        ],
    )
    assert opened["ack"] == {"ok": True, "boardId": "node-1", "notes": SCAFFOLDED_NOTES}, opened
    note_id = added["ack"]["noteId"]
    assert added["ack"] == {"ok": True, "noteId": note_id}, added
    assert arrived["payload"] == {
        "boardId": "node-1",
        "note": {"noteId": note_id, "text": "from node", "color": "yellow"},
    }


# -- --mock: each catalog with no app code at all ------------------------------------------------------------------


async def test_notes_mock_answers_from_the_examples_and_publishes_them(tmp_path: Path, client: Connect) -> None:
    bare = generated_copy(tmp_path, "notes", app=False)
    assert not (bare.root / "notes_app").exists()
    async with running("--mock", "--demo-interval", "0.2", "--log-format", "text", cwd=bare.root) as server:
        board = await client(server, None)
        other = await client(server, None)
        opened = await call(board, "openBoard", {"boardId": "retro-42"})
        assert opened == {"ok": True, "boardId": "retro-42", "notes": SCAFFOLDED_NOTES}
        assert await call(board, "addNote", {"boardId": "retro-42", "text": "x"}) == {"ok": True, "noteId": "n2"}
        example = {"boardId": "retro-42", "note": {"noteId": "n2", "text": "More tests", "color": "pink"}}
        assert await arrival(board, "noteAdded") == (example,)
        for each in (board, other):
            assert await arrival(each, "boardsReset") == ({"resetBy": "ops"},)
        builtin_error("VALIDATION_ERROR", await call(other, "addNote", {"boardId": "retro-42", "text": ""}))


async def test_auction_mock_with_the_demo_token_answers_and_publishes_the_examples(
    tmp_path: Path, client: Connect
) -> None:
    """`--mock --demo`: the printed token (a development key's) is for an example bidder and is accepted."""
    bare = generated_copy(tmp_path, "auction", app=False)
    assert not (bare.root / "auction_app").exists()
    async with running("--mock", "--demo", "--demo-interval", "0.2", "--log-format", "text", cwd=bare.root) as server:
        token = await server.banner_token()
        assert jwt.decode(token, options={"verify_signature": False})["sub"] == "bidder_ann"
        ann = await client(server, token)
        watched = await call(ann, "auction:watch", {"auctionId": "auc_7f3"})
        assert watched == {"ok": True, "auctionId": "auc_7f3", "currentPrice": 120}
        bid = await call(ann, "bid:place", {"auctionId": "auc_7f3", "amount": 130})
        assert bid == {"ok": True, "bidId": "bid_91", "amount": 130}
        problem("VALIDATION_ERROR", await call(ann, "bid:place", {"auctionId": "auc_7f3", "amount": 0}))
        placed, _offset = await arrival(ann, "bid:placed")
        assert placed == {
            "auctionId": "auc_7f3",
            "bidId": "bid_91",
            "amount": 125,
            "bidder": "bidder_ann",
            "placedAt": "2026-11-30T18:00:00Z",
        }
        assert (await arrival(ann, "bid:outbid"))[0] == {"auctionId": "auc_7f3", "amount": 130}
        closed = {"auctionId": "auc_7f3", "finalAmount": 130, "winner": "bidder_bob"}
        assert (await arrival(ann, "auction:closed"))[0] == closed
        assert "auction:problem" not in ann.names() and "session:closing" not in ann.names(), ann.received
        assert await server.stop() == 0
        await ann.until(lambda: DISCONNECT in ann.names(), 10, "the connection did not close")
        closing = [payload for name, payload in ann.received if name == "session:closing"]
        assert [c["reason"] for c in closing] == ["server_shutdown"], ann.received
