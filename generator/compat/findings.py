"""What `eventcat diff` and `eventcat lint` report: findings, their levels, and the order they are shown in.

A finding names a rule, the event and the path it concerns, the old and new values, and where the new side is
written (file, line, column), so that a CI annotation lands on the line to look at.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import Pos

# Who reads the payload a finding is about: clients (server→client) or the server (client→server). An ack is read
# by the side that sent the event, so it flows the other way.
Flow = Literal["s2c", "c2s"]
FLOW_TEXT: dict[str, str] = {"s2c": "server→client", "c2s": "client→server"}


class Level(enum.IntEnum):
    """Ordered so that `level >= threshold` reads naturally."""

    INFO = 1
    WARN = 2
    ERR = 3

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.strip().upper()]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    level: Level
    message: str
    # None for findings about the catalog as a whole, a shared type or a room.
    event: str | None = None
    path: str = ""
    flow: Flow | None = None
    old: Any = None
    new: Any = None
    # Where the new side is written (for a removal: the nearest place that still exists).
    pos: Pos | None = None
    # What a finding without an event is about, e.g. `types.Offer`, `rooms.order`, `catalog`.
    subject: str | None = None

    @property
    def fingerprint(self) -> str:
        """Stable across runs, line moves and rewording: the rule, what it is about, and the values."""
        key = json.dumps(
            [self.rule, self.event, self.subject, self.path, self.old, self.new], sort_keys=True, default=str
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def group(self) -> str:
        """The heading a finding is listed under: its event, else what it is about."""
        return self.event or self.subject or "catalog"

    @property
    def where(self) -> str:
        """`event payload.path`, for one-line formats."""
        return " ".join(part for part in (self.group, self.path) if part)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level.name,
            "event": self.event,
            "subject": self.subject,
            "direction": FLOW_TEXT[self.flow] if self.flow else None,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "message": self.message,
            "fingerprint": self.fingerprint,
            "file": self.pos.file if self.pos else None,
            "line": self.pos.line if self.pos else None,
            "col": self.pos.col if self.pos else None,
        }


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """Drop repeats (a docs change inside a shared type is met once per event that uses the type)."""
    seen: set[str] = set()
    kept: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            kept.append(finding)
    return kept


def ordered(findings: Iterable[Finding], groups: Sequence[str] = ()) -> list[Finding]:
    """Grouped (events in catalog order, then the other subjects by name), the worst first within a group."""
    rank = {name: i for i, name in enumerate(groups)}

    def key(f: Finding) -> tuple[int, str, int, str, str]:
        group_rank = rank.get(f.group, len(rank) + (1 if f.group == "catalog" else 0))
        return (group_rank, f.group, -f.level, f.path, f.rule)

    return sorted(findings, key=key)


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    totals = {level.name: 0 for level in sorted(Level, reverse=True)}
    for finding in findings:
        totals[finding.level.name] += 1
    return totals


def failing(findings: Iterable[Finding], threshold: Level) -> list[Finding]:
    return [f for f in findings if f.level >= threshold]
