"""Limits on JSON text that a decoder would fail on: nesting depth and number length, checked before decoding.

Python's `json` recurses once per level (1,000 levels raise `RecursionError`) and refuses integers of more than
4,300 digits (`ValueError`); both happen inside python-socketio's packet decoder, before any handler could answer.
The checks here run on the raw text first. The common case costs two C-level scans (`str.count` and one regular
expression search); only text that might be over a limit is tokenised, strings skipped, to be sure.
"""

from __future__ import annotations

import re

# A run of digits longer than any JSON number we accept could be; strings are skipped by the exact check.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[{]|[\]}]|-?[0-9][0-9.eE+-]*')


class JsonLimits:
    """The deepest nesting (arrays and objects) of an event's payload and the longest number, in characters, it may
    hold. Messages are checked whole: the packet's own array around the arguments is one level more."""

    def __init__(self, max_depth: int = 64, max_number_length: int = 100) -> None:
        if max_depth < 1 or max_number_length < 1:
            raise ValueError("JSON limits must be at least 1")
        self.max_depth = max_depth
        self.max_number_length = max_number_length
        self._deepest = max_depth + 1
        # Quick screen: a run of more digits than the limit somewhere in the text (maybe inside a string).
        self._long_digits = re.compile(f"[0-9]{{{max_number_length + 1}}}")

    def problem(self, text: str) -> str | None:
        """`None` when the text is within the limits; otherwise what is over them, for the client."""
        deep = text.count("[") + text.count("{") > self._deepest
        long = self._long_digits.search(text) is not None
        if not deep and not long:
            return None
        depth = 0
        for match in _TOKENS.finditer(text):
            token = match.group()
            first = token[0]
            if first == '"':
                continue
            if first in "[{":
                depth += 1
                if depth > self._deepest:
                    return f"nested more than {self.max_depth} levels deep"
            elif first in "]}":
                depth -= 1
            elif len(token) > self.max_number_length:
                return f"a number longer than {self.max_number_length} characters"
        return None
