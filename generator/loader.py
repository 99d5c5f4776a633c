"""Load a catalog file: YAML with positions, the format schema, then the semantic checks; all errors at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import ir
from .builder import Builder
from .errors import CatalogError, CatalogInvalid, Pos
from .format_schema import check_format
from .yaml_source import load_yaml


def load_catalog(path: str | Path, *, display_name: str | None = None, previous: bool = True) -> ir.Catalog:
    """Read and check a catalog; raises CatalogInvalid listing every error as FILE:LINE:COL.

    With previous, the release `changelog.since` names is loaded too (the docs' changelog needs it).
    """
    path = Path(path)
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CatalogInvalid(
            [CatalogError(Pos(name, 1, 1), "no such file", "pass --catalog PATH, or run from the project root")]
        ) from None
    except IsADirectoryError:
        raise CatalogInvalid(
            [CatalogError(Pos(name, 1, 1), "is a directory, not a catalog file", "point --catalog at events.yaml")]
        ) from None
    except OSError as exc:
        raise CatalogInvalid([CatalogError(Pos(name, 1, 1), f"cannot read: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogInvalid([CatalogError(Pos(name, line, 1), "not valid UTF-8", "save the file as UTF-8")]) from None
    catalog = load_catalog_text(text, name)
    return _with_previous(catalog, path, name) if previous else catalog


def _with_previous(catalog: ir.Catalog, path: Path, name: str) -> ir.Catalog:
    """Load the release `changelog.since` names, relative to the catalog file, for the docs' changelog."""
    since = catalog.changelog_since
    if since is None:
        return catalog
    where = catalog.positions.get("changelog", Pos(name, 1, 1))
    target = path.parent / since
    if not target.is_file():
        raise CatalogInvalid(
            [CatalogError(where, f"changelog.since: no file {since} beside the catalog", "commit that release's file")]
        )
    try:
        earlier = load_catalog(target, display_name=str(Path(name).parent / since), previous=False)
    except CatalogInvalid as exc:
        raise CatalogInvalid(
            [CatalogError(where, f"changelog.since: {since} is not a valid catalog", "see the errors below")]
            + exc.errors
        ) from None
    return replace(catalog, previous=earlier)


def load_catalog_text(text: str, name: str) -> ir.Catalog:
    doc, errors = load_yaml(text, name)
    if doc is None:
        raise CatalogInvalid(errors)
    if not isinstance(doc.data, dict):
        raise CatalogInvalid(
            errors + [CatalogError(doc.pos(()), "the catalog must be a mapping (catalog:, version:, domains:, ...)")]
        )
    errors += check_format(doc)
    if errors:
        # Semantic checks assume a well-formed document; report shape errors first, all of them.
        raise CatalogInvalid(errors)
    builder = Builder(doc)
    catalog = builder.build()
    if builder.errors:
        raise CatalogInvalid(builder.errors)
    return catalog
