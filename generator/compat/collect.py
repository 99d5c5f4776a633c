"""Turn "rule R fired in context C" into a finding: the level (after overrides) and the one-line explanation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Pos
from .findings import Finding, Flow
from .overrides import Overrides
from .rules import Rule


@dataclass
class Collector:
    rules: Mapping[str, Rule]
    overrides: Overrides = field(default_factory=Overrides)
    findings: list[Finding] = field(default_factory=list)

    def emit(
        self,
        rule_id: str,
        context: str,
        what: str,
        *,
        event: str | None = None,
        subject: str | None = None,
        path: str = "",
        flow: Flow | None = None,
        old: Any = None,
        new: Any = None,
        pos: Pos | None = None,
    ) -> None:
        rule = self.rules[rule_id]
        level = self.overrides.level(rule, context)
        if level is None:  # switched off by the team's rules file
            return
        self.findings.append(
            Finding(
                rule=rule_id,
                level=level,
                message=f"{what}: {rule.why[context]}",
                event=event,
                path=path,
                flow=flow,
                old=old,
                new=new,
                pos=pos,
                subject=subject,
            )
        )
