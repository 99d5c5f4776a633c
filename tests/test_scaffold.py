"""`eventcat scaffold`: a handler module that type-checks and answers from the catalog alone, written once; and
`scaffold --check`, which reports exactly what a catalog change asks of the hand-written module."""

from __future__ import annotations

import asyncio
import importlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.starter import render_starter

from .conftest import CATALOG, ROOT, run_cli

FULL = ROOT / "tests" / "cases" / "full_features" / "catalog.yaml"


def make_project(root: Path, catalog: Path | None, app: str = "app.handlers:create") -> Path:
    """A project around a copy of catalog (the starter's when None), with its Python package generated."""
    (root / "catalog").mkdir(parents=True)
    if catalog is None:
        (root / "catalog" / "events.yaml").write_text(render_starter("chat")["catalog/events.yaml"])
    elif catalog == CATALOG:
        shutil.copytree(CATALOG.parent, root / "catalog", dirs_exist_ok=True)  # with the releases it names
    else:
        shutil.copy(catalog, root / "catalog" / "events.yaml")
    (root / "pyproject.toml").write_text(f'[project]\nname = "t"\n\n[tool.eventcat]\napp = "{app}"\n')
    result = run_cli("generate", "--only", "python", cwd=root)
    assert result.exit_code == 0, result.stderr
    return root


def scaffold(root: Path, *args: str) -> Path:
    result = run_cli("scaffold", *args, cwd=root)
    assert result.exit_code == 0, result.stderr
    return root / "app" / "handlers.py"


def mypy_strict(root: Path, *files: Path) -> None:
    env = {**os.environ, "MYPYPATH": str(root / "generated" / "python")}
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(root / ".mypy")]
    command += ["--config-file", str(ROOT / "pyproject.toml"), *map(str, files)]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def ruff_check(path: Path) -> None:
    from ruff.__main__ import find_ruff_bin

    command = [str(find_ruff_bin()), "check", "--isolated", "--line-length", "120", "--target-version", "py311"]
    command += ["--select", "E,F,W,B,UP,SIM,RUF", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def imported(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Import a scaffolded starter project's handler module (and its generated package `chat`) for one test."""

    def load(root: Path) -> Any:
        for path in (root, root / "generated" / "python"):
            monkeypatch.syspath_prepend(str(path))
        return importlib.import_module("app.handlers")

    yield load
    for key in [k for k in sys.modules if k.split(".")[0] in {"app", "chat"}]:
        del sys.modules[key]


class Ctx:
    """The part of EventContext the scaffolded bodies use."""

    user_id = "user_1"
    sid = "sid_1"

    async def subscribe(self, channel: str) -> list[str]:
        return [f"room-of:{channel}"]

    async def unsubscribe(self, channel: str) -> list[str]:
        return [f"room-of:{channel}"]


@pytest.mark.parametrize("catalog", [CATALOG, FULL, None], ids=["rez", "full_features", "starter"])
def test_scaffold_writes_a_module_that_passes_mypy_strict_and_ruff(tmp_path: Path, catalog: Path | None) -> None:
    root = make_project(tmp_path / "p", catalog)
    handlers = scaffold(root)
    assert (root / "app" / "__init__.py").is_file()
    text = handlers.read_text()
    assert "class Handlers(EventHandlers):" in text and "def create(events: Events) -> Handlers:" in text
    assert "TODO(team)" in text
    mypy_strict(root, handlers)
    ruff_check(handlers)
    check = run_cli("scaffold", "--check", cwd=root)
    assert check.exit_code == 0, check.stdout + check.stderr
    assert "every handler matches" in check.stdout


def test_each_method_answers_with_a_valid_ack_from_the_catalog_alone(tmp_path: Path, imported: Any) -> None:
    root = make_project(tmp_path / "p", None)
    scaffold(root)
    module = imported(root)
    package = importlib.import_module("chat")
    examples = importlib.import_module("chat.examples")
    handlers = module.create(package.Events(object()))
    assert isinstance(handlers, package.EventHandlers)
    answers = {}
    for name, spec in package.REGISTRY.events.items():
        if not spec.inbound:
            continue
        payload = spec.model.model_validate(examples.EXAMPLES[name][0])
        answers[name] = asyncio.run(getattr(handlers, spec.handler)(payload, Ctx()))
        if spec.ack_model is None:
            assert answers[name] is None, name
        else:
            assert isinstance(answers[name], spec.ack_model), name
    # Ack fields the payload has too echo the payload; the rest is the ack example.
    assert answers["chat_join"].model_dump() == {"ok": True, "roomId": "general"}
    assert answers["subscribe"].model_dump() == {"ok": True, "channel": "announcements"}


def test_scaffold_never_overwrites_and_print_writes_to_stdout(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None)
    handlers = scaffold(root)
    handlers.write_text("# mine\n")
    again = run_cli("scaffold", cwd=root)
    assert again.exit_code == 2
    assert "app/handlers.py exists; scaffold never overwrites it" in again.stderr
    assert "eventcat scaffold --check" in again.stderr
    assert handlers.read_text() == "# mine\n"
    printed = run_cli("scaffold", "--print", cwd=root)
    assert printed.exit_code == 0 and "async def on_chat_send(" in printed.stdout
    assert handlers.read_text() == "# mine\n"


def test_scaffold_follows_app_and_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None, app="chat_app.server:ChatHandlers")
    result = run_cli("scaffold", cwd=root)
    assert result.exit_code == 0, result.stderr
    text = (root / "chat_app" / "server.py").read_text()
    assert "class ChatHandlers(EventHandlers):" in text and "def create" not in text
    elsewhere = run_cli("scaffold", "--file", "src/h.py", "--app", "h:make", cwd=root)
    assert elsewhere.exit_code == 0, elsewhere.stderr
    assert "def make(events: Events) -> Handlers:" in (root / "src" / "h.py").read_text()
    assert run_cli("scaffold", "--app", "nope", cwd=root).exit_code == 2


def edit_catalog(root: Path, *replacements: tuple[str, str]) -> None:
    path = root / "catalog" / "events.yaml"
    text = path.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text)


