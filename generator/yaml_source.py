"""Read YAML into plain data, remembering where every key and value stands.

PyYAML's composer gives nodes with positions; we walk them ourselves so that duplicate keys are errors (PyYAML
silently keeps the last one) and so that every later error can point at a line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import CatalogError, Pos

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars: only true/false are booleans and timestamps stay strings.

    YAML 1.1 reads `on`, `off`, `yes`, `no` as booleans and bare dates as datetimes, which would turn enum values
    and example timestamps into something JSON cannot hold.
    """


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same loader on libyaml's parser, when PyYAML has it: a valid catalog parses several times faster.

    Invalid YAML is parsed again with `_Loader`, so that error messages and positions never depend on libyaml.
    """


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class Document:
    """YAML data plus the position of each key and value, by path."""

    file: str
    data: Any
    value_pos: dict[Path, Pos] = field(default_factory=dict)
    key_pos: dict[Path, Pos] = field(default_factory=dict)

    def pos(self, path: Path, *, key: bool = False) -> Pos:
        """Where path stands; the nearest enclosing position when path itself was never read."""
        table = self.key_pos if key else self.value_pos
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.value_pos:
                return self.value_pos[probe]
            probe = probe[:-1]
        return self.value_pos.get((), Pos(self.file, 1, 1))


def _pos(file: str, mark: yaml.Mark | None) -> Pos:
    if mark is None:
        return Pos(file, 1, 1)
    return Pos(file, mark.line + 1, mark.column + 1)


def _yaml_error_hint(problem: str) -> str | None:
    if "\\t" in problem or "\t" in problem:
        return "YAML does not allow tabs for indentation: use spaces"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted"
    if "could not find expected ':'" in problem:
        return "check the indentation of this line and the one before"
    if "but got '?'" in problem:
        return 'inside { }, quote an optional field name: { "name?": string }'
    if "expected <block end>" in problem:
        return "check the indentation: keys of one mapping must start in the same column"
    if "found undefined alias" in problem:
        return "define the anchor (&name) before using it (*name)"
    return None


def load_yaml(text: str, file: str) -> tuple[Document | None, list[CatalogError]]:
    """Parse text; on invalid YAML return no document and the parser's error, located."""
    fast = _FastLoader(text)
    try:
        node = fast.get_single_node()
    except yaml.YAMLError:
        node = None  # parsed again below, for PyYAML's own message and position
    else:
        return _document(node, file, fast)
    finally:
        fast.dispose()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context and exc.context_mark is not None:
            opened = exc.context_mark
            problem = f"{problem} ({exc.context} started at line {opened.line + 1}, column {opened.column + 1})"
        return None, [
            CatalogError(
                _pos(file, exc.problem_mark or exc.context_mark), f"invalid YAML: {problem}", _yaml_error_hint(problem)
            )
        ]
    except yaml.YAMLError as exc:  # reader errors: bad bytes, control characters
        mark = getattr(exc, "position", None)
        return None, [
            CatalogError(
                Pos(file, 1, 1), f"invalid YAML: {exc}", f"near character {mark}" if mark is not None else None
            )
        ]
    finally:
        loader.dispose()
    return _document(node, file, loader)


def _document(node: yaml.Node | None, file: str, loader: Any) -> tuple[Document | None, list[CatalogError]]:
    if node is None:
        return None, [CatalogError(Pos(file, 1, 1), "the catalog is empty", "start from the example in the README")]
    doc = Document(file, None)
    errors: list[CatalogError] = []
    doc.data = _convert(node, (), doc, errors, loader)
    return doc, errors


def _convert(node: yaml.Node, path: Path, doc: Document, errors: list[CatalogError], loader: _Loader) -> Any:
    doc.value_pos.setdefault(path, _pos(doc.file, node.start_mark))
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first_seen: dict[str, Pos] = {}
        for key_node, value_node in _merged_pairs(node, doc, errors):
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
            key_at = _pos(doc.file, key_node.start_mark)
            if key is None:
                errors.append(CatalogError(key_at, "a key must be a plain scalar, not a list or mapping"))
                continue
            if key in first_seen:
                earlier = first_seen[key]
                errors.append(
                    CatalogError(
                        key_at, f"duplicate key '{key}'", f"first defined at line {earlier.line}; YAML keeps only one"
                    )
                )
                continue
            first_seen[key] = key_at
            doc.key_pos[path + (key,)] = key_at
            result[key] = _convert(value_node, path + (key,), doc, errors, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, errors, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def _merged_pairs(
    node: yaml.MappingNode, doc: Document, errors: list[CatalogError]
) -> Iterator[tuple[yaml.Node, yaml.Node]]:
    """The mapping's pairs with `<<: *anchor` merges expanded; explicit keys win over merged ones."""
    explicit = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE_TAG}
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE_TAG:
            continue
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                errors.append(CatalogError(_pos(doc.file, source.start_mark), "'<<' merges only mappings"))
                continue
            for pair in source.value:
                if pair[0].value not in explicit and all(pair[0].value != m[0].value for m in merged):
                    merged.append(pair)
    yield from merged
    yield from ((k, v) for k, v in node.value if k.tag != _MERGE_TAG)
