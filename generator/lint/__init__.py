"""`eventcat lint`: the spec's best practices as rules, waivable per event or room with a reason."""

from __future__ import annotations

from .rules import LINT_RULES
from .run import LintResult, lint_catalog

__all__ = ["LINT_RULES", "LintResult", "lint_catalog"]
