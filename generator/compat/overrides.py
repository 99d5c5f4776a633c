"""Per-rule level overrides (`--rules FILE`): a team's policy on top of the defaults.

The file is YAML, one rule per key, its level or `off`, or a level per context:

    enum-value-added: ERR                # every context
    optional-field-removed: off          # never reported
    required-field-removed: { c2s: ERR } # only client→server payloads; the others keep their default
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .findings import Level
from .rules import Rule

ALL = "*"
_LEVELS = "ERR, WARN, INFO or off"


class OverridesInvalid(Exception):
    """A usage error: the CLI prints it and exits 2."""


@dataclass(frozen=True)
class Overrides:
    # rule id -> context (or ALL) -> level, None meaning off
    levels: Mapping[str, Mapping[str, Level | None]] = field(default_factory=dict)

    def level(self, rule: Rule, context: str) -> Level | None:
        """The level a finding of rule in context gets; None when the rule is switched off."""
        chosen = self.levels.get(rule.id, {})
        if context in chosen:
            return chosen[context]
        if ALL in chosen:
            return chosen[ALL]
        return rule.levels[context]


def load_overrides(path: Path, rules: Iterable[Mapping[str, Rule]]) -> Overrides:
    """Read and check the file against every rule set it may name (diff's and lint's share one file)."""
    known: dict[str, Rule] = {}
    for rule_set in rules:
        known.update(rule_set)
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OverridesInvalid(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise OverridesInvalid(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return Overrides()
    if not isinstance(data, dict):
        raise OverridesInvalid(f"{path}: expected a mapping of rule id to level ({_LEVELS})")
    levels: dict[str, dict[str, Level | None]] = {}
    for rule_id, value in data.items():
        rule = known.get(str(rule_id))
        if rule is None:
            near = difflib.get_close_matches(str(rule_id), list(known), n=1)
            hint = f"did you mean '{near[0]}'?" if near else "`eventcat diff --list-rules` and `lint --list-rules`"
            raise OverridesInvalid(f"{path}: unknown rule '{rule_id}' ({hint})")
        if isinstance(value, dict):
            per_context: dict[str, Level | None] = {}
            for context, level in value.items():
                if context not in rule.levels:
                    raise OverridesInvalid(
                        f"{path}: rule '{rule_id}' has no context '{context}' (it has: {', '.join(rule.levels)})"
                    )
                per_context[str(context)] = _level(path, rule_id, level)
            levels[rule.id] = per_context
        else:
            levels[rule.id] = {ALL: _level(path, rule_id, value)}
    return Overrides(levels)


def _level(path: Path, rule_id: object, value: object) -> Level | None:
    # YAML 1.1 reads a bare `off` as false: accept it, since that is what the author wrote.
    if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
        return None
    if isinstance(value, str):
        try:
            return Level.parse(value)
        except KeyError:
            pass
    raise OverridesInvalid(f"{path}: rule '{rule_id}': '{value}' is not a level ({_LEVELS})")
