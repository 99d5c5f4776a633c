"""The runtime serves any catalog: `--mock` (handlers from the catalog alone, acks from its examples), the example
traffic of `--mock`/`--demo`, `--app` with the package found from the handler class, `python -m eventcat_runtime
serve` as a process, and the compiler's `eventcat serve` as a thin wrapper that imports the runtime only when run.
Catalogs: the golden case full_features (package full_demo) and the hand-built desk (tests/desk.py).
"""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
import textwrap
from importlib.metadata import metadata
from pathlib import Path
from typing import Any

import jwt
import pytest
from eventcat_runtime import mock
from eventcat_runtime.cli import package_of

from . import desk
from .conftest import ROOT, run_cli
from .live import live_settings, serve_app, unique_user
from .test_serve_cli import clean_env, connect, running

pytestmark = pytest.mark.timeout(90)

FULL_DEMO_PARENT = ROOT / "tests" / "cases" / "full_features" / "expected" / "python"


def full_demo() -> Any:
    if str(FULL_DEMO_PARENT) not in sys.path:
        sys.path.insert(0, str(FULL_DEMO_PARENT))
    return importlib.import_module("full_demo")


# -- mock handlers and example traffic, in process -----------------------------------------------------------------


async def test_mock_answers_acks_from_the_examples_and_enters_the_declared_rooms() -> None:
    package = full_demo()
    ack_example = importlib.import_module("full_demo.examples").ACK_EXAMPLES["open_ticket"][0]
    async with serve_app(package, None, live_settings(mock=True, demo_interval=30)) as live:
        user = f"u_{unique_user('x').replace('_', '')}"
        client = await live.connect(user, wait_connected=False)
        ack = await client.call("open_ticket", {"userId": user, "priority": "low", "subject": "probe"})
        assert ack == ack_example, ack
        refused = await client.call("open_ticket", {"userId": user, "priority": "urgent?", "subject": "x"})
        assert refused["ok"] is False and refused["error"]["code"] == "VALIDATION_ERROR", refused
        forbidden = await client.call("open_ticket", {"userId": "u_other", "priority": "low", "subject": "x"})
        assert forbidden["error"]["code"] == "FORBIDDEN", forbidden  # the catalog's `caller` field, checked


async def test_mock_fills_the_ack_with_the_request_and_enters_rooms() -> None:
    """desk's note:add `enters` the desk room: after the mock's ack the client gets what goes to that room."""
    async with serve_app(desk.package(), None, live_settings(mock=True, demo_interval=30)) as live:
        client = await live.connect(unique_user(), wait_connected=False)
        assert await client.call("note:add", {"text": "hi"}) == {"ok": True, "id": "n_1"}
        assert "desk" in live.app.server.connections[client.sid].holds
        await live.events.note_added({"id": "n_9", "text": "to the room"})
        assert await client.wait_for("note:added") == [{"id": "n_9", "text": "to the room"}]


def test_mock_ack_takes_request_values_when_they_fit() -> None:
    spec = desk.REGISTRY.events["note:add"]
    assert mock.mock_ack(spec, {"note:add": ({"ok": True, "id": "n_1"},)}, {"id": "n_7"}) == {"ok": True, "id": "n_7"}
    assert mock.mock_ack(spec, {"note:add": ({"ok": True, "id": "n_1"},)}, {"id": 7}) == {"ok": True, "id": "n_1"}


async def test_example_traffic_reaches_every_connection() -> None:
    package = full_demo()
    async with serve_app(package, None, live_settings(mock=True, demo_interval=0.05)) as live:
        client = await live.connect(f"u_{unique_user('y').replace('_', '')}", wait_connected=False)
        [update] = (await client.wait_for("ticket_updated"))[:1]
        package.REGISTRY.events["ticket_updated"].model.model_validate(update)


def test_traffic_leaves_out_what_the_runtime_and_replies_send() -> None:
    traffic = mock.Traffic.of(desk.package())
    assert {e.event for e in traffic.emits} == {"note:added"}
    assert traffic.rooms() == ["desk"]


def test_demo_user_from_the_examples() -> None:
    assert mock.Traffic.of(full_demo()).user == "u_1"
    assert mock.Traffic.of(importlib.import_module("rez_realtime")).user == "user_456"


