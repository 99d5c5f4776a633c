"""`--format github`: workflow commands that GitHub Actions turns into annotations on the catalog's lines.

Findings that say the same thing at the same place (a shared type's change, met on every event that uses it) are
merged into one annotation naming the events: a run shows only the first few annotations of each level.
"""

from __future__ import annotations

from ..findings import Finding, Level
from .model import Report

_COMMANDS = {Level.ERR: "error", Level.WARN: "warning", Level.INFO: "notice"}


def render(report: Report) -> str:
    merged: dict[tuple[object, ...], list[Finding]] = {}
    for f in sorted(report.findings, key=lambda f: -f.level):
        key = (f.rule, f.level, f.pos, f.message)
        merged.setdefault(key, []).append(f)
    lines = [_annotation(group) for group in merged.values()]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def _annotation(group: list[Finding]) -> str:
    first = group[0]
    message = f"{', '.join(dict.fromkeys(f.where for f in group))}: {first.message}"
    props = []
    if first.pos:
        props += [f"file={_prop(first.pos.file)}", f"line={first.pos.line}", f"col={first.pos.col}"]
    props.append(f"title={_prop(first.rule)}")
    return f"::{_COMMANDS[first.level]} {','.join(props)}::{_data(message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
