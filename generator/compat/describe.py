"""Short text for a type, as findings show old and new values: `string (date-time)`, `OrderStatus`, `Offer[]`."""

from __future__ import annotations

from .. import ir


def describe(expr: ir.TypeExpr) -> str:
    if isinstance(expr, ir.Ref):
        return expr.name
    if isinstance(expr, ir.Scalar):
        return f"{expr.kind} ({expr.format})" if expr.format else expr.kind
    if isinstance(expr, ir.Enum):
        values = ", ".join(str(v.value) for v in expr.values)
        return f"{expr.name} enum [{values}]" if expr.name else f"enum [{values}]"
    if isinstance(expr, ir.Const):
        return f"const {expr.value!r}"
    if isinstance(expr, ir.Object):
        return f"object {expr.name}"
    if isinstance(expr, ir.Array):
        return f"{describe(expr.items)}[]"
    if isinstance(expr, ir.Union):
        return " | ".join(describe(b) for b in expr.branches)
    return "raw JSON Schema"
