"""Cross-output agreement (issue 4, section 3): for every event of the REZ catalog, the JSON Schemas, the pydantic
models, the TypeScript types, the AsyncAPI document and the docs say the same thing.

1. Property-based: instances generated from each event's JSON Schema are accepted by its pydantic model, and
   instances the schema refuses (built from those by removing a required field, changing a type, leaving an enum,
   adding a key, breaking a constraint) are refused by the model. Plus boundary values both must judge alike:
   date-time and URI strings a lenient parser takes, integral floats for integers, 1 for `true`.
2. Examples: each example is accepted by the JSON Schema, the pydantic model and tsc; each mutation of it is
   refused by all three (by tsc only where TypeScript's types can express the difference).
3. The AsyncAPI document and the docs list exactly the catalog's events, with the same fields and optionality.
4. A field renamed in the catalog without regenerating is caught by `eventcat check`, in every output.

Everything is driven by the catalog: a new event, field or example is covered without touching this file.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import jsonschema
import pytest
import yaml
from eventcat_runtime.validation import adapter, encode
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from pydantic import BaseModel, ValidationError
from rez_realtime import REGISTRY
from rez_realtime.examples import ACK_EXAMPLES, EXAMPLES

from generator import ir
from generator.loader import load_catalog
from generator.outputs.docs import domain_page

from .conftest import CATALOG, GENERATED, NODE_DIR, declared_ack, node_or_skip, run_cli

CATALOG_IR = load_catalog(CATALOG)
FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER
EVENTS = list(CATALOG_IR.events)


# -- what is compared: an event's payload or its acknowledgement --------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One payload type of the catalog: an event's payload, or the acknowledgement it declares."""

    event: str
    ack: bool = False

    @property
    def id(self) -> str:
        return f"{self.event}.ack" if self.ack else self.event

    @property
    def ir_event(self) -> ir.Event:
        return CATALOG_IR.events[self.event]

    @property
    def ir_type(self) -> ir.TypeExpr:
        expr = self.ir_event.ack if self.ack else self.ir_event.payload
        assert expr is not None
        return expr

    @property
    def model(self) -> Any:
        spec = REGISTRY.events[self.event]
        return spec.ack_model if self.ack else spec.model

    @property
    def examples(self) -> tuple[Any, ...]:
        return (ACK_EXAMPLES if self.ack else EXAMPLES).get(self.event, ())

    @property
    def ts_type(self) -> str:
        """The TypeScript type a frontend gets for this payload, through the package's own helper types."""
        if self.ack:
            events = "ServerToClientEvents" if self.ir_event.server_to_client else "ClientToServerEvents"
            return f'AckOf<{events}, "{self.event}">'
        helper = "ServerToClientPayload" if self.ir_event.server_to_client else "ClientToServerPayload"
        return f'{helper}<"{self.event}">'


TARGETS = [Target(name) for name in EVENTS] + [Target(n, ack=True) for n, e in CATALOG_IR.events.items() if e.ack]
TARGET_IDS = [t.id for t in TARGETS]


@cache
def schema_of(target: Target) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GENERATED / "jsonschema" / f"{target.id}.json").read_text())
    # An ack's file also allows the refusal; the ack model and TS AckOf are the declared acknowledgement alone.
    return declared_ack(data) if target.ack else data


@cache
def validator_of(target: Target) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_of(target), format_checker=FORMAT_CHECKER)


def schema_verdict(target: Target, instance: Any) -> str | None:
    """None when the JSON Schema (with its formats checked) accepts instance, else why it refuses it."""
    error = jsonschema.exceptions.best_match(validator_of(target).iter_errors(instance))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"


def model_verdict(target: Target, instance: Any) -> str | None:
    """None when the pydantic model accepts instance, validated as the server does (JSON text, strict mode)."""
    text = encode(instance)
    model = target.model
    try:
        if isinstance(model, type) and issubclass(model, BaseModel):
            model.model_validate_json(text, strict=True)
        else:  # an acknowledgement that is not an object is a type alias; the runtime validates it with an adapter
            adapter(model).validate_json(text, strict=True)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        return f"{'.'.join(str(p) for p in first['loc']) or '(root)'}: {first['msg']}"
    return None


def dump(instance: Any) -> str:
    return json.dumps(instance, ensure_ascii=False)


# -- JSON Schema helpers: references inlined, JSON types, walking an instance with its schema ----------------------

