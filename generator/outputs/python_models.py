"""pydantic v2 models through datamodel-code-generator's Python API, from the same JSON Schema as every output.

The input is the catalog's bundle of `$defs` (every named type, payload and ack, named as the catalog names
them), adjusted for what must hold in Python:
- `format: uri | email | uuid` become the runtime's checked strings (`x-python-type`), so values round-trip as
  given; `date-time` becomes the runtime's IsoDateTime (an AwareDatetime that takes RFC 3339 strings only); integers
  take 7.0 as JSON Schema does (JsonInt); boolean consts refuse 1 (JsonTrue, JsonFalse).
- fields the catalog marks nullable carry `x-nullable`, read by the runtime's CatalogModel, which refuses `null`
  for every other optional field (the JSON Schema does).
- other `x-` keys are documentation for other outputs and are dropped.
Enums are `Literal` type aliases throughout (no Enum classes), so values compare and serialise as plain strings.
"""

from __future__ import annotations

import json
from typing import Any

from .. import cache, ir
from ..schemas import SchemaBuilder

RUNTIME = "eventcat_runtime"
FORMAT_TYPES = {
    "uri": f"{RUNTIME}.UriStr",
    "email": f"{RUNTIME}.EmailStr",
    "uuid": f"{RUNTIME}.UuidStr",
    "date-time": f"{RUNTIME}.IsoDateTime",
}
DCG_VERSION = "0.89.0"
# datamodel-code-generator names the root of its input; the bundle's root is not a type, so its alias goes.
_ROOT_ALIAS = 'Model = TypeAliasType("Model", Any)'


def model_schema(catalog: ir.Catalog) -> dict[str, Any]:
    """Every named type, payload and ack of the catalog as one schema of `$defs`, ready for the code generator."""
    builder = SchemaBuilder(catalog)
    for shared in catalog.types.values():
        builder.schema(ir.Ref(shared.name))
    for event in catalog.events.values():
        builder.named_ref(event.payload, event.payload_name)
        if event.ack is not None and event.ack_name is not None:
            builder.named_ref(event.ack, event.ack_name)
    defs = {name: _adjust(schema) for name, schema in builder.sorted_defs().items()}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}


def _adjust(schema: Any) -> Any:
    if isinstance(schema, list):
        return [_adjust(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _adjust(value) for key, value in schema.items() if not key.startswith("x-")}
    python_type = FORMAT_TYPES.get(str(out.get("format")))
    if python_type and out.get("type") == "string":
        out["x-python-type"] = python_type
    elif out.get("type") == "integer" and "enum" not in out:
        out["x-python-type"] = f"{RUNTIME}.JsonInt"
    elif "const" in out and isinstance(out["const"], bool):
        # datamodel-code-generator ignores x-python-type beside `const`; the runtime type carries the constant.
        out["x-python-type"] = f"{RUNTIME}.JsonTrue" if out.pop("const") else f"{RUNTIME}.JsonFalse"
    for name, prop in out.get("properties", {}).items():
        if isinstance(prop, dict) and _accepts_null(prop):
            out["properties"][name] = {**prop, "x-nullable": True}
    return out


_TYPED_KEYS = {"type", "$ref", "enum", "const", "anyOf", "oneOf", "allOf", "properties", "items", "not"}


def _accepts_null(prop: dict[str, Any]) -> bool:
    """A nullable field (`anyOf` with a null branch) or an `any` field, whose values include null."""
    if any(branch == {"type": "null"} for branch in prop.get("anyOf", ())):
        return True
    return not _TYPED_KEYS.intersection(prop)


def _options(header: str) -> dict[str, Any]:
    return {
        "output_model_type": "pydantic_v2.BaseModel",
        "target_python_version": "3.11",
        "base_class": f"{RUNTIME}.CatalogModel",
        "custom_file_header": header,
        "disable_timestamp": True,
        "enum_field_as_literal": "all",
        "use_type_alias": True,
        "output_datetime_class": "AwareDatetime",
        "use_annotated": True,
        "field_constraints": True,
        "use_schema_description": True,
        "use_field_description": True,
        "use_double_quotes": True,
        "field_extra_keys": ["x-nullable"],
        "formatters": [],
    }


def models_source(catalog: ir.Catalog, header: str) -> str:
    """The text of models.py, unformatted (the caller formats every module together)."""
    schema = model_schema(catalog)
    options = _options(header)
    key = cache.key("models", DCG_VERSION, options, schema)
    hit = cache.load_json(key)
    if isinstance(hit, str):
        return hit
    text = _generate(schema, options)
    cache.store_json(key, text)
    return text


def _generate(schema: dict[str, Any], options: dict[str, Any]) -> str:
    # Imported here: datamodel-code-generator takes most of a second to import, and a warm cache never needs it.
    from datamodel_code_generator import generate
    from datamodel_code_generator.enums import DataModelType, InputFileType
    from datamodel_code_generator.format import DatetimeClassType, PythonVersion
    from datamodel_code_generator.parser import LiteralType

    result = generate(
        json.dumps(schema),
        input_file_type=InputFileType.JsonSchema,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        base_class=options["base_class"],
        custom_file_header=options["custom_file_header"],
        disable_timestamp=True,
        enum_field_as_literal=LiteralType.All,
        use_type_alias=True,
        output_datetime_class=DatetimeClassType.Awaredatetime,
        use_annotated=True,
        field_constraints=True,
        use_schema_description=True,
        use_field_description=True,
        use_double_quotes=True,
        field_extra_keys=set(options["field_extra_keys"]),
        formatters=[],
    )
    if not isinstance(result, str):
        raise RuntimeError("datamodel-code-generator returned several modules; expected one")
    if _ROOT_ALIAS not in result:
        raise RuntimeError(f"datamodel-code-generator output changed: no '{_ROOT_ALIAS}' line to remove")
    return result.replace(_ROOT_ALIAS + "\n", "")
