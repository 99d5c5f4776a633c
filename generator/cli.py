"""The eventcat command line: generate, check and validate a catalog; diff two catalogs; lint one."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import sys
import time
from collections.abc import Sequence
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
from .outputs.python import package_name
from .outputs.python_package import package_problem
from .project import DEFAULT_APP, DEFAULT_CATALOG, DEFAULT_OUT, Project, ProjectError, is_app_reference, load_project
from .workspace import apply, plan, render_all, source_name, unified_diff

EXIT_DRIFT = 1
EXIT_CATALOG = 2

# No click defaults: a flag overrides [tool.eventcat] of the nearest pyproject.toml, which overrides these.
catalog_option = click.option(
    "--catalog",
    "catalog_path",
    default=None,
    type=click.Path(dir_okay=True, path_type=Path),
    help=f"The catalog file.  [default: [tool.eventcat] catalog, else {DEFAULT_CATALOG}]",
)
out_option = click.option(
    "--out",
    "out_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder of generated outputs.  [default: [tool.eventcat] out, else {DEFAULT_OUT}]",
)
only_option = click.option(
    "--only",
    multiple=True,
    type=click.Choice([o.name for o in OUTPUTS]),
    help="Limit to these outputs (repeatable). Default: all.",
)


def _project() -> Project:
    """The nearest `[tool.eventcat]` settings (see generator/project.py), or exit 2 saying what to fix."""
    try:
        return load_project(Path.cwd())
    except ProjectError as exc:
        click.echo(f"eventcat: {exc}", err=True)
        sys.exit(EXIT_CATALOG)


def _catalog(catalog_path: Path | None) -> Path:
    return catalog_path if catalog_path is not None else _project().catalog


def _out(out_dir: Path | None) -> Path:
    return out_dir if out_dir is not None else _project().out


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
    project = _project()
    if project.package is not None:
        catalog = dataclasses.replace(catalog, python_package=project.package)
    _check_package_name(catalog, str(catalog_path), project.app_module())
    return catalog


def _check_package_name(catalog: ir.Catalog, name: str, app_module: str | None) -> None:
    """The generated Python package must import under its name beside the app: else exit 2, saying how to rename."""
    package = package_name(catalog)
    problem = package_problem(package, app_module)
    if problem is None:
        return
    where = catalog.positions.get("catalog")
    place = str(where) if where is not None else name
    click.echo(
        f"{place}: the generated Python package would be named '{package}', {problem} "
        f'(set `package = "{package}_events"` under [tool.eventcat] in pyproject.toml, or rename the catalog)',
        err=True,
    )
    sys.exit(EXIT_CATALOG)


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

    Every command reads its defaults from `[tool.eventcat]` in the nearest pyproject.toml (catalog, out, app,
    package); flags override them.

    \b
    Examples:
      eventcat init my-service           start a project: a catalog, its settings, a README
      eventcat validate                  check catalog/events.yaml
      eventcat generate                  write generated/ from the catalog
      eventcat scaffold                  write the app's handler module once; --check: its drift
      eventcat check                     fail (exit 1) when generated/ has drifted
      eventcat lint                      the spec's best practices
      eventcat diff --against origin/main   what the catalog's changes break, by direction
    """


@main.command()
@catalog_option
def validate(catalog_path: Path | None) -> None:
    """Check the catalog only: format, references, rooms, examples.

    Prints every error as FILE:LINE:COL: message (hint) and exits 2 when there is any; exits 0 when the
    catalog is valid.

    \b
    Examples:
      eventcat validate
      eventcat validate --catalog other/events.yaml
    """
    catalog_path = _catalog(catalog_path)
    catalog = _load(catalog_path)
    click.echo(f"{catalog_path}: valid. {_summary(catalog)}")


