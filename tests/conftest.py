"""Shared test helpers: run the eventcat CLI in-process, locate the project."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog" / "events.yaml"
GENERATED = ROOT / "generated"
NODE_DIR = ROOT / "tests" / "ts"
# Every package of tests/ts/package.json that a test runs.
NODE_PACKAGES = (
    "@asyncapi/parser",
    "ajv",
    "ajv-formats",
    "jsdom",
    "markdownlint-cli2",
    "mermaid",
    "socket.io-client",
    "typescript",
)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None) -> Result:
    """Run `eventcat ARGS` in-process (fast), from cwd."""
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(result.exit_code, result.stdout, result.stderr)


def node_or_skip() -> str:
    """Path of node; a missing Node (or its packages) is a failure under CI=true, a skip elsewhere."""
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not on PATH"
    elif not all((NODE_DIR / "node_modules" / package).is_dir() for package in NODE_PACKAGES):
        missing = "tests/ts/node_modules is not installed or is out of date (run `make test`, which runs npm ci)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing}; under CI=true the Node checks must run")
        pytest.skip(missing)
    assert node is not None
    return node


def run_node(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    node = node_or_skip()
    return subprocess.run([node, script, *args], cwd=NODE_DIR, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
async def live() -> Any:
    """One REZ server for the whole session (tests use their own users, so they never see each other)."""
    from .live import serve

    async with serve() as server:
        yield server


@pytest.fixture
async def server(live: Any) -> Any:
    """The session's server; the clients a test opened are closed after it."""
    yield live
    await live.close_clients()


def declared_ack(schema: dict[str, Any]) -> dict[str, Any]:
    """An `<event>.ack.json` without the refusal it also allows: the acknowledgement the catalog declares.

    The file's root is `anyOf: [<the ack>, <the refusal>]` (marked `x-ack-refusal`) when the server may refuse the
    event; tests that compare the declared ack with its model, TS type or docs table take the first branch.
    """
    if "x-ack-refusal" not in schema:
        return schema
    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "x-ack-refusal", "description")}
    return {**rest, **schema["anyOf"][0]}
