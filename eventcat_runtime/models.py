"""The base class of every generated model, and the string formats pydantic would otherwise rewrite.

Generated models must accept and refuse exactly what the catalog's JSON Schemas accept and refuse, and must give
back on the wire the very strings they were given. Two pydantic defaults break that, and this module fixes both:

- An optional field is `T | None = None` in Python, so pydantic accepts an explicit `null` for it, which the JSON
  Schema refuses. `CatalogModel` refuses `None` for every optional field the catalog did not mark `nullable`.
- `AnyUrl` and `UUID` normalise (a trailing slash, lower case), so a URI or UUID would not round-trip. Here they
  are strings checked with the very functions jsonschema's format checker uses.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, field_validator
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


UriStr = Annotated[str, AfterValidator(_uri)]
EmailStr = Annotated[str, AfterValidator(_email)]
UuidStr = Annotated[str, AfterValidator(_uuid)]
