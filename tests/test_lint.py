"""`eventcat lint`: one fixture per rule, waivers, the REZ catalog, formats and exit codes.

tests/lint/<rule-id>/ holds catalog.yaml and expected.json, the exact findings lint reports on it (tests/lint/clean/
reports none). Set UPDATE_GOLDEN=1 to rewrite expected.json from current behaviour (then review the diff).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from generator.compat.findings import Level
from generator.lint import LINT_RULES, lint_catalog
from generator.lint.naming import implied_prefix, past_tense_suggestion
from generator.loader import load_catalog, load_catalog_text

from .conftest import CATALOG, run_cli

FIXTURES = Path(__file__).parent / "lint"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CASES = sorted(p.parent for p in FIXTURES.glob("*/expected.json"))
CLEAN = (FIXTURES / "clean" / "catalog.yaml").read_text()


def summary(result: Any) -> list[dict[str, Any]]:
    found = []
    for f in result.findings:
        item: dict[str, Any] = {"rule": f.rule, "level": f.level.name, "event": f.event, "path": f.path}
        if f.event is None:
            item["subject"] = f.subject
        found.append(item)
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_fixture(case: Path) -> None:
    found = summary(lint_catalog(load_catalog(case / "catalog.yaml")))
    if UPDATE:
        (case / "expected.json").write_text(json.dumps(found, indent=2) + "\n")
    assert found == json.loads((case / "expected.json").read_text())
    if case.name != "clean":
        assert {item["rule"] for item in found} == {case.name}, "a fixture exercises its own rule only"


def test_every_lint_rule_has_a_fixture() -> None:
    names = {case.name for case in CASES}
    assert set(LINT_RULES) <= names, f"lint rules without a fixture: {sorted(set(LINT_RULES) - names)}"
    assert names <= set(LINT_RULES) | {"clean"}, f"fixtures for no rule: {sorted(names - set(LINT_RULES) - {'clean'})}"


def test_the_rez_catalog_has_no_err_and_every_waiver_gives_a_reason() -> None:
    catalog = load_catalog(CATALOG)
    result = lint_catalog(catalog)
    assert [f for f in result.findings if f.level == Level.ERR] == []
    assert all(w.reason.strip() for w in result.waived)
    result_cli = run_cli("lint", "--catalog", str(CATALOG))
    assert result_cli.exit_code == 0, result_cli.stdout


def test_a_waiver_sets_a_finding_aside_with_its_reason(tmp_path: Path) -> None:
    text = CLEAN.replace("            shippedAt: timestamp\n", "").replace(', shippedAt: "2025-01-01T10:00:00Z"', "")
    assert [f.rule for f in lint_catalog(load_catalog_text(text, "c.yaml")).findings] == ["payload-timestamp"]
    waived_text = text.replace(
        "        delivery: { rooms: [order] }\n",
        "        delivery: { rooms: [order] }\n"
        '        lint: { waive: { payload-timestamp: "the time is the order\'s" } }\n',
    )
    result = lint_catalog(load_catalog_text(waived_text, "c.yaml"))
    assert result.findings == []
    assert [(w.finding.rule, w.finding.event, w.reason) for w in result.waived] == [
        ("payload-timestamp", "order_shipped", "the time is the order's")
    ]
    (tmp_path / "c.yaml").write_text(waived_text)
    text_report = run_cli("lint", "--catalog", str(tmp_path / "c.yaml")).stdout
    assert "waived in the catalog\n  payload-timestamp  order_shipped payload: the time is the order's" in text_report


def test_a_room_waives_its_own_rules() -> None:
    text = CLEAN.replace(
        "rooms:\n",
        "rooms:\n  shop:\n    pattern: shop:{shopId}\n    access: public\n"
        '    lint: { waive: { room-unused: "events come next release" } }\n',
    )
    result = lint_catalog(load_catalog_text(text, "c.yaml"))
    assert result.findings == [] and [w.finding.subject for w in result.waived] == ["rooms.shop"]


def test_lint_exit_codes_and_overrides(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text((FIXTURES / "any-without-description" / "catalog.yaml").read_text())
    assert run_cli("lint", "--catalog", str(catalog)).exit_code == 1
    rules = tmp_path / "rules.yaml"
    rules.write_text("any-without-description: WARN\n")
    assert run_cli("lint", "--catalog", str(catalog), "--rules", str(rules)).exit_code == 0
    assert run_cli("lint", "--catalog", str(catalog), "--rules", str(rules), "--fail-on", "WARN").exit_code == 1
    rules.write_text("any-without-description: off\n")
    assert run_cli("lint", "--catalog", str(catalog), "--rules", str(rules), "--fail-on", "INFO").exit_code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(CLEAN.replace("orderId: string\n            shippedAt", "orderId: strin\n            shippedAt"))
    result = run_cli("lint", "--catalog", str(broken))
    assert result.exit_code == 2 and f"{broken}:18:22: unknown type 'strin'" in result.stderr


def test_lint_formats(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text((FIXTURES / "room-unused" / "catalog.yaml").read_text())
    text = resources.files("generator.schema").joinpath("findings.schema.json").read_text(encoding="utf-8")
    document = json.loads(run_cli("lint", "--catalog", str(catalog), "--format", "json").stdout)
    jsonschema.Draft202012Validator(json.loads(text)).validate(document)
    assert document["command"] == "lint" and document["old"] is None
    assert document["findings"][0]["subject"] == "rooms.shop"
    github = run_cli("lint", "--catalog", str(catalog), "--format", "github").stdout.splitlines()[0]
    lines = catalog.read_text().splitlines()
    line = int(github.split("line=")[1].split(",")[0])
    assert github.startswith(f"::warning file={catalog},line={line},") and lines[line - 1].strip() == "shop:"
    junit = ET.fromstring(run_cli("lint", "--catalog", str(catalog), "--format", "junit", "--fail-on", "WARN").stdout)
    assert junit.find("testsuite").get("failures") == "1"  # type: ignore[union-attr]
    markdown = run_cli("lint", "--catalog", str(catalog), "--format", "markdown").stdout
    assert "| WARN | `rooms.shop` | no event is delivered to this room" in markdown


@pytest.mark.parametrize(
    ("names", "prefix"),
    [
        (["order_status_update", "order_delivered", "order_cancelled"], "order"),
        (["order_a", "order_b", "order_c", "parcel_lost"], "order"),
        (["order_a", "order_b", "parcel_lost"], None),  # 2 of 3: not a convention
        (["a_x", "b_y"], None),
    ],
)
def test_a_domain_implies_a_prefix_only_when_most_of_its_events_share_it(names: list[str], prefix: str | None) -> None:
    assert implied_prefix(names) == prefix


@pytest.mark.parametrize(
    ("name", "better"),
    [
        ("order_deliver", "order_delivered"),
        ("order_ship", "order_shipped"),
        ("member_leave", "member_left"),
        ("auction_start", "auction_started"),  # a base form, whatever the catalog
        ("bidPlace", "bidPlaced"),  # camelCase keeps its capital
        ("bid:place", "bid:placed"),  # domain:action: the action part
        ("door_open", "door_opened"),
        ("stock_update", None),  # a noun of state change
        ("agent_typing_start", None),  # the start of an activity: a noun after an -ing word
        ("order_delivered", None),
        ("message_read", None),  # the past participle is the base form: never flagged
    ],
)
def test_past_tense_suggestions(name: str, better: str | None) -> None:
    assert past_tense_suggestion(name) == better


def test_a_word_the_catalog_lists_is_never_flagged() -> None:
    assert past_tense_suggestion("group_complete", ["complete"]) is None
    assert past_tense_suggestion("group_complete", ["other"]) == "group_completed"


def _naming_hits(text: str) -> list[tuple[str, str | None]]:
    catalog = load_catalog_text(text, "catalog.yaml")
    return [(f.rule, f.event) for f in lint_catalog(catalog).findings if f.rule.startswith("event-name-")]


def _catalog_with(style: str | None, names: dict[str, str], verbs: list[str] | None = None) -> str:
    """A small catalog whose events have these names (name -> direction), in one domain."""
    naming = {"style": style} if style else {}
    if verbs is not None:
        naming["verbs"] = verbs  # type: ignore[assignment]
    events = {}
    for name, direction in names.items():
        event: dict[str, Any] = {
            "direction": direction,
            "summary": "Something about an item happened here.",
            "payload": {"fields": {"itemId": "string", "at": "timestamp"}},
            "examples": [{"itemId": "i1", "at": "2025-01-01T10:00:00Z"}],
        }
        if direction == "server_to_client":
            event["delivery"] = "broadcast"
        events[name] = event
    data: dict[str, Any] = {"catalog": "naming", "version": "1.0.0", "title": "Naming"}
    if naming:
        data["lint"] = {"naming": naming}
    data["domains"] = {"items": {"title": "Items", "events": events}}
    return json.dumps(data)


@pytest.mark.parametrize(
    ("style", "good", "bad"),
    [
        (None, "item_added", "itemRemoved"),  # snake_case unless the catalog says otherwise
        ("snake_case", "item_added", "item:removed"),
        ("camelCase", "itemAdded", "item_removed"),
        ("domain:action", "item:added", "itemRemoved"),
        ("domain:action", "item:addedTwice", "item:removed:twice"),
    ],
)
def test_the_style_rule_checks_the_catalogs_declared_style(style: str | None, good: str, bad: str) -> None:
    hits = _naming_hits(_catalog_with(style, {good: "server_to_client", bad: "server_to_client"}))
    assert ("event-name-style", bad) in hits
    assert ("event-name-style", good) not in hits


def test_the_past_tense_rule_reads_the_action_part_in_every_style() -> None:
    events = {"item:start": "server_to_client", "itemOpen": "server_to_client", "item:place": "client_to_server"}
    hits = _naming_hits(_catalog_with("domain:action", events))
    assert ("event-name-past-tense", "item:start") in hits
    assert ("event-name-past-tense", "itemOpen") in hits
    assert ("event-name-past-tense", "item:place") not in hits  # a client asks: the base form is right


def test_the_catalogs_verbs_are_accepted() -> None:
    events = {"item_start": "server_to_client", "item_added": "server_to_client"}
    assert ("event-name-past-tense", "item_start") in _naming_hits(_catalog_with(None, events))
    assert ("event-name-past-tense", "item_start") not in _naming_hits(_catalog_with(None, events, ["start"]))


def test_the_domain_prefix_rule_reads_the_domain_part_of_colon_names() -> None:
    events = {"item:added": "server_to_client", "item:removed": "server_to_client", "item:moved": "server_to_client"}
    hits = _naming_hits(_catalog_with("domain:action", {**events, "stock:changed": "server_to_client"}))
    assert hits == [("event-name-domain-prefix", "stock:changed")]


def test_the_naming_rules_stay_quiet_on_the_rez_catalog_but_for_its_waived_names() -> None:
    """Generic rules on a real catalog: without its waivers, REZ's naming findings are the two names its spec
    fixes (waived in the catalog with that reason), not half the catalog."""
    catalog = load_catalog(CATALOG)
    bare = replace(catalog, events={name: replace(e, lint_waivers=()) for name, e in catalog.events.items()})
    naming = sorted((f.rule, f.event) for f in lint_catalog(bare).findings if f.rule.startswith("event-name-"))
    assert naming == [("event-name-past-tense", "group_complete"), ("event-name-past-tense", "token_refresh")]
