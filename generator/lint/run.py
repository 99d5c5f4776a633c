"""Run every check, set waived hits aside with their reasons, and report waivers that are wrong or stale."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .. import ir
from ..compat.collect import Collector
from ..compat.findings import Finding, ordered
from ..compat.overrides import Overrides
from ..compat.report.model import Waived
from .checks import CHECKS, Hit
from .rules import CONTEXT, LINT_RULES


@dataclass(frozen=True)
class LintResult:
    findings: list[Finding]
    waived: list[Waived]


def lint_catalog(catalog: ir.Catalog, overrides: Overrides | None = None) -> LintResult:
    overrides = overrides or Overrides()
    waivers = {owner: {w.rule: w for w in ws} for owner, ws in _waivers(catalog)}
    out = Collector(LINT_RULES, overrides)
    aside = Collector(LINT_RULES, overrides)
    reasons: list[str] = []
    used: set[tuple[str, str]] = set()
    for check in CHECKS:
        for hit in check(catalog):
            owner = hit.event or hit.subject or ""
            waiver = waivers.get(owner, {}).get(hit.rule)
            if waiver is None:
                _emit(out, hit)
                continue
            used.add((owner, hit.rule))
            before = len(aside.findings)
            _emit(aside, hit)
            reasons += [waiver.reason] * (len(aside.findings) - before)  # nothing when the rule is switched off
    for owner, by_rule in waivers.items():
        for rule, waiver in by_rule.items():
            event, subject = (owner, None) if owner in catalog.events else (None, owner)
            path = f"lint.waive.{rule}"
            if rule not in LINT_RULES:
                what = f"no lint rule is called {rule}"
                _emit(out, Hit("waiver-unknown-rule", what, waiver.pos, event, subject, path))
            elif (owner, rule) not in used:
                what = f"{rule} finds nothing here any more"
                _emit(out, Hit("waiver-unused", what, waiver.pos, event, subject, path))
    waived = [Waived(f, reason) for f, reason in zip(aside.findings, reasons, strict=True)]
    order = {f.fingerprint: i for i, f in enumerate(ordered(aside.findings, list(catalog.events)))}
    waived.sort(key=lambda w: order[w.finding.fingerprint])
    return LintResult(ordered(out.findings, list(catalog.events)), waived)


def _emit(out: Collector, hit: Hit) -> None:
    out.emit(hit.rule, CONTEXT, hit.what, event=hit.event, subject=hit.subject, path=hit.path, pos=hit.pos)


def _waivers(catalog: ir.Catalog) -> Iterator[tuple[str, tuple[ir.Waiver, ...]]]:
    for event in catalog.events.values():
        if event.lint_waivers:
            yield event.name, event.lint_waivers
    for room in catalog.rooms.values():
        if room.lint_waivers:
            yield f"rooms.{room.name}", room.lint_waivers
