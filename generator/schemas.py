"""The IR's types as JSON Schema: one translation shared by the JSON Schema output, AsyncAPI and example checks.

Named types (shared types that are not plain scalars, and inline objects or enums with a name) become definitions
referenced by name, so that every code generator downstream names them as the catalog does. Scalar aliases such as
`Timestamp` are inlined: a `$ref` to `{type: string, format: date-time}` would only make generated code wrap a
string in a class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import ir

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

_JSON_TYPES = {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean"}


@dataclass
class SchemaBuilder:
    """Translates type expressions, collecting the named definitions they use.

    `ref` turns a definition name into a `$ref` target (`#/$defs/X` or `#/components/schemas/X`).
    """

    catalog: ir.Catalog
    ref: Callable[[str], str] = lambda name: f"#/$defs/{name}"
    defs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def sorted_defs(self) -> dict[str, dict[str, Any]]:
        return {name: self.defs[name] for name in sorted(self.defs)}

    # -- entry points -------------------------------------------------------------------------------------------

    def root(self, expr: ir.TypeExpr) -> dict[str, Any]:
        """The schema of a payload: an inline object stays at the root; anything named is a reference."""
        if isinstance(expr, ir.Object):
            return self._object(expr)
        return self.schema(expr)

    def schema(self, expr: ir.TypeExpr) -> dict[str, Any]:
        if isinstance(expr, ir.Ref):
            return self._ref(expr)
        if isinstance(expr, ir.Object):
            self._define(expr.name, lambda: self._object(expr))
            return self._with_meta({"$ref": self.ref(expr.name)}, ir.NO_META)
        if isinstance(expr, ir.Enum) and expr.name:
            self._define(expr.name, lambda: self._enum(expr, expr.meta))
            return {"$ref": self.ref(expr.name)}
        if isinstance(expr, ir.Union) and expr.name:
            self._define(expr.name, lambda: self._union(expr))
            return {"$ref": self.ref(expr.name)}
        return self._anonymous(expr)

    def named_ref(self, expr: ir.TypeExpr, name: str) -> dict[str, Any]:
        """A plain `$ref` to expr: its own definition when it has one, else a new definition called name."""
        schema = self.schema(expr)
        if "$ref" in schema and len(schema) == 1:
            return schema
        self.defs.setdefault(name, schema)
        return {"$ref": self.ref(name)}

    def definition(self, shared: ir.SharedType) -> dict[str, Any]:
        """The body of a shared type's definition."""
        expr = shared.type
        if isinstance(expr, ir.Object):
            return self._object(expr)
        if isinstance(expr, ir.Enum):
            body = self._enum(expr, expr.meta)
            body["title"] = shared.name
            return body
        body = self._anonymous(expr)
        body.setdefault("title", shared.name)
        return body

    # -- pieces -------------------------------------------------------------------------------------------------

    def _define(self, name: str, make: Callable[[], dict[str, Any]]) -> None:
        if name in self.defs:
            return
        self.defs[name] = {}  # placeholder first: recursive types refer to themselves while being built
        self.defs[name] = make()

    def _ref(self, ref: ir.Ref) -> dict[str, Any]:
        shared = self.catalog.types[ref.name]
        target = shared.type
        if isinstance(target, ir.Scalar | ir.Const):
            inlined = self._anonymous(target)
            return self._with_meta(inlined, ref.meta)
        self._define(ref.name, lambda: self.definition(shared))
        return self._with_meta({"$ref": self.ref(ref.name)}, ref.meta)

    def _anonymous(self, expr: ir.TypeExpr) -> dict[str, Any]:
        if isinstance(expr, ir.Scalar):
            out: dict[str, Any] = {}
            if expr.kind != "any":
                out["type"] = _JSON_TYPES[expr.kind]
            if expr.format:
                out["format"] = expr.format
            out.update(expr.constraints)
            return self._with_meta(out, expr.meta)
        if isinstance(expr, ir.Enum):
            return self._enum(expr, expr.meta)
        if isinstance(expr, ir.Const):
            kind = _json_kind(expr.value)
            return self._with_meta({"type": kind, "const": expr.value}, expr.meta)
        if isinstance(expr, ir.Array):
            out = {"type": "array", "items": self.schema(expr.items)}
            out.update(expr.constraints)
            return self._with_meta(out, expr.meta)
        if isinstance(expr, ir.Union):
            return self._union(expr)
        if isinstance(expr, ir.Raw):
            return self._with_meta(dict(expr.schema), expr.meta)
        if isinstance(expr, ir.Object | ir.Ref):
            return self.schema(expr)
        raise TypeError(f"unknown type expression {expr!r}")

    def _union(self, union: ir.Union) -> dict[str, Any]:
        out: dict[str, Any] = {"title": union.name} if union.name else {}
        out["anyOf"] = [self.schema(b) for b in union.branches]
        if union.discriminator:
            out["x-discriminator"] = union.discriminator
        return self._with_meta(out, union.meta)

    def _object(self, obj: ir.Object) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "object", "title": obj.name}
        properties: dict[str, Any] = {}
        for f in obj.fields:
            prop = self.schema(f.type)
            if f.caller:
                prop = {**prop, "x-eventcat-caller": True}
            properties[f.name] = prop
        out["properties"] = properties
        required = [f.name for f in obj.fields if f.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = obj.additional_properties
        return self._with_meta(out, obj.meta)

    def _enum(self, enum: ir.Enum, meta: ir.Meta) -> dict[str, Any]:
        values = [v.value for v in enum.values]
        kinds = {_json_kind(v) for v in values}
        out: dict[str, Any] = {}
        if enum.name:
            out["title"] = enum.name
        if len(kinds) == 1:
            out["type"] = kinds.pop()
        out["enum"] = values
        described = {str(v.value): v.description for v in enum.values if v.description}
        if described:
            out["x-enum-descriptions"] = described
        return self._with_meta(out, meta)

    def _with_meta(self, schema: dict[str, Any], meta: ir.Meta) -> dict[str, Any]:
        if meta.title:
            schema["title"] = meta.title
        description = _describe(meta)
        if description:
            schema["description"] = description
        if meta.unit:
            schema["x-unit"] = meta.unit
        if meta.has_default:
            schema["default"] = meta.default
        if meta.examples:
            schema["examples"] = list(meta.examples)
        if meta.deprecated:
            schema["deprecated"] = True
            details = {
                k: v
                for k, v in (
                    ("since", meta.deprecated.since),
                    ("reason", meta.deprecated.reason),
                    ("replacement", meta.deprecated.replacement),
                )
                if v
            }
            if details:
                schema["x-deprecation"] = details
        for key, value in meta.extensions.items():
            schema[key] = value
        if meta.nullable:
            schema = {"anyOf": [schema, {"type": "null"}]}
        return schema


def _describe(meta: ir.Meta) -> str | None:
    if not meta.unit:
        return meta.description
    unit = f"Unit: {meta.unit}."
    return f"{meta.description.rstrip()} {unit}" if meta.description else unit


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def standalone(catalog: ir.Catalog, expr: ir.TypeExpr, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A self-contained draft 2020-12 schema for one payload: the root plus the definitions it uses."""
    builder = SchemaBuilder(catalog)
    body = builder.root(expr)
    out: dict[str, Any] = {"$schema": DRAFT_2020_12}
    out.update(extra or {})
    out.update(body)
    if builder.defs:
        out["$defs"] = builder.sorted_defs()
    return out