def findings(root: Path) -> list[str]:
    result = run_cli("scaffold", "--check", cwd=root)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "have drifted from catalog/events.yaml" in result.stderr
    return result.stdout.splitlines()


def test_check_reports_an_added_event_a_renamed_payload_and_ack_and_a_removed_event(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None)
    handlers = scaffold(root)
    # The check never imports the app: this module would exit if it did.
    handlers.write_text('raise SystemExit("imported")\n' + handlers.read_text())
    lines = handlers.read_text().splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if text in line)

    edit_catalog(
        root,
        # A new client-to-server event.
        (
            "      chat_message_posted:\n",
            "      chat_typing:\n        direction: client_to_server\n        summary: The user is typing.\n"
            "        payload: { fields: { roomId: RoomId } }\n        examples: [{ roomId: general }]\n"
            "      chat_message_posted:\n",
        ),
        # chat_join's payload becomes a shared type; chat_send's ack is renamed.
        ("  ChannelName:\n", "  RoomRef:\n    fields: { roomId: RoomId }\n  ChannelName:\n"),
        (
            "        payload:\n          fields:\n            roomId: RoomId\n        examples:\n"
            "          - { roomId: general }\n        ack:\n          name: ChatJoinAck",
            "        payload: RoomRef\n        examples:\n          - { roomId: general }\n        ack:\n"
            "          name: ChatJoinAck",
        ),
        ("name: ChatSendAck", "name: ChatPostAck"),
        # chat_leave is gone.
        (
            "      chat_leave:\n        direction: client_to_server\n        summary: Leave a chat room.\n"
            "        payload:\n          fields:\n            roomId: RoomId\n        examples:\n"
            "          - { roomId: general }\n        leaves:\n          - { room: chat, bind: { roomId: roomId } }\n",
            "",
        ),
    )
    assert run_cli("validate", cwd=root).exit_code == 0
    assert findings(root) == [
        f"app/handlers.py:{line_of('class Handlers(EventHandlers):')}: Handlers has no handler for the "
        "client-to-server event 'chat_typing': add `async def on_chat_typing(self, payload: "
        "models.ChatTypingPayload, ctx: EventContext) -> None` (`eventcat scaffold --print` shows a body)",
        f"app/handlers.py:{line_of('async def on_chat_join')}: on_chat_join: the payload is annotated "
        "`models.ChatJoinPayload`; the payload of 'chat_join' is `models.RoomRef` in the catalog",
        f"app/handlers.py:{line_of('async def on_chat_leave')}: Handlers.on_chat_leave handles no event of the "
        "catalog (removed or renamed?): delete it, or rename it after the client-to-server event it is for",
        f"app/handlers.py:{line_of('async def on_chat_send')}: on_chat_send returns `models.ChatSendAck`; the ack "
        "of 'chat_send' is `models.ChatPostAck` in the catalog: return that model",
    ]


