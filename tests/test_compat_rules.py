"""The compatibility rules, the way buf tests its breaking rules: one fixture pair per rule and context.

tests/compat/<rule-id>/<context>[-variant]/ holds old.yaml, new.yaml and expected.json, the exact findings
(rule, level, event or subject, path) that `eventcat diff old.yaml new.yaml` must report. A context is a flow
(s2c, c2s; acks flow opposite to their event), `catalog`, or a semver bump (major, minor, patch). Like oasdiff's
symmetry test, the build fails when a rule has no fixture for one of the contexts it covers.
Set UPDATE_GOLDEN=1 to rewrite expected.json from current behaviour (then review the diff).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from generator.compat import diff_catalogs
from generator.compat.findings import Finding, Level
from generator.compat.rules import RULES
from generator.loader import load_catalog

FIXTURES = Path(__file__).parent / "compat"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/expected.json"))


def summary(f: Finding) -> dict[str, Any]:
    item: dict[str, Any] = {"rule": f.rule, "level": f.level.name, "event": f.event, "path": f.path}
    if f.event is None:
        item["subject"] = f.subject
    return item


def _key(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(case: Path) -> None:
    old = load_catalog(case / "old.yaml", display_name="old.yaml")
    new = load_catalog(case / "new.yaml", display_name="new.yaml")
    found = [summary(f) for f in diff_catalogs(old, new).findings]
    if UPDATE:
        (case / "expected.json").write_text(json.dumps(found, indent=2) + "\n")
    expected = json.loads((case / "expected.json").read_text())
    assert sorted(found, key=_key) == sorted(expected, key=_key)
    rule = case.parent.name
    assert any(item["rule"] == rule for item in found), f"the fixture does not exercise {rule}"
    context = case.name.split("-")[0]
    if context in ("s2c", "c2s"):
        # The rule fires at the level its table gives for this flow: the fixture proves the direction.
        levels = {item["level"] for item in found if item["rule"] == rule}
        assert levels == {RULES[rule].levels[context].name}


def test_every_rule_has_a_fixture_for_every_context_it_covers() -> None:
    """The symmetry test: a rule that covers both directions needs a fixture for each."""
    missing = [
        f"tests/compat/{rule.id}/{context}/"
        for rule in RULES.values()
        for context in rule.contexts
        if not any(case.parent.name == rule.id and case.name.split("-")[0] == context for case in CASES)
    ]
    assert not missing, "rules without a fixture for a context they cover:\n" + "\n".join(missing)


def test_every_fixture_is_for_a_known_rule_and_one_of_its_contexts() -> None:
    for case in CASES:
        rule = RULES.get(case.parent.name)
        assert rule is not None, f"{case}: no rule is called {case.parent.name}"
        assert case.name.split("-")[0] in rule.contexts, f"{case}: {rule.id} covers only {rule.contexts}"


# The table of DESIGN.md §6, row by row: (rule, server→client, client→server); None where a rule does not apply.
DESIGN_TABLE = [
    ("event-removed", "ERR", "ERR"),
    ("event-direction-changed", "ERR", "ERR"),
    ("payload-type-changed", "ERR", "ERR"),
    ("optional-field-added", "INFO", "INFO"),
    ("field-added-to-closed-payload", "ERR", None),
    ("required-field-added", "INFO", "ERR"),
    ("required-field-removed", "ERR", "WARN"),
    ("optional-field-removed", "WARN", "WARN"),
    ("field-became-required", "INFO", "ERR"),
    ("field-became-optional", "ERR", "INFO"),
    ("type-changed", "ERR", "ERR"),
    ("field-renamed", "ERR", "ERR"),
    ("enum-value-added", "WARN", "INFO"),
    ("enum-value-removed", "INFO", "ERR"),
    ("union-branch-added", "ERR", "INFO"),
    ("union-branch-removed", "INFO", "ERR"),
    ("constraint-tightened", "INFO", "ERR"),
    ("constraint-loosened", "ERR", "INFO"),
    ("room-pattern-changed", "ERR", None),
    ("delivery-changed", "ERR", None),
]


@pytest.mark.parametrize(("rule", "s2c", "c2s"), DESIGN_TABLE, ids=[row[0] for row in DESIGN_TABLE])
def test_rule_levels_follow_the_design_table(rule: str, s2c: str | None, c2s: str | None) -> None:
    levels = RULES[rule].levels
    assert (levels.get("s2c"), levels.get("c2s")) == (
        Level[s2c] if s2c else None,
        Level[c2s] if c2s else None,
    )


def test_deprecating_first_turns_a_removal_from_err_into_warn() -> None:
    assert RULES["deprecated-event-removed"].levels == {"s2c": Level.WARN, "c2s": Level.WARN}


def test_every_rule_explains_who_breaks_in_every_context() -> None:
    for rule in RULES.values():
        assert set(rule.why) == set(rule.levels), rule.id
        assert all(text and not text.endswith(".") for text in rule.why.values()), rule.id