@main.command()
@catalog_option
@out_option
@only_option
def generate(catalog_path: Path | None, out_dir: Path | None, only: tuple[str, ...]) -> None:
    """Write every output into the output folder.

    Writes only files whose bytes change, and removes files in the folders it owns that the catalog no longer
    produces. Hand-written files elsewhere are never touched. Exits 2 on catalog errors.

    \b
    Examples:
      eventcat generate
      eventcat generate --out build/generated --only asyncapi
    """
    started = time.perf_counter()
    catalog_path, out_dir = _catalog(catalog_path), _out(out_dir)
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
def check(catalog_path: Path | None, out_dir: Path | None, only: tuple[str, ...], show_diff: bool) -> None:
    """Fail when the output folder differs from what the catalog generates.

    Regenerates in memory and compares with the disk: changed, missing and stale files, with a unified diff.
    Exit 0: in sync; 1: drift (run `eventcat generate` and commit); 2: catalog errors.

    \b
    Examples:
      eventcat check
      eventcat check --no-diff --only jsonschema
    """
    catalog_path, out_dir = _catalog(catalog_path), _out(out_dir)
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
    catalog_path: Path | None,
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
        catalog_path = _catalog(catalog_path)
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
    catalog_path: Path | None, fmt: str, fail_on: str, rules_file: Path | None, output: Path | None, color: bool | None
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
    catalog_path = _catalog(catalog_path)
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
    project = _project()
    arguments = serve_arguments(args, project)
    if project.file is not None and "--help" not in arguments:
        _ready_to_serve(project, arguments)
    command.main(args=arguments, prog_name=ctx.command_path, standalone_mode=True)


@main.command()
@catalog_option
@click.option(
    "--file",
    "--out",
    "handler_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The handler module.  [default: the module of [tool.eventcat] app, else app/handlers.py]",
)
@click.option(
    "--app",
    "app",
    metavar="MODULE:ATTR",
    help="What the module defines: `pkg.mod:create` a factory and a class Handlers, `pkg.mod:MyHandlers` that "
    "class.  [default: [tool.eventcat] app, else app.handlers:create]",
)
@click.option("--print", "to_stdout", is_flag=True, help="Write the module to stdout instead of the file.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing: list handlers that are missing, no longer match the catalog, or handle no event.",
)
def scaffold(
    catalog_path: Path | None, handler_file: Path | None, app: str | None, to_stdout: bool, check_only: bool
) -> None:
    """Write the app's handler module once: one method per client→server event, each with a body that works.

    Each method has the generated base's exact signature; the runtime enters and leaves the rooms the catalog
    declares, and the body answers with the event's ack example as the ack model, beside a `TODO(team)` for the
    team's logic. An existing file is never overwritten: it is yours once written. After the catalog changes,
    `--check` compares the module with the catalog (reading its source, importing nothing) and lists, one per line
    as FILE:LINE: message, the methods to add, to change (payload or ack type) and to remove.

    Exit 0: written (or --check: in sync); 1: --check found drift; 2: the file exists, or usage or catalog errors.

    \b
    Examples:
      eventcat scaffold                         write app/handlers.py (or [tool.eventcat] app's module)
      eventcat scaffold --check                 in CI, after `eventcat check`
      eventcat scaffold --print > /tmp/new.py   the catalog's current methods, to merge by hand
      eventcat scaffold --file src/auction/handlers.py --app auction.handlers:AuctionHandlers
    """
    from .scaffold.check import ScaffoldError, check_handlers
    from .scaffold.render import render_handlers

    project = _project()
    catalog_path = _catalog(catalog_path)
    app = app or project.app or DEFAULT_APP
    if not is_app_reference(app):
        raise click.BadParameter(f"{app!r} is not MODULE:ATTR (e.g. app.handlers:create)", param_hint="--app")
    target = handler_file or project.module_file(app.partition(":")[0])
    catalog = _load(catalog_path, project.out, consequence="; nothing was written" if not check_only else "")
    if check_only:
        try:
            findings = check_handlers(catalog, target, project.root)
        except ScaffoldError as exc:
            click.echo(f"eventcat: {exc}", err=True)
            sys.exit(EXIT_CATALOG)
        for finding in findings:
            click.echo(str(finding))
        if findings:
            plural = "s" if len(findings) != 1 else ""
            click.echo(
                f"eventcat: {len(findings)} finding{plural}: the handlers of {target} have drifted from "
                f"{catalog_path}. Change them by hand (`eventcat scaffold --print` shows the catalog's methods).",
                err=True,
            )
            sys.exit(EXIT_DRIFT)
        click.echo(f"{target}: every handler matches {catalog_path}")
        return
    source = render_handlers(catalog, app)
    if to_stdout:
        click.echo(source, nl=False)
        return
    if target.exists():
        click.echo(
            f"eventcat: {target} exists; scaffold never overwrites it (it is hand-written once scaffolded). "
            "Run `eventcat scaffold --check` for what the catalog changed, `eventcat scaffold --print` for a "
            "fresh copy to merge by hand, or give another --file.",
            err=True,
        )
        sys.exit(EXIT_CATALOG)
    written = _write_module(target, source, project.root)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"{len(catalog.events)} events, {source.count('    async def on_')} handlers ({app}). Next: fill in the "
        "TODO(team) places, `eventcat generate` if you have not, then `eventcat serve`."
    )


