"""What every report format renders: the findings, what was compared, and the threshold that fails the run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..findings import Finding, Level, counts, failing
from ..rules import Bump, Rule


@dataclass(frozen=True)
class Waived:
    """A lint finding a catalog waived for one event or room, and the reason it gives."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class Report:
    command: Literal["diff", "lint"]
    findings: Sequence[Finding]
    rules: Mapping[str, Rule]
    fail_on: Level
    catalog_name: str
    new_source: str
    new_version: str
    old_source: str | None = None
    old_version: str | None = None
    required: Bump | None = None
    waived: Sequence[Waived] = ()

    @property
    def failing(self) -> list[Finding]:
        return failing(self.findings, self.fail_on)

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.findings)

    @property
    def title(self) -> str:
        if self.command == "diff":
            return (
                f"eventcat diff: {self.catalog_name} {self.old_version} ({self.old_source}) → "
                f"{self.new_version} ({self.new_source})"
            )
        return f"eventcat lint: {self.catalog_name} {self.new_version} ({self.new_source})"

    def summary(self) -> str:
        """One sentence: how many of each level, what the version needs, whether the run fails."""
        if not self.findings:
            parts = ["No changes." if self.command == "diff" else "No findings."]
        else:
            parts = [", ".join(f"{n} {level}" for level, n in self.counts.items() if n) + "."]
        if self.command == "diff" and self.required:
            parts.append(f"The changes need a {self.required} version bump.")
        if self.waived:
            parts.append(f"{len(self.waived)} waived in the catalog.")
        bad = len(self.failing)
        if bad:
            parts.append(f"Failing: {bad} at or above {self.fail_on.name} (--fail-on {self.fail_on.name}).")
        return " ".join(parts)
