"""The compatibility gate: `eventcat diff` (findings between two catalogs) and the report formats lint shares."""

from __future__ import annotations

from .diff import DiffResult, diff_catalogs
from .findings import Finding, Level
from .report.markdown import render_markdown

__all__ = ["DiffResult", "Finding", "Level", "diff_catalogs", "render_markdown"]
