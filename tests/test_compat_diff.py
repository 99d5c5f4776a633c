"""`eventcat diff` end to end: no false positives, shared types, semver, git refs, overrides, exit codes, formats."""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator.compat import diff_catalogs, render_markdown
from generator.compat.findings import Level
from generator.compat.semver import Version, minimum
from generator.loader import load_catalog, load_catalog_text
from generator.yaml_source import load_yaml

from .conftest import CATALOG, NODE_DIR, run_cli, run_node

REZ = CATALOG.read_text(encoding="utf-8")
# The REZ catalog's own version line, whatever it is today, and the versions one patch, minor and major above it.
REZ_VERSION = re.search(r"^version: .+$", REZ, re.MULTILINE).group(0)  # type: ignore[union-attr]
_MAJOR, _MINOR, _PATCH = (int(part) for part in REZ_VERSION.split(": ")[1].split("."))
NEXT_PATCH = f"{_MAJOR}.{_MINOR}.{_PATCH + 1}"
NEXT_MINOR = f"{_MAJOR}.{_MINOR + 1}.0"
NEXT_MAJOR = f"{_MAJOR + 1}.0.0"
# The rule fixtures' small catalog (an order_shipped event, a heartbeat, a shop_opened broadcast): loads in
# milliseconds where REZ takes a third of a second, so the command's tests use it.
SMALL = (Path(__file__).parent / "compat" / "field-became-optional" / "s2c" / "old.yaml").read_text()


@functools.lru_cache(maxsize=32)
def load(text: str, name: str) -> Any:
    return load_catalog_text(text, name)


def findings_of(old_text: str, new_text: str) -> list[tuple[str, str, str]]:
    """(level, rule, where) of every finding between two catalog texts."""
    return [
        (f.level.name, f.rule, f.where)
        for f in diff_catalogs(load(old_text, "old.yaml"), load(new_text, "new.yaml")).findings
    ]


def edit(text: str, *pairs: tuple[str, str]) -> str:
    for before, after in pairs:
        assert before in text, before
        text = text.replace(before, after, 1)
    return text


def bump(text: str, version: str) -> str:
    current = re.search(r"^version: .+$", text, re.MULTILINE)
    assert current is not None
    return edit(text, (current.group(0), f"version: {version}"))


# -- no false positives ---------------------------------------------------------------------------------------------


def _reversed_mappings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed_mappings(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed_mappings(v) for v in value]
    return value


def test_a_catalog_compared_with_itself_has_no_findings() -> None:
    assert findings_of(REZ, REZ) == []


def test_reformatting_and_reordering_keys_events_and_domains_change_nothing() -> None:
    doc, errors = load_yaml(REZ, "catalog/events.yaml")
    assert doc is not None and not errors
    data = _reversed_mappings(doc.data)  # domains, events, fields, types, rooms, enum maps: every mapping reversed
    rewritten = yaml.safe_dump(data, sort_keys=False, default_flow_style=True, width=80, allow_unicode=True)
    assert rewritten != REZ
    assert findings_of(REZ, rewritten) == []


def test_renaming_a_yaml_anchor_changes_nothing() -> None:
    base = """catalog: fixture
version: 1.0.0
title: Anchors
domains:
  orders:
    title: Orders
    events:
      order_shipped:
        direction: server_to_client
        summary: An order was shipped.
        payload:
          fields:
            shippedAt: &when { type: timestamp, description: When it happened. }
            seenAt: *when
        examples:
          - { shippedAt: "2025-01-01T10:00:00Z", seenAt: "2025-01-01T10:00:00Z" }
        delivery: broadcast
"""
    renamed = base.replace("&when", "&moment").replace("*when", "*moment")
    assert findings_of(base, renamed) == []


