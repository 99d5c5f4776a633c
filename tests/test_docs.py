"""The Markdown docs: complete against the catalog, every link resolves, markdownlint-clean, every diagram parses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator import ir
from generator.loader import load_catalog
from generator.outputs import docs

from .conftest import CATALOG, GENERATED, NODE_DIR, declared_ack, run_node

DOCS = GENERATED / "docs"
CASES = Path(__file__).parent / "cases"
HEADER = "<!-- generated from catalog/events.yaml by eventcat — do not edit -->"
FENCE = re.compile(r"^```[^\n]*\n.*?^```$", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def catalog() -> ir.Catalog:
    return load_catalog(CATALOG)


@pytest.fixture(scope="module")
def pages(catalog: ir.Catalog) -> dict[str, str]:
    """The docs as rendered in memory, keyed by file name (README.md, orders.md, ...)."""
    return {path.removeprefix("docs/"): text for path, text in docs.render(catalog).items()}


def doc_trees() -> list[Path]:
    """generated/docs and the docs of every golden case."""
    return [DOCS, *sorted(p for p in CASES.glob("*/expected/docs") if p.is_dir())]


# -- the shape of every file ------------------------------------------------------------------------------------


def test_generated_docs_are_the_rendered_docs(pages: dict[str, str]) -> None:
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert on_disk == pages, "generated/docs is stale: run `eventcat generate`"


def test_every_file_has_the_header_lf_endings_and_one_trailing_newline(pages: dict[str, str]) -> None:
    for name, text in pages.items():
        assert text.splitlines()[0] == HEADER, name
        assert "\r" not in text, name
        assert text.endswith("\n") and not text.endswith("\n\n"), name
        assert "/work/" not in text and "\t" not in text, name


def test_rendering_is_deterministic(catalog: ir.Catalog, pages: dict[str, str]) -> None:
    again = {path.removeprefix("docs/"): text for path, text in docs.render(catalog).items()}
    assert again == pages


def test_pages_are_the_index_rooms_connection_and_one_per_domain(catalog: ir.Catalog, pages: dict[str, str]) -> None:
    expected = {"README.md", "rooms.md", "connection.md"} | {docs.domain_page(d.name) for d in catalog.domains}
    assert set(pages) == expected
    # The `connection` domain must not overwrite the connection guide.
    assert len(expected) == 3 + len(catalog.domains)


# -- completeness -----------------------------------------------------------------------------------------------


def section(page: str, heading: str) -> str:
    """The text under a `## heading` up to the next level-2 heading."""
    start = page.index(f"\n## {heading}\n")
    end = page.find("\n## ", start + 1)
    return page[start : end if end != -1 else len(page)]


def test_every_event_is_in_the_index_and_has_a_section_on_its_domain_page(
    catalog: ir.Catalog, pages: dict[str, str]
) -> None:
    for event in catalog.events.values():
        page = docs.domain_page(event.domain)
        assert f"[`{event.name}`]({page}#{event.name.lower()})" in pages["README.md"], event.name
        text = section(pages[page], f"`{event.name}`")
        assert event.summary.rstrip(".") in text, event.name
        assert f"`{event.payload_name}`" in text, event.name
        assert f"(../jsonschema/{event.name}.json)" in text, event.name
        if event.examples:
            assert "```json\n" + json.dumps(event.examples[0], indent=2, ensure_ascii=False) + "\n```" in text
        if event.ack_name:
            assert f"`{event.ack_name}`" in text and "### Acknowledgement" in text, event.name
        if event.deprecated:
            assert "**Deprecated" in text, event.name
        for target in event.delivery.rooms if event.delivery else ():
            assert f"`{catalog.rooms[target.room].pattern}`" in text, (event.name, target.room)


def test_every_room_and_channel_is_indexed_and_documented(catalog: ir.Catalog, pages: dict[str, str]) -> None:
    for room in catalog.rooms.values():
        assert f"(rooms.md#room-{room.name.lower()})" in pages["README.md"], room.name
        text = pages["rooms.md"].split(f"\n### Room `{room.name}`\n")[1].split("\n### ")[0]
        assert f"`{room.pattern}`" in text
        for event in catalog.events.values():
            if event.delivery and any(t.room == room.name for t in event.delivery.rooms):
                assert f"[`{event.name}`]" in text, (room.name, event.name)
    for channel in catalog.channels.values():
        assert f"[`{channel.name}`](rooms.md#channel-" in pages["README.md"], channel.name
        text = pages["rooms.md"].split(f"\n### Channel `{channel.name}`\n")[1].split("\n### ")[0]
        for target in channel.rooms:
            assert f"`{catalog.rooms[target.room].pattern}`" in text, (channel.name, target.room)


def test_every_error_code_lifecycle_event_and_limit_is_in_the_connection_guide(
    catalog: ir.Catalog, pages: dict[str, str]
) -> None:
    guide = pages["connection.md"]
    codes = catalog.types["ErrorCode"].type
    assert isinstance(codes, ir.Enum)
    table = guide.split("### Error codes")[1]
    for value in codes.values:
        assert f"| `{value.value}` | the server itself | {value.description} |" in table
    for lc in catalog.lifecycle:
        assert f"| `{lc.name}` |" in guide, lc.name
    limits = section(guide, "Limits")
    for event in catalog.events.values():
        row = next(line for line in limits.splitlines() if line.startswith(f"| [`{event.name}`]"))
        assert f"| {event.limits.max_payload_bytes} |" in row
        if not event.server_to_client and event.limits.rate:
            assert f"| {event.limits.rate.text} |" in row
    for server in catalog.servers:
        assert f"`{server.url}`" in pages["README.md"]
    assert f"?{catalog.auth.query_param}=" in guide and f"auth.{catalog.auth.auth_field}" in guide
    assert f"### {catalog.version}" in section(pages["README.md"], "Changelog")


def schema_paths(
    schema: dict[str, Any], defs: dict[str, Any], prefix: str = "", seen: tuple[str, ...] = ()
) -> set[str]:
    """Every field path of a JSON Schema (nested objects dotted, arrays as []), read from the generated schema file:
    an independent account of what the docs' payload tables must list."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return set()
        return schema_paths(defs[name], defs, prefix, (*seen, name))
    paths: set[str] = set()
    for key, sub in schema.get("properties", {}).items():
        path = prefix + key
        paths.add(path)
        paths |= schema_paths(sub, defs, path + ".", seen)
    if "items" in schema and isinstance(schema["items"], dict):
        inner = prefix.removesuffix(".") + "[]."
        paths |= schema_paths(schema["items"], defs, inner, seen)
    for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
        if "properties" in branch or "$ref" in branch:
            paths |= schema_paths(branch, defs, prefix, seen)
    return paths


