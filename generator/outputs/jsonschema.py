"""generated/jsonschema/: one draft 2020-12 schema per event payload (and per ack), plus a bundle of them all."""

from __future__ import annotations

from typing import Any

from .. import ir
from ..conventions import ack_refusal
from ..schemas import DRAFT_2020_12, SchemaBuilder, standalone
from .serialize import header_text, to_json

FOLDER = "jsonschema"


def schema_id(catalog: ir.Catalog, name: str) -> str:
    return f"urn:{catalog.name}:{name}"


def event_schema(catalog: ir.Catalog, event: ir.Event, header: str) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "$id": schema_id(catalog, f"event:{event.ident}"),
        "$comment": header,
        "x-event": event.name,
        "x-direction": event.direction,
    }
    schema = standalone(catalog, event.payload, extra)
    schema.setdefault("description", event.summary)
    return _comment_first(schema)


def ack_schema(catalog: ir.Catalog, event: ir.Event, header: str) -> dict[str, Any]:
    """What the ack callback receives: the declared acknowledgement, or the refusal the server answers with."""
    assert event.ack is not None and event.ack_name is not None
    extra: dict[str, Any] = {
        "$id": schema_id(catalog, f"ack:{event.ident}"),
        "$comment": header,
        "x-ack-of": event.name,
    }
    refusal = ack_refusal(catalog, event)
    if refusal is None:
        return _comment_first(standalone(catalog, event.ack, extra))
    builder = SchemaBuilder(catalog)
    branches = [builder.named_ref(event.ack, event.ack_name), builder.schema(ir.Ref(refusal))]
    schema: dict[str, Any] = {"$schema": DRAFT_2020_12, **extra}
    schema["description"] = f"The acknowledgement of {event.name}, or {refusal} when the server refused the event."
    schema["anyOf"] = branches
    schema["x-ack-refusal"] = refusal
    schema["$defs"] = builder.sorted_defs()
    return _comment_first(schema)


def bundle(catalog: ir.Catalog, header: str) -> dict[str, Any]:
    """Every named type, payload and ack as $defs, and an index from event name to its payload and ack."""
    builder = SchemaBuilder(catalog)
    for shared in catalog.types.values():
        builder.schema(ir.Ref(shared.name))
    index: dict[str, Any] = {}
    for event in catalog.events.values():
        entry: dict[str, Any] = {
            "direction": event.direction,
            "payload": builder.named_ref(event.payload, event.payload_name),
        }
        if event.ack is not None and event.ack_name is not None:
            entry["ack"] = builder.named_ref(event.ack, event.ack_name)
            refusal = ack_refusal(catalog, event)
            if refusal is not None:
                entry["refusal"] = builder.schema(ir.Ref(refusal))
        index[event.name] = entry
    return {
        "$comment": header,
        "$schema": DRAFT_2020_12,
        "$id": schema_id(catalog, "bundle"),
        "title": f"{catalog.title} {catalog.version}",
        "description": "Every payload of the catalog. x-events maps each event name to its payload, its ack and "
        "the refusal its ack callback receives when the server refuses the event.",
        "x-events": index,
        "$defs": builder.sorted_defs(),
    }


def _comment_first(schema: dict[str, Any]) -> dict[str, Any]:
    return {"$comment": schema.pop("$comment"), **schema}


def render(catalog: ir.Catalog) -> dict[str, str]:
    header = header_text(catalog)
    files: dict[str, str] = {}
    for event in catalog.events.values():
        # Named by the event's identifier: `bid:placed` is no file name on Windows; x-event keeps the wire name.
        files[f"{FOLDER}/{event.ident}.json"] = to_json(event_schema(catalog, event, header))
        if event.ack is not None:
            files[f"{FOLDER}/{event.ident}.ack.json"] = to_json(ack_schema(catalog, event, header))
    files[f"{FOLDER}/bundle.json"] = to_json(bundle(catalog, header))
    return dict(sorted(files.items()))
