"""Compare rendered outputs with an output folder, and bring the folder in line: what generate and check share."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import ir
from .outputs import OUTPUTS, Output


@dataclass
class OutputPlan:
    """For one output: what a render produced and how the folder differs from it."""

    output: Output
    files: dict[str, str]
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def drift(self) -> bool:
        return bool(self.changed or self.missing or self.stale)


def source_name(catalog_path: Path, out_dir: Path) -> str:
    """How generated headers name the catalog: relative to the project (the output folder's parent), POSIX style."""
    project = out_dir.resolve().parent
    try:
        return catalog_path.resolve().relative_to(project).as_posix()
    except ValueError:
        return os.path.relpath(catalog_path.resolve(), project).replace(os.sep, "/")


def render_all(catalog: ir.Catalog, only: tuple[str, ...] = ()) -> list[tuple[Output, dict[str, str]]]:
    return [(o, o.render(catalog)) for o in OUTPUTS if not only or o.name in only]


# What Python and common tools write beside the outputs, in any owned folder: importing the generated package
# writes __pycache__/, `pip install generated/python` writes build/ and *.egg-info/, type checkers and linters
# their caches. None of it is an output, so none of it is stale: check never counts it, generate never removes it.
TOOL_DIRS = frozenset(
    {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "node_modules", "build", "dist", ".venv"}
)
TOOL_DIR_SUFFIXES = (".egg-info",)
TOOL_FILE_SUFFIXES = (".pyc", ".pyo")
TOOL_FILES = frozenset({".DS_Store", "Thumbs.db"})


def tool_artifact(relative: str) -> bool:
    """Whether a path under the output folder is something a tool wrote (see TOOL_DIRS), not an output."""
    *folders, name = relative.split("/")
    if any(part in TOOL_DIRS or part.endswith(TOOL_DIR_SUFFIXES) for part in folders):
        return True
    return name in TOOL_FILES or name.endswith(TOOL_FILE_SUFFIXES)


def git_ignored(out_dir: Path, relatives: Iterable[str]) -> set[str]:
    """The paths (relative to out_dir) that git ignores, when out_dir is in a git work tree; else none.

    git itself decides, so every .gitignore on the way, .git/info/exclude and the user's global excludes count, as
    they do for `git status`. Tracked files are never reported (git's rule), so an output committed in spite of an
    ignore pattern still counts. Without git, or outside a work tree, nothing is ignored beyond TOOL_DIRS.
    """
    paths = sorted(relatives)
    git = shutil.which("git")
    if not paths or git is None or not out_dir.is_dir():
        return set()
    try:
        done = subprocess.run(
            [git, "check-ignore", "--stdin", "-z"],
            cwd=out_dir,
            input="\0".join(paths) + "\0",
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if done.returncode not in (0, 1):  # 128: not a work tree, or git failed; then git ignores nothing here
        return set()
    return {p for p in done.stdout.split("\0") if p}


def existing_files(out_dir: Path, output: Output) -> set[str]:
    """The files an output owns in the folder now, leaving out what tools wrote (see TOOL_DIRS)."""
    found: set[str] = set()
    for root in output.owns:
        target = out_dir / root
        if root.endswith("/"):
            if target.is_dir():
                found.update(p.relative_to(out_dir).as_posix() for p in target.rglob("*") if p.is_file())
        elif target.is_file():
            found.add(root)
    return {relative for relative in found if not tool_artifact(relative)}


def plan(out_dir: Path, rendered: list[tuple[Output, dict[str, str]]]) -> list[OutputPlan]:
    plans = []
    for output, files in rendered:
        p = OutputPlan(output, files)
        for relative, text in files.items():
            target = out_dir / relative
            if not target.is_file():
                p.missing.append(relative)
            elif target.read_bytes() != text.encode("utf-8"):
                p.changed.append(relative)
            else:
                p.unchanged.append(relative)
        # git is asked about leftovers only: usually there are none, and then no git process runs.
        leftovers = existing_files(out_dir, output) - set(files)
        p.stale = sorted(leftovers - git_ignored(out_dir, leftovers))
        plans.append(p)
    return plans


def apply(out_dir: Path, plans: list[OutputPlan]) -> None:
    """Write what differs and remove stale files; never touches a file no output owns."""
    for p in plans:
        for relative in p.changed + p.missing:
            target = out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(p.files[relative].encode("utf-8"))
        for relative in p.stale:
            (out_dir / relative).unlink()
        for root in p.output.owns:
            _remove_empty_dirs(out_dir / root) if root.endswith("/") else None


def _remove_empty_dirs(folder: Path) -> None:
    if not folder.is_dir():
        return
    for sub in sorted((d for d in folder.rglob("*") if d.is_dir()), key=lambda d: len(d.parts), reverse=True):
        if not any(sub.iterdir()):
            sub.rmdir()


def unified_diff(out_dir: Path, relative: str, new_text: str, context: int = 3) -> str:
    old = (out_dir / relative).read_text(encoding="utf-8", errors="replace")
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new_text.splitlines(keepends=True), f"a/{relative}", f"b/{relative}", n=context
    )
    return "".join(lines)