def test_check_reports_an_ack_that_went_away_and_a_handler_that_is_not_async(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FULL)
    handlers = scaffold(root)
    handlers.write_text(handlers.read_text().replace("async def on_open_ticket", "def on_open_ticket"))
    catalog = root / "catalog" / "events.yaml"
    text = catalog.read_text()
    start = text.index("        ack: { fields: { ok: { const: true }, ticketId: uuid")
    end = text.index("\n", text.index("ack_examples:", start)) + 1
    catalog.write_text(text[:start] + text[end:])
    found = findings(root)
    assert len(found) == 2, found
    assert found[0].endswith("on_open_ticket must be `async def`: the runtime awaits it")
    assert found[1].endswith(
        "on_open_ticket returns `models.OpenTicketAck`; 'open_ticket' has no ack in the catalog: return None"
    )


def test_check_finds_the_class_a_factory_module_imports(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", None, app="app.main:create")
    scaffold(root, "--file", "app/handlers.py")
    (root / "app" / "main.py").write_text(
        "from chat import Events\n\nfrom .handlers import Handlers\n\n\n"
        "def create(events: Events) -> Handlers:\n    return Handlers(events)\n"
    )
    assert run_cli("scaffold", "--check", cwd=root).exit_code == 0
    (root / "app" / "main.py").write_text("X = 1\n")
    missing = run_cli("scaffold", "--check", cwd=root)
    assert missing.exit_code == 2
    assert "app/main.py: no class deriving from EventHandlers" in missing.stderr
    absent = run_cli("scaffold", "--check", "--file", "nope.py", cwd=root)
    assert absent.exit_code == 2 and "nope.py does not exist" in absent.stderr


def test_rez_handlers_match_the_catalog() -> None:
    result = run_cli("scaffold", "--check", cwd=ROOT)
    assert result.exit_code == 0, result.stdout


def test_check_counts_the_handlers_a_mixin_of_the_module_holds(tmp_path: Path) -> None:
    """Handlers moved into a mixin class of the same module are handlers (Python resolves them on the class)."""
    root = make_project(tmp_path / "p", FULL)
    handlers = scaffold(root)
    text = handlers.read_text()
    start = text.index("    async def on_open_ticket")
    end = text.index("\n    async def ", start + 1) if "\n    async def " in text[start + 1 :] else len(text)
    method = text[start:end]
    mixin = "class TicketMixin:\n" + method.replace("    async def on_open_ticket", "    async def on_open_ticket", 1)
    rest = (text[:start] + text[end:]).replace(
        "class Handlers(EventHandlers):", "class Handlers(TicketMixin, EventHandlers):"
    )
    handlers.write_text(rest.replace("\nclass Handlers(", "\n" + mixin + "\n\nclass Handlers(", 1))
    assert run_cli("scaffold", "--check", cwd=root).exit_code == 0, run_cli("scaffold", "--check", cwd=root).stdout
    handlers.write_text(rest)  # gone from both: missing again
    assert (
        "has no handler for the client-to-server event 'open_ticket'" in run_cli("scaffold", "--check", cwd=root).stdout
    )
