"""Read a catalog file as it was at a git ref (`git show REF:path`), for `eventcat diff --against REF`."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """The ref, the repository or the file at that ref cannot be read: a usage error (exit 2)."""


def catalog_at(ref: str, path: Path) -> tuple[str, str]:
    """The text of path at ref, and the name errors and reports call it by: `REF:path/in/repo`."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise GitError(f"{path.parent} does not exist")
    top = Path(_git(folder, "rev-parse", "--show-toplevel", fail=f"{folder} is not inside a git repository").strip())
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", fail=f"unknown git ref '{ref}'")
    text = _git(top, "show", f"{ref}:{relative}", fail=f"{relative} does not exist at {ref}")
    return text, f"{ref}:{relative}"


def _git(cwd: Path, *args: str, fail: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} did not answer within 60 s") from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(fail + (f" ({detail[-1]})" if detail else ""))
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise GitError(f"git {args[0]}: the output is not UTF-8 text") from None
