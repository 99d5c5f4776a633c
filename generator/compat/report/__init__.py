"""Report formats shared by `eventcat diff` and `eventcat lint`: each one a pure function of a Report."""

from __future__ import annotations

from collections.abc import Callable

from . import github, json_doc, junit, markdown, text
from .model import Report, Waived

FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_doc.render,
    "github": github.render,
    "junit": junit.render,
    "markdown": markdown.render,
}

__all__ = ["FORMATS", "Report", "Waived"]
