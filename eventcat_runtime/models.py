"""The base class of every generated model, and the string formats pydantic would otherwise rewrite.

Generated models must accept and refuse exactly what the catalog's JSON Schemas accept and refuse, and must give
back on the wire the very strings they were given. Two pydantic defaults break that, and this module fixes both:

- An optional field is `T | None = None` in Python, so pydantic accepts an explicit `null` for it, which the JSON
  Schema refuses. `CatalogModel` refuses `None` for every optional field the catalog did not mark `nullable`.
- `AnyUrl` and `UUID` normalise (a trailing slash, lower case), so a URI or UUID would not round-trip. Here they
  are strings checked with the very functions jsonschema's format checker uses.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)
from rfc3339_validator import RFC3339_REGEX
from rfc3986_validator import validate_rfc3986

NULLABLE_KEY = "x-nullable"


class CatalogModel(BaseModel):
    """A payload or a named type of the catalog."""

    # JSON has no Infinity or NaN: a payload holding one could not be parsed by the clients.
    model_config = ConfigDict(populate_by_name=True, allow_inf_nan=False)

    # Attribute names of the optional fields that may be absent but never null; filled per subclass.
    __never_null__: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        never_null = set()
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if not info.is_required() and info.default is None and not extra.get(NULLABLE_KEY):
                never_null.add(name)
        cls.__never_null__ = frozenset(never_null)

    # A field "after" validator: reported at the field's path, beside any other problem of the payload. (A model
    # "before" validator would hand pydantic parsed Python instead of JSON, and strict JSON validation, ISO strings
    # for datetimes, would then refuse what the JSON Schema accepts.)
    @field_validator("*", mode="after")
    @classmethod
    def _refuse_null_for_non_nullable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.__never_null__:
            raise ValueError("may be left out, but not null")
        return value


def _uri(value: str) -> str:
    if not validate_rfc3986(value, rule="URI"):
        raise ValueError("not a valid URI (RFC 3986, with a scheme)")
    return value


def _email(value: str) -> str:
    if "@" not in value:
        raise ValueError("not an email address")
    return value


def _uuid(value: str) -> str:
    try:
        UUID(value)
    except ValueError:
        raise ValueError("not a UUID") from None
    if not all(value[i] == "-" for i in (8, 13, 18, 23)):
        raise ValueError("not a UUID in its hyphenated form")
    return value


def _rfc3339(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A JSON string must be an RFC 3339 date-time, as the JSON Schema says; pydantic alone would also take
    `2025-10-27 14:30Z`, `+0530` offsets or Unix times. The string is parsed here, so that strict validation of the
    JSON (which refuses strings for datetimes once a validator wraps them) gets a datetime."""
    if isinstance(value, str):
        # As jsonschema checks it (rfc3339_validator: its pattern for the form; RFC 3339 allows t and z), with the
        # calendar (a day the month has, no year 0) left to fromisoformat, which parses the text anyway.
        text = value.upper()
        if RFC3339_REGEX.match(text) is None:
            raise ValueError(_NOT_RFC3339)
        if text[-1] == "Z":
            text = text[:-1] + "+00:00"
        if "." in text:
            text = _FRACTION.sub(_microseconds, text)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(_NOT_RFC3339) from None
    return handler(value)


_NOT_RFC3339 = "not an RFC 3339 date-time with a timezone, e.g. 2025-10-27T14:30:00Z"


def _microseconds(fraction: re.Match[str]) -> str:
    return fraction.group(1)[:7]  # the dot and six digits: what datetime holds


def _json_integer(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """JSON Schema counts 7.0 as an integer (a number with no fraction); strict pydantic would not."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return handler(value)


def _exactly_bool(value: Any) -> Any:
    """`Literal[True]` would accept 1 and 1.0 (they compare equal to True); JSON Schema's `const: true` does not."""
    if not isinstance(value, bool):
        raise ValueError("must be a JSON boolean")
    return value


_FRACTION = re.compile(r"(\.\d+)")

IsoDateTime = Annotated[AwareDatetime, WrapValidator(_rfc3339)]
JsonInt = Annotated[int, WrapValidator(_json_integer)]
JsonTrue = Annotated[Literal[True], BeforeValidator(_exactly_bool)]
JsonFalse = Annotated[Literal[False], BeforeValidator(_exactly_bool)]
UriStr = Annotated[str, AfterValidator(_uri)]
EmailStr = Annotated[str, AfterValidator(_email)]
UuidStr = Annotated[str, AfterValidator(_uuid)]