def test_demo_user_is_a_valid_user_id_of_the_catalog() -> None:
    """The demo's token must pass its own server's user-id check: with a room `bidder:{bidderId}` whose examples
    name the bidder in another field (`bidder: bidder_ann`), the user is that value, not `demo_user` (which the
    BidderId pattern refuses at connect)."""
    from eventcat_runtime.registry import AuthSpec, Binding, RoomTarget

    join = RoomTarget("bidder", (Binding("bidderId", "user"),))
    auth = AuthSpec(user_claim="sub", join=join, user_schema={"type": "string", "pattern": "^bidder_[a-z0-9]+$"})
    examples = {"bid:placed": ({"auctionId": "auc_7f3", "amount": 125, "bidder": "bidder_ann"},)}
    assert mock.demo_user(desk.registry(auth=auth), examples) == "bidder_ann"
    assert mock.demo_user(desk.registry(auth=auth), {"x": ({"bidderId": "bidder_bob"},), **examples}) == "bidder_bob"
    assert mock.demo_user(desk.registry(auth=AuthSpec(join=join)), examples) == mock.FALLBACK_USER


# -- the app and its package ---------------------------------------------------------------------------------------


def test_package_found_from_the_handler_class_or_the_factory() -> None:
    from server_stub.app import create
    from server_stub.handlers import RezHandlers

    assert package_of(RezHandlers) == "rez_realtime"
    assert package_of(create) == "rez_realtime"  # from its return annotation
    assert package_of(lambda events: None) is None


APP_SOURCE = """
    from full_demo import EventHandlers


    class Handlers(EventHandlers):
        async def on_open_ticket(self, payload, ctx):
            return {"ok": True, "ticketId": "0f8fad5b-d9cb-469f-a165-70867728950e", "state": "open"}
"""


async def test_runtime_cli_serves_an_app_from_app_dir(tmp_path: Path) -> None:
    """`python -m eventcat_runtime serve --app-dir DIR --app MODULE:ATTR`: the package (full_demo) is found from
    the handler class; the demo token is for the catalog's example user, in its own claim."""
    (tmp_path / "ticketapp.py").write_text(textwrap.dedent(APP_SOURCE), encoding="utf-8")
    env = clean_env(PYTHONPATH=str(FULL_DEMO_PARENT))
    command = (sys.executable, "-m", "eventcat_runtime", "serve")
    args = ("--app-dir", str(tmp_path), "--app", "ticketapp:Handlers", "--demo", "--log-format", "text")
    async with running(*args, env=env, command=command) as server:
        token = await server.banner_token()
        assert "eventcat demo: full-demo" in "\n".join(server.stdout_lines)
        assert jwt.decode(token, options={"verify_signature": False})["userId"] == "u_1"
        client = await connect(server, token)
        try:
            ack = await client.sio.call("open_ticket", {"userId": "u_1", "priority": "low", "subject": "s"}, timeout=5)
            assert ack["ok"] is True and ack["state"] == "open", ack
            await client.until(lambda: "ticket_updated" in client.names(), 10, "no example traffic")
        finally:
            await client.sio.disconnect()
        assert await server.stop() in (0, -15), server.log()


async def test_eventcat_serve_mock_runs_any_catalog() -> None:
    """The compiler's `eventcat serve --mock --package NAME`: no app at all."""
    env = clean_env(PYTHONPATH=str(FULL_DEMO_PARENT))
    async with running("--mock", "--demo", "--package", "full_demo", "--log-format", "text", env=env) as server:
        token = await server.banner_token()
        assert "eventcat mock: full-demo" in "\n".join(server.stdout_lines)
        client = await connect(server, token)
        try:
            ack = await client.sio.call("open_ticket", {"userId": "u_1", "priority": "low", "subject": "s"}, timeout=5)
            assert ack["ok"] is True, ack
        finally:
            await client.sio.disconnect()


def test_the_banner_names_an_extra_python_socketio_has() -> None:
    """pip before 23.3 (the one Python 3.11's venv installs) does not normalise extras: it knows `asyncio-client`,
    not `asyncio_client`."""
    named = re.findall(r"python-socketio\[([^\]]+)\]", inspect.getsource(mock.banner))
    assert named and set(named) <= set(metadata("python-socketio").get_all("Provides-Extra") or []), named


