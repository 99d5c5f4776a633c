"""What a type accepts on the wire, as a comparable value: names, docs and positions left out.

Two types with the same shape validate the same JSON, whatever they are called and wherever they are written;
the diff uses this to recognise a renamed field, and to pair union branches that moved between inline and shared.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from typing import Any

from .. import ir


def shape(expr: ir.TypeExpr, catalog: ir.Catalog, seen: frozenset[str] = frozenset()) -> Hashable:
    nullable = expr.meta.nullable
    while isinstance(expr, ir.Ref):
        if expr.name in seen or expr.name not in catalog.types:
            return ("ref", expr.name)  # a recursive type: the name stands for the rest
        seen = seen | {expr.name}
        expr = catalog.types[expr.name].type
        nullable = nullable or expr.meta.nullable
    body: Hashable
    if isinstance(expr, ir.Scalar):
        body = ("scalar", expr.kind, expr.format, _items(expr.constraints))
    elif isinstance(expr, ir.Enum):
        body = ("enum", frozenset(v.value for v in expr.values))
    elif isinstance(expr, ir.Const):
        body = ("const", expr.value)
    elif isinstance(expr, ir.Object):
        fields = tuple(sorted((f.name, f.required, f.caller, shape(f.type, catalog, seen)) for f in expr.fields))
        body = ("object", expr.additional_properties, fields)
    elif isinstance(expr, ir.Array):
        body = ("array", _items(expr.constraints), shape(expr.items, catalog, seen))
    elif isinstance(expr, ir.Union):
        body = ("union", expr.discriminator, frozenset(shape(b, catalog, seen) for b in expr.branches))
    else:
        body = ("raw", json.dumps(dict(expr.schema), sort_keys=True, default=str))
    return (body, nullable)


def _items(constraints: Mapping[str, Any]) -> Hashable:
    return json.dumps(dict(constraints), sort_keys=True, default=str)
