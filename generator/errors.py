"""Catalog errors: each one points at a file, line and column, and says what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class CatalogError:
    pos: Pos
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.pos}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class CatalogInvalid(Exception):
    """Raised with every error found, never just the first one."""

    def __init__(self, errors: list[CatalogError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.pos.file, e.pos.line, e.pos.col, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))
