"""The default format: findings grouped by event, worst first, coloured when the terminal shows colour.

Colour is applied with click.style; click.echo strips it when stdout is not a terminal (or with --no-color).
"""

from __future__ import annotations

from itertools import groupby

import click

from ..findings import FLOW_TEXT, Finding, Level
from .model import Report

_COLOURS = {Level.ERR: "red", Level.WARN: "yellow", Level.INFO: "cyan"}


def render(report: Report) -> str:
    lines = [click.style(report.title, bold=True), ""]
    for group, items in groupby(report.findings, key=lambda f: f.group):
        found = list(items)
        flows = {f.flow for f in found if f.flow and f.event}
        heading = click.style(group, bold=True)
        if len(flows) == 1:
            heading += f"  {FLOW_TEXT[flows.pop()]}"
        lines.append(heading)
        lines.extend(_line(f) for f in found)
        lines.append("")
    if report.waived:
        lines.append(click.style("waived in the catalog", bold=True))
        for waived in report.waived:
            f = waived.finding
            lines.append(f"  {f.rule}  {f.where}: {waived.reason}")
        lines.append("")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def _line(f: Finding) -> str:
    level = click.style(f"{f.level.name:<4}", fg=_COLOURS[f.level], bold=f.level == Level.ERR)
    where = f"{f.path}: " if f.path else ""
    pos = click.style(f"  {f.pos}", dim=True) if f.pos else ""
    return f"  {level}  {where}{f.message}  [{f.rule}]{pos}"
