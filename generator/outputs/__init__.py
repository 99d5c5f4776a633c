"""Outputs: pure functions from the IR to {relative path: text}. They never touch the disk; the CLI does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import ir
from . import asyncapi, docs, jsonschema, python, typescript


@dataclass(frozen=True)
class Output:
    name: str
    # Paths under the output directory that this output owns: a file, or a folder ending in "/".
    # Files there that a render no longer produces are stale: `generate` removes them, `check` reports them.
    owns: tuple[str, ...]
    render: Callable[[ir.Catalog], dict[str, str]]

    def owned(self, relative: str) -> bool:
        return any(relative == root or (root.endswith("/") and relative.startswith(root)) for root in self.owns)


OUTPUTS: tuple[Output, ...] = (
    Output("jsonschema", ("jsonschema/",), jsonschema.render),
    Output("asyncapi", ("asyncapi.yaml",), asyncapi.render),
    Output("docs", ("docs/",), docs.render),
    Output("python", ("python/",), python.render),
    Output("ts", ("ts/",), typescript.render),
)
