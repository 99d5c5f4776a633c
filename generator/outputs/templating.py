"""The jinja2 environment every text output renders through: templates ship in the package, undefined is an error."""

from __future__ import annotations

import jinja2


def environment(folder: str) -> jinja2.Environment:
    """Templates from `generator/templates/<folder>/`; a missing variable fails the render instead of printing ''."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("generator", f"templates/{folder}"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
