"""The runtime's modules form layers: no module of eventcat_runtime imports, directly or through others, a module
that imports it back. Every import counts, those inside functions and under `if TYPE_CHECKING:` too: a cycle
hidden in a function is still two modules that cannot be understood (or tested) one without the other."""

from __future__ import annotations

import ast
from pathlib import Path

import eventcat_runtime

PACKAGE = "eventcat_runtime"
ROOT = Path(eventcat_runtime.__file__).parent


def _imported(module: str, tree: ast.Module) -> set[str]:
    """The eventcat_runtime modules a module imports, anywhere in its body."""
    found: set[str] = set()
    package = module.rsplit(".", 1)[0] if module != PACKAGE else PACKAGE
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith(PACKAGE + "."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
                target = node.module
            else:
                continue
            if target == PACKAGE:
                # `from . import logs`: the names are modules of the package.
                found.update(f"{PACKAGE}.{alias.name}" for alias in node.names)
            else:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {f"{PACKAGE}.{path.stem}": path for path in sorted(ROOT.glob("*.py")) if path.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        # The package's __init__ re-exports the public names: it is the top, nothing inside imports it.
        graph[name] = {target for target in _imported(name, tree) if target in modules and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_sees_every_kind_of_import() -> None:
    tree = ast.parse(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from . import logs\n"
        "from .errors import EventError\n"
        "import eventcat_runtime.policy\n"
        "if TYPE_CHECKING:\n    from .server import EventServer\n"
        "def late():\n    from eventcat_runtime.replay import MemoryLog\n"
    )
    assert _imported(f"{PACKAGE}.handlers", tree) == {
        f"{PACKAGE}.{name}" for name in ("logs", "errors", "policy", "server", "replay")
    }


def test_no_import_cycle_among_runtime_modules() -> None:
    graph = import_graph()
    assert graph, "no modules found"
    found = cycles(graph)
    assert not found, "modules importing one another: " + "; ".join(" <-> ".join(group) for group in found)
