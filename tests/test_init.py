"""`eventcat init`: a starter project that works at once (validate, lint, generate, scaffold, type-check), and that
never overwrites a file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from generator.project import load_project
from generator.starter import project_name, render_starter

from .conftest import NODE_DIR, node_or_skip, run_cli
from .test_scaffold import mypy_strict
from .test_serve_cli import clean_env, connect, running

STARTER_FILES = ["pyproject.toml", "catalog/events.yaml", "README.md", ".gitignore"]


def test_init_writes_a_project_that_generates_scaffolds_and_type_checks(tmp_path: Path) -> None:
    result = run_cli("init", "chat-service", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    root = tmp_path / "chat-service"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == sorted(STARTER_FILES)
    assert "Next: cd chat-service && eventcat generate && eventcat scaffold" in result.stdout
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    # Not the generated package's distribution name (chat-service): installing both must not make one replace the other.
    assert pyproject["project"]["name"] == "chat-service-server"
    assert pyproject["tool"]["eventcat"] == {
        "catalog": "catalog/events.yaml",
        "out": "generated",
        "app": "app.handlers:create",
    }
    assert load_project(root).app == "app.handlers:create"
    catalog = yaml.safe_load((root / "catalog" / "events.yaml").read_text())
    assert catalog["catalog"] == "chat-service" and catalog["auth"]["user_claim"] == "sub"

    assert run_cli("validate", cwd=root).exit_code == 0
    lint = run_cli("lint", "--fail-on", "INFO", cwd=root)
    assert lint.exit_code == 0 and "No findings." in lint.stdout, lint.stdout
    assert run_cli("generate", cwd=root).exit_code == 0
    assert (root / "generated" / "python" / "chat_service" / "handlers.py").is_file()
    assert run_cli("scaffold", cwd=root).exit_code == 0
    mypy_strict(root, root / "app" / "handlers.py")
    assert run_cli("scaffold", "--check", cwd=root).exit_code == 0
    assert run_cli("check", cwd=root).exit_code == 0


def test_the_starter_catalog_has_what_the_issue_asks_for() -> None:
    catalog = yaml.safe_load(render_starter("chat")["catalog/events.yaml"])
    events = {name: body for domain in catalog["domains"].values() for name, body in domain["events"].items()}
    directions = {body["direction"] for body in events.values()}
    assert directions == {"client_to_server", "server_to_client"}
    assert any("ack" in body for body in events.values())
    assert any("enters" in body for body in events.values()) and catalog["rooms"]
    assert catalog["channels"] and "subscribe" in events
    assert catalog["auth"]["join"] == {"room": "user", "bind": {"userId": "$user"}}
    assert set(catalog["types"]["Error"]["fields"]) >= {"code", "message"}
    assert events["error"]["delivery"] == "sender"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", name) for name in events)


def test_the_readme_gives_the_next_commands_and_two_clients() -> None:
    readme = render_starter("chat")["README.md"]
    for command in ("eventcat generate", "eventcat scaffold", "eventcat serve", "eventcat serve --mock"):
        assert command in readme
    assert 'from "socket.io-client"' in readme and "socketio.AsyncClient()" in readme


def test_the_starter_with_the_catalog_conventions_validates(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    text = render_starter("chat")["catalog/events.yaml"]
    assert "server:\n  errors:\n    # " in text and "  scheme: jwt\n  algorithms: [HS256]\n" in text
    (tmp_path / "catalog" / "events.yaml").write_text(text)
    result = run_cli("validate", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr


def test_the_readme_typescript_client_compiles(tmp_path: Path) -> None:
    node = node_or_skip()
    root = tmp_path / "chat"
    assert run_cli("init", str(root), cwd=tmp_path).exit_code == 0
    assert run_cli("generate", "--only", "ts", cwd=root).exit_code == 0
    snippet = re.search(r"```ts\n(.*?)```", (root / "README.md").read_text(), re.S)
    assert snippet is not None
    (tmp_path / "node_modules").symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
    (root / "node_modules").mkdir()
    (root / "node_modules" / "chat").symlink_to(root / "generated" / "ts", target_is_directory=True)
    (root / "package.json").write_text(json.dumps({"name": "app", "private": True, "type": "module"}))
    (root / "client.ts").write_text(snippet.group(1))
    config = {"extends": str(NODE_DIR / "tsconfig.json"), "include": [], "files": ["client.ts"]}
    (root / "tsconfig.json").write_text(json.dumps(config))
    tsc = NODE_DIR / "node_modules" / "typescript" / "bin" / "tsc"
    command = [node, str(tsc), "-p", "tsconfig.json"]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine\n")
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "events.yaml").write_text("catalog: mine\n")
    result = run_cli("init", cwd=tmp_path)
    assert result.exit_code == 2
    assert "exists   catalog/events.yaml" in result.stderr and "exists   README.md" in result.stderr
    assert "2 of the starter's files exist already in .; nothing was written" in result.stderr
    assert "eventcat init NEW_DIR" in result.stderr
    assert not (tmp_path / "pyproject.toml").exists()
    assert (tmp_path / "README.md").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("folder", "name"),
    [("chat-service", "chat-service"), ("My Chat App", "my-chat-app"), ("2024", "events-2024"), ("__", "events")],
)
def test_the_project_name_comes_from_the_folder(tmp_path: Path, folder: str, name: str) -> None:
    assert project_name(tmp_path / folder) == name


@pytest.mark.parametrize("folder", ["app", "json", "socketio"])
def test_a_starter_named_like_a_module_it_would_hide_gets_a_package_of_its_own(tmp_path: Path, folder: str) -> None:
    """`eventcat init app` (the starter's own app package), `init json` (the standard library), `init socketio`
    (the runtime's dependency): the generated package is <name>_events, and generate and scaffold work."""
    root = tmp_path / folder
    assert run_cli("init", str(root), cwd=tmp_path).exit_code == 0
    assert tomllib.loads((root / "pyproject.toml").read_text())["tool"]["eventcat"]["package"] == f"{folder}_events"
    assert run_cli("generate", cwd=root).exit_code == 0
    assert (root / "generated" / "python" / f"{folder}_events" / "__init__.py").is_file()
    assert run_cli("scaffold", cwd=root).exit_code == 0


def test_a_catalog_whose_package_would_hide_a_module_is_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    catalog = render_starter("chat")["catalog/events.yaml"].replace("catalog: chat", "catalog: json", 1)
    (tmp_path / "catalog" / "events.yaml").write_text(catalog)
    result = run_cli("generate", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "catalog/events.yaml:5:1: the generated Python package would be named 'json', which is a module of "
        'Python\'s standard library (set `package = "json_events"` under [tool.eventcat] in pyproject.toml, or '
        "rename the catalog)"
    ), result.stderr


@pytest.mark.timeout(120)
async def test_the_readme_recipe_serves_the_starter_to_a_client(tmp_path: Path) -> None:
    """The starter's README as a new user follows it: its JWT_SECRET, its token command (it must carry `exp`, or the
    server refuses it), `eventcat serve` in the project, and its python-socketio client's calls answered."""
    assert run_cli("init", "shop", cwd=tmp_path).exit_code == 0
    root = tmp_path / "shop"
    assert run_cli("generate", cwd=root).exit_code == 0 and run_cli("scaffold", cwd=root).exit_code == 0
    readme = (root / "README.md").read_text()
    secret = re.search(r"^export JWT_SECRET=(\S+)$", readme, re.M)
    command = re.search(r'^export TOKEN=\$\(python -c "(.+)"\)$', readme, re.M)
    assert secret is not None and command is not None, readme
    assert len(secret.group(1).encode()) >= 32  # RFC 7518's HS256 key size: no InsecureKeyLengthWarning
    minted = subprocess.run(
        [sys.executable, "-W", "error", "-c", command.group(1)],
        env=clean_env(JWT_SECRET=secret.group(1)),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert minted.returncode == 0, minted.stderr
    async with running("--log-format", "text", env=clean_env(JWT_SECRET=secret.group(1)), cwd=root) as server:
        client = await connect(server, minted.stdout.strip())
        try:
            assert await client.sio.call("chat_join", {"roomId": "general"}, timeout=5) == {
                "ok": True,
                "roomId": "general",
            }
            sent = await client.sio.call("chat_send", {"roomId": "general", "text": "Hello everyone"}, timeout=5)
            assert sent == {"ok": True, "messageId": "msg_1"}
            refused = await client.sio.call("chat_send", {"roomId": "general", "text": ""}, timeout=5)
            assert refused["ok"] is False and refused["error"]["code"] == "VALIDATION_ERROR", refused
        finally:
            await client.sio.disconnect()
        assert await server.stop() in (0, -15), server.log()


def test_serve_before_generate_or_scaffold_says_which_command_comes_first(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    assert run_cli("init", str(root), cwd=tmp_path).exit_code == 0
    early = run_cli("serve", "--demo", cwd=root)
    assert (
        early.exit_code == 2 and "the generated package shop is not there yet: run `eventcat generate`" in early.stderr
    )
    assert run_cli("generate", cwd=root).exit_code == 0
    unscaffolded = run_cli("serve", "--demo", cwd=root)
    assert unscaffolded.exit_code == 2
    assert "the app app.handlers:create does not exist yet: run `eventcat scaffold` (it writes app/handlers.py)" in (
        unscaffolded.stderr
    )
