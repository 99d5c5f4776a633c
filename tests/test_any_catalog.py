"""Outputs that fit any catalog, not only REZ's: event names in every Socket.IO style, union acks that keep their
name, no REZ text elsewhere, an installable Python package that checks its runtime, and check/generate that leave
what tools and git ignore alone.

The catalogs are the golden cases tests/cases/colon_names (`bid:placed`) and tests/cases/camel_names (`noteAdded`).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from generator import names
from generator.format_schema import format_schema
from generator.outputs import python_package

from .conftest import NODE_DIR, ROOT, node_or_skip, run_cli

CASES = ROOT / "tests" / "cases"
COLON = CASES / "colon_names" / "expected"
CAMEL = CASES / "camel_names" / "expected"
TSC = NODE_DIR / "node_modules" / "typescript" / "bin" / "tsc"


@pytest.fixture
def golden_package(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The generated Python package of a golden case, imported from its expected/ folder."""
    folder: Path = request.param
    package = next(p for p in (folder / "python").iterdir() if (p / "__init__.py").is_file())
    monkeypatch.syspath_prepend(str(package.parent))
    yield importlib.import_module(package.name)
    for key in [k for k in sys.modules if k == package.name or k.startswith(package.name + ".")]:
        del sys.modules[key]


# -- identifiers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire", "ident"),
    [
        ("bid_placed", "bid_placed"),
        ("bid:placed", "bid_placed"),
        ("bidPlaced", "bid_placed"),
        ("auction:bidPlaced", "auction_bid_placed"),
        ("order_status:update", "order_status_update"),
        ("getHTTPStatus", "get_http_status"),
        ("v2Ready", "v2_ready"),
        ("import", "import_"),  # a keyword: events.import_(...)
    ],
)
def test_one_identifier_per_event_name(wire: str, ident: str) -> None:
    assert names.identifier(wire) == ident


def test_type_names_derive_from_the_identifier() -> None:
    assert names.pascal_identifier("bid:placed") == names.pascal_identifier("bidPlaced") == "BidPlaced"


def test_the_format_schema_takes_its_event_name_pattern_from_the_names_module() -> None:
    definitions = format_schema()["definitions"]
    events = definitions["domain"]["properties"]["events"]["propertyNames"]["pattern"]
    steps = definitions["flow"]["properties"]["steps"]["items"]["pattern"]
    assert events == steps == names.EVENT_NAME_PATTERN
    for style in names.STYLES:
        example = {"snake_case": "bid_placed", "camelCase": "bidPlaced", "domain:action": "bid:placed"}[style]
        assert names.style_of(example, style) and re.match(events, example)


# -- wire names stay exact, identifiers everywhere else ------------------------------------------------------------


@pytest.mark.parametrize("golden_package", [COLON], indirect=True)
def test_colon_names_on_the_wire_and_identifiers_in_python(golden_package: ModuleType) -> None:
    registry = golden_package.REGISTRY
    assert {"bid:place", "bid:placed", "auction:watch"} <= set(registry.events)
    assert registry.events["bid:place"].handler == "on_bid_place"
    assert hasattr(golden_package.EventHandlers, "on_auction_watch")
    assert hasattr(golden_package.Events, "bid_placed") and hasattr(golden_package.Events, "auction_closed")
    assert golden_package.models.BidPlacedPayload.__name__ == "BidPlacedPayload"
    examples = importlib.import_module(f"{golden_package.__name__}.examples")
    assert "bid:placed" in examples.EXAMPLES


def test_colon_names_in_schemas_asyncapi_ts_and_docs() -> None:
    schema = json.loads((COLON / "jsonschema" / "bid_placed.json").read_text())
    assert schema["x-event"] == "bid:placed"
    assert (COLON / "jsonschema" / "bid_place.ack.json").is_file()
    bundle = json.loads((COLON / "jsonschema" / "bundle.json").read_text())
    assert "bid:placed" in bundle["x-events"]
    asyncapi = yaml.safe_load((COLON / "asyncapi.yaml").read_text().split("\n", 1)[1])
    assert asyncapi["components"]["messages"]["bid_placed"]["name"] == "bid:placed"
    assert "send_bid_placed" in asyncapi["operations"] and "receive_bid_place" in asyncapi["operations"]
    ts = (COLON / "ts" / "index.d.ts").read_text()
    assert '  "bid:placed": (payload: BidPlacedPayload) => void;' in ts
    assert '"bid:placed"' in (COLON / "ts" / "index.js").read_text()
    assert "## `bid:placed`" in (COLON / "docs" / "bidding.md").read_text()


