"""Golden cases, the way sqlc does them: one directory per case under tests/cases/.

A case holds `catalog.yaml` and either
- `expected/`: the exact output tree `eventcat generate` must write, or
- `expected_stderr.txt`: the exact errors `eventcat validate` must print (exit code 2), FILE:LINE:COL each.
Set UPDATE_GOLDEN=1 to rewrite the expectations from the current behaviour (then review the diff).
"""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli

CASES = Path(__file__).parent / "cases"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _cases(kind: str) -> list[Path]:
    marker = "expected" if kind == "output" else "expected_stderr.txt"
    return sorted(p for p in CASES.iterdir() if (p / "catalog.yaml").is_file() and (p / marker).exists())


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", _cases("output"), ids=lambda p: p.name)
def test_output_case(case: Path, tmp_path: Path) -> None:
    work = tmp_path / case.name
    work.mkdir()
    shutil.copy(case / "catalog.yaml", work / "catalog.yaml")
    result = run_cli("generate", "--catalog", "catalog.yaml", "--out", "expected", cwd=work)
    assert result.exit_code == 0, result.stderr
    if UPDATE:
        shutil.rmtree(case / "expected")
        shutil.copytree(work / "expected", case / "expected")
    expected, actual = _tree(case / "expected"), _tree(work / "expected")
    assert sorted(actual) == sorted(expected), "files differ"
    for name, content in expected.items():
        assert actual[name] == content, f"{name} differs from the golden file"
    # And check agrees: a fresh generate is already in sync with itself.
    assert run_cli("check", "--catalog", "catalog.yaml", "--out", "expected", cwd=work).exit_code == 0
    assert not filecmp.dircmp(case / "expected", work / "expected").diff_files


@pytest.mark.parametrize("case", _cases("error"), ids=lambda p: p.name)
def test_error_case(case: Path) -> None:
    result = run_cli("validate", "--catalog", "catalog.yaml", cwd=case)
    assert result.exit_code == 2, result.stdout
    assert "Traceback" not in result.stderr
    expected_file = case / "expected_stderr.txt"
    if UPDATE:
        expected_file.write_text(result.stderr)
    assert result.stderr == expected_file.read_text()
