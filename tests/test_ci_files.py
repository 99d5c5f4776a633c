"""The CI files shipped for users (docs/ci/eventcat.yml, .pre-commit-hooks.yaml) run commands that exist."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

import click
import pytest
import yaml

from generator.cli import main

from .conftest import ROOT

WORKFLOW = ROOT / "docs" / "ci" / "eventcat.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def workflow_commands() -> Iterator[str]:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["catalog"]["steps"]
    for step in steps:
        for line in step.get("run", "").splitlines():
            for match in re.finditer(r"\beventcat ([^|&;>#]+)", line):
                yield match.group(1).strip()


def hook_commands() -> Iterator[str]:
    for hook in yaml.safe_load(HOOKS.read_text()):
        yield " ".join([hook["entry"].removeprefix("eventcat "), *hook.get("args", [])])


def test_the_workflow_runs_check_lint_and_diff_against_the_base_with_annotations() -> None:
    commands = list(workflow_commands())
    assert "check" in commands
    assert "lint --format github" in commands
    assert 'diff --against "origin/$BASE" --format github' in commands
    assert "diff --against HEAD~1 --format github" in commands


def test_the_hooks_run_check_lint_and_diff() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text())}
    assert set(hooks) == {"eventcat-check", "eventcat-lint", "eventcat-diff"}
    assert all(hook["pass_filenames"] is False for hook in hooks.values())


@pytest.mark.parametrize("command", [*workflow_commands(), *hook_commands()])
def test_every_command_line_is_accepted_by_the_cli(command: str) -> None:
    args = shlex.split(command.replace("$BASE", "main"))
    sub = main.commands[args[0]]
    try:
        sub.make_context(args[0], args[1:], parent=click.Context(main, info_name="eventcat"))
    except click.UsageError as exc:  # pragma: no cover - the failure message is the point
        pytest.fail(f"eventcat {command}: {exc.format_message()}")
