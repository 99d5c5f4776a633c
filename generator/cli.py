"""The eventcat command line: generate, check and validate a catalog; diff two catalogs; lint one."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from . import __version__, ir
from .compat import diff_catalogs
from .compat.cli_options import fail, finish, overrides_from, report_options
from .compat.findings import Level
from .compat.gitref import GitError, catalog_at
from .compat.report import Report
from .compat.rules import RULES
from .errors import CatalogInvalid
from .lint import LINT_RULES, lint_catalog
from .loader import load_catalog, load_catalog_text
from .outputs import OUTPUTS
from .workspace import apply, plan, render_all, source_name, unified_diff

DEFAULT_CATALOG = "catalog/events.yaml"
DEFAULT_OUT = "generated"
EXIT_DRIFT = 1
EXIT_CATALOG = 2

catalog_option = click.option(
    "--catalog",
    "catalog_path",
    default=DEFAULT_CATALOG,
    show_default=True,
    type=click.Path(dir_okay=True, path_type=Path),
    help="The catalog file.",
)
out_option = click.option(
    "--out",
    "out_dir",
    default=DEFAULT_OUT,
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of generated outputs.",
)
only_option = click.option(
    "--only",
    multiple=True,
    type=click.Choice([o.name for o in OUTPUTS]),
    help="Limit to these outputs (repeatable). Default: all.",
)


def _load(
    catalog_path: Path, out_dir: Path | None = None, *, consequence: str = "", previous: bool = True
) -> ir.Catalog:
    """Load the catalog or exit 2 with every error, one per line, as FILE:LINE:COL: message (hint).

    previous=False skips the release the docs' changelog starts from: diff and lint do not need it.
    """
    try:
        catalog = load_catalog(catalog_path, previous=previous)
    except CatalogInvalid as exc:
        _invalid(exc, str(catalog_path), consequence)
    if out_dir is not None:
        catalog = dataclasses.replace(catalog, source_name=source_name(catalog_path, out_dir))
    return catalog


def _invalid(exc: CatalogInvalid, name: str, consequence: str = "") -> NoReturn:
    for error in exc.errors:
        click.echo(f"{error}", err=True)
    count = len(exc.errors)
    plural = "s" if count != 1 else ""
    click.echo(f"eventcat: {count} error{plural} in {name}{consequence}. Fix them and run again.", err=True)
    sys.exit(EXIT_CATALOG)


def _summary(catalog: ir.Catalog) -> str:
    s2c = sum(1 for e in catalog.events.values() if e.server_to_client)
    c2s = len(catalog.events) - s2c
    return (
        f"{catalog.name} {catalog.version}: {len(catalog.events)} events ({s2c} server→client, {c2s} client→server) "
        f"in {len(catalog.domains)} domains, {len(catalog.types)} shared types, {len(catalog.rooms)} rooms, "
        f"{len(catalog.channels)} channels"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="eventcat")
def main() -> None:
    """eventcat: one catalog of Socket.IO events, compiled into schemas, code and docs.

    \b
    Examples:
      eventcat validate                  check catalog/events.yaml
      eventcat generate                  write generated/ from the catalog
      eventcat check                     fail (exit 1) when generated/ has drifted
      eventcat lint                      the spec's best practices
      eventcat diff --against origin/main   what the catalog's changes break, by direction
    """


@main.command()
@catalog_option
def validate(catalog_path: Path) -> None:
    """Check the catalog only: format, references, rooms, examples.

    Prints every error as FILE:LINE:COL: message (hint) and exits 2 when there is any; exits 0 when the
    catalog is valid.

    \b
    Examples:
      eventcat validate
      eventcat validate --catalog other/events.yaml
    """
    catalog = _load(catalog_path)
    click.echo(f"{catalog_path}: valid. {_summary(catalog)}")


@main.command()
@catalog_option
@out_option
@only_option
def generate(catalog_path: Path, out_dir: Path, only: tuple[str, ...]) -> None:
    """Write every output into the output folder.

    Writes only files whose bytes change, and removes files in the folders it owns that the catalog no longer
    produces. Hand-written files elsewhere are never touched. Exits 2 on catalog errors.

    \b
    Examples:
      eventcat generate
      eventcat generate --out build/generated --only asyncapi
    """
    started = time.perf_counter()
    catalog = _load(catalog_path, out_dir, consequence="; nothing was written")
    plans = plan(out_dir, render_all(catalog, only))
    apply(out_dir, plans)
    click.echo(_summary(catalog))
    for p in plans:
        written = len(p.changed) + len(p.missing)
        click.echo(
            f"  {p.output.name:<11} {len(p.files):>4} files: {written} written, {len(p.unchanged)} unchanged, "
            f"{len(p.stale)} removed  → {out_dir}/{p.output.owns[0]}"
        )
    click.echo(f"done in {time.perf_counter() - started:.2f}s")


@main.command()
@catalog_option
@out_option
@only_option
@click.option(
    "--diff/--no-diff", "show_diff", default=True, show_default=True, help="Print a unified diff of changed files."
)
def check(catalog_path: Path, out_dir: Path, only: tuple[str, ...], show_diff: bool) -> None:
    """Fail when the output folder differs from what the catalog generates.

    Regenerates in memory and compares with the disk: changed, missing and stale files, with a unified diff.
    Exit 0: in sync; 1: drift (run `eventcat generate` and commit); 2: catalog errors.

    \b
    Examples:
      eventcat check
      eventcat check --no-diff --only jsonschema
    """
    catalog = _load(catalog_path, out_dir, consequence="; outputs were not compared")
    plans = plan(out_dir, render_all(catalog, only))
    drifted = [p for p in plans if p.drift]
    if not drifted:
        total = sum(len(p.files) for p in plans)
        click.echo(f"{out_dir}: up to date with {catalog_path} ({total} files)")
        return
    for p in drifted:
        for relative in p.changed:
            click.echo(f"changed  {out_dir}/{relative}")
            if show_diff:
                click.echo(unified_diff(out_dir, relative, p.files[relative]), nl=False)
        for relative in p.missing:
            click.echo(f"missing  {out_dir}/{relative}")
        for relative in p.stale:
            click.echo(f"stale    {out_dir}/{relative}")
    counts = [sum(len(getattr(p, kind)) for p in drifted) for kind in ("changed", "missing", "stale")]
    click.echo(
        f"eventcat: {out_dir} has drifted from {catalog_path}: {counts[0]} changed, {counts[1]} missing, "
        f"{counts[2]} stale. Run `eventcat generate` and commit the result.",
        err=True,
    )
    sys.exit(EXIT_DRIFT)


@main.command()
@click.argument("catalogs", nargs=-1, metavar="[OLD NEW]", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--against",
    metavar="GIT_REF",
    help="Compare the catalog as it is at this git ref (e.g. origin/main, HEAD~1) with the working tree's.",
)
@catalog_option
@report_options(RULES)
def diff(
    catalogs: tuple[Path, ...],
    against: str | None,
    catalog_path: Path,
    fmt: str,
    fail_on: str,
    rules_file: Path | None,
    output: Path | None,
    color: bool | None,
) -> None:
    """Report what changed between two catalogs, and what each change breaks.

    Walks both catalogs' events and types (never the YAML text: formatting, order, anchors and comments are not
    changes) and classifies every change by who reads it: clients read server→client payloads, the server reads
    client→server ones, acks flow back the other way. Each finding has a rule id and a level (ERR breaks installed
    clients or the server, WARN may, INFO does not); the catalog's `version` must grow as much as they require.

    Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: usage, git or catalog errors.

    \b
    Examples:
      eventcat diff old/events.yaml catalog/events.yaml
      eventcat diff --against origin/main                       the working tree against the main branch
      eventcat diff --against HEAD~1 --format github            annotations in a GitHub Actions log
      eventcat diff --against origin/main --format markdown -o changes.md --fail-on WARN
      eventcat diff --list-rules
    """
    if against is not None and catalogs:
        raise click.UsageError("give either OLD NEW or --against GIT_REF, not both")
    if against is None and len(catalogs) != 2:
        raise click.UsageError("give the two catalogs, OLD NEW, or --against GIT_REF to compare with a git ref")
    overrides = overrides_from(rules_file)
    if against is not None:
        try:
            text, old_name = catalog_at(against, catalog_path)
        except GitError as exc:
            fail(str(exc))
        try:
            old = load_catalog_text(text, old_name)
        except CatalogInvalid as exc:
            _invalid(exc, old_name, " (the catalog at the git ref)")
        new_path = catalog_path
    else:
        old_path, new_path = catalogs
        old_name = str(old_path)
        old = _load(old_path, previous=False)
    new = _load(new_path, previous=False)
    result = diff_catalogs(old, new, overrides)
    report = Report(
        "diff",
        result.findings,
        RULES,
        Level.parse(fail_on),
        new.name,
        str(new_path),
        new.version,
        old_name,
        old.version,
        result.required,
    )
    finish(report, fmt, output, color)


@main.command()
@catalog_option
@report_options(LINT_RULES)
def lint(
    catalog_path: Path, fmt: str, fail_on: str, rules_file: Path | None, output: Path | None, color: bool | None
) -> None:
    """Check the catalog against the spec's best practices.

    Naming (snake_case, the domain's prefix, past tense for completed actions), a timestamp and the ids it concerns
    in every server→client payload, summaries, examples (ack examples, headroom under the size limit, optional
    fields shown), documented `any` fields, rooms that receive events. A rule that does not fit one event or room
    is waived there, with the reason: `lint: {waive: {payload-timestamp: "the spec fixes this payload"}}`.

    Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: usage or catalog errors.

    \b
    Examples:
      eventcat lint
      eventcat lint --format github --fail-on WARN
      eventcat lint --list-rules
    """
    overrides = overrides_from(rules_file)
    catalog = _load(catalog_path, previous=False)
    result = lint_catalog(catalog, overrides)
    report = Report(
        "lint",
        result.findings,
        LINT_RULES,
        Level.parse(fail_on),
        catalog.name,
        str(catalog_path),
        catalog.version,
        waived=result.waived,
    )
    finish(report, fmt, output, color)


# The app `eventcat serve` runs when no --app is given, and its generated package: REZ's, in this repo.
SERVE_DEFAULTS: tuple[str, ...] = (
    "--app",
    "server_stub.app:create",
    "--package",
    "rez_realtime",
    "--admin-node-modules",
    "server_stub/admin/node_modules",
)
RUNTIME_CLI = "eventcat_runtime.cli"


def _runtime_serve() -> click.Command:
    """The runtime's `serve` command, imported at call time: the compiler itself depends on no runtime."""
    try:
        module = importlib.import_module(RUNTIME_CLI)
    except ImportError as exc:
        raise click.UsageError(
            f"`eventcat serve` needs the runtime: pip install eventcat-runtime (importing {RUNTIME_CLI} failed: {exc})"
        ) from None
    command: click.Command = module.serve
    return command


def _with_defaults(args: list[str], defaults: tuple[str, ...]) -> list[str]:
    """The defaults for the options args does not give (an option given on the command line wins)."""
    given = {arg.split("=", 1)[0] for arg in args if arg.startswith("--")}
    # An app or package of one's own replaces both defaults; --mock needs no app.
    own = bool(given & {"--app", "--package"})
    out: list[str] = []
    for flag, value in zip(defaults[::2], defaults[1::2], strict=True):
        if flag in given or (own and flag in ("--app", "--package")) or (flag == "--app" and "--mock" in given):
            continue
        out += [flag, value]
    return out + args


@main.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def serve(ctx: click.Context, args: tuple[str, ...]) -> None:
    """Run an app (its handlers on the generated code) under uvicorn: the runtime's `serve` (--help lists it all).

    \b
    Examples:
      eventcat serve --demo                          try it: prints a token and a client snippet
      eventcat serve --mock --demo                   the catalog alone: acks from its examples
      JWT_SECRET=... SERVICE_TOKEN=... eventcat serve --host 0.0.0.0 --mode production
    """
    command = _runtime_serve()
    argv = list(args)
    command.main(args=_with_defaults(argv, SERVE_DEFAULTS), prog_name=ctx.command_path, standalone_mode=True)
