"""Payload validation both ways, with one rule: what goes over the wire must match the catalog's JSON Schema.

pydantic in its default (lax) mode would turn "12" into 12 or a Unix time into a datetime; the JSON Schema refuses
both. So payloads are validated as JSON in strict mode, which is what they are on the wire. Inbound, the JSON text
is also what the size limit is measured on.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

from .errors import ErrorCode, EventError

# Problems listed in one refusal: a payload with a thousand unknown keys is told about the first ones (and how many
# there are), not answered with a refusal seven times its size.
MAX_PROBLEMS = 20


def problems(error: ValidationError) -> list[dict[str, str]]:
    """pydantic's errors as the `details.errors` list of the error contract: dotted path and message."""
    out = []
    found = error.errors(include_url=False, include_input=False)
    for item in found[:MAX_PROBLEMS]:
        path = ".".join(str(part) for part in item["loc"])[:200]
        out.append({"path": path, "message": item["msg"]})
    if len(found) > MAX_PROBLEMS:
        out.append({"path": "", "message": f"and {len(found) - MAX_PROBLEMS} more problems"})
    return out


def encode(data: Any) -> str:
    # allow_nan=False: Infinity and NaN are not JSON, and JSON.parse in every client would fail on them.
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=to_jsonable_python)


def parse_inbound(event: str, args: tuple[Any, ...], model: Any, max_bytes: int) -> Any:
    """The one payload argument of a client event, size-checked and validated; EventError otherwise."""
    if len(args) != 1:
        raise EventError(
            ErrorCode.VALIDATION_ERROR,
            f"{event}: expected exactly one payload argument, got {len(args)}",
            {"event": event, "errors": [{"path": "", "message": f"expected 1 argument, got {len(args)}"}]},
        )
    try:
        # No `default=`: what python-socketio decoded is JSON, except binary attachments, which are refused here.
        text = json.dumps(args[0], separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        problem = "binary data is not JSON" if isinstance(exc, TypeError) else "Infinity and NaN are not JSON"
        raise _not_json(event, args[0], problem) from None
    try:
        size = len(text.encode())
    except UnicodeEncodeError:  # JSON's "\ud800" decodes to a lone surrogate, which no UTF-8 text can carry
        raise _not_json(
            event, args[0], "a string holds a lone surrogate (\\ud800-\\udfff alone is not Unicode)"
        ) from None
    if size > max_bytes:
        raise EventError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"{event}: payload is {size} bytes, the limit is {max_bytes}",
            {"event": event, "size": size, "limit": max_bytes},
        )
    try:
        # Through a TypeAdapter: a payload may be a model or a type alias (a named union of models).
        return adapter(model).validate_json(text, strict=True)
    except ValidationError as exc:
        found = problems(exc)
        first = found[0]
        where = f"{first['path']}: " if first["path"] else ""
        raise EventError(
            ErrorCode.VALIDATION_ERROR, f"{event}: {where}{first['message']}", {"event": event, "errors": found}
        ) from None


def _not_json(event: str, payload: Any, problem: str) -> EventError:
    path = _first_non_json(payload)
    return EventError(
        ErrorCode.VALIDATION_ERROR,
        f"{event}: {path + ': ' if path else ''}{problem}",
        {"event": event, "errors": [{"path": path, "message": problem}]},
    )


@cache
def adapter(model: Any) -> TypeAdapter[Any]:
    """One TypeAdapter per generated type: models and the type aliases of non-object acks alike."""
    return TypeAdapter(model)


def _first_non_json(value: Any, path: str = "") -> str:
    """The dotted path of the first binary, infinite or NaN value: where the client should look."""
    if _is_non_json(value):
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and not is_unicode(key):
            return f"{path}.{key!r}" if path else repr(key)
        found = _first_non_json(item, f"{path}.{key}" if path else str(key))
        if found or _is_non_json(item):
            return found
    return ""


def _is_non_json(value: Any) -> bool:
    if isinstance(value, bytes | bytearray):
        return True
    if isinstance(value, str):
        return not is_unicode(value)
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))


def is_unicode(text: str) -> bool:
    """False for a string with a lone surrogate (JSON's "\\ud800"): no UTF-8 text, so no wire, can carry it."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def to_wire(payload: Any, model: Any) -> tuple[Any, Any]:
    """The JSON-ready dict to send, after validating it as the model; ValidationError if it does not match.

    A model instance is dumped first (aliases, unset fields left out, nested models as dicts) and the dump validated
    again, so a model that was mutated after construction, or built with model_construct, cannot slip through. The
    dump keeps Python values (a datetime stays one), so strict validation checks their types without parsing text
    again, and the validated model gives the JSON form: half the cost of a round trip through JSON text, with the
    same result. Anything else (a dict, a list) is JSON to begin with, and validated as JSON.
    """
    if isinstance(payload, BaseModel):
        validated = adapter(model).validate_python(payload.model_dump(by_alias=True, exclude_unset=True), strict=True)
        if isinstance(validated, BaseModel):
            return validated.model_dump(mode="json", by_alias=True, exclude_unset=True), validated
        return to_jsonable_python(validated, by_alias=True), validated
    text = encode(payload)
    validated = adapter(model).validate_json(text, strict=True)
    return json.loads(text), validated
