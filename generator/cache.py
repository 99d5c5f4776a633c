"""A content-addressed cache for the slow, pure steps of code generation (datamodel-code-generator, ruff).

Keys hash every input, including the tool versions, so a hit is always the answer the tool would give; a miss or
a damaged entry just recomputes. The cache lives in `$EVENTCAT_CACHE_DIR`, else `$XDG_CACHE_HOME/eventcat`, else
`~/.cache/eventcat`; `EVENTCAT_CACHE_DIR=off` disables it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any


def directory() -> Path | None:
    configured = os.environ.get("EVENTCAT_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventcat"


def key(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def load_json(name: str) -> Any:
    folder = directory()
    if folder is None:
        return None
    try:
        return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_json(name: str, value: Any) -> None:
    folder = directory()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        temporary.replace(folder / f"{name}.json")
    except OSError:
        pass  # a read-only home: generation still works, only slower