def test_renaming_a_channel_parameter_or_a_room_key_changes_nothing() -> None:
    """Clients send the same channel names and receive in rooms of the same names."""
    renamed = edit(
        SMALL,
        ("order_{orderId}:", "order_{id}:"),
        ("$channel.orderId", "$channel.id"),
        ("rooms:\n  order:", "rooms:\n  parcel_order:"),
        ("{ room: order,", "{ room: parcel_order,"),
        ("delivery: { rooms: [order] }", "delivery: { rooms: [parcel_order] }"),
    )
    assert findings_of(SMALL, renamed) == []


def test_moving_an_inline_object_into_a_shared_type_of_the_same_shape_is_no_err_or_warn() -> None:
    inline = """            agent:
              name: SupportAgent
              fields:
                id: string
                name: string
                avatar?: { type: uri, description: URL of the agent's avatar. }
                department: { type: string, description: "Support team, e.g. Orders & refunds." }
"""
    shared = """  SupportAgent:
    fields:
      id: string
      name: string
      avatar?: { type: uri, description: URL of the agent's avatar. }
      department: { type: string, description: "Support team, e.g. Orders & refunds." }
"""
    same_name = edit(REZ, (inline, "            agent: SupportAgent\n"), ("\nrooms:\n", "\n" + shared + "\nrooms:\n"))
    assert findings_of(REZ, same_name) == []
    # Under another name only the generated type's name changes: INFO, for the changelog.
    other_name = edit(same_name, ("  SupportAgent:\n", "  Agent:\n"), ("agent: SupportAgent", "agent: Agent"))
    assert findings_of(REZ, bump(other_name, NEXT_PATCH)) == [
        ("INFO", "type-name-changed", "support_agent_assigned payload.agent")
    ]


def test_inlining_a_shared_type_is_no_err_or_warn() -> None:
    inlined = edit(
        REZ,
        (
            "            location: GeoLocation\n",
            "            location:\n              name: GeoLocation\n              fields:\n"
            "                latitude: { type: number, minimum: -90, maximum: 90, unit: degrees }\n"
            "                longitude: { type: number, minimum: -180, maximum: 180, unit: degrees }\n"
            "                address: string\n",
        ),
    )
    assert findings_of(REZ, inlined) == []


# -- shared types, nesting and policy -------------------------------------------------------------------------------


def test_a_change_to_a_shared_type_is_reported_on_every_event_that_uses_it() -> None:
    changed = bump(
        edit(
            REZ,
            (
                "      userId: UserId\n      name: string\n      avatar?: uri",
                "      userId: UserId\n      name?: string\n      avatar?: uri",
            ),
        ),
        "2.0.0",
    )
    assert findings_of(REZ, changed) == [
        ("ERR", "field-became-optional", "group_member_joined payload.member.name"),
        ("ERR", "field-became-optional", "group_complete payload.members[].name"),
    ]


def test_documentation_inside_a_shared_type_is_reported_once_on_the_type() -> None:
    changed = bump(
        edit(REZ, ("description: A user as other users see them.", "description: A user, as others see them.")),
        NEXT_PATCH,
    )
    assert findings_of(REZ, changed) == [("INFO", "description-changed", "types.PersonRef")]


def test_nested_enums_in_arrays_of_objects_are_walked() -> None:
    changed = bump(edit(REZ, ("enum: [daily, weekly, monthly, all_time]", "enum: [daily, weekly, monthly]")), "2.0.0")
    found = findings_of(REZ, changed)
    assert ("INFO", "enum-value-removed", "leaderboard_update payload.period") in found
    # Also a room parameter's type: the leaderboard room's pattern is unchanged, so its delivery is too. The period
    # is also part of a channel name, so `subscribe` now refuses leaderboard_all_time: a changed pattern.
    assert ("ERR", "constraint-changed", "subscribe payload.channel") in found
    assert all(rule in ("enum-value-removed", "constraint-changed") for _, rule, _ in found)


