"""What `eventcat diff` and `eventcat lint` share on the command line: options, rule listing, writing the report."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..lint.rules import LINT_RULES
from .findings import Level
from .overrides import Overrides, OverridesInvalid, load_overrides
from .report import FORMATS, Report
from .rules import RULES, Rule

EXIT_FINDINGS = 1
EXIT_USAGE = 2
F = TypeVar("F", bound=Callable[..., Any])


def report_options(rules: Mapping[str, Rule]) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        options = [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(list(FORMATS)),
                default="text",
                show_default=True,
                help="text: grouped by event; json: stable ids and fingerprints; github: workflow annotations; "
                "junit: one test case per finding; markdown: a table for a pull-request comment.",
            ),
            click.option(
                "--fail-on",
                type=click.Choice([level.name for level in sorted(Level, reverse=True)], case_sensitive=False),
                metavar="[ERR|WARN|INFO]",
                default="ERR",
                show_default=True,
                help="Exit 1 when a finding is at or above this level.",
            ),
            click.option(
                "--rules",
                "rules_file",
                type=click.Path(dir_okay=False, path_type=Path),
                help="YAML file of rule levels: `rule-id: ERR|WARN|INFO|off`, or `rule-id: {context: LEVEL}`.",
            ),
            click.option(
                "--output",
                "-o",
                type=click.Path(dir_okay=False, writable=True, path_type=Path),
                help="Write the report to this file (the summary still goes to stdout).",
            ),
            click.option("--color/--no-color", default=None, help="Colour the text format (default: on a terminal)."),
            click.option(
                "--list-rules",
                is_flag=True,
                expose_value=False,
                is_eager=True,
                callback=_lister(rules),
                help="List the rules with their ids and levels, and exit.",
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _lister(rules: Mapping[str, Rule]) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, _: click.Parameter, value: bool) -> None:
        if not value or ctx.resilient_parsing:
            return
        levels = {r.id: ", ".join(f"{c}: {level.name}" for c, level in r.levels.items()) for r in rules.values()}
        id_width, level_width = max(map(len, levels)), max(map(len, levels.values()))
        for rule in rules.values():
            click.echo(f"{rule.id:<{id_width}}  {levels[rule.id]:<{level_width}}  {rule.title}")
        ctx.exit(0)

    return callback


def overrides_from(path: Path | None) -> Overrides:
    if path is None:
        return Overrides()
    try:
        return load_overrides(path, (RULES, LINT_RULES))
    except OverridesInvalid as exc:
        fail(str(exc))


def fail(message: str) -> NoReturn:
    """A usage error: one line on stderr, exit 2 (as catalog errors)."""
    click.echo(f"eventcat: {message}", err=True)
    sys.exit(EXIT_USAGE)


def finish(report: Report, fmt: str, output: Path | None, color: bool | None) -> None:
    """Print (or write) the report, then exit 1 when a finding reaches the threshold."""
    text = FORMATS[fmt](report)
    if color is None and os.environ.get("NO_COLOR"):
        color = False
    if output is not None:
        try:
            output.write_text(click.unstyle(text), encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror}")
        click.echo(f"{report.title}\n{report.summary()} Report: {output}")
    else:
        click.echo(text, nl=False, color=color)
    if report.failing:
        sys.exit(EXIT_FINDINGS)
