"""The catalog's `version` must grow by at least what its changes require.

ERR findings require a major bump; WARN findings and new things (events, fields, enum values) a minor one; any
other change a patch. Two conventions of the semver world are kept:
- below 1.0.0 everything shifts down one place (cargo's reading): a break needs 0.(y+1).0, anything else a patch;
- a pre-release promises nothing: from 2.0.0-rc.1, both 2.0.0-rc.2 and 2.0.0 may change anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import total_ordering

from .. import ir
from .collect import Collector
from .findings import Finding, Level
from .rules import Bump, Rule

_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?$")
_ORDER: dict[Bump, int] = {"patch": 1, "minor": 2, "major": 3}


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _SEMVER.match(text)
        if not match:
            raise ValueError(f"not a semantic version: {text!r}")
        major, minor, patch, pre = match.groups()
        return cls(int(major), int(minor), int(patch), tuple(pre.split(".")) if pre else ())

    @property
    def triple(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        if self.triple != other.triple:
            return self.triple < other.triple
        # A release outranks its pre-releases; pre-release identifiers compare numerically when they are numbers.
        if not self.pre or not other.pre:
            return bool(self.pre) and not other.pre
        return [_identifier(p) for p in self.pre] < [_identifier(p) for p in other.pre]

    def __str__(self) -> str:
        return ".".join(map(str, self.triple)) + (f"-{'.'.join(self.pre)}" if self.pre else "")


def _identifier(part: str) -> tuple[int, int, str]:
    return (0, int(part), "") if part.isdigit() else (1, 0, part)


def required_bump(findings: Iterable[Finding], rules: Mapping[str, Rule]) -> Bump | None:
    """The least bump that honestly describes these findings (None when there are none)."""
    best: Bump | None = None
    for finding in findings:
        if finding.level == Level.ERR:
            bump: Bump = "major"
        elif finding.level == Level.WARN:
            bump = "minor"
        else:
            bump = rules[finding.rule].bump
        if best is None or _ORDER[bump] > _ORDER[best]:
            best = bump
    return best


def minimum(old: Version, bump: Bump) -> Version:
    """The smallest version after old that a change of this size may be released as."""
    if old.major == 0:  # 0.y.z: y is the breaking part, z everything else
        return Version(0, old.minor + 1, 0) if bump == "major" else Version(0, old.minor, old.patch + 1)
    if bump == "major":
        return Version(old.major + 1, 0, 0)
    if bump == "minor":
        return Version(old.major, old.minor + 1, 0)
    return Version(old.major, old.minor, old.patch + 1)


def check_version(old: ir.Catalog, new: ir.Catalog, required: Bump | None, out: Collector) -> None:
    before, after = Version.parse(old.version), Version.parse(new.version)
    pos = new.positions.get("version") or new.positions.get("catalog")

    def emit(rule: str, context: str, what: str) -> None:
        out.emit(rule, context, what, subject="catalog", path="version", old=old.version, new=new.version, pos=pos)

    if after < before:
        emit("version-decreased", "catalog", f"version {before} → {after}")
        return
    if required is None:
        return
    if after == before:
        what = f"version is still {after}; these changes need a {required} bump, to {minimum(before, required)}"
        emit("version-unchanged", required, what)
        return
    if before.pre and after.triple == before.triple:
        return  # from a pre-release to its release (or a later pre-release): anything goes
    least = minimum(before, required)
    if after.triple < least.triple:
        what = f"version {before} → {after}; these changes need a {required} bump, to at least {least}"
        emit("version-bump-too-small", required, what)