def test_runtime_cli_usage_errors() -> None:
    def serve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "eventcat_runtime", "serve", *args],
            env=clean_env(PYTHONPATH=str(FULL_DEMO_PARENT)),
            capture_output=True,
            text=True,
            timeout=30,
        )

    no_app = serve()
    assert no_app.returncode == 2 and "--app MODULE:ATTR" in no_app.stderr, no_app.stderr
    not_on_path = serve("--app", "nowhere_app.handlers:create", "--demo")
    assert not_on_path.returncode == 2 and "--app-dir DIR puts the folder" in not_on_path.stderr, not_on_path.stderr
    bad = serve("--app", "nothing")
    assert bad.returncode == 2 and "MODULE:ATTR" in bad.stderr, bad.stderr
    no_package = serve("--app", "json:dumps")
    assert no_package.returncode == 2 and "--package" in no_package.stderr, no_package.stderr
    not_generated = serve("--mock", "--package", "json")
    assert not_generated.returncode == 2 and "not a generated eventcat package" in not_generated.stderr
    keyless = serve("--mock", "--package", "full_demo")
    assert keyless.returncode == 2 and "JWT_SECRET" in keyless.stderr, keyless.stderr
    not_handlers = serve("--app", "builtins:str", "--package", "full_demo", "--demo")
    assert not_handlers.returncode == 2 and "not the package's EventHandlers" in not_handlers.stderr
    other = serve("--app", "server_stub.app:create", "--package", "full_demo", "--demo")
    assert other.returncode == 2 and "not written on full_demo.EventHandlers" in other.stderr, other.stderr
    missing = serve("--app", "full_demo:EventHandlers", "--demo")  # abstract: no on_open_ticket
    assert missing.returncode == 2 and "EventHandlers has no on_open_ticket" in missing.stderr, missing.stderr


def test_a_factory_of_handlers_behind_the_catalog_says_what_to_run(tmp_path: Path) -> None:
    """After a catalog change adds an event, the app's factory returns a class with an abstract method: the refusal
    names it and the command that lists the drift, not Python's "Can't instantiate abstract class"."""
    (tmp_path / "behind.py").write_text(
        "from full_demo import EventHandlers, Events\n\n\nclass Behind(EventHandlers):\n    pass\n\n\n"
        "def create(events: Events) -> Behind:\n    return Behind(events)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "eventcat_runtime", "serve", "--app-dir", str(tmp_path), "--app", "behind:create"]
        + ["--demo"],
        env=clean_env(PYTHONPATH=str(FULL_DEMO_PARENT)),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2, done.stderr
    assert "Behind has no on_open_ticket" in done.stderr and "eventcat scaffold --check" in done.stderr, done.stderr


# -- the compiler's wrapper ----------------------------------------------------------------------------------------


def test_the_compiler_imports_no_runtime_and_no_app() -> None:
    code = (
        "import sys, generator.cli; "
        "layers = ('eventcat_runtime', 'server_stub', 'rez_realtime'); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in layers); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_eventcat_serve_without_the_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.cli

    monkeypatch.setattr(generator.cli, "RUNTIME_CLI", "eventcat_runtime_not_installed")
    result = run_cli("serve", "--demo")
    assert result.exit_code == 2 and "pip install eventcat-runtime" in result.stderr, result.stderr


def test_this_repos_project_serves_rez_and_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    """`eventcat serve` in this repo: [tool.eventcat] names REZ's app and [tool.eventcat.serve] the Admin UI's
    files; the package comes from the catalog. Given flags win; --mock drops the app."""
    from generator.cli import serve_arguments

    monkeypatch.chdir(ROOT)
    args = serve_arguments(("--demo",))
    assert args[:5] == ["--demo", "--app", "server_stub.app:create", "--package", "rez_realtime"]
    assert args[args.index("--admin-node-modules") + 1] == str(ROOT / "server_stub" / "admin" / "node_modules")
    assert str(ROOT / "generated" / "python") in args
    own = serve_arguments(("--app", "x:y", "--package", "p", "--admin-node-modules", "/tmp/ui"))
    assert "server_stub.app:create" not in own and "rez_realtime" not in own and "/tmp/ui" in own
    assert "--app" not in serve_arguments(("--mock",))


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
async def test_demo_signs_its_token_with_a_development_key(algorithm: str) -> None:
    """--demo on a catalog of RS*/ES* tokens (here with a JWKS URL nobody serves): a fresh key pair signs the
    printed token, and the demo's verifier accepts it; the catalog's JWKS is not asked."""
    from eventcat_runtime.registry import AuthSpec

    from .test_runtime_auth import JOIN, WhoHandlers

    auth = AuthSpec(join=JOIN, algorithms=(algorithm,), jwks_url="http://127.0.0.1:9/jwks.json")
    registry = desk.registry(auth=auth)
    settings = live_settings(jwt_secret=None, demo=True, demo_interval=30)
    async with serve_app(desk.package(), WhoHandlers, settings, registry=registry) as live:
        assert live.token is not None
        assert jwt.get_unverified_header(live.token)["alg"] == algorithm
        user = jwt.decode(live.token, options={"verify_signature": False})["userId"]
        client = await live.connect(user, token=live.token, wait_connected=False)
        assert await client.call("note:add", {"text": "who"}) == {"ok": True, "id": user}
