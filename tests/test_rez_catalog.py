"""The REZ catalog: complete against the spec, and its generated schemas and AsyncAPI document sound."""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator import ir
from generator.loader import load_catalog
from generator.workspace import tool_artifact

from .conftest import CATALOG, GENERATED, run_cli, run_node
from .spec_reader import LIFECYCLE, read_spec, spec_available

HEADER = "generated from catalog/events.yaml by eventcat — do not edit"


@pytest.fixture(scope="module")
def catalog() -> ir.Catalog:
    return load_catalog(CATALOG)


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((GENERATED / "asyncapi.yaml").read_text(encoding="utf-8"))
    return data


def schema_file(event: str) -> Path:
    return GENERATED / "jsonschema" / f"{event}.json"


def load_schema(event: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_file(event).read_text(encoding="utf-8"))
    return data


def validator(event: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        load_schema(event), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def payload_object(catalog: ir.Catalog, event: ir.Event) -> ir.Object:
    resolved = catalog.resolve(event.payload)
    assert isinstance(resolved, ir.Object), f"{event.name}: payload is not an object"
    return resolved


# -- completeness against the spec ----------------------------------------------------------------------------------


def needs_spec(test: Any) -> Any:
    """The spec lies in shared/ beside the checkout; CI always has it, so there its absence is a failure."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        if not spec_available():
            if os.environ.get("CI") == "true":
                pytest.fail("../shared/spec/rez-websocket-events.md is missing; CI must check the catalog against it")
            pytest.skip("../shared/spec is not beside this checkout")
        test(*args, **kwargs)

    return functools.wraps(test)(wrapper)


@needs_spec
def test_every_spec_event_is_in_the_catalog_with_its_direction(catalog: ir.Catalog) -> None:
    spec = read_spec()
    assert len(spec) >= 55, "the spec reader found too few events: the reader is broken"
    lifecycle_names = {lc.name for lc in catalog.lifecycle}
    for name, event in spec.items():
        if name in LIFECYCLE:
            assert name in lifecycle_names, f"{name} should be documented under lifecycle:"
            continue
        assert name in catalog.events, f"spec event {name} is missing from the catalog"
        assert catalog.events[name].direction == event.direction, name


# Optional fields the catalog adds to a spec event, each for a reason the spec asks for elsewhere: `connected` says
# what reconnection restored (the spec's "Reconnection Handling").
EXTENSIONS = {"connected": {"recovered", "restoredChannels"}}


def _without_extensions(name: str, fields: dict[str, bool]) -> dict[str, bool]:
    added = EXTENSIONS.get(name, set())
    assert all(not fields[f] for f in added if f in fields), f"{name}: an extension field must be optional"
    return {f: required for f, required in fields.items() if f not in added}


@needs_spec
def test_every_spec_field_has_its_name_and_optionality(catalog: ir.Catalog) -> None:
    checked = 0
    for name, event in read_spec().items():
        if name in LIFECYCLE or event.fields is None:
            continue
        obj = payload_object(catalog, catalog.events[name])
        catalog_fields = _without_extensions(name, {f.name: f.required for f in obj.fields})
        assert catalog_fields == event.fields, f"{name}: catalog {catalog_fields} != spec {event.fields}"
        checked += 1
    assert checked >= 50


@needs_spec
def test_asyncapi_has_every_spec_event_with_its_fields(asyncapi: dict[str, Any]) -> None:
    schemas = asyncapi["components"]["schemas"]
    messages = asyncapi["components"]["messages"]
    for name, event in read_spec().items():
        if name in LIFECYCLE:
            continue
        assert messages[name]["name"] == name
        if event.fields is None:
            continue
        ref = messages[name]["payload"]["$ref"]
        schema = schemas[ref.rsplit("/", 1)[1]]
        properties = [p for p in schema["properties"] if p not in EXTENSIONS.get(name, set())]
        assert properties == list(event.fields), name
        assert set(schema.get("required", [])) == {f for f, required in event.fields.items() if required}, name


def test_catalog_documents_decisions_where_the_spec_is_ambiguous(catalog: ir.Catalog) -> None:
    for name in (
        "error",
        "price_update",
        "stock_update",
        "store_online",
        "support_agent_status_changed",
        "connection_error",
    ):
        description = catalog.events[name].description or ""
        assert "ecision" in description or "spec" in description, f"{name} does not say what was decided"
    channel = catalog.resolve(payload_object(catalog, catalog.events["subscribe"]).fields[0].type)
    assert isinstance(channel, ir.Scalar) and "pattern" in channel.constraints


def test_every_server_event_has_a_delivery_and_every_event_an_example(catalog: ir.Catalog) -> None:
    for event in catalog.events.values():
        assert event.examples, event.name
        assert (event.delivery is not None) == event.server_to_client, event.name
        assert event.summary.strip(), event.name


def test_every_subscribe_channel_name_is_accepted_by_the_subscribe_schema(catalog: ir.Catalog) -> None:
    check = validator("subscribe")
    for channel in catalog.channels.values():
        sample = channel.name
        for param in channel.params:
            resolved = catalog.resolve(param.type)
            value = str(resolved.values[0].value) if isinstance(resolved, ir.Enum) else "x123"
            sample = sample.replace("{" + param.name + "}", value)
        assert check.is_valid({"channel": sample}), f"subscribe refuses channel {sample}"
    assert not check.is_valid({"channel": "everything"})


# -- generated JSON Schemas -----------------------------------------------------------------------------------------


def test_every_schema_is_valid_against_the_2020_12_metaschema() -> None:
    files = sorted((GENERATED / "jsonschema").glob("*.json"))
    assert len(files) > 56
    for path in files:
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$comment"] == HEADER, path.name


def test_every_example_validates_against_its_generated_schema(catalog: ir.Catalog) -> None:
    for event in catalog.events.values():
        check = validator(event.name)
        for example in event.examples:
            assert not list(check.iter_errors(example)), event.name
        if event.ack is not None:
            ack_schema = json.loads((GENERATED / "jsonschema" / f"{event.name}.ack.json").read_text())
            ack_check = jsonschema.Draft202012Validator(
                ack_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
            )
            for example in event.ack_examples:
                assert ack_check.is_valid(example), event.name


def mutations(catalog: ir.Catalog, event: ir.Event) -> list[tuple[str, Any]]:
    """Invalid variants of the event's first example: each must be rejected."""
    example = event.examples[0]
    obj = payload_object(catalog, event)
    variants: list[tuple[str, Any]] = []
    for f in obj.fields:
        if f.required and f.name in example:
            broken = copy.deepcopy(example)
            del broken[f.name]
            variants.append((f"{event.name}: without {f.name}", broken))
        resolved = catalog.resolve(f.type)
        if f.name in example and isinstance(resolved, ir.Enum):
            broken = copy.deepcopy(example)
            broken[f.name] = "not_a_valid_value"
            variants.append((f"{event.name}: bad enum {f.name}", broken))
        if f.name in example and not (isinstance(resolved, ir.Scalar) and resolved.kind == "any"):
            broken = copy.deepcopy(example)
            broken[f.name] = [] if not isinstance(example[f.name], list) else "not a list"
            variants.append((f"{event.name}: wrong type {f.name}", broken))
    if not obj.additional_properties:
        variants.append((f"{event.name}: unknown key", {**example, "unexpectedKey": 1}))
    variants.append((f"{event.name}: not an object", [example]))
    return variants


def test_generated_schemas_reject_invalid_instances(catalog: ir.Catalog) -> None:
    total = 0
    for event in catalog.events.values():
        check = validator(event.name)
        for label, instance in mutations(catalog, event):
            assert not check.is_valid(instance), f"accepted: {label}"
            total += 1
    assert total > 300


def test_ajv_agrees_with_jsonschema_on_examples_and_mutations(catalog: ir.Catalog, tmp_path: Path) -> None:
    cases = []
    for event in catalog.events.values():
        path = str(schema_file(event.name))
        cases += [
            {"schema": path, "instance": ex, "label": f"ok {event.name} {i}"} for i, ex in enumerate(event.examples)
        ]
        cases += [
            {"schema": path, "instance": inst, "label": f"bad {label}"} for label, inst in mutations(catalog, event)
        ]
    cases.append(
        {"schema": str(GENERATED / "jsonschema" / "bundle.json"), "instance": {}, "label": "ok bundle compiles"}
    )
    file = tmp_path / "cases.json"
    file.write_text(json.dumps(cases))
    proc = run_node("validate-instances.mjs", str(file))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads(proc.stdout)
    assert len(results) == len(cases)
    for result in results:
        expected = result["label"].startswith("ok ")
        assert result["valid"] is expected, f"ajv: {result['label']}: {result['errors']}"


def test_bundle_indexes_every_event_and_resolves(catalog: ir.Catalog) -> None:
    bundle = json.loads((GENERATED / "jsonschema" / "bundle.json").read_text())
    assert set(bundle["x-events"]) == set(catalog.events)
    for name, entry in bundle["x-events"].items():
        event = catalog.events[name]
        sub = {"$schema": bundle["$schema"], "$defs": bundle["$defs"], **entry["payload"]}
        check = jsonschema.Draft202012Validator(sub, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        for example in event.examples:
            assert check.is_valid(example), name
        assert ("ack" in entry) == (event.ack is not None)


# -- AsyncAPI ---------------------------------------------------------------------------------------------------------


def test_asyncapi_parses_with_the_official_parser_with_zero_errors(catalog: ir.Catalog) -> None:
    proc = run_node("parse-asyncapi.mjs", str(GENERATED / "asyncapi.yaml"))
    report = json.loads(proc.stdout)
    problems = [d for d in report["diagnostics"] if d["severity"] in ("error", "warning")]
    assert proc.returncode == 0 and report["parsed"], report["diagnostics"]
    assert not problems, problems
    assert set(catalog.events) <= set(report["messages"])
    actions = {op_id: action for op_id, action in report["operations"]}
    for event in catalog.events.values():
        expected = "send" if event.server_to_client else "receive"
        ops = [
            op for op in actions if op == f"{expected}_{event.name}" or op.startswith(f"{expected}_{event.name}_via_")
        ]
        assert ops, f"no {expected} operation for {event.name}"
        assert all(actions[op] == expected for op in ops)


def test_asyncapi_maps_rooms_to_channels_with_parameters(catalog: ir.Catalog, asyncapi: dict[str, Any]) -> None:
    channels = asyncapi["channels"]
    for room in catalog.rooms.values():
        channel = channels[room.name]
        assert channel["address"] == room.pattern
        assert set(channel.get("parameters", {})) == {p.name for p in room.params}
    assert channels["leaderboard"]["parameters"]["period"]["enum"] == ["daily", "weekly", "monthly", "all_time"]
    order_ops = [op for op in asyncapi["operations"].values() if op["channel"]["$ref"] == "#/channels/order"]
    assert {op["messages"][0]["$ref"].rsplit("/", 1)[1] for op in order_ops} >= {
        "order_status_update",
        "order_delivered",
    }


def test_asyncapi_acks_are_operation_replies(catalog: ir.Catalog, asyncapi: dict[str, Any]) -> None:
    for event in catalog.events.values():
        if event.ack is None:
            continue
        op = asyncapi["operations"][f"receive_{event.name}"]
        refs = [m["$ref"] for m in op["reply"]["messages"]]
        assert f"#/channels/connection/messages/{event.name}.ack" in refs
        assert "#/channels/connection/messages/ack-refusal" in refs


def test_generated_files_start_with_the_header_and_hold_no_local_paths() -> None:
    root = str(Path(__file__).resolve().parent.parent)
    text = (GENERATED / "asyncapi.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"# {HEADER}\n")
    for path in GENERATED.rglob("*"):
        # Not what tools write beside the outputs: `make`'s `pip install -e ./generated/python` leaves
        # rez_realtime.egg-info/ there, importing the package __pycache__/ (no output, as check sees it too).
        if path.is_file() and not tool_artifact(path.relative_to(GENERATED).as_posix()):
            content = path.read_text(encoding="utf-8")
            assert root not in content and "\r\n" not in content, path
            assert content.endswith("\n")


def test_committed_outputs_are_in_sync_with_the_catalog() -> None:
    result = run_cli("check", "--no-diff", cwd=CATALOG.parent.parent)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_editors_find_the_format_schema_from_the_catalog() -> None:
    """yaml-language-server reads the first line; the schema it points at must exist and accept the catalog."""
    first = CATALOG.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (CATALOG.parent / first.split("$schema=", 1)[1].strip()).resolve()
    schema = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    data = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(data))
    from generator.format_schema import format_schema

    assert format_schema() == schema  # the packaged copy is the one editors see
