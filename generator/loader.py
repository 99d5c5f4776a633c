"""Load a catalog file: YAML with positions, the format schema, then the semantic checks; all errors at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import cache, ir
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
    """The docs' changelog since the release `changelog.since` names (relative to the catalog file).

    Cached by content (both catalogs' text and the compatibility rules' source): loading and diffing the release
    costs as much as loading the catalog itself, on every `check`.
    """
    since = catalog.changelog_since
    if since is None:
        return catalog
    where = catalog.positions.get("changelog", Pos(name, 1, 1))
    target = path.parent / since
    if not target.is_file():
        raise CatalogInvalid(
            [CatalogError(where, f"changelog.since: no file {since} beside the catalog", "commit that release")]
        )
    key = cache.key("changelog", target.read_text(encoding="utf-8"), path.read_text(encoding="utf-8"), _rules_digest())
    markdown = cache.load_json(key)
    if not isinstance(markdown, str):
        try:
            earlier = load_catalog(target, display_name=str(Path(name).parent / since), previous=False)
        except CatalogInvalid as exc:
            raise CatalogInvalid(
                [CatalogError(where, f"changelog.since: {since} is not a valid catalog", "see its errors")] + exc.errors
            ) from None
        markdown = changelog_markdown(earlier, catalog)
        cache.store_json(key, markdown)
    return replace(catalog, changelog=markdown)


def changelog_markdown(earlier: ir.Catalog, catalog: ir.Catalog) -> str:
    # Imported here: only catalogs that keep a changelog need the compatibility rules.
    from .compat import diff_catalogs, render_markdown

    findings = diff_catalogs(earlier, catalog).findings
    summary = f"Changes since {earlier.version}: whether they can break a client (ERR), may (WARN) or cannot (INFO)."
    return render_markdown(findings, title=catalog.version, summary=summary, heading_level=3)


def _rules_digest() -> str:
    """The compatibility code's own text: a cached changelog is reused only while the rules are the same."""
    folder = Path(__file__).parent / "compat"
    return cache.key(*(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.py"))))


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
