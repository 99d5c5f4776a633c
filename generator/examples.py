"""Check each event's examples against exactly the JSON Schema the outputs publish."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema
import jsonschema.exceptions
import referencing.exceptions

from . import ir
from .errors import CatalogError
from .schemas import standalone
from .yaml_source import Document, Path


@cache
def _format_checker() -> jsonschema.FormatChecker:
    checker: jsonschema.FormatChecker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return checker


def validator_for(catalog: ir.Catalog, expr: ir.TypeExpr) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(standalone(catalog, expr), format_checker=_format_checker())


def check_examples(catalog: ir.Catalog, event: ir.Event, path: Path, doc: Document) -> list[CatalogError]:
    errors: list[CatalogError] = []
    groups: list[tuple[str, ir.TypeExpr | None, tuple[Any, ...]]] = [("examples", event.payload, event.examples)]
    if event.ack is not None:
        groups.append(("ack_examples", event.ack, event.ack_examples))
    for key, expr, examples in groups:
        if expr is None:
            continue
        validator = validator_for(catalog, expr)
        for i, example in enumerate(examples):
            where = path + (key, i)
            try:
                problems = sorted(validator.iter_errors(example), key=lambda e: list(map(str, e.absolute_path)))
            except (RecursionError, re.error, jsonschema.exceptions.SchemaError, referencing.exceptions.Unresolvable):
                # The type itself is broken (an alias cycle, a bad pattern); that error is reported where the type
                # is written, and examples cannot be judged against it.
                break
            for problem in problems:
                inner = tuple(problem.absolute_path)
                if problem.validator == "additionalProperties" and isinstance(problem.instance, dict):
                    # Point at the first key the schema does not know, not at the object around it.
                    known = problem.schema.get("properties", {}) if isinstance(problem.schema, dict) else {}
                    unknown = [k for k in problem.instance if k not in known]
                    if unknown:
                        inner = (*inner, unknown[0])
                field = ".".join(str(p) for p in inner) or "(the payload)"
                errors.append(
                    CatalogError(
                        doc.pos(where + inner, key=problem.validator == "additionalProperties"),
                        f"{event.name} {key}[{i}]: {field}: {problem.message}",
                        "fix the example or the payload type",
                    )
                )
            size = len(json.dumps(example, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
            if key == "examples" and size > event.limits.max_payload_bytes:
                errors.append(
                    CatalogError(
                        doc.pos(where),
                        f"{event.name} examples[{i}] is {size} bytes, "
                        f"over the event's limit of {event.limits.max_payload_bytes}",
                        "raise limits.max_payload_bytes or shorten the example",
                    )
                )
    return errors
