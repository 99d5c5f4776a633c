"""Compare two type expressions, old and new, and report each change under the rule that classifies it.

The walk follows shared types on both sides (so a change inside a type is reported on every event that uses it),
into object fields, array items and union branches. It compares what the types accept, not how they are written:
an inline object moved into a shared type with the same shape, reordered fields or enum values, and YAML anchors
change nothing. Documentation inside a shared type (descriptions, examples, names) is reported once, on the type,
rather than once per event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import ir
from ..errors import Pos
from .collect import Collector
from .constraints import show, verdict
from .describe import describe
from .findings import Flow
from .shape import shape

# Rules about documentation and generated names: inside a shared type they belong to the type, not to each event.
Labelled = tuple[ir.TypeExpr, str]  # a union branch and the label it is known by
Pair = tuple[ir.TypeExpr, ir.TypeExpr, str]  # an old branch, the new branch it became, the label
TYPE_LEVEL_RULES = frozenset(
    {"description-changed", "examples-changed", "default-changed", "type-name-changed", "field-deprecated"}
)


@dataclass(frozen=True)
class At:
    """Where the walk stands: the path in the event, who reads it, and where the new side is written."""

    event: str
    path: str
    flow: Flow
    pos: Pos | None
    # At the payload's (or ack's) root, a different kind of type is a payload swap, not a field's type change.
    root: bool = True
    # (shared type, path inside it) while both sides use the same shared type.
    shared: tuple[str, str] | None = None
    # Pairs of shared types being compared on this path: a recursive type stops the walk when it comes round.
    seen: frozenset[tuple[str | None, str | None]] = frozenset()

    def field(self, name: str, pos: Pos | None) -> At:
        return self._down(f".{name}", pos)

    def items(self) -> At:
        return self._down("[]", None)

    def branch(self, label: str) -> At:
        return self._down(f"<{label}>", None)

    def in_type(self, name: str, pos: Pos | None, key: tuple[str, str]) -> At:
        return replace(self, shared=(name, ""), pos=pos or self.pos, seen=self.seen | {key})

    def _down(self, step: str, pos: Pos | None) -> At:
        shared = None if self.shared is None else (self.shared[0], (self.shared[1] + step).lstrip("."))
        return replace(self, path=self.path + step, pos=pos or self.pos, root=False, shared=shared)


class Walker:
    def __init__(self, old: ir.Catalog, new: ir.Catalog, out: Collector) -> None:
        self.old, self.new, self.out = old, new, out

    # -- reporting ----------------------------------------------------------------------------------------------

    def emit(self, rule: str, at: At, what: str, old: Any = None, new: Any = None) -> None:
        if rule in TYPE_LEVEL_RULES and at.shared is not None:
            name, inner = at.shared
            self.out.emit(rule, at.flow, what, subject=f"types.{name}", path=inner, old=old, new=new, pos=at.pos)
        else:
            self.out.emit(rule, at.flow, what, event=at.event, path=at.path, flow=at.flow, old=old, new=new, pos=at.pos)

    def constraint(self, key: str, before: Any, after: Any, at: At) -> None:
        found = verdict(key, before, after)
        if found:
            what = f"{show(key, before)} → {show(key, after)}"
            self.emit(f"constraint-{found}", at, what, {key: before}, {key: after})

    # -- the walk -----------------------------------------------------------------------------------------------

    def compare(self, old: ir.TypeExpr, new: ir.TypeExpr, at: At) -> None:
        if isinstance(old, ir.Ref) and isinstance(new, ir.Ref) and old.name == new.name and self._both_know(old.name):
            # The same shared type on both sides: compare what this use says, then the type itself.
            self.meta(old.meta, new.meta, at)
            key = (old.name, new.name)
            if key not in at.seen:
                shared = self.new.types[new.name]
                self.compare(self.old.types[old.name].type, shared.type, at.in_type(new.name, shared.pos, key))
            return
        o, o_meta, o_ref = unwrap(old, self.old)
        n, n_meta, n_ref = unwrap(new, self.new)
        if o_ref is not None and n_ref is not None:
            if (o_ref, n_ref) in at.seen:
                return
            at = replace(at, seen=at.seen | {(o_ref, n_ref)})
        self.meta(o_meta, n_meta, at)
        self.body(o, n, at, o_ref, n_ref)

    def _both_know(self, name: str) -> bool:
        return name in self.old.types and name in self.new.types

    def meta(self, o: ir.Meta, n: ir.Meta, at: At) -> None:
        for attr in ("description", "title"):
            if getattr(o, attr) != getattr(n, attr):
                self.emit("description-changed", at, f"{attr} changed", getattr(o, attr), getattr(n, attr))
        if o.unit != n.unit:
            self.emit("unit-changed", at, f"unit {o.unit or 'none'} → {n.unit or 'none'}", o.unit, n.unit)
        if (o.has_default, o.default) != (n.has_default, n.default):
            self.emit("default-changed", at, "default changed", o.default, n.default)
        if o.examples != n.examples:
            self.emit("examples-changed", at, "examples changed", list(o.examples), list(n.examples))
        if (o.deprecated is None) != (n.deprecated is None):
            what = "deprecated" if n.deprecated else "no longer deprecated"
            self.emit("field-deprecated", at, what, o.deprecated is not None, n.deprecated is not None)
        self.constraint("nullable", o.nullable, n.nullable, at)

    def body(self, o: ir.TypeExpr, n: ir.TypeExpr, at: At, o_ref: str | None, n_ref: str | None) -> None:
        if isinstance(o, ir.Union) or isinstance(n, ir.Union):
            self.union(o, n, at)
        elif isinstance(o, ir.Object) and isinstance(n, ir.Object):
            self.object(o, n, at)
        elif isinstance(o, ir.Array) and isinstance(n, ir.Array):
            self.constraints(o.constraints, n.constraints, at)
            self.compare(o.items, n.items, at.items())
        elif isinstance(o, ir.Scalar) and isinstance(n, ir.Scalar):
            self.scalar(o, n, at)
        elif values_of(o) is not None and values_of(n) is not None:
            self.values(o, n, at, o_ref, n_ref)
        elif isinstance(o, ir.Scalar) and accepts(o, values_of(n)):
            self.constraint("enum", None, [str(v) for v in values_of(n) or ()], at)
        elif isinstance(n, ir.Scalar) and accepts(n, values_of(o)):
            self.constraint("enum", [str(v) for v in values_of(o) or ()], None, at)
        elif isinstance(o, ir.Raw) and isinstance(n, ir.Raw):
            if dict(o.schema) != dict(n.schema):
                # Whatever raw JSON Schema says is opaque here: assume the worst, but do not call it a payload swap.
                what = "raw JSON Schema changed; eventcat cannot tell how, so it assumes the worst"
                self.emit("type-changed", at, what, dict(o.schema), dict(n.schema))
        else:
            self.type_changed(o, n, at)

    def type_changed(self, o: ir.TypeExpr, n: ir.TypeExpr, at: At) -> None:
        rule = "payload-type-changed" if at.root else "type-changed"
        self.emit(rule, at, f"type {describe(o)} → {describe(n)}", describe(o), describe(n))

    def scalar(self, o: ir.Scalar, n: ir.Scalar, at: At) -> None:
        if o.kind != n.kind:
            found = kind_verdict(o.kind, n.kind)
            if found is None:
                self.type_changed(o, n, at)
                return
            what = f"type {o.kind} → {n.kind}"
            self.emit(f"constraint-{found}", at, what, {"type": o.kind}, {"type": n.kind})
        self.constraints({"format": o.format, **o.constraints}, {"format": n.format, **n.constraints}, at)

    def constraints(self, old: Any, new: Any, at: At) -> None:
        for key in dict.fromkeys([*old, *new]):
            self.constraint(key, old.get(key), new.get(key), at)

    def values(self, o: ir.TypeExpr, n: ir.TypeExpr, at: At, o_ref: str | None, n_ref: str | None) -> None:
        if isinstance(o, ir.Const) and isinstance(n, ir.Const):
            if _key(o.value) != _key(n.value):
                self.emit("const-changed", at, f"const {o.value!r} → {n.value!r}", o.value, n.value)
            return
        before, after = values_of(o) or (), values_of(n) or ()
        old_keys, new_keys = {_key(v) for v in before}, {_key(v) for v in after}
        for value in after:
            if _key(value) not in old_keys:
                self.emit("enum-value-added", at, f"enum value {value!r} added", None, value)
        for value in before:
            if _key(value) not in new_keys:
                self.emit("enum-value-removed", at, f"enum value {value!r} removed", value, None)
        if isinstance(o, ir.Enum) and isinstance(n, ir.Enum):
            old_docs = {_key(v.value): v.description for v in o.values}
            for v in n.values:
                if _key(v.value) in old_docs and old_docs[_key(v.value)] != v.description:
                    what = f"description of enum value {v.value!r} changed"
                    self.emit("description-changed", at, what, old_docs[_key(v.value)], v.description)
            old_name, new_name = o.name or o_ref, n.name or n_ref
            if old_name and new_name and old_name != new_name:
                self.emit("type-name-changed", at, f"enum type {old_name} → {new_name}", old_name, new_name)

    def object(self, o: ir.Object, n: ir.Object, at: At) -> None:
        if o.name != n.name:
            self.emit("type-name-changed", at, f"object type {o.name} → {n.name}", o.name, n.name)
        self.constraint("additionalProperties", o.additional_properties, n.additional_properties, at)
        old_fields = {f.name: f for f in o.fields}
        new_fields = {f.name: f for f in n.fields}
        removed = [f for f in o.fields if f.name not in new_fields]
        added = [f for f in n.fields if f.name not in old_fields]
        for before, after in self.renames(removed, added):
            what = f"required field renamed from {before.name}"
            self.emit("field-renamed", at.field(after.name, after.pos), what, before.name, after.name)
        for f in removed:
            kind = "required" if f.required else "optional"
            if unwrap(f.type, self.old)[1].deprecated:
                rule, kind = "deprecated-field-removed", f"deprecated {kind}"  # the deprecation flow, as for events
            elif at.flow == "c2s" and not n.additional_properties:
                rule = "field-removed-from-closed-payload"
            else:
                rule = f"{kind}-field-removed"
            self.emit(rule, at.field(f.name, None), f"{kind} field removed", describe(f.type), None)
        for f in added:
            kind = "required" if f.required else "optional"
            if at.flow == "s2c" and self.new.strict_clients and not o.additional_properties:
                rule = "field-added-to-closed-payload"
            else:
                rule = f"{kind}-field-added"
            self.emit(rule, at.field(f.name, f.pos), f"{kind} field added", None, describe(f.type))
        for before in o.fields:
            if before.name not in new_fields:
                continue
            after = new_fields[before.name]
            here = at.field(after.name, after.pos)
            if before.required != after.required:
                rule = "field-became-required" if after.required else "field-became-optional"
                what = f"now {'required' if after.required else 'optional'}"
                self.emit(rule, here, what, before.required, after.required)
            self.constraint("caller", before.caller, after.caller, here)
            self.compare(before.type, after.type, here)

    def renames(self, removed: list[ir.Field], added: list[ir.Field]) -> list[tuple[ir.Field, ir.Field]]:
        """Required fields that left and arrived with the same shape, one to one: a rename, reported once.

        The pairs are taken out of removed and added. Optional fields are left alone: an optional field renamed is
        exactly an optional field removed and another added, and the levels of those two say it right.
        """
        gone = [(f, shape(f.type, self.old)) for f in removed if f.required]
        came = [(f, shape(f.type, self.new)) for f in added if f.required]
        pairs = []
        for before, s in gone:
            matches = [f for f, t in came if t == s]
            if len(matches) == 1 and sum(1 for _, t in gone if t == s) == 1:
                pairs.append((before, matches[0]))
        for before, after in pairs:
            removed.remove(before)
            added.remove(after)
        return pairs

    def union(self, o: ir.TypeExpr, n: ir.TypeExpr, at: At) -> None:
        both = isinstance(o, ir.Union) and isinstance(n, ir.Union)
        if isinstance(o, ir.Union) and isinstance(n, ir.Union) and o.discriminator != n.discriminator:
            what = f"union discriminator {o.discriminator or 'none'} → {n.discriminator or 'none'}"
            self.emit("type-changed", at, what, o.discriminator, n.discriminator)
        old_union = o if isinstance(o, ir.Union) else ir.Union((replace(o, meta=ir.NO_META),))
        new_union = n if isinstance(n, ir.Union) else ir.Union((replace(n, meta=ir.NO_META),))
        pairs, removed, added = self.pair_branches(old_union, new_union)
        for before, after, label in pairs:
            self.compare(before, after, at.branch(label) if both else replace(at, root=False))
        for branch, label in removed:
            self.emit("union-branch-removed", at.branch(label), f"union branch {label} removed", describe(branch))
        for branch, label in added:
            self.emit("union-branch-added", at.branch(label), f"union branch {label} added", None, describe(branch))

    def pair_branches(self, o: ir.Union, n: ir.Union) -> tuple[list[Pair], list[Labelled], list[Labelled]]:
        """Match branches by name or discriminator value, then by shape, then a last one of each of the same kind."""
        old_left = [(b, branch_label(b, self.old, o.discriminator, i)) for i, b in enumerate(o.branches)]
        new_left = [(b, branch_label(b, self.new, n.discriminator, i)) for i, b in enumerate(n.branches)]
        pairs: list[Pair] = []

        def match(old_key: Any, new_key: Any) -> None:
            for before, label in list(old_left):
                k = old_key(before, label)
                if k is None:
                    continue
                found = next(((b, lb) for b, lb in new_left if new_key(b, lb) == k), None)
                if found is not None:
                    pairs.append((before, found[0], found[1]))
                    old_left.remove((before, label))
                    new_left.remove(found)

        def by_label(_: ir.TypeExpr, label: str) -> str | None:
            return None if label.startswith("#") else label

        match(by_label, by_label)
        match(lambda b, _: shape(b, self.old), lambda b, _: shape(b, self.new))
        if len(old_left) == 1 and len(new_left) == 1:
            before, after = self.old.resolve(old_left[0][0]), self.new.resolve(new_left[0][0])
            if type(before) is type(after):
                pairs.append((old_left[0][0], new_left[0][0], new_left[0][1]))
                old_left.clear()
                new_left.clear()
        return pairs, old_left, new_left


def unwrap(expr: ir.TypeExpr, catalog: ir.Catalog) -> tuple[ir.TypeExpr, ir.Meta, str | None]:
    """Follow shared types to the type they name; what the outer uses say wins over what the type says."""
    meta, last = expr.meta, None
    seen: set[str] = set()
    while isinstance(expr, ir.Ref) and expr.name in catalog.types and expr.name not in seen:
        seen.add(expr.name)
        last = expr.name
        expr = catalog.types[expr.name].type
        meta = merge(meta, expr.meta)
    return expr, meta, last


def merge(outer: ir.Meta, inner: ir.Meta) -> ir.Meta:
    return ir.Meta(
        description=outer.description if outer.description is not None else inner.description,
        title=outer.title if outer.title is not None else inner.title,
        unit=outer.unit if outer.unit is not None else inner.unit,
        nullable=outer.nullable or inner.nullable,
        default=outer.default if outer.has_default else inner.default,
        has_default=outer.has_default or inner.has_default,
        examples=outer.examples or inner.examples,
        deprecated=outer.deprecated or inner.deprecated,
        extensions={**inner.extensions, **outer.extensions},
    )


def values_of(expr: ir.TypeExpr) -> Sequence[str | int | float | bool] | None:
    """An enum's values; a const is an enum of one value (so const → enum is an enum value added)."""
    if isinstance(expr, ir.Enum):
        return [v.value for v in expr.values]
    if isinstance(expr, ir.Const):
        return [expr.value]
    return None


