"""`--format markdown`: a table for a pull-request comment, and `render_markdown` for a docs changelog.

The output is markdownlint-clean (blank lines around headings and tables, escaped pipes), so it can go into the
generated docs as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding, counts
from .model import Report


def render(report: Report) -> str:
    old = f"{report.old_version} → " if report.command == "diff" else ""
    title = f"eventcat {report.command}: {report.catalog_name} {old}{report.new_version}"
    return render_markdown(report.findings, title=title, summary=report.summary())


def render_markdown(
    findings: Sequence[Finding], *, title: str | None = None, summary: str | None = None, heading_level: int = 3
) -> str:
    """Findings as a Markdown section: an optional heading, a one-line summary and a table, worst first.

    For a docs changelog, pass the findings of `diff_catalogs(previous, current)` and a title such as the version.
    """
    lines: list[str] = []
    if title:
        lines += [f"{'#' * heading_level} {_text(title)}", ""]
    if summary is None:
        totals = counts(findings)
        summary = ", ".join(f"{n} {level}" for level, n in totals.items() if n) + "." if findings else "No changes."
    lines += [_text(summary), ""]
    if findings:
        lines += ["| Level | Where | Change | Rule |", "| --- | --- | --- | --- |"]
        for f in sorted(findings, key=lambda f: -f.level):
            where = f"`{f.group}`" + (f" `{f.path}`" if f.path else "")
            lines.append(f"| {f.level.name} | {where} | {_text(f.message)} | `{f.rule}` |")
        lines.append("")
    return "\n".join(lines)


def _text(value: str) -> str:
    """A table cell or a line of prose: one line, pipes escaped, nothing Markdown would read as markup."""
    return " ".join(value.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