def _write_module(target: Path, source: str, root: Path) -> list[Path]:
    """Write target and an `__init__.py` in each package folder this creates under the project root."""
    created: list[Path] = []
    folder = target.parent
    while not folder.exists():
        created.append(folder)
        folder = folder.parent
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for new in reversed(created):
        if new.resolve().is_relative_to(root.resolve()) and new.name.isidentifier():
            init = new / "__init__.py"
            init.write_text(f'"""The {new.name} package."""\n', encoding="utf-8")
            written.append(init)
    target.write_text(source, encoding="utf-8")
    return [*written, target]


@main.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Start a project in DIR (default: here): a catalog, its [tool.eventcat] settings and a README.

    The catalog has events both ways, acks, rooms, a subscribe channel, JWT auth (HS256, user claim `sub`) and the
    error contract; the README lists the next commands and a client for socket.io-client and python-socketio.
    Nothing is overwritten: when any of the files exists, nothing is written (exit 2).

    \b
    Examples:
      eventcat init chat-service && cd chat-service && eventcat generate && eventcat scaffold
      eventcat init                            in the current folder
    """
    from .starter import DEV_SECRET, StarterExists, write_starter

    try:
        written = write_starter(folder)
    except StarterExists as exc:
        for path in exc.existing:
            click.echo(f"exists   {path}", err=True)
        click.echo(
            f"eventcat: {len(exc.existing)} of the starter's files exist already in {folder}; nothing was written. "
            "Run `eventcat init NEW_DIR` for a new folder, or move those files away.",
            err=True,
        )
        sys.exit(EXIT_CATALOG)
    for path in written:
        click.echo(f"wrote    {path}")
    where = "" if folder.resolve() == Path.cwd().resolve() else f"cd {folder} && "
    click.echo(f"Next: {where}eventcat generate && eventcat scaffold && JWT_SECRET={DEV_SECRET} eventcat serve")


# -- serve: what the project adds to the runtime's arguments ----------------------------------------------------
# `eventcat serve` hands the runtime its arguments with the project's app, package and import paths added.


def serve_arguments(given: Sequence[str], project: Project | None = None) -> list[str]:
    """The runtime's `serve` arguments for `eventcat serve GIVEN...`: GIVEN, then the project's --app, --package
    (the project's `package`, else the one generated from its catalog) and --app-dir (the project root)."""
    project = project if project is not None else _project()
    present = {a.split("=", 1)[0] for a in given}
    package = None
    wanted = "--package" not in present and "--help" not in present  # help needs no catalog
    if project.package is None and wanted and project.catalog.is_file():
        package = package_name(_load(project.catalog, previous=False, consequence="; the server was not started"))
    return project.serve_arguments(given, package=package)


def _option(args: Sequence[str], name: str) -> str | None:
    """The value of `--name VALUE` or `--name=VALUE` in args (the first one), or None."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _ready_to_serve(project: Project, args: list[str]) -> None:
    """What a project must have before its app can run, said as the command that makes it (exit 2 otherwise)."""
    package = _option(args, "--package")
    generated = project.generated_python / str(package) / "__init__.py"
    if package and not generated.is_file() and not _importable(package):
        raise click.UsageError(f"the generated package {package} is not there yet: run `eventcat generate` first")
    app = _option(args, "--app")
    module = app.partition(":")[0] if app else None
    if module and "--mock" not in args and not project.module_path(module).is_file() and not _importable(module):
        raise click.UsageError(
            f"the app {app} does not exist yet: run `eventcat scaffold` (it writes {project.module_file(module)}), "
            "or serve the catalog alone with `eventcat serve --mock`"
        )


def _importable(module: str) -> bool:
    """Whether module is installed (an app or generated package from site-packages rather than the project)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