_SCHEMA_MAPS = {"properties", "patternProperties", "dependentSchemas"}
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_SCHEMA_ONE = {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"}
# Where the schema lives, not what it says: hypothesis-jsonschema would try to resolve `$id` and choke on `$defs`.
_LOCATION = {"$schema", "$id", "$defs", "definitions", "$comment"}
_ANNOTATIONS = {"title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly"}


def _pointer(root: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#"), f"only local references are expected, got {ref}"
    node: Any = root
    for part in ref[1:].split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _assertions(schema: dict[str, Any]) -> set[str]:
    """The keywords of schema that constrain instances (not annotations, not x- extensions)."""
    return {key for key in schema if key not in _ANNOTATIONS and not key.startswith("x-")}


def inline_refs(schema: Any, root: dict[str, Any] | None = None, seen: tuple[str, ...] = ()) -> Any:
    """The schema with every local `$ref` replaced by its target and `$schema`/`$id`/`$defs` dropped.

    hypothesis-jsonschema targets drafts 4 to 7 and resolves references through jsonschema's legacy RefResolver:
    with the `urn:` `$id` of these draft 2020-12 files it raises "does not fetch remote references", and it knows
    nothing of `$defs`. Inlined, a schema is plain and self-contained. Siblings of a `$ref` that are only
    annotations (a field's own description) are kept beside the target's keywords; any other sibling keeps its
    meaning through `allOf`. A recursive type cannot be inlined; no REZ type is recursive (the error says so).
    """
    if not isinstance(schema, dict):
        return schema
    root = schema if root is None else root
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _LOCATION or key == "$ref":
            continue
        if key in _SCHEMA_MAPS:
            out[key] = {name: inline_refs(sub, root, seen) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS:
            out[key] = [inline_refs(sub, root, seen) for sub in value]
        elif key in _SCHEMA_ONE:
            out[key] = inline_refs(value, root, seen)
        else:
            out[key] = value
    ref = schema.get("$ref")
    if ref is None:
        return out
    if ref in seen:
        raise NotImplementedError(f"recursive $ref {ref}: extend inline_refs to bound the recursion")
    target = inline_refs(_pointer(root, ref), root, (*seen, ref))
    if not _assertions(out):
        return {**target, **out}
    return {"allOf": [target, out]}


@cache
def inlined(target: Target) -> dict[str, Any]:
    result: dict[str, Any] = inline_refs(schema_of(target))
    return result


JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def allowed_types(schema: Any) -> set[str] | None:
    """The JSON types schema allows (integer included when number is), None when it allows any."""
    if not isinstance(schema, dict):
        return None
    types: set[str] | None = None
    if "type" in schema:
        types = {schema["type"]} if isinstance(schema["type"], str) else set(schema["type"])
    elif "const" in schema:
        types = {json_type(schema["const"])}
    elif "enum" in schema:
        types = {json_type(v) for v in schema["enum"]}
    else:
        for key in ("anyOf", "oneOf"):
            if key in schema:
                branches = [allowed_types(b) for b in schema[key]]
                types = None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
        if "allOf" in schema:
            known = [b for b in (allowed_types(s) for s in schema["allOf"]) if b is not None]
            types = set.intersection(*known) if known else None
    if types is not None and "number" in types:
        types.add("integer")
    return types


def effective(schema: Any, value: Any) -> dict[str, Any] | None:
    """The schema that judges value: schema itself, or the one anyOf/oneOf branch whose types fit the value
    (a nullable field is `anyOf: [X, {type: null}]`); None when that is not clear-cut."""
    if not isinstance(schema, dict):
        return None
    for key in ("anyOf", "oneOf"):
        if key in schema:
            fits = [b for b in schema[key] if (t := allowed_types(b)) is None or json_type(value) in t]
            return effective(fits[0], value) if len(fits) == 1 else None
    return None if "allOf" in schema else schema


def is_object_schema(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "object" or "properties" in schema


Path_ = tuple[str | int, ...]


def path_text(path: Path_, root: str = "payload") -> str:
    """`location.latitude`, `items[0].productId`; the root is `payload` (or `ack`)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or root


def nodes(schema: Any, value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any, dict[str, Any] | None, Any]]:
    """Every value of an instance with the schema that applies to it: (path, schema, effective schema, value).
    Arrays are walked through their first item only, which keeps the mutations per instance few."""
    node = effective(schema, value)
    yield path, schema, node, value
    if node is None:
        return
    if isinstance(value, dict) and is_object_schema(node):
        properties = node.get("properties", {})
        for key, item in value.items():
            if key in properties:
                yield from nodes(properties[key], item, (*path, key))
    elif isinstance(value, list) and value and node.get("type") == "array":
        yield from nodes(node.get("items", {}), value[0], (*path, 0))


def replaced(instance: Any, path: Path_, change: Callable[[Any], Any]) -> Any:
    """A deep copy of instance with the value at path replaced by change(value)."""
    if not path:
        return change(copy.deepcopy(instance))
    out = copy.deepcopy(instance)
    parent = out
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = change(parent[path[-1]])
    return out


# -- hypothesis strategies: instances of a JSON Schema -------------------------------------------------------------


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8)
)
ANY_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@cache
def _leaf(text: str) -> st.SearchStrategy[Any]:
    return from_schema(json.loads(text))


def instances(schema: Any) -> st.SearchStrategy[Any]:
    """Instances of an inlined schema: objects and arrays drawn here, every other schema by hypothesis-jsonschema.

    hypothesis-jsonschema 0.23.1 draws objects with `cu.many(...).more()`, which the installed hypothesis (6.170)
    no longer has: `from_schema` raises AttributeError for any schema with `type: object`. So objects are built
    with fixed_dictionaries (required keys always, optional ones sometimes) and arrays with lists; `{}` (any JSON
    value) with ANY_JSON, since from_schema({}) may draw an object; and the leaves (strings with their format,
    pattern and lengths; numbers with their bounds; enums; consts) come from `from_schema`. Keywords these builders
    do not enforce (say, minProperties) are enforced by the schema validator every drawn instance is filtered by.
    """
    if schema is True or (isinstance(schema, dict) and not _assertions(schema)):
        return ANY_JSON  # from_schema({}) would draw objects too, through the broken object strategy
    if not isinstance(schema, dict):
        return st.nothing()  # `false`
    if isinstance(schema.get("type"), list):
        return st.one_of([instances({**schema, "type": kind}) for kind in schema["type"]])
    if "allOf" in schema:  # draw from the first branch; the validator filters out what the others refuse
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return instances({**rest, **schema["allOf"][0]})
    for key in ("anyOf", "oneOf"):
        if key in schema:
            rest = {k: v for k, v in schema.items() if k != key}
            return st.one_of([instances({**rest, **branch}) for branch in schema[key]])
    if is_object_schema(schema):
        properties: dict[str, Any] = schema.get("properties", {})
        required = schema.get("required", [])
        fixed = st.fixed_dictionaries(
            {k: instances(properties.get(k, {})) for k in required},
            optional={k: instances(v) for k, v in properties.items() if k not in required},
        )
        extra = schema.get("additionalProperties", True)
        if extra is False:
            return fixed
        keys = st.text(min_size=1, max_size=8).filter(lambda k: k not in properties)
        others = st.dictionaries(keys, instances(extra), max_size=2)
        return st.tuples(fixed, others).map(lambda pair: {**pair[1], **pair[0]})
    if schema.get("type") == "array":
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 3), low + 3)
        unique = (lambda item: json.dumps(item, sort_keys=True)) if schema.get("uniqueItems") else None
        return st.lists(instances(schema.get("items", {})), min_size=low, max_size=high, unique_by=unique)
    return _leaf(json.dumps(schema, sort_keys=True))


@cache
def strategy_of(target: Target) -> st.SearchStrategy[Any]:
    return instances(inlined(target))


# -- mutations: payloads the JSON Schema refuses, built from a valid one ------------------------------------------


@dataclass(frozen=True)
class Mutation:
    label: str
    instance: Any
    # A difference of JSON shape that TypeScript's types express: a required field missing, a value of another JSON
    # type, a value outside an enum or const, a key a closed object does not name. tsc must refuse those. The others
    # (a pattern, a length, a bound, a date-time or URI format, an array's size) are refinements TypeScript's types
    # do not have, so tsc accepts them and they are checked against the JSON Schema and pydantic only.
    structural: bool


class Values(Protocol):
    """Where the values of mutations come from: fixed ones for the examples, hypothesis draws for the property."""

    def wrong_types(self, allowed: set[str], literals: list[Any]) -> list[Any]: ...

    def outside(self, values: list[Any]) -> Any: ...

    def extra_key(self, taken: set[str]) -> tuple[str, Any]: ...


class FixedValues:
    def wrong_types(self, allowed: set[str], literals: list[Any]) -> list[Any]:
        out: list[Any] = ["12345" if "string" not in allowed else (12345 if "integer" not in allowed else True)]
        if "null" not in allowed:
            out.append(None)
        return out

    def outside(self, values: list[Any]) -> Any:
        if all(isinstance(v, bool) for v in values):
            return not values[0] if len(set(values)) == 1 else "bogus"
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return max(values) + 1
        return next(c for c in (f"not_{values[0]}", "bogus_value") if c not in values)

    def extra_key(self, taken: set[str]) -> tuple[str, Any]:
        return next(k for k in ("unexpectedField", "unexpectedField2") if k not in taken), 1


_SMALL_JSON = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))
_BY_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    # A float with a fractional part: 3.0 is an integer as far as JSON Schema goes (boundary test below).
    "number": st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
    "string": st.text(max_size=10),
    "array": st.lists(_SMALL_JSON, max_size=3),
    "object": st.dictionaries(st.text(max_size=5), _SMALL_JSON, max_size=3),
}


@dataclass
class DrawnValues:
    data: st.DataObject

    def wrong_types(self, allowed: set[str], literals: list[Any]) -> list[Any]:
        kind = self.data.draw(st.sampled_from([t for t in JSON_TYPES if t not in allowed]), label="wrong type")
        # Not a value Python holds equal to one of the enum's or const's (1 == True, 1.0 == 1): pydantic's Literal
        # takes those, a known disagreement that test_boundary_values_are_judged_alike pins down deterministically.
        values = _BY_TYPE[kind].filter(lambda v: v not in literals)
        return [self.data.draw(values, label=f"value of type {kind}")]

    def outside(self, values: list[Any]) -> Any:
        if all(isinstance(v, bool) for v in values):
            return not values[0] if len(set(values)) == 1 else "bogus"
        base: st.SearchStrategy[Any] = (
            st.integers() if all(isinstance(v, int) and not isinstance(v, bool) for v in values) else st.text()
        )
        return self.data.draw(base.filter(lambda v: v not in values), label="value outside the enum")

    def extra_key(self, taken: set[str]) -> tuple[str, Any]:
        key = self.data.draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in taken), label="extra key")
        return key, self.data.draw(_SMALL_JSON, label="extra value")


def constraint_breakers(schema: dict[str, Any], value: Any) -> Iterator[tuple[str, Any]]:
    """Values of value's JSON type that break one of schema's constraints (none of them a TypeScript type error)."""
    if isinstance(value, str):
        if schema.get("minLength", 0) > 0:
            yield "shorter than minLength", "x" * (schema["minLength"] - 1)
        if "maxLength" in schema:
            yield "longer than maxLength", "x" * (schema["maxLength"] + 1)
        if "pattern" in schema:
            candidates = ("", "!", value + "!", "!" + value, " ")
            bad = next((c for c in candidates if not re.search(schema["pattern"], c)), None)
            if bad is not None:
                yield "does not match the pattern", bad
        if schema.get("format") == "date-time":
            yield "date-time without a timezone", "2025-10-27T14:30:00"
        elif schema.get("format") == "uri":
            yield "URI without a scheme", "cdn.rezapp.com/a.png"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema:
            yield "below minimum", schema["minimum"] - 1
        if "exclusiveMinimum" in schema:
            yield "at exclusiveMinimum", schema["exclusiveMinimum"]
        if "maximum" in schema:
            yield "above maximum", schema["maximum"] + 1
        if "exclusiveMaximum" in schema:
            yield "at exclusiveMaximum", schema["exclusiveMaximum"]
    elif isinstance(value, list):
        if schema.get("minItems", 0) > 0:
            yield "fewer items than minItems", value[: schema["minItems"] - 1]
        if "maxItems" in schema and value:
            yield "more items than maxItems", value + [value[0]] * (schema["maxItems"] + 1 - len(value))
        if schema.get("uniqueItems") and value:
            yield "a repeated item", [*value, value[0]]


def mutations(target: Target, instance: Any, values: Values) -> list[Mutation]:
    """Every mutation of instance this module knows, each at every place of the instance where it applies."""
    root = "ack" if target.ack else "payload"
    out: list[Mutation] = []
    for path, schema, node, value in nodes(inlined(target), instance):
        where = path_text(path, root)

        def put(label: str, change: Callable[[Any], Any], structural: bool, at: Path_ = path) -> None:
            out.append(Mutation(label, replaced(instance, at, change), structural))

        allowed = allowed_types(schema)
        literals = _literals(node) if node is not None else []
        if allowed is not None:
            for bad in values.wrong_types(allowed, literals):
                put(
                    f"{where}: {json_type(bad)} {dump(bad)} instead of {'/'.join(sorted(allowed))}",
                    lambda _, b=bad: b,
                    True,
                )
        if node is None:
            continue
        if literals:
            bad = values.outside(literals)
            put(f"{where}: {dump(bad)} is not one of {dump(literals)}", lambda _, b=bad: b, True)
        for label, bad in constraint_breakers(node, value):
            put(f"{where}: {label} ({dump(bad)})", lambda _, b=bad: b, False)
        if isinstance(value, dict) and is_object_schema(node):
            properties = node.get("properties", {})
            for key in node.get("required", []):
                if key in value:
                    put(f"{path_text((*path, key), root)}: required, left out", lambda o, k=key: _without(o, k), True)
            if node.get("additionalProperties", True) is False:
                key, extra = values.extra_key(set(properties) | set(value))
                put(f"{where}: unknown key {dump(key)}", lambda o, k=key, v=extra: {**o, k: v}, True)
    return out


def _literals(schema: dict[str, Any]) -> list[Any]:
    """The values an enum or const allows, [] for other schemas."""
    return [schema["const"]] if "const" in schema else list(schema.get("enum", []))


def _without(obj: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != key}


# == 1. property-based: JSON Schema instances and the pydantic models ============================================

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    database=None,  # no .hypothesis folder in the repository; a failure prints its reproduction instead
    suppress_health_check=[HealthCheck.too_slow],
)


def draw_valid(data: st.DataObject, target: Target) -> Any:
    instance = data.draw(strategy_of(target), label="instance")
    # hypothesis-jsonschema's date-times and URIs are meant to be valid, but only the validator has the last word
    # (a date-time offset with seconds, say, is not RFC 3339): keep only instances the JSON Schema accepts.
    assume(validator_of(target).is_valid(instance))
    note(f"instance: {dump(instance)}")
    return instance


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
@PROPERTY
@given(data=st.data())
def test_schema_instances_are_accepted_by_the_model(target: Target, data: st.DataObject) -> None:
    instance = draw_valid(data, target)
    refused = model_verdict(target, instance)
    assert refused is None, f"{target.id}: the JSON Schema accepts {dump(instance)}, pydantic refuses it: {refused}"


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
@PROPERTY
@given(data=st.data())
def test_instances_the_schema_refuses_are_refused_by_the_model(target: Target, data: st.DataObject) -> None:
    instance = draw_valid(data, target)
    problems = []
    for mutation in mutations(target, instance, DrawnValues(data)):
        if schema_verdict(target, mutation.instance) is None:
            problems.append(f"{mutation.label}: not a refusal, the JSON Schema accepts {dump(mutation.instance)}")
        elif model_verdict(target, mutation.instance) is None:
            problems.append(f"{mutation.label}: the JSON Schema refuses, pydantic accepts {dump(mutation.instance)}")
    assert not problems, f"{target.id}, from {dump(instance)}:\n" + "\n".join(problems)


# Values the JSON Schema and the model must judge alike, put in every field of that kind of every event's first
# example. Hypothesis draws RFC 3339 date-times and integers only, so the forms a lenient parser would take are
# listed here.
BOUNDARY_CASES = [
    pytest.param("date-time", "2025-10-27T14:30:00+05:30", id="date-time-offset"),
    pytest.param("date-time", "2025-10-27T14:30:00.123456789Z", id="date-time-nanoseconds"),
    pytest.param("date-time", "2025-10-27t14:30:00z", id="date-time-lowercase-t-z"),
    pytest.param("date-time", "2025-10-27T14:30:00", id="date-time-no-timezone"),
    pytest.param("date-time", "2025-10-27", id="date-time-date-only"),
    pytest.param("date-time", "2025-02-29T14:30:00Z", id="date-time-no-such-day"),
    pytest.param("date-time", "2025-10-27T14:30:00+05", id="date-time-offset-hours-only"),
    pytest.param(
        "date-time",
        "2025-10-27 14:30:00Z",
        id="date-time-space-separator",
    ),
    pytest.param(
        "date-time",
        "2025-10-27_14:30:00Z",
        id="date-time-underscore-separator",
    ),
    pytest.param(
        "date-time",
        "2025-10-27T14:30Z",
        id="date-time-no-seconds",
    ),
    pytest.param(
        "date-time",
        "2025-10-27T14:30:00+0530",
        id="date-time-offset-without-colon",
    ),
    pytest.param(
        "date-time",
        "2025-10-27T14:30:00,5Z",
        id="date-time-comma-fraction",
    ),
    pytest.param(
        "date-time",
        "1761575400",
        id="date-time-unix-time-string",
    ),
    pytest.param("uri", "https://cdn.rezapp.com", id="uri-no-path"),
    pytest.param("uri", "mailto:support@rezapp.com", id="uri-mailto"),
    pytest.param("uri", "//cdn.rezapp.com/a.png", id="uri-scheme-relative"),
    pytest.param("uri", "https://cdn.rezapp.com/a b.png", id="uri-space"),
    pytest.param("uri", "https://cdn.rezapp.com/ä.png", id="uri-non-ascii"),
    pytest.param("integer", 2**70, id="integer-beyond-64-bits"),
    pytest.param("integer", 7.5, id="integer-fraction"),
    pytest.param("integer", "7", id="integer-numeric-string"),
    pytest.param("integer", True, id="integer-boolean"),
    pytest.param("integer", 7.0, id="integer-integral-float"),
    pytest.param("integer", 1e20, id="integer-exponent-float"),
    pytest.param("const-true", "true", id="const-true-string"),
    pytest.param("const-true", 0, id="const-true-zero"),
    pytest.param("const-true", 1, id="const-true-one"),
    pytest.param("const-true", 1.0, id="const-true-one-float"),
    pytest.param("number", 7, id="number-integer"),
    pytest.param("number", "7.5", id="number-numeric-string"),
    pytest.param("number", False, id="number-boolean"),
]


def _is_kind(schema: dict[str, Any], kind: str) -> bool:
    if kind in ("date-time", "uri"):
        return schema.get("format") == kind
    if kind == "const-true":
        return schema.get("const") is True
    return schema.get("type") == kind


@pytest.mark.parametrize(("kind", "value"), BOUNDARY_CASES)
def test_boundary_values_are_judged_alike(kind: str, value: Any) -> None:
    checked, disagreements = 0, []
    for target in TARGETS:
        for path, _, node, _ in nodes(inlined(target), target.examples[0]):
            if node is None or not _is_kind(node, kind):
                continue
            checked += 1
            mutant = replaced(target.examples[0], path, lambda _: value)
            schema_ok = schema_verdict(target, mutant) is None
            model_refusal = model_verdict(target, mutant)
            if schema_ok != (model_refusal is None):
                said = "accepts, pydantic refuses" if schema_ok else "refuses, pydantic accepts"
                disagreements.append(f"{target.id} {path_text(path)}: the JSON Schema {said}")
    assert checked, f"no {kind} field in the catalog's examples"
    assert not disagreements, f"{dump(value)} in {checked} {kind} fields:\n" + "\n".join(disagreements)


# == 2. examples in the JSON Schema, the pydantic models and tsc ================================================

EXAMPLE_CASES = [(t, i) for t in TARGETS for i in range(len(t.examples))]
EXAMPLE_IDS = [f"{t.id}[{i}]" for t, i in EXAMPLE_CASES]


@cache
def example_mutations(target: Target, index: int) -> tuple[Mutation, ...]:
    return tuple(mutations(target, target.examples[index], FixedValues()))


def test_every_event_has_examples_and_they_are_the_catalogs() -> None:
    """The examples module holds exactly the catalog's examples, so the tests below cover every event."""
    assert {t.id for t in TARGETS if not t.examples} == set()
    for target in TARGETS:
        event = target.ir_event
        expected = event.ack_examples if target.ack else event.examples
        assert dump(list(target.examples)) == dump(list(expected)), target.id


@dataclass
class TscRun:
    """One tsc run over a generated file holding every example and every structural mutation as a literal."""

    # (target id, example index, mutation label or None) -> line of the assignment
    lines: dict[tuple[str, int, str | None], int] = field(default_factory=dict)
    # line -> diagnostics reported there
    diagnostics: dict[int, list[str]] = field(default_factory=dict)
    output: str = ""

    def refusals(self, key: tuple[str, int, str | None]) -> list[str]:
        """What tsc said against an accepted example (empty: it accepts it)."""
        return self.diagnostics.get(self.lines[key], [])

    def refuses(self, key: tuple[str, int, str | None]) -> bool:
        """For a mutation, preceded by `// @ts-expect-error`: tsc refused it unless the directive went unused."""
        directive = self.lines[key] - 1
        return not any("TS2578" in d for d in self.diagnostics.get(directive, []))

    def unexplained(self) -> list[str]:
        mapped = set(self.lines.values()) | {line - 1 for line in self.lines.values()}
        return [d for line, found in sorted(self.diagnostics.items()) if line not in mapped for d in found]


def _ts_source(package: str) -> tuple[str, dict[tuple[str, int, str | None], int]]:
    head = [
        "// generated by tests/test_agreement.py: every example and mutation of the catalog as a typed literal",
        "import type {",
        "  AckError, ClientToServerEvents, ClientToServerPayload, ServerToClientEvents, ServerToClientPayload,",
        f'}} from "{package}";',
        "// The acknowledgement type of an event, without the refusal every acknowledgement may also be.",
        "type AckOf<M, E extends keyof M> = M[E] extends (payload: any, ack: (response: infer R) => void) => void",
        "  ? Exclude<R, AckError>",
        "  : never;",
    ]
    lines = list(head)
    where: dict[tuple[str, int, str | None], int] = {}

    def add(key: tuple[str, int, str | None], comment: str, statement: str) -> None:
        assert key not in where, f"two cases named {key}"
        # ASCII only (JSON's \u escapes are TypeScript's): U+2028 and U+2029 end a line for tsc, which would shift the
        # line numbers that map diagnostics back to cases.
        lines.append(comment.encode("ascii", "backslashreplace").decode())
        lines.append(statement)
        where[key] = len(lines)

    for target, index in EXAMPLE_CASES:
        example = json.dumps(target.examples[index])
        add(
            (target.id, index, None),
            f"// {target.id}, example {index}",
            f"const ok_{len(lines)}: {target.ts_type} = {example};",
        )
        for mutation in example_mutations(target, index):
            if mutation.structural:
                add(
                    (target.id, index, mutation.label),
                    f"// @ts-expect-error: {mutation.label}",
                    f"const bad_{len(lines)}: {target.ts_type} = {json.dumps(mutation.instance)};",
                )
    return "\n".join(lines) + "\n", where


_DIAGNOSTIC = re.compile(r"^(?P<file>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<text>.*)$")


@pytest.fixture(scope="module")
def tsc() -> TscRun | None:
    """One tsc run for the module; None without Node (outside CI: under CI=true node_or_skip fails), so that the
    JSON Schema and pydantic halves of the example tests still run."""
    try:
        node = node_or_skip()
    except pytest.skip.Exception:
        return None
    return run_tsc(node)


def run_tsc(node: str) -> TscRun:
    """tsc --strict over one generated file, in tests/ts/.agreement-tmp-<pid>/ (removed after)."""
    folder = NODE_DIR / f".agreement-tmp-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    try:
        ts_file = folder / "agreement.ts"
        # nodenext resolution: the relative `index.js` import resolves its types from `index.d.ts` beside it.
        package = os.path.relpath(GENERATED / "ts" / "index.js", folder).replace(os.sep, "/")
        source, where = _ts_source(package if package.startswith(".") else "./" + package)
        ts_file.write_text(source)
        command = [node, str(NODE_DIR / "node_modules" / "typescript" / "bin" / "tsc")]
        command += ["--ignoreConfig", "--strict", "--noEmit", "--module", "nodenext", "--moduleResolution", "nodenext"]
        command += ["--target", "es2022", "--types", "", "--pretty", "false", str(ts_file)]
        done = subprocess.run(command, cwd=NODE_DIR, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    run = TscRun(lines=where, output=done.stdout + done.stderr)
    current: list[str] | None = None
    for text in run.output.splitlines():
        match = _DIAGNOSTIC.match(text)
        if match and Path(match["file"]).name == ts_file.name:
            current = run.diagnostics.setdefault(int(match["line"]), [])
            current.append(f"{match['code']}: {match['text']}")
        elif match or current is None:
            run.diagnostics.setdefault(0, []).append(text)  # another file's error, or tsc's own: never expected
            current = None
        else:
            current[-1] += " " + text.strip()  # a continuation line of the diagnostic above
    if done.returncode != 0 and not run.diagnostics:
        run.diagnostics[0] = [f"tsc exited {done.returncode} without a diagnostic: {run.output}"]
    return run


def test_tsc_reports_nothing_but_the_cases(tsc: TscRun | None) -> None:
    """No diagnostic outside the example and mutation lines (a broken import would make every type `any`)."""
    if tsc is None:
        pytest.skip("Node is not available")
    assert tsc.lines, "no case was written"
    assert not tsc.unexplained(), "\n".join(tsc.unexplained())


@pytest.mark.parametrize(("target", "index"), EXAMPLE_CASES, ids=EXAMPLE_IDS)
def test_example_is_accepted_by_every_output(target: Target, index: int, tsc: TscRun | None) -> None:
    example = target.examples[index]
    problems = []
    if (why := schema_verdict(target, example)) is not None:
        problems.append(f"the JSON Schema refuses it: {why}")
    if (why := model_verdict(target, example)) is not None:
        problems.append(f"pydantic refuses it: {why}")
    if tsc is not None and (said := tsc.refusals((target.id, index, None))):
        problems.append(f"tsc refuses it: {'; '.join(said)}")
    assert not problems, f"{target.id} example {index} {dump(example)}:\n" + "\n".join(problems)
    if tsc is None:
        pytest.skip("checked by the JSON Schema and pydantic; Node is not available for tsc")


@pytest.mark.parametrize(("target", "index"), EXAMPLE_CASES, ids=EXAMPLE_IDS)
def test_example_mutations_are_refused_by_every_output(target: Target, index: int, tsc: TscRun | None) -> None:
    found = example_mutations(target, index)
    assert found, f"{target.id}: no mutation"
    problems = []
    for mutation in found:
        bad = dump(mutation.instance)
        if schema_verdict(target, mutation.instance) is None:
            problems.append(f"{mutation.label}: not a refusal, the JSON Schema accepts {bad}")
        if model_verdict(target, mutation.instance) is None:
            problems.append(f"{mutation.label}: pydantic accepts {bad}")
        if tsc is not None and mutation.structural and not tsc.refuses((target.id, index, mutation.label)):
            problems.append(f"{mutation.label}: tsc accepts {bad} as {target.ts_type}")
    assert not problems, f"{target.id} example {index}:\n" + "\n".join(problems)
    if tsc is None:
        pytest.skip("checked by the JSON Schema and pydantic; Node is not available for tsc")


# == 3. the AsyncAPI document and the docs list exactly the catalog's events ======================================


@cache
def asyncapi() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((GENERATED / "asyncapi.yaml").read_text())
    return data


def deref(document: dict[str, Any], node: Any) -> Any:
    """Follow a chain of local `$ref`s to what it names (siblings of a `$ref` are annotations here)."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref not in seen, f"$ref cycle at {ref}"
        seen.add(ref)
        node = _pointer(document, ref)
    return node


def _is_ack_message(message: dict[str, Any]) -> bool:
    return bool(message.get("x-socketio-ack"))


def _messages() -> dict[str, dict[str, Any]]:
    """The AsyncAPI document's messages by their `name`."""
    components = asyncapi()["components"]["messages"]
    return {deref(asyncapi(), m)["name"]: deref(asyncapi(), m) for m in components.values()}


def test_asyncapi_lists_exactly_the_catalog_events() -> None:
    messages = _messages()
    events = {name for name, m in messages.items() if not _is_ack_message(m)}
    assert events == set(EVENTS), f"missing {set(EVENTS) - events}, not in the catalog {events - set(EVENTS)}"
    acks = {name for name, m in messages.items() if _is_ack_message(m)} - {"AckError"}  # the refusal
    assert acks == {f"{t.event}.ack" for t in TARGETS if t.ack}
    # Every message the channels list is one of those, and every event is on at least one channel.
    on_channels = set()
    for channel in asyncapi()["channels"].values():
        for message in channel.get("messages", {}).values():
            on_channels.add(deref(asyncapi(), message)["name"])
    assert on_channels <= set(messages)
    assert set(EVENTS) <= on_channels, f"on no channel: {set(EVENTS) - on_channels}"


def schema_differences(
    document: dict[str, Any], expr: ir.TypeExpr, schema: Any, path: str, stack: tuple[str, ...]
) -> list[str]:
    """How a JSON Schema (in document, `$ref`s resolved there) differs from the catalog's type expr: object fields,
    required-ness and openness, array items, enum and const values, scalar kinds and formats."""
    schema = deref(document, schema)
    resolved = CATALOG_IR.resolve(expr)
    if expr.meta.nullable or resolved.meta.nullable:
        branches = schema.get("anyOf", [])
        rest = [b for b in branches if deref(document, b) != {"type": "null"}]
        if len(branches) != 2 or len(rest) != 1:
            return [f"{path}: nullable in the catalog, not anyOf [type, null] here"]
        schema = deref(document, rest[0])
    where = path or "(payload)"
    if isinstance(resolved, ir.Object):
        if resolved.name in stack:
            return []  # a recursive type, compared above
        properties = schema.get("properties", {})
        names = [f.name for f in resolved.fields]
        out = []
        if set(properties) != set(names):
            out.append(f"{where}: fields {sorted(properties)}, the catalog has {sorted(names)}")
        required = {f.name for f in resolved.fields if f.required}
        if set(schema.get("required", [])) != required:
            out.append(f"{where}: required {sorted(schema.get('required', []))}, the catalog {sorted(required)}")
        if bool(schema.get("additionalProperties", True)) != resolved.additional_properties:
            out.append(f"{where}: additionalProperties {schema.get('additionalProperties', True)}")
        for f in resolved.fields:
            if f.name in properties:
                inner = (*stack, resolved.name)
                out += schema_differences(document, f.type, properties[f.name], f"{path}.{f.name}".lstrip("."), inner)
        return out
    if isinstance(resolved, ir.Array):
        if schema.get("type") != "array":
            return [f"{where}: type {schema.get('type')}, the catalog has an array"]
        return schema_differences(document, resolved.items, schema.get("items", {}), f"{path}[]", stack)
    if isinstance(resolved, ir.Enum):
        values = [v.value for v in resolved.values]
        return [] if schema.get("enum") == values else [f"{where}: enum {schema.get('enum')}, the catalog {values}"]
    if isinstance(resolved, ir.Const):
        return [] if schema.get("const") == resolved.value else [f"{where}: const {schema.get('const')!r}"]
    if isinstance(resolved, ir.Scalar):
        kind = None if resolved.kind == "any" else resolved.kind
        if schema.get("type") != kind or schema.get("format") != resolved.format:
            return [f"{where}: {schema.get('type')}/{schema.get('format')}, the catalog {kind}/{resolved.format}"]
        return []
    if isinstance(resolved, ir.Union):
        branches = schema.get("anyOf", [])
        if len(branches) != len(resolved.branches):
            return [f"{where}: {len(branches)} anyOf branches, the catalog {len(resolved.branches)}"]
        out = []
        for i, (branch, sub) in enumerate(zip(resolved.branches, branches, strict=True)):
            out += schema_differences(document, branch, sub, f"{path}<{i}>", stack)
        return out
    return []  # Raw: the catalog's own JSON Schema, copied


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
def test_asyncapi_payload_has_the_catalog_fields(target: Target) -> None:
    message = _messages()[target.id]
    differences = schema_differences(asyncapi(), target.ir_type, message["payload"], "", ())
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("target", TARGETS, ids=TARGET_IDS)
def test_json_schema_has_the_catalog_fields(target: Target) -> None:
    differences = schema_differences(schema_of(target), target.ir_type, schema_of(target), "", ())
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("event", EVENTS)
def test_asyncapi_operations_have_the_catalog_direction(event: str) -> None:
    """Server-to-client events are sent (`action: send`), client-to-server ones received (`action: receive`)."""
    actions = set()
    for operation in asyncapi()["operations"].values():
        names = {deref(asyncapi(), m)["name"] for m in operation.get("messages", [])}
        if event in names:
            actions.add(operation["action"])
    expected = "send" if CATALOG_IR.events[event].server_to_client else "receive"
    assert actions == {expected}, f"{event}: operations with actions {actions or 'none'}"


DIRECTION_TEXT = {"server_to_client": "server → client", "client_to_server": "client → server"}
_SECTION = re.compile(r"^## `(?P<name>[^`]+)`$", re.MULTILINE)


def doc_sections(page: Path) -> dict[str, str]:
    """The event sections (`## `name``) of a docs page: name -> text up to the next `## ` heading."""
    text = page.read_text()
    out: dict[str, str] = {}
    for match in _SECTION.finditer(text):
        end = text.find("\n## ", match.end())
        out[match["name"]] = text[match.end() : end if end != -1 else len(text)]
    return out


def doc_table(section: str, heading: str) -> list[tuple[str, str]]:
    """(field path, required/optional) of the first table under `### heading` in section."""
    start = section.find(f"\n### {heading}\n")
    assert start != -1, f"no '### {heading}'"
    lines = section[start:].splitlines()[2:]
    table: list[str] = []
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        table.append(line)
    assert table[0].startswith("| Field |") and table[1].startswith("| ---"), table[:2]
    rows = []
    for line in table[2:]:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append((cells[0].strip("`").replace("\\|", "|"), cells[2]))
    return rows


def expected_rows(expr: ir.TypeExpr) -> list[tuple[str, str]]:
    """The catalog's fields of a payload as the docs write them: dotted paths into nested objects, `[]` into arrays
    (`items[].productId`), `*` for the other keys an open object allows; `(the payload)` for a non-object."""
    resolved = CATALOG_IR.resolve(expr)
    if not isinstance(resolved, ir.Object):
        return [("(the payload)", "required")]
    return list(_object_rows(resolved, "", ()))


def _object_rows(obj: ir.Object, prefix: str, stack: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for f in obj.fields:
        yield prefix + f.name, "required" if f.required else "optional"
        yield from _nested_rows(f.type, prefix + f.name, stack)
    if obj.additional_properties:
        yield prefix + "*", "optional"


def _nested_rows(expr: ir.TypeExpr, path: str, stack: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    name = expr.name if isinstance(expr, ir.Ref) else None
    if name is not None and name in stack:
        return  # a recursive type: its fields are listed once
    inner = (*stack, name) if name else stack
    resolved = CATALOG_IR.resolve(expr)
    if isinstance(resolved, ir.Object):
        yield from _object_rows(resolved, path + ".", inner)
    elif isinstance(resolved, ir.Array):
        yield from _nested_rows(resolved.items, path + "[]", inner)


def test_docs_have_a_section_for_exactly_the_catalog_events() -> None:
    pages = {d.name: GENERATED / "docs" / domain_page(d.name) for d in CATALOG_IR.domains}
    for domain, page in pages.items():
        assert page.is_file(), f"no page for domain {domain}: {page.name}"
    found: dict[str, list[str]] = {}
    for domain, page in pages.items():
        for name in doc_sections(page):
            found.setdefault(name, []).append(domain)
    assert set(found) == set(EVENTS), (
        f"missing {set(EVENTS) - set(found)}, not in the catalog {set(found) - set(EVENTS)}"
    )
    for name, domains in found.items():
        assert domains == [CATALOG_IR.events[name].domain], f"{name} has a section on the pages of {domains}"


_OVERVIEW_ROW = re.compile(
    r"^\| \[`(?P<name>[^`]+)`\]\((?P<page>[^)#]+)#[^)]*\) \| (?P<direction>[^|]+?) \|", re.MULTILINE
)


def test_docs_overview_lists_every_event_once_with_its_page_and_direction() -> None:
    rows = [m for m in _OVERVIEW_ROW.finditer((GENERATED / "docs" / "README.md").read_text())]
    listed = [(m["name"], m["page"], m["direction"]) for m in rows if m["direction"] in DIRECTION_TEXT.values()]
    expected = [(n, domain_page(e.domain), DIRECTION_TEXT[e.direction]) for n, e in CATALOG_IR.events.items()]
    assert sorted(listed) == sorted(expected)


@pytest.mark.parametrize("event", EVENTS)
def test_docs_section_has_the_catalog_fields(event: str) -> None:
    spec = CATALOG_IR.events[event]
    section = doc_sections(GENERATED / "docs" / domain_page(spec.domain)).get(event)
    assert section is not None, f"no section for {event} on {domain_page(spec.domain)}"
    assert f"- **Direction**: {DIRECTION_TEXT[spec.direction]}:" in section
    assert doc_table(section, "Payload") == expected_rows(spec.payload)
    if spec.ack is not None:
        assert doc_table(section, "Acknowledgement") == expected_rows(spec.ack)
    else:
        assert "\n### Acknowledgement\n" not in section


# == 4. drift: a field renamed in the catalog without regenerating ===============================================

DRIFT_EVENT, DRIFT_FIELD, DRIFT_NEW_NAME = "order_status_update", "orderNumber", "orderNo"


def test_a_field_renamed_without_regenerating_is_drift_in_every_output(tmp_path: Path) -> None:
    """What CI's `eventcat check` shows when someone renames a field in the catalog and forgets `eventcat generate`:
    exit 1, naming the changed file of every output."""
    assert CATALOG_IR.resolve(CATALOG_IR.events[DRIFT_EVENT].payload).field(DRIFT_FIELD) is not None  # type: ignore[union-attr]
    (tmp_path / "catalog").mkdir()
    catalog = tmp_path / "catalog" / "events.yaml"
    shutil.copytree(CATALOG.parent / "releases", catalog.parent / "releases", dirs_exist_ok=True)
    shutil.copy(CATALOG, catalog)
    shutil.copytree(GENERATED, tmp_path / "generated")
    args = ("check", "--no-diff", "--catalog", "catalog/events.yaml", "--out", "generated")

    in_sync = run_cli(*args, cwd=tmp_path)
    assert in_sync.exit_code == 0, f"the copy drifts before any change:\n{in_sync.stdout}{in_sync.stderr}"

    text = catalog.read_text()
    # The field's declaration and the key in the event's example: the only places the catalog names it.
    pattern = re.compile(rf"^(\s+){DRIFT_FIELD}:", re.MULTILINE)
    assert len(pattern.findall(text)) == 2
    catalog.write_text(pattern.sub(rf"\1{DRIFT_NEW_NAME}:", text))
    renamed = load_catalog(catalog)
    payload = renamed.resolve(renamed.events[DRIFT_EVENT].payload)
    assert isinstance(payload, ir.Object) and payload.field(DRIFT_NEW_NAME) and not payload.field(DRIFT_FIELD)

    drift = run_cli(*args, cwd=tmp_path)
    assert drift.exit_code == 1, drift.stdout + drift.stderr
    assert "has drifted" in drift.stderr
    changed = {line.split(None, 1)[1] for line in drift.stdout.splitlines() if line.startswith("changed ")}
    domain = renamed.events[DRIFT_EVENT].domain
    expected = {
        f"generated/jsonschema/{DRIFT_EVENT}.json",
        "generated/asyncapi.yaml",
        f"generated/docs/{domain_page(domain)}",
        "generated/python/rez_realtime/models.py",
        "generated/python/rez_realtime/examples.py",
        "generated/ts/index.d.ts",
    }
    assert expected <= changed, f"not reported: {expected - changed}\n{drift.stdout}"
    for output in ("jsonschema/", "asyncapi.yaml", "docs/", "python/", "ts/"):
        assert any(path.startswith("generated/" + output) for path in changed), output