def accepts(scalar: ir.Scalar, values: Sequence[Any] | None) -> bool:
    """Whether a plain scalar type accepts every one of values (then enum → scalar only loosens)."""
    if values is None:
        return False
    if scalar.kind == "any":
        return True
    kinds = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    return all(kinds[scalar.kind](v) for v in values)


def kind_verdict(old: str, new: str) -> str | None:
    """Scalar kinds that nest: every integer is a number, every value is `any`."""
    if new == "any" or (old, new) == ("integer", "number"):
        return "loosened"
    if old == "any" or (old, new) == ("number", "integer"):
        return "tightened"
    return None


def branch_label(expr: ir.TypeExpr, catalog: ir.Catalog, discriminator: str | None, index: int) -> str:
    """How a union branch is known across versions: its discriminator value, its name, or its position."""
    resolved = catalog.resolve(expr)
    if discriminator and isinstance(resolved, ir.Object):
        f = resolved.field(discriminator)
        if f is not None:
            tag = catalog.resolve(f.type)
            if isinstance(tag, ir.Const):
                return f"{discriminator}={tag.value}"
    if isinstance(expr, ir.Ref):
        return expr.name
    if isinstance(expr, ir.Object) or (isinstance(expr, ir.Enum) and expr.name):
        return str(expr.name)
    if isinstance(expr, ir.Scalar):
        return describe(expr)
    return f"#{index + 1}"


def _key(value: Any) -> tuple[str, Any]:
    # 1 == True in Python; an enum of [1] and a const true are different values on the wire.
    return (type(value).__name__, value)
