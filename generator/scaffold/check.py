"""`eventcat scaffold --check`: drift of the hand-written handlers from the catalog, read with `ast` only.

Nothing of the app is imported (it may need its services, or not import at all while it is out of date): the
module's source is parsed, the classes deriving from the generated `EventHandlers` are found (in the module, or in
the project's modules it imports them from), and each method is compared with what the generated base declares.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import ir
from .spec import LIFECYCLE_HOOKS, HandlerSpec, handler_specs

BASE = "EventHandlers"
# How far `from .handlers import Handlers` is followed when the app module is a factory that imports its class.
IMPORT_DEPTH = 3


@dataclass(frozen=True, order=True)
class Finding:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ScaffoldError(Exception):
    """The module cannot be checked (missing, not Python, no handler class): a usage error, with what to do."""


@dataclass(frozen=True)
class _Class:
    file: Path
    node: ast.ClassDef
    # Classes of the same module it also derives from (mixins holding some handlers), nearest first.
    mixins: tuple[ast.ClassDef, ...] = ()

    def bodies(self) -> Iterator[ast.stmt]:
        yield from self.node.body
        for mixin in self.mixins:
            yield from mixin.body


def check_handlers(catalog: ir.Catalog, module: Path, root: Path) -> list[Finding]:
    """Every difference between the handler classes reachable from module and the catalog's handler base."""
    classes = list(_handler_classes(module, root, IMPORT_DEPTH, set()))
    if not classes:
        raise ScaffoldError(
            f"{module}: no class deriving from {BASE} here or in the project modules it imports; give the "
            "handler module with --file, or write one with `eventcat scaffold`"
        )
    specs = {spec.method: spec for spec in handler_specs(catalog)}
    outbound = {f"on_{e.ident}" for e in catalog.events.values() if e.server_to_client}
    findings: list[Finding] = []
    seen: set[str] = set()
    for cls in classes:
        for node in cls.bodies():
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not node.name.startswith("on_"):
                continue
            seen.add(node.name)
            spec = specs.get(node.name)
            if spec is not None:
                findings.extend(Finding(cls.file, line, text) for line, text in _compare(node, spec))
            elif node.name not in LIFECYCLE_HOOKS:
                what = "a server-to-client event" if node.name in outbound else "no event of the catalog"
                findings.append(
                    Finding(
                        cls.file,
                        node.lineno,
                        f"{cls.node.name}.{node.name} handles {what} (removed or renamed?): delete it, or rename it "
                        "after the client-to-server event it is for",
                    )
                )
    first = classes[0]
    for method, spec in specs.items():
        if method not in seen:
            findings.append(
                Finding(
                    first.file,
                    first.node.lineno,
                    f"{first.node.name} has no handler for the client-to-server event '{spec.event}': add "
                    f"`{spec.signature()}` (`eventcat scaffold --print` shows a body)",
                )
            )
    return sorted(findings)


def _compare(node: ast.FunctionDef | ast.AsyncFunctionDef, spec: HandlerSpec) -> Iterator[tuple[int, str]]:
    where = f"{node.name}"
    if not isinstance(node, ast.AsyncFunctionDef):
        yield node.lineno, f"{where} must be `async def`: the runtime awaits it"
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    required = positional[: len(positional) - len(args.defaults)]
    if len(required) != 3:
        names = ", ".join(a.arg for a in positional)
        yield (
            node.lineno,
            f"{where}({names}) takes {len(required)} required parameters; the runtime calls it with "
            f"(payload, ctx): `{spec.signature()}`",
        )
        return
    payload = required[1]
    got = _names(payload.annotation)
    if spec.payload not in got:
        shown = _shown(payload.annotation)
        yield (
            payload.lineno,
            f"{where}: the payload is annotated `{shown}`; the payload of '{spec.event}' is "
            f"`models.{spec.payload}` in the catalog",
        )
    returned = _names(node.returns)
    if spec.ack is None:
        if node.returns is None or returned != {"None"}:
            yield (
                node.lineno,
                f"{where} returns `{_shown(node.returns)}`; '{spec.event}' has no ack in the catalog: return None",
            )
    elif spec.ack not in returned or "Mapping" in returned or "dict" in returned:
        yield (
            node.lineno,
            f"{where} returns `{_shown(node.returns)}`; the ack of '{spec.event}' is `models.{spec.ack}` in the "
            "catalog: return that model",
        )


def _names(annotation: ast.expr | None) -> set[str]:
    """The type names an annotation mentions: `models.X | None` -> {X, None}; string annotations are parsed."""
    if annotation is None:
        return set()
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return set()
    if isinstance(annotation, ast.Constant) and annotation.value is None:
        return {"None"}
    if isinstance(annotation, ast.Name):
        return {annotation.id}
    if isinstance(annotation, ast.Attribute):
        return {annotation.attr}
    if isinstance(annotation, ast.BinOp):
        return _names(annotation.left) | _names(annotation.right)
    if isinstance(annotation, ast.Subscript):
        return _names(annotation.value)
    return set()


def _shown(annotation: ast.expr | None) -> str:
    return "no annotation" if annotation is None else ast.unparse(annotation)


def _parse(path: Path) -> ast.Module:
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except FileNotFoundError:
        raise ScaffoldError(f"{path} does not exist; write it with `eventcat scaffold`, or give --file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"{path}: cannot read it ({exc})") from None
    except SyntaxError as exc:
        raise ScaffoldError(f"{path}:{exc.lineno}: not valid Python ({exc.msg}); fix it, then check again") from None


def _derives_from_base(node: ast.ClassDef) -> bool:
    return any(_names(base) & {BASE} for base in node.bases)


def _handler_classes(path: Path, root: Path, depth: int, visited: set[Path]) -> Iterator[_Class]:
    """Classes deriving from EventHandlers in path; when there is none, in the project modules it imports from."""
    visited.add(path.resolve())
    tree = _parse(path)
    local = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    found = [_Class(path, n, _mixins(n, local)) for n in local.values() if _derives_from_base(n)]
    if found or depth == 0:
        yield from found
        return
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            target = _module_file(path, root, node)
            if target is not None and target.resolve() not in visited:
                yield from _handler_classes(target, root, depth - 1, visited)


def _mixins(node: ast.ClassDef, local: dict[str, ast.ClassDef]) -> tuple[ast.ClassDef, ...]:
    """The classes of the same module that node derives from, and theirs: handlers may live in a mixin."""
    out: list[ast.ClassDef] = []
    pending = [b.id for b in node.bases if isinstance(b, ast.Name) and b.id in local and b.id != node.name]
    while pending:
        name = pending.pop(0)
        mixin = local[name]
        if mixin in out:
            continue
        out.append(mixin)
        pending += [b.id for b in mixin.bases if isinstance(b, ast.Name) and b.id in local and b.id != name]
    return tuple(out)


def _module_file(importer: Path, root: Path, node: ast.ImportFrom) -> Path | None:
    """The project file a `from X import ...` reads, when it is one of the project's own (else None)."""
    if node.level:
        base = importer.parent
        for _ in range(node.level - 1):
            base = base.parent
    else:
        base = root
    parts = (node.module or "").split(".") if node.module else []
    candidate = base.joinpath(*parts)
    for option in (candidate.with_suffix(".py"), candidate / "__init__.py"):
        if parts and option.is_file():
            return option
    return None
