"""Check catalog data against the catalog format's own JSON Schema, with errors a person can act on."""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from .errors import CatalogError
from .yaml_source import Document

SCHEMA_RESOURCE = "catalog.schema.json"


@cache
def format_schema() -> dict[str, Any]:
    """The catalog format (draft-07, so yaml-language-server understands it), shipped inside the package."""
    text = resources.files("generator.schema").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(format_schema())


def check_format(doc: Document) -> list[CatalogError]:
    errors = [_translate(error, doc) for error in _validator().iter_errors(doc.data)]
    unique: dict[tuple[object, str], CatalogError] = {}
    for error in errors:
        unique.setdefault((error.pos, error.message), error)
    return list(unique.values())


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, the branch error that best explains the instance."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        relevant = [e for e in error.context if _branch_fits(e, error.instance)]
        if not relevant:
            break
        error = best_match(relevant)
    return error


def _branch_fits(error: ValidationError, instance: Any) -> bool:
    """A branch is relevant when it expected the instance's JSON type (so its error is about content, not type)."""
    expected = error.schema.get("type") if isinstance(error.schema, dict) else None
    if error.validator == "type" and not error.relative_path:
        return False
    if expected is None:
        return True
    kinds = expected if isinstance(expected, list) else [expected]
    return _json_kind(instance) in kinds or ("number" in kinds and _json_kind(instance) == "integer")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _translate(error: ValidationError, doc: Document) -> CatalogError:
    error = _deepest(error)
    path = tuple(error.absolute_path)
    where = ".".join(str(p) for p in path) or "the catalog"
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        unknown = [k for k in unknown if not k.startswith("x-")] or unknown
        key = unknown[0]
        near = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean '{near[0]}'?" if near else f"allowed here: {', '.join(allowed)}; or an x- extension"
        return CatalogError(doc.pos(path + (key,), key=True), f"unknown key '{key}' in {where}", hint)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return CatalogError(doc.pos(path), f"{where}: missing required key '{missing}'")
    if _is_key_error(error):
        key = str(error.instance)
        return CatalogError(
            doc.pos(path + (key,), key=True), f"'{key}' is not a valid name here", _pattern_hint(error.schema_path)
        )
    if error.validator == "enum":
        options = [str(o) for o in error.validator_value]  # type: ignore[union-attr]
        near = difflib.get_close_matches(str(error.instance), options, n=1)
        hint = f"did you mean '{near[0]}'?" if near else f"one of: {', '.join(options)}"
        return CatalogError(doc.pos(path), f"{where}: '{error.instance}' is not allowed", hint)
    if error.validator == "type":
        quote = 'quote it: "..."' if error.validator_value == "string" else None
        return CatalogError(
            doc.pos(path),
            f"{where}: expected {_kind_name(error.validator_value)}, got {_json_kind(error.instance)}",
            quote,
        )
    if error.validator == "oneOf" and "valid under each of" in error.message:
        return CatalogError(
            doc.pos(path),
            f"{where}: a type takes exactly one of type, fields, enum, items, union, const, schema",
            "describe enum values with `enum:` alone; put constraints beside `type:`",
        )
    if (
        error.validator == "oneOf"
        and isinstance(error.instance, dict)
        and schema.get("oneOf")
        and "required" in str(schema["oneOf"][0])
    ):
        return CatalogError(
            doc.pos(path), f"{where}: a type needs one of type, fields, enum, items, union, const, schema"
        )
    if error.validator == "pattern":
        description = schema.get("description")
        return CatalogError(doc.pos(path), f"{where}: '{error.instance}' is not valid", description)
    return CatalogError(doc.pos(path), f"{where}: {error.message}", schema.get("description"))


def _is_key_error(error: ValidationError) -> bool:
    return "propertyNames" in error.schema_path


def _kind_name(kind: Any) -> str:
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
    }
    if isinstance(kind, list):
        return " or ".join(names.get(k, str(k)) for k in kind)
    return names.get(kind, str(kind))


def _pattern_hint(schema_path: Any) -> str:
    parts = list(schema_path)
    if "waive" in parts:
        return "lint rule ids are kebab-case, e.g. payload-timestamp"
    if "types" in parts:
        return "shared type names are PascalCase, e.g. OrderStatus"
    if "events" in parts:
        return "event names are snake_case, camelCase or domain:action, e.g. bid_placed, bidPlaced, bid:placed"
    if "fields" in parts or "fieldsMap" in str(parts):
        return "field names are identifiers; end one with ? to make it optional"
    return "names are snake_case: lower-case letters, digits and underscores"