def test_strict_clients_makes_a_field_added_to_a_closed_server_payload_breaking() -> None:
    added = edit(
        REZ,
        (
            "            estimatedDelivery?: Timestamp\n",
            "            estimatedDelivery?: Timestamp\n            courier?: string\n",
        ),
    )
    assert findings_of(REZ, bump(added, NEXT_MINOR)) == [
        ("INFO", "optional-field-added", "order_status_update payload.courier")
    ]
    strict = "defaults:\n"
    policy = "compatibility: { strict_clients: true }\ndefaults:\n"
    old, new = edit(REZ, (strict, policy)), edit(bump(added, "2.0.0"), (strict, policy))
    assert findings_of(old, new) == [("ERR", "field-added-to-closed-payload", "order_status_update payload.courier")]


def test_removing_a_field_from_a_closed_client_payload_is_breaking() -> None:
    """Old clients keep sending the field, and the server refuses keys a closed payload does not name."""
    removed = edit(
        REZ,
        (
            "            messageId: string\n            userId: { type: UserId, caller: true",
            "            userId: { type: UserId, caller: true",
        ),
        (
            "{ ticketId: ticket_123, messageId: msg_789, userId: user_456 }",
            "{ ticketId: ticket_123, userId: user_456 }",
        ),
    )
    found = findings_of(REZ, bump(removed, "2.0.0"))
    assert ("ERR", "field-removed-from-closed-payload", "message_read payload.messageId") in found


# -- semver ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "bump_", "least"),
    [
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("0.3.1", "major", "0.4.0"),  # below 1.0.0 a break is a minor bump
        ("0.3.1", "minor", "0.3.2"),
    ],
)
def test_the_least_version_a_change_may_be_released_as(old: str, bump_: Any, least: str) -> None:
    assert str(minimum(Version.parse(old), bump_)) == least


def test_versions_order_by_semver_precedence() -> None:
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0", "1.0.1"]
    versions = [Version.parse(v) for v in ordered]
    assert versions == sorted(reversed(versions))


def test_a_pre_release_may_change_anything_on_the_way_to_its_release() -> None:
    old = edit(REZ, (REZ_VERSION, "version: 2.0.0-rc.1"))
    new = edit(REZ, (REZ_VERSION, "version: 2.0.0"), ("[placed, confirmed, preparing", "[placed, preparing"))
    assert [rule for _, rule, _ in findings_of(old, new)] == ["enum-value-removed"]


# -- the command: exit codes, git refs, overrides -------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """A catalog before and after three changes: an ERR, a WARN and an INFO, with the version bumped to 2.0.0."""
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(SMALL)
    new.write_text(
        edit(
            SMALL,
            ("version: 1.0.0", "version: 2.0.0"),
            ("            carrier: {", "            carrier?: {"),  # server→client, now optional: ERR
            ("unit: kg", "unit: lb"),  # in the shared type Parcel: WARN
            ("            at: integer\n", "            at: integer\n            tz?: string\n"),  # client→server: INFO
        )
    )
    return old, new


def test_exit_codes_follow_the_threshold(pair: tuple[Path, Path]) -> None:
    old, new = map(str, pair)
    assert run_cli("diff", old, new).exit_code == 1
    assert run_cli("diff", old, old).exit_code == 0
    summary = run_cli("diff", old, new, "--format", "json")
    counts = json.loads(summary.stdout)["counts"]
    assert counts == {"ERR": 1, "WARN": 1, "INFO": 1}
    rules = tmp_rules(pair[0].parent, "field-became-optional: WARN\n")
    assert run_cli("diff", old, new, "--rules", rules).exit_code == 0
    assert run_cli("diff", old, new, "--rules", rules, "--fail-on", "WARN").exit_code == 1
    off = tmp_rules(pair[0].parent, "field-became-optional: off\nunit-changed: { s2c: INFO }\n")
    assert run_cli("diff", old, new, "--rules", off, "--fail-on", "warn").exit_code == 0
    assert run_cli("diff", old, new, "--rules", off, "--fail-on", "INFO").exit_code == 1