def table_paths(text: str) -> set[str]:
    return {m.group(1).replace("\\|", "|") for m in re.finditer(r"^\| `([^`]+)` \| ", text, re.MULTILINE)}


def test_every_field_of_every_payload_is_in_its_event_table(catalog: ir.Catalog, pages: dict[str, str]) -> None:
    for event in catalog.events.values():
        schema = json.loads((GENERATED / "jsonschema" / f"{event.name}.json").read_text(encoding="utf-8"))
        expected = schema_paths(schema, schema.get("$defs", {}))
        text = section(pages[docs.domain_page(event.domain)], f"`{event.name}`")
        payload = text.split("### Payload")[1].split("### ")[0]
        missing = expected - table_paths(payload)
        assert not missing, f"{event.name}: {sorted(missing)} missing from the payload table"
        if event.ack is not None:
            ack = declared_ack(json.loads((GENERATED / "jsonschema" / f"{event.name}.ack.json").read_text("utf-8")))
            ack_table = text.split("### Acknowledgement")[1]
            missing = schema_paths(ack, ack.get("$defs", {})) - table_paths(ack_table)
            assert not missing, f"{event.name} ack: {sorted(missing)} missing"


def test_nested_paths_are_dotted_and_arrays_of_objects_bracketed(pages: dict[str, str]) -> None:
    assert "| `location.latitude` |" in pages["orders.md"]
    assert "| `rankings[].userId` |" in pages["leaderboard.md"]
    assert "| `items[].reservedUntil` | `string` (date-time) | optional |" in pages["cart.md"]


