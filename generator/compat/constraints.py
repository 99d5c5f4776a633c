"""Whether a change of one JSON Schema keyword lets less through (tightened), more (loosened), or neither.

A reader validating with the old schema and a writer producing by the new one disagree in one direction only, so
the verdict alone is enough for the rules to say who breaks: tightened breaks old writers, loosened old readers.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal

Verdict = Literal["tightened", "loosened", "changed"]

# A larger value of these lets less through; a smaller value of the upper bounds does.
LOWER_BOUNDS = frozenset({"minLength", "minimum", "exclusiveMinimum", "minItems"})
UPPER_BOUNDS = frozenset({"maxLength", "maximum", "exclusiveMaximum", "maxItems"})
# Boolean keywords whose `true` lets less through (`uniqueItems`, `caller`) or more (`nullable`,
# `additionalProperties`); an absent one counts as its default, false.
TIGHTENING_FLAGS = frozenset({"uniqueItems", "caller"})
LOOSENING_FLAGS = frozenset({"nullable", "additionalProperties"})


def verdict(key: str, old: Any, new: Any) -> Verdict | None:
    """None when the keyword means the same before and after."""
    if key in TIGHTENING_FLAGS or key in LOOSENING_FLAGS:
        before, after = bool(old), bool(new)
        if before == after:
            return None
        tightened = after if key in TIGHTENING_FLAGS else before
        return "tightened" if tightened else "loosened"
    if old == new:
        return None
    # Any keyword added is a new condition to meet; removed, one less.
    if old is None:
        return "tightened"
    if new is None:
        return "loosened"
    if key in LOWER_BOUNDS:
        return "tightened" if new > old else "loosened"
    if key in UPPER_BOUNDS:
        return "tightened" if new < old else "loosened"
    if key == "multipleOf":
        return _multiple_of(old, new)
    if key == "pattern":
        return _pattern(str(old), str(new))
    # format: a different language; some old values fail it and some new ones passed nothing before.
    return "changed"


def _alternatives(pattern: str) -> frozenset[str] | None:
    """The top-level alternatives of `^(a|b|c)$`, or None when the pattern is not of that form."""
    if not (pattern.startswith("^(") and pattern.endswith(")$")):
        return None
    body, depth, parts, start = pattern[2:-2], 0, [], 0
    escaped = False
    for i, char in enumerate(body):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0:
                return None  # `^(a)|(b)$`: the outer parentheses do not enclose the whole
        elif char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return frozenset(parts)


def _pattern(old: str, new: str) -> Verdict | None:
    """Alternatives of a `^(a|b)$` pattern (enumerations, the catalog's channel names) compare as sets: the same
    ones in another order are no change, added ones loosen, removed ones tighten."""
    before, after = _alternatives(old), _alternatives(new)
    if before is None or after is None:
        return "changed"
    if before == after:
        return None
    if before < after:
        return "loosened"
    if after < before:
        return "tightened"
    return "changed"


def _multiple_of(old: Any, new: Any) -> Verdict:
    before, after = Fraction(str(old)), Fraction(str(new))
    if (after / before).denominator == 1:  # every multiple of 4 is a multiple of 2
        return "tightened"
    if (before / after).denominator == 1:
        return "loosened"
    return "changed"


def show(key: str, value: Any) -> str:
    """`maxLength 64`, `no pattern`: how one side of a keyword reads in a message."""
    if value is None:
        return f"no {key}"
    if isinstance(value, bool):
        return f"{key} {str(value).lower()}"
    return f"{key} {value}"
