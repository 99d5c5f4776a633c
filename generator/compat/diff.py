"""`eventcat diff`: every finding between two catalogs, then the version check on top of them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .. import ir
from .catalog_level import compare_catalog
from .collect import Collector
from .events import EventDiff
from .findings import Finding, ordered, unique
from .overrides import Overrides
from .rules import RULES, Bump
from .semver import check_version, required_bump


@dataclass(frozen=True)
class DiffResult:
    old: ir.Catalog
    new: ir.Catalog
    findings: list[Finding]
    # The bump the changes call for (None: no change at all).
    required: Bump | None


def diff_catalogs(old: ir.Catalog, new: ir.Catalog, overrides: Overrides | None = None) -> DiffResult:
    out = Collector(RULES, overrides or Overrides())
    EventDiff(old, new, out).run()
    compare_catalog(old, new, out)
    findings = unique(out.findings)
    required = required_bump(findings, RULES)
    version = Collector(RULES, out.overrides)
    check_version(old, new, required, version)
    # Every finding gets a place in the new file, for annotations: at worst the top of it.
    top = new.positions.get("catalog")
    placed = [f if f.pos or top is None else replace(f, pos=top) for f in findings + version.findings]
    groups = [*new.events, *(name for name in old.events if name not in new.events)]
    return DiffResult(old, new, ordered(placed, groups), required)