def tmp_rules(folder: Path, text: str) -> str:
    path = folder / f"rules-{abs(hash(text))}.yaml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "required-field-remove: WARN\n",
            "unknown rule 'required-field-remove' (did you mean 'required-field-removed'?)",
        ),
        ("unit-changed: FATAL\n", "'FATAL' is not a level (ERR, WARN, INFO or off)"),
        ("unit-changed: { server: ERR }\n", "has no context 'server' (it has: s2c, c2s)"),
        ("- a list\n", "expected a mapping of rule id to level"),
    ],
)
def test_a_bad_rules_file_is_a_usage_error(pair: tuple[Path, Path], text: str, message: str) -> None:
    result = run_cli("diff", *map(str, pair), "--rules", tmp_rules(pair[0].parent, text))
    assert result.exit_code == 2
    assert message in result.stderr


def test_usage_errors_exit_2(pair: tuple[Path, Path]) -> None:
    assert run_cli("diff").exit_code == 2
    assert run_cli("diff", str(pair[0])).exit_code == 2
    assert run_cli("diff", *map(str, pair), "--against", "HEAD").exit_code == 2
    assert run_cli("diff", *map(str, pair), "--fail-on", "FATAL").exit_code == 2


def test_catalog_errors_exit_2_with_file_line_and_column(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(edit(SMALL, ("parcels: Parcel[]", "parcels: Parcle[]")))
    result = run_cli("diff", str(old), str(new))
    assert result.exit_code == 2
    assert re.search(
        rf"{re.escape(str(new))}:\d+:\d+: unknown type 'Parcle' \(did you mean 'Parcel'\?\)", result.stderr
    )
    assert "Traceback" not in result.stderr


GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose catalog has two commits, the second removing an enum value."""
    root = tmp_path / "repo"
    (root / "catalog").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "catalog" / "events.yaml").write_text(SMALL)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    changed = edit(SMALL, ("version: 1.0.0", "version: 1.0.1"), ("[dhl, ups]", "[dhl]"))
    (root / "catalog" / "events.yaml").write_text(changed)
    git(root, "commit", "-q", "-am", "second")
    return root


def test_against_a_git_ref_compares_the_catalog_at_that_ref_with_the_working_tree(repo: Path) -> None:
    result = run_cli("diff", "--against", "HEAD~1", "--format", "json", cwd=repo)
    assert result.exit_code == 0, result.stderr  # enum value removed from a server→client payload: INFO
    document = json.loads(result.stdout)
    assert document["old"] == {"source": "HEAD~1:catalog/events.yaml", "version": "1.0.0"}
    assert [(f["rule"], f["path"]) for f in document["findings"]] == [("enum-value-removed", "payload.carrier")]
    assert run_cli("diff", "--against", "HEAD", cwd=repo).stdout.rstrip().endswith("No changes.")
    # From a subfolder, with --catalog: the ref's path is the repository's.
    (repo / "sub").mkdir()
    nested = run_cli("diff", "--against", "HEAD~1", "--catalog", "../catalog/events.yaml", cwd=repo / "sub")
    assert nested.exit_code == 0 and "HEAD~1:catalog/events.yaml" in nested.stdout


def test_against_reports_unknown_refs_missing_files_and_invalid_old_catalogs(repo: Path, tmp_path: Path) -> None:
    unknown = run_cli("diff", "--against", "no-such-branch", cwd=repo)
    assert unknown.exit_code == 2 and "unknown git ref 'no-such-branch'" in unknown.stderr
    (repo / "other.yaml").write_text(SMALL)
    missing = run_cli("diff", "--against", "HEAD", "--catalog", "other.yaml", cwd=repo)
    assert missing.exit_code == 2 and "other.yaml does not exist at HEAD" in missing.stderr
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    (outside / "events.yaml").write_text(SMALL)
    not_repo = run_cli("diff", "--against", "HEAD", "--catalog", "events.yaml", cwd=outside)
    assert not_repo.exit_code == 2 and "not inside a git repository" in not_repo.stderr
    (repo / "catalog" / "events.yaml").write_text(edit(SMALL, ("parcels: Parcel[]", "parcels: Parcle[]")))
    git(repo, "commit", "-q", "-am", "broken")
    (repo / "catalog" / "events.yaml").write_text(SMALL)
    broken = run_cli("diff", "--against", "HEAD", cwd=repo)
    assert broken.exit_code == 2
    assert re.search(r"^HEAD:catalog/events.yaml:\d+:\d+: unknown type 'Parcle'", broken.stderr, re.M)


def test_a_repository_with_one_commit_has_no_parent_to_compare_with(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "events.yaml").write_text(SMALL)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "only")
    result = run_cli("diff", "--against", "HEAD~1", cwd=tmp_path)
    assert result.exit_code == 2 and "unknown git ref 'HEAD~1'" in result.stderr


# -- output formats -------------------------------------------------------------------------------------------------


def findings_schema() -> dict[str, Any]:
    text = resources.files("generator.schema").joinpath("findings.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_json_is_valid_against_the_findings_schema_with_stable_fingerprints(pair: tuple[Path, Path]) -> None:
    schema = findings_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    result = run_cli("diff", *map(str, pair), "--format", "json")
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["failed"] is True and document["required_bump"] == "major"
    prints = [f["fingerprint"] for f in document["findings"]]
    assert len(set(prints)) == len(prints)
    # Reformatting the new catalog moves every line but keeps every fingerprint.
    old, new = pair
    new.write_text("\n# a comment that moves every line down\n" + new.read_text())
    again = json.loads(run_cli("diff", str(old), str(new), "--format", "json").stdout)
    assert [f["fingerprint"] for f in again["findings"]] == prints
    assert [f["line"] for f in again["findings"]] == [f["line"] + 2 for f in document["findings"]]


def test_github_annotations_point_at_the_new_side(pair: tuple[Path, Path]) -> None:
    old, new = pair
    result = run_cli("diff", str(old), str(new), "--format", "github")
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 3
    lines = new.read_text().splitlines()
    seen = {}
    for annotation in annotations:
        match = re.match(
            r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([a-z-]+)::(.+)$", annotation
        )
        assert match, annotation
        command, file, line, col, title, message = match.groups()
        assert file == str(new).replace(":", "%3A")
        seen[title] = (command, lines[int(line) - 1][int(col) - 1 :], message)
    # The line of what changed, in the new file: a field of the event, a field of a shared type.
    assert seen["field-became-optional"][:2] == ("error", "carrier?: { enum: [dhl, ups] }")
    assert seen["unit-changed"][0] == "warning" and seen["unit-changed"][1].startswith("weight:")
    assert seen["optional-field-added"][:2] == ("notice", "tz?: string")
    assert seen["field-became-optional"][2].startswith("order_shipped payload.carrier: now optional: clients")


def test_github_merges_one_shared_type_change_into_one_annotation(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(REZ)
    new.write_text(
        edit(
            REZ,
            (REZ_VERSION, "version: 2.0.0"),
            (
                "      userId: UserId\n      name: string\n      avatar?: uri",
                "      userId: UserId\n      name?: string\n      avatar?: uri",
            ),
        )
    )
    out = run_cli("diff", str(old), str(new), "--format", "github").stdout.splitlines()
    errors = [line for line in out if line.startswith("::error")]
    assert len(errors) == 1
    assert "::group_member_joined payload.member.name, group_complete payload.members[].name: now optional" in errors[0]


def test_junit_has_one_case_per_finding_and_fails_those_at_the_threshold(pair: tuple[Path, Path]) -> None:
    root = ET.fromstring(run_cli("diff", *map(str, pair), "--format", "junit").stdout)
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == 3 and suite.get("tests") == "3" and suite.get("failures") == "1"
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("classname") for c in failed] == ["order_shipped"]
    assert failed[0].get("name") == "field-became-optional payload.carrier"
    warn = ET.fromstring(run_cli("diff", *map(str, pair), "--format", "junit", "--fail-on", "WARN").stdout)
    assert warn.find("testsuite").get("failures") == "2"  # type: ignore[union-attr]
    clean = ET.fromstring(run_cli("diff", str(pair[0]), str(pair[0]), "--format", "junit").stdout)
    assert clean.find("testsuite").get("failures") == "0"  # type: ignore[union-attr]


def test_markdown_is_a_table_for_a_pull_request(pair: tuple[Path, Path]) -> None:
    text = run_cli("diff", *map(str, pair), "--format", "markdown").stdout
    assert text.startswith("### eventcat diff: fixture 1.0.0 → 2.0.0\n\n")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Level | Where | Change | Rule |" and len(rows) == 5
    assert rows[2].startswith("| ERR | `order_shipped` `payload.carrier` | now optional: clients")


def test_render_markdown_is_reusable_for_a_changelog() -> None:
    new = bump(edit(REZ, ("[placed, confirmed, preparing", "[placed, confirmed, packed, preparing")), NEXT_MINOR)
    result = diff_catalogs(load_catalog(CATALOG), load_catalog_text(new, "catalog/events.yaml"))
    text = render_markdown(result.findings, title=NEXT_MINOR, heading_level=3)
    assert text.splitlines()[:3] == [f"### {NEXT_MINOR}", "", "1 WARN."]
    assert "| WARN | `order_status_update` `payload.status` | enum value 'packed' added" in text
    assert render_markdown([]) == "No changes.\n"


def test_markdown_passes_markdownlint_as_a_docs_changelog_would_use_it(pair: tuple[Path, Path], tmp_path: Path) -> None:
    result = diff_catalogs(load_catalog(pair[0]), load_catalog(pair[1]))
    page = tmp_path / "changelog.md"
    page.write_text("# Changelog\n\n" + render_markdown(result.findings, title="2.0.0", heading_level=2))
    proc = run_node(str(NODE_DIR / "node_modules" / ".bin" / "markdownlint-cli2"), str(page))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_text_is_grouped_by_event_and_coloured_only_when_asked(pair: tuple[Path, Path]) -> None:
    plain = run_cli("diff", *map(str, pair))
    assert "\x1b[" not in plain.stdout
    lines = plain.stdout.splitlines()
    assert lines[0].startswith("eventcat diff: fixture 1.0.0 (")
    assert "heartbeat  client→server" in lines
    at = lines.index("order_shipped  server→client")
    assert lines[at + 1].lstrip().startswith("ERR ") and lines[at + 2].lstrip().startswith("WARN")
    assert (
        lines[-1]
        == "1 ERR, 1 WARN, 1 INFO. The changes need a major version bump. Failing: 1 at or above ERR (--fail-on ERR)."
    )
    coloured = run_cli("diff", *map(str, pair), "--color")
    assert "\x1b[31m" in coloured.stdout


def test_output_writes_the_report_to_a_file(pair: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    result = run_cli("diff", *map(str, pair), "--format", "junit", "--output", str(target), "--color")
    assert result.exit_code == 1
    assert ET.fromstring(target.read_text()).tag == "testsuites"
    assert f"Report: {target}" in result.stdout


def test_list_rules_names_every_rule_with_its_levels() -> None:
    result = run_cli("diff", "--list-rules")
    assert result.exit_code == 0
    assert re.search(r"^required-field-added\s+s2c: INFO, c2s: ERR\s+required field added$", result.stdout, re.M)


def test_levels_parse_case_insensitively() -> None:
    assert Level.parse(" warn ") is Level.WARN