def test_camel_names_on_the_wire_and_identifiers_in_python() -> None:
    handlers = (CAMEL / "python" / "team_notes" / "handlers.py").read_text()
    assert "async def on_add_note(self, payload: models.AddNotePayload" in handlers
    assert '"noteAdded": EventSpec(' in (CAMEL / "python" / "team_notes" / "registry.py").read_text()
    assert "  noteAdded: (payload: NoteAddedPayload) => void;" in (CAMEL / "ts" / "index.d.ts").read_text()
    assert (CAMEL / "jsonschema" / "note_added.json").is_file()


@pytest.mark.parametrize("case", [COLON, CAMEL], ids=lambda p: p.parent.name)
def test_golden_asyncapi_parses_with_the_official_parser(case: Path) -> None:
    node = node_or_skip()
    proc = subprocess.run(
        [node, "parse-asyncapi.mjs", str(case / "asyncapi.yaml")], cwd=NODE_DIR, capture_output=True, text=True
    )
    report = json.loads(proc.stdout)
    problems = [d for d in report["diagnostics"] if d["severity"] in ("error", "warning")]
    assert proc.returncode == 0 and report["parsed"] and not problems, report["diagnostics"]


_SMOKE = {
    "colon_names": """
import { io, type Socket } from "socket.io-client";
import { rooms, type ServerToClientEvents, type ClientToServerEvents, type BidOutcome } from "live-auction";
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:7001");
socket.on("bid:placed", (bid) => { const amount: number = bid.amount; void amount; });
socket.emit("bid:place", { auctionId: "auc_1", amount: 10 }, (outcome) => {
  if (outcome.ok && "bidId" in outcome) { const id: string = outcome.bidId; void id; }
});
const union: BidOutcome = { ok: true, queuedBehind: 2 };
const room: `auction:${string}` = rooms.auction("auc_1");
void union; void room;
// @ts-expect-error the wire name is exact: the identifier is not an event
socket.emit("bid_place", { auctionId: "auc_1", amount: 10 });
""",
    "camel_names": """
import { io, type Socket } from "socket.io-client";
import type { ServerToClientEvents, ClientToServerEvents } from "team-notes";
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost");
socket.on("noteAdded", (event) => { const text: string = event.note.text; void text; });
socket.emit("addNote", { boardId: "retro-1", text: "hi" }, (ack) => { if (ack.ok) { void ack; } });
""",
}