# -- links ------------------------------------------------------------------------------------------------------


def github_anchor(heading: str) -> str:
    text = re.sub(r"`([^`]*)`", r"\1", heading).strip().lower()
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors GitHub gives a page's headings, duplicates numbered -1, -2, ..."""
    found: set[str] = set()
    counts: dict[str, int] = {}
    for match in re.finditer(r"^#{1,6} (.+)$", FENCE.sub("", text), re.MULTILINE):
        slug = github_anchor(match.group(1))
        n = counts.get(slug, 0)
        counts[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def links(text: str) -> list[str]:
    body = FENCE.sub("", text)
    return re.findall(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)", body)


@pytest.mark.parametrize("tree", doc_trees(), ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_every_relative_link_and_anchor_resolves(tree: Path) -> None:
    files = sorted(tree.glob("*.md"))
    assert files
    cache: dict[Path, set[str]] = {}
    broken = []
    checked = 0
    for file in files:
        for target in links(file.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):
                continue  # absolute URLs are not checked offline
            path_part, _, fragment = target.partition("#")
            resolved = (file.parent / path_part).resolve() if path_part else file.resolve()
            checked += 1
            if not resolved.is_file():
                broken.append(f"{file.name}: {target} (no such file)")
                continue
            if fragment:
                if resolved not in cache:
                    cache[resolved] = anchors(resolved.read_text(encoding="utf-8"))
                if fragment not in cache[resolved]:
                    broken.append(f"{file.name}: {target} (no such heading)")
    assert not broken, "\n".join(broken)
    assert checked > 0


def test_anchor_follows_github() -> None:
    assert docs.anchor("`order_status_update`") == "order_status_update"
    assert docs.anchor("Orders & tracking") == "orders--tracking"
    assert docs.anchor("Channel `order_{orderId}`") == "channel-order_orderid"
    assert docs.anchor("Connecting, errors and limits") == "connecting-errors-and-limits"
    for heading in ("`a.b`", "Room `x:y`", "Ünïcode Title"):
        assert docs.anchor(heading) == github_anchor(heading)


# -- markdownlint and Mermaid ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tree", doc_trees(), ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_markdownlint_passes(tree: Path) -> None:
    files = [str(p) for p in sorted(tree.glob("*.md"))]
    proc = run_node(str(NODE_DIR / "node_modules" / ".bin" / "markdownlint-cli2"), *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def mermaid_blocks(text: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def test_every_mermaid_block_parses_with_mermaid() -> None:
    files = [str(p) for tree in doc_trees() for p in sorted(tree.glob("*.md"))]
    proc = run_node("parse-mermaid.mjs", *files)
    results = json.loads(proc.stdout)
    failures = [r for r in results if not r["ok"]]
    assert not failures, json.dumps(failures, indent=2)
    expected = sum(len(mermaid_blocks(Path(f).read_text(encoding="utf-8"))) for f in files)
    assert len(results) == expected > 0


_ARROW = re.compile(r"^(\w+)(->>|-->>|-\)|--\)|--x|->|-->)(\w+): (.+)$")
_NODE = re.compile(r'^(\w+)(\(\[|\[\[|\[)"([^"]*)"(\]\)|\]\]|\])$')
_EDGE = re.compile(r'^(\w+) --> (\w+)(\["[^"]*"\])?$')


def check_mermaid(block: str) -> list[str]:
    """A structural check that needs no Node: the diagram kinds the docs use, participants declared before use,
    arrows and notes well-formed, blocks balanced, no `;` or `#` in text (they end a statement / start an entity)."""
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    problems = []
    if lines[0] == "sequenceDiagram":
        participants: set[str] = set()
        depth = 0
        for line in lines[1:]:
            if m := re.match(r"^participant (\w+) as .+$", line):
                participants.add(m.group(1))
            elif m := _ARROW.match(line):
                if not {m.group(1), m.group(3)} <= participants:
                    problems.append(f"undeclared participant: {line}")
                if re.search(r"[;#]", m.group(4)):
                    problems.append(f"unsafe text: {line}")
            elif m := re.match(r"^Note over (\w+)(?:,(\w+))?: (.+)$", line):
                if not {p for p in m.groups()[:2] if p} <= participants or re.search(r"[;#]", m.group(3)):
                    problems.append(f"bad note: {line}")
            elif re.match(r"^(alt|loop) .+$", line):
                depth += 1
            elif re.match(r"^else .+$", line):
                if depth == 0:
                    problems.append("else outside alt")
            elif line == "end":
                depth -= 1
                if depth < 0:
                    problems.append("unbalanced end")
            else:
                problems.append(f"unexpected line: {line}")
        if depth != 0:
            problems.append("unclosed block")
    elif lines[0] == "flowchart LR":
        nodes: set[str] = set()
        for line in lines[1:]:
            if m := _NODE.match(line):
                nodes.add(m.group(1))
            elif m := _EDGE.match(line):
                if m.group(1) not in nodes:
                    problems.append(f"edge from an undeclared node: {line}")
                nodes.add(m.group(2))
            else:
                problems.append(f"unexpected line: {line}")
            if ";" in line:
                problems.append(f"unsafe text: {line}")
    else:
        problems.append(f"unknown diagram: {lines[0]}")
    return problems


@pytest.mark.parametrize("tree", doc_trees(), ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_every_mermaid_block_is_well_formed(tree: Path) -> None:
    count = 0
    for file in sorted(tree.glob("*.md")):
        for block in mermaid_blocks(file.read_text(encoding="utf-8")):
            count += 1
            assert not check_mermaid(block), (file.name, check_mermaid(block))
    assert count > 0


def test_the_structural_check_catches_broken_diagrams() -> None:
    assert check_mermaid("sequenceDiagram\n    participant C as Client\n    C->>S: x") != []
    assert check_mermaid("sequenceDiagram\n    participant C as Client\n    C->>C: a; b") != []
    assert check_mermaid("sequenceDiagram\n    participant C as Client\n    loop x\n    C->>C: a") != []
    assert check_mermaid('flowchart LR\n    a["x"]\n    b --> a') != []
    assert check_mermaid("graph TD\n    a --> b") != []


def test_each_domain_has_a_flow_of_its_events_and_rooms_a_map(catalog: ir.Catalog, pages: dict[str, str]) -> None:
    for domain in catalog.domains:
        blocks = mermaid_blocks(pages[docs.domain_page(domain.name)])
        assert all(block.startswith("sequenceDiagram") for block in blocks)
        if not domain.flows:  # one diagram of every event, in catalog order
            assert len(blocks) == 1
            for name in domain.events:
                assert re.search(rf": {re.escape(name)}$", blocks[0], re.MULTILINE), (domain.name, name)
            continue
        # The catalog's flows, one diagram each, their steps in the catalog's order.
        assert len(blocks) == len(domain.flows), domain.name
        for flow, block in zip(domain.flows, blocks, strict=True):
            drawn = re.findall(r"^    \S+: (?!ack )(\S+)$", block, re.MULTILINE)
            assert drawn == list(flow.steps), (domain.name, flow.title)
    (rooms_map,) = mermaid_blocks(pages["rooms.md"])
    for event in catalog.events.values():
        if event.server_to_client:
            assert re.search(rf'["|>]{re.escape(event.name)}(<br>|")', rooms_map), event.name
    (life,) = mermaid_blocks(pages["connection.md"])
    for step in ("connect_error", "connected", "subscribe", "heartbeat", "disconnect", "reconnect"):
        assert step in life, step
