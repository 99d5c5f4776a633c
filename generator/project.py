"""The project's settings: `[tool.eventcat]` in the nearest pyproject.toml, the defaults of every command.

    [tool.eventcat]
    catalog = "catalog/events.yaml"   # the catalog file
    out = "generated"                 # the folder of generated outputs
    app = "app.handlers:create"       # MODULE:ATTR that `eventcat serve` runs and `eventcat scaffold` writes
    package = "my_events"             # optional: the generated Python package's import name

    [tool.eventcat.serve]             # optional: defaults of `eventcat serve`'s options, by option name
    port = 7001
    admin-node-modules = "admin/node_modules"   # path options are relative to the project

The table is looked for from the working directory up to the filesystem root; the first pyproject.toml that has
one is the project, and its paths are relative to that file (so a command gives the same answer from any
sub-folder). Without one, the defaults are the working directory's `catalog/events.yaml` and `generated`, as
before there was a configuration. Flags override every key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_CATALOG = "catalog/events.yaml"
DEFAULT_OUT = "generated"
# The app `eventcat scaffold` writes, and `eventcat serve` runs once it exists, when [tool.eventcat] names none.
DEFAULT_APP = "app.handlers:create"
TABLE = "tool.eventcat"
KEYS = ("catalog", "out", "app", "package", "serve")
# Options of `eventcat serve` whose value is a path: given relative to the project, passed on resolved.
SERVE_PATH_OPTIONS = frozenset({"admin-node-modules", "jwt-public-key"})


class ProjectError(Exception):
    """The configuration cannot be used as written: a usage error (exit 2), naming the file and the key."""


@dataclass(frozen=True)
class Project:
    """Where a command finds its catalog, writes its outputs and finds the app.

    `catalog` and `out` are as a command prints them: relative to the working directory when they are below or
    beside it (`catalog/events.yaml`, `../catalog/events.yaml`), so messages and generated headers stay short
    and free of absolute paths.
    """

    root: Path
    file: Path | None
    catalog: Path
    out: Path
    app: str | None = None
    package: str | None = None
    # `[tool.eventcat.serve]`: option name -> value, as `eventcat serve --NAME VALUE` would give it.
    serve: tuple[tuple[str, str | bool], ...] = ()

    def app_module(self) -> str | None:
        """The MODULE part of `app` (`app.handlers` for `app.handlers:create`)."""
        return self.app.partition(":")[0] if self.app else None

    def module_path(self, module: str) -> Path:
        """`app.handlers` -> the absolute path of app/handlers.py under the project root, existing or not."""
        return self.root.joinpath(*module.split(".")).with_suffix(".py")

    def module_file(self, module: str) -> Path:
        """`app.handlers` -> `app/handlers.py` under the project root (as a command prints it)."""
        return _shown(self.module_path(module))

    @property
    def generated_python(self) -> Path:
        """Where `eventcat generate` writes the Python package (absolute; `out` is relative to the working
        directory)."""
        return self.out.resolve() / "python"

    def serve_arguments(self, given: Sequence[str], package: str | None = None) -> list[str]:
        """The runtime's `serve` arguments: those given on the command line, then what the project adds for the
        options they leave out (flags override the project): `--app`, `--package`, `--app-dir`.

        package is the generated package's import name derived from the catalog, used when the project does not
        name one; None leaves `--package` to the runtime's default. `--app` is not added under `--mock`, which
        runs the catalog with no app at all.
        """
        args = list(given)
        present = {a.split("=", 1)[0] for a in args if a.startswith("--")}
        default = DEFAULT_APP if self.module_path(DEFAULT_APP.partition(":")[0]).is_file() else None
        app = self.app or default
        if app and "--app" not in present and "--mock" not in present:
            args += ["--app", app]
        chosen = self.package or package
        if chosen and "--package" not in present:
            args += ["--package", chosen]
        if self.file is not None and "--app-dir" not in present:
            # The app's modules are importable from the project root, as they are for the team's own tools, and
            # the generated package from its output folder (where `eventcat generate` wrote it, not installed).
            args += ["--app-dir", str(self.root)]
            if self.generated_python.is_dir():
                args += ["--app-dir", str(self.generated_python)]
        for name, value in self.serve:
            if f"--{name}" in present or f"--no-{name}" in present:
                continue
            if isinstance(value, bool):
                args.append(f"--{name}" if value else f"--no-{name}")
            else:
                args += [f"--{name}", str(self.root / value) if name in SERVE_PATH_OPTIONS else value]
        return args


def find_pyproject(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The first pyproject.toml with a `[tool.eventcat]` table from start up, and that table."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ProjectError(f"{_shown(candidate)}: cannot read it as TOML ({exc}); fix the file") from None
        table = data.get("tool", {}).get("eventcat") if isinstance(data.get("tool"), dict) else None
        if table is None:
            continue
        if not isinstance(table, dict):
            raise ProjectError(f"{_shown(candidate)}: [{TABLE}] must be a table of keys ({', '.join(KEYS)})")
        return candidate, table
    return None


def load_project(start: Path) -> Project:
    """The project around start: its `[tool.eventcat]` settings, or today's defaults relative to start."""
    found = find_pyproject(start)
    if found is None:
        return Project(root=start.resolve(), file=None, catalog=Path(DEFAULT_CATALOG), out=Path(DEFAULT_OUT))
    path, table = found
    where = _shown(path)
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        keys = ", ".join(f"'{k}'" for k in unknown)
        raise ProjectError(
            f"{where}: [{TABLE}] has unknown key{'s' if len(unknown) > 1 else ''} {keys}; "
            f"the keys are {', '.join(KEYS)}"
        )
    serve = _serve_table(where, table.pop("serve", {}))
    for key, value in table.items():
        if not isinstance(value, str) or not value.strip():
            raise ProjectError(f"{where}: [{TABLE}] {key} must be a non-empty string, not {value!r}")
    root = path.parent
    app = table.get("app")
    if app is not None and not is_app_reference(app):
        raise ProjectError(
            f"{where}: [{TABLE}] app must be MODULE:ATTR (e.g. 'app.handlers:create'), not {app!r}: the module "
            "imported from the project root, and the handler class or factory in it"
        )
    package = table.get("package")
    if package is not None and not package.isidentifier():
        raise ProjectError(
            f"{where}: [{TABLE}] package must be a Python identifier (e.g. 'my_events'), not {package!r}"
        )
    return Project(
        root=root,
        file=path,
        catalog=_shown(root / table.get("catalog", DEFAULT_CATALOG)),
        out=_shown(root / table.get("out", DEFAULT_OUT)),
        app=app,
        package=package,
        serve=serve,
    )


def _serve_table(where: Path, table: Any) -> tuple[tuple[str, str | bool], ...]:
    """`[tool.eventcat.serve]` as (option, value) pairs; the runtime's command checks the names and values."""
    if not isinstance(table, dict):
        raise ProjectError(f"{where}: [{TABLE}] serve must be a table of `eventcat serve` options")
    pairs: list[tuple[str, str | bool]] = []
    for name, value in table.items():
        if isinstance(value, bool):
            pairs.append((name, value))
        elif isinstance(value, str | int | float):
            pairs.append((name, str(value)))
        else:
            raise ProjectError(f"{where}: [{TABLE}.serve] {name} must be a string, a number or true/false")
    return tuple(pairs)


def is_app_reference(value: str) -> bool:
    module, colon, attr = value.partition(":")
    return bool(colon) and all(p.isidentifier() for p in module.split(".")) and attr.isidentifier()


def _shown(path: Path) -> Path:
    """path relative to the working directory when that is short (no more than two `..`), else absolute."""
    resolved = path.resolve()
    try:
        relative = Path(os.path.relpath(resolved))
    except ValueError:  # another drive on Windows
        return resolved
    return relative if relative.parts[:3] != ("..", "..", "..") else resolved