@pytest.mark.parametrize("case", [COLON, CAMEL], ids=lambda p: p.parent.name)
def test_golden_typescript_compiles_strict(case: Path, tmp_path: Path) -> None:
    """Each golden case's TS package, imported by name as an app would, under tsc --strict."""
    node = node_or_skip()
    package = json.loads((case / "ts" / "package.json").read_text())["name"]
    (tmp_path / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
    app = tmp_path / "app"
    (app / "node_modules").mkdir(parents=True)
    (app / "node_modules" / package).symlink_to(case / "ts", target_is_directory=True)
    (app / "package.json").write_text(json.dumps({"name": "app", "private": True, "type": "module"}))
    (app / "smoke.ts").write_text(_SMOKE[case.parent.name])
    config = {"extends": str(NODE_DIR / "tsconfig.json"), "include": [], "files": ["smoke.ts"]}
    (app / "tsconfig.json").write_text(json.dumps(config))
    proc = subprocess.run(
        [node, str(TSC), "--strict", "--noEmit", "--pretty", "false", "-p", str(app / "tsconfig.json")],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- union acks ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("golden_package", [COLON], indirect=True)
def test_a_union_ack_keeps_its_name_everywhere(golden_package: ModuleType) -> None:
    assert golden_package.REGISTRY.events["bid:place"].ack_model is golden_package.models.BidOutcome
    assert "-> models.BidOutcome:" in (COLON / "python" / "live_auction" / "handlers.py").read_text()
    assert "export type BidOutcome = BidAccepted | BidQueued;" in (COLON / "ts" / "index.d.ts").read_text()
    bundle = json.loads((COLON / "jsonschema" / "bundle.json").read_text())
    assert bundle["$defs"]["BidOutcome"]["title"] == "BidOutcome"
    assert bundle["x-events"]["bid:place"]["ack"] == {"$ref": "#/$defs/BidOutcome"}
    assert "`BidOutcome`" in (COLON / "docs" / "bidding.md").read_text()


@pytest.mark.parametrize("golden_package", [COLON], indirect=True)
async def test_the_runtime_validates_both_branches_of_a_union_ack(golden_package: ModuleType) -> None:
    """Through the real dispatch: a handler answering either branch gets it sent; anything else is refused."""
    from eventcat_runtime import EventContext
    from eventcat_runtime.auth import JwtVerifier
    from eventcat_runtime.handlers import Connection
    from eventcat_runtime.policy import Principal
    from eventcat_runtime.server import EventServer

    models = golden_package.models
    answers: list[Any] = [
        models.BidAccepted(ok=True, bidId="bid_1", amount=125),
        models.BidQueued(ok=True, queuedBehind=2),
        {"ok": True, "queuedBehind": 0},  # below the minimum: the handler's bug, answered as a server failure
    ]

    class Handlers(golden_package.EventHandlers):  # type: ignore[misc,name-defined]
        async def on_auction_watch(self, payload: Any, ctx: EventContext) -> Any:
            raise NotImplementedError

        async def on_auction_unwatch(self, payload: Any, ctx: EventContext) -> None:
            raise NotImplementedError

        async def on_bid_place(self, payload: Any, ctx: EventContext) -> Any:
            return answers.pop(0)

    server = EventServer(golden_package.REGISTRY, verifier=JwtVerifier(secret="s" * 32))
    server.attach(Handlers(golden_package.Events(server)))
    server.connections["sid_1"] = Connection("sid_1", Principal(user_id="bidder_ann"))
    bid = {"auctionId": "auc_7f3", "amount": 125}
    assert await server.dispatch("sid_1", "bid:place", (bid,), True) == [{"ok": True, "bidId": "bid_1", "amount": 125}]
    assert await server.dispatch("sid_1", "bid:place", (bid,), True) == [{"ok": True, "queuedBehind": 2}]
    refused = await server.dispatch("sid_1", "bid:place", (bid,), True)
    assert "INTERNAL_ERROR" in json.dumps(refused)
    with pytest.raises(ValidationError):
        models.BidQueued(ok=True, queuedBehind=0)


# -- no REZ text in other catalogs' outputs ------------------------------------------------------------------------

# Ids and names of REZ's catalog that generic code once wrote into every catalog's outputs.
REZ_TEXT = ("ord_", "order:", "user_456", "REZ", "rez-", "support_ticket", "restoredChannels", "ticketId")


@pytest.mark.parametrize("case", sorted(p.parent for p in CASES.glob("*/expected") if p.is_dir()), ids=lambda p: p.name)
def test_no_rez_text_in_another_catalogs_outputs(case: Path) -> None:
    catalog = (case / "catalog.yaml").read_text()
    leaks = []
    for path in sorted(p for p in (case / "expected").rglob("*") if p.is_file()):
        text = path.read_text()
        leaks += [f"{path.relative_to(case)}: {t}" for t in REZ_TEXT if t in text and t not in catalog]
    assert not leaks, leaks


# -- the generated package is installable and checks its runtime ---------------------------------------------------


def test_the_compiler_knows_the_runtime_version_it_generates_for() -> None:
    """The compiler holds the number as a constant (it imports no runtime); the two must agree."""
    import eventcat_runtime

    assert eventcat_runtime.__version__ == python_package.RUNTIME_VERSION


def test_the_generated_pyproject_names_the_catalog_and_the_runtime_range() -> None:
    project = tomllib.loads((COLON / "python" / "pyproject.toml").read_text())
    major, minor = (int(p) for p in python_package.RUNTIME_VERSION.split(".")[:2])
    assert project["project"]["name"] == "live-auction" and project["project"]["version"] == "0.3.0"
    assert project["project"]["dependencies"] == [f"eventcat-runtime>={major}.{minor},<{major + 1}"]
    assert project["tool"]["setuptools"]["packages"] == ["live_auction"]
    assert project["tool"]["setuptools"]["package-data"] == {"live_auction": ["py.typed"]}
    assert (COLON / "python" / "pyproject.toml").read_text().startswith("# generated from catalog.yaml by eventcat")


def _import_in_subprocess(
    package_dir: Path, name: str, runtime_version: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Import the generated package in a fresh interpreter, with bytecode writing ON (this environment sets
    PYTHONDONTWRITEBYTECODE=1; a user's machine does not), optionally faking the runtime's version first."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(package_dir), str(ROOT)])
    fake = f"import eventcat_runtime; eventcat_runtime.__version__ = {runtime_version!r}; " if runtime_version else ""
    return subprocess.run(
        [sys.executable, "-c", f"{fake}import {name}; print({name}.RUNTIME_REQUIREMENT)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _project(tmp_path: Path) -> Path:
    shutil.copy(CASES / "camel_names" / "catalog.yaml", tmp_path / "catalog.yaml")
    assert run_cli("generate", "--catalog", "catalog.yaml", "--out", "generated", cwd=tmp_path).exit_code == 0
    return tmp_path / "generated"


def test_the_package_refuses_a_runtime_it_was_not_generated_for(tmp_path: Path) -> None:
    out = _project(tmp_path)
    good = _import_in_subprocess(out / "python", "team_notes")
    assert good.returncode == 0, good.stderr
    bad = _import_in_subprocess(out / "python", "team_notes", runtime_version="99.0.0")
    assert bad.returncode != 0 and "ImportError" in bad.stderr
    assert "pip install 'eventcat-runtime>=" in bad.stderr and "99.0.0" in bad.stderr


# -- check and generate leave what tools and git ignore alone ------------------------------------------------------


def test_bytecode_and_tool_files_are_never_drift(tmp_path: Path) -> None:
    out = _project(tmp_path)
    assert _import_in_subprocess(out / "python", "team_notes").returncode == 0
    caches = list((out / "python" / "team_notes" / "__pycache__").glob("*.pyc"))
    assert caches, "importing with bytecode writing on writes __pycache__"
    egg = out / "python" / "team_notes.egg-info"  # what `pip install generated/python` leaves
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Name: team-notes\n")
    (out / "docs" / ".DS_Store").write_bytes(b"\0")
    check = run_cli("check", "--catalog", "catalog.yaml", "--out", "generated", cwd=tmp_path)
    assert check.exit_code == 0, check.stdout + check.stderr
    assert run_cli("generate", "--catalog", "catalog.yaml", "--out", "generated", cwd=tmp_path).exit_code == 0
    assert all(p.is_file() for p in caches) and (egg / "PKG-INFO").is_file() and (out / "docs" / ".DS_Store").is_file()
    # A leftover that is neither an output nor ignored is still stale.
    (out / "docs" / "old.md").write_text("gone\n")
    assert run_cli("check", "--catalog", "catalog.yaml", "--out", "generated", cwd=tmp_path).exit_code == 1


def test_files_git_ignores_are_never_drift(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    out = _project(tmp_path)
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("*.local.md\n")
    (out / "docs" / "notes.local.md").write_text("mine\n")
    check = run_cli("check", "--catalog", "catalog.yaml", "--out", "generated", cwd=tmp_path)
    assert check.exit_code == 0, check.stdout + check.stderr
    assert run_cli("generate", "--catalog", "catalog.yaml", "--out", "generated", cwd=tmp_path).exit_code == 0
    assert (out / "docs" / "notes.local.md").read_text() == "mine\n"
    (out / "docs" / "notes.md").write_text("not ignored\n")
    assert run_cli("check", "--catalog", "catalog.yaml", "--out", "generated", cwd=tmp_path).exit_code == 1
