"""The commands: determinism, drift detection, stale files, exit codes, help and error reporting."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.workspace import tool_artifact

from .conftest import CATALOG, ROOT, run_cli


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the REZ catalog in a scratch project, generated once."""
    (tmp_path / "catalog").mkdir()
    shutil.copytree(CATALOG.parent, tmp_path / "catalog", dirs_exist_ok=True)  # with the releases it names
    result = run_cli("generate", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    """Every output file; what tools wrote beside them (the dev install's egg-info, __pycache__) is not output."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not tool_artifact(p.relative_to(folder).as_posix())
    }


def test_generate_is_byte_identical_across_runs_and_folders(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "nested"
    other.mkdir(parents=True)
    (other / "catalog").mkdir()
    shutil.copytree(CATALOG.parent, other / "catalog", dirs_exist_ok=True)
    assert run_cli("generate", cwd=other).exit_code == 0
    first = tree(project / "generated")
    assert first == tree(other / "generated")
    assert run_cli("generate", cwd=project).exit_code == 0
    assert tree(project / "generated") == first
    # And identical to what is committed.
    assert first == tree(ROOT / "generated")


def test_check_passes_on_fresh_output(project: Path) -> None:
    result = run_cli("check", cwd=project)
    assert result.exit_code == 0
    assert "up to date" in result.stdout


def test_check_reports_changed_missing_and_stale_files_with_a_diff(project: Path) -> None:
    out = project / "generated"
    changed = out / "jsonschema" / "order_status_update.json"
    changed.write_text(changed.read_text().replace('"orderNumber"', '"orderNo"', 1))
    (out / "jsonschema" / "order_delivered.json").unlink()
    (out / "jsonschema" / "removed_event.json").write_text("{}\n")
    result = run_cli("check", cwd=project)
    assert result.exit_code == 1
    assert "changed  generated/jsonschema/order_status_update.json" in result.stdout
    assert "missing  generated/jsonschema/order_delivered.json" in result.stdout
    assert "stale    generated/jsonschema/removed_event.json" in result.stdout
    diff_lines = result.stdout.splitlines()
    assert any(line.startswith("-") and '"orderNo"' in line for line in diff_lines)
    assert any(line.startswith("+") and '"orderNumber"' in line for line in diff_lines)
    assert "1 changed, 1 missing, 1 stale" in result.stderr
    quiet = run_cli("check", "--no-diff", cwd=project)
    assert quiet.exit_code == 1 and "@@" not in quiet.stdout


def test_check_detects_a_catalog_change_that_was_not_regenerated(project: Path) -> None:
    catalog = project / "catalog" / "events.yaml"
    catalog.write_text(
        catalog.read_text().replace("orderNumber:", "orderNo:", 1).replace("orderNumber: REZ", "orderNo: REZ")
    )
    result = run_cli("check", "--no-diff", cwd=project)
    assert result.exit_code == 1, result.stdout
    assert "changed  generated/asyncapi.yaml" in result.stdout


def test_generate_removes_stale_files_it_owns_and_nothing_else(project: Path) -> None:
    out = project / "generated"
    (out / "jsonschema" / "old").mkdir()
    (out / "jsonschema" / "old" / "gone.json").write_text("{}")
    (out / "NOTES.md").write_text("hand-written")
    result = run_cli("generate", cwd=project)
    assert result.exit_code == 0
    assert "1 removed" in result.stdout
    assert not (out / "jsonschema" / "old").exists()
    assert (out / "NOTES.md").read_text() == "hand-written"
    assert run_cli("check", cwd=project).exit_code == 0


def test_only_limits_the_outputs(project: Path) -> None:
    (project / "generated" / "asyncapi.yaml").unlink()
    assert run_cli("check", "--only", "jsonschema", cwd=project).exit_code == 0
    assert run_cli("check", "--only", "asyncapi", cwd=project).exit_code == 1


def test_catalog_errors_exit_2_with_located_messages_and_write_nothing(project: Path) -> None:
    catalog = project / "catalog" / "events.yaml"
    text = catalog.read_text()
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if "cancelledBy: store," in line)
    catalog.write_text(text.replace("cancelledBy: store,", "cancelledBy: shop,"))
    before = tree(project / "generated")
    for command in ("validate", "generate", "check"):
        result = run_cli(command, cwd=project)
        assert result.exit_code == 2, command
        assert f"catalog/events.yaml:{target + 1}:" in result.stderr
        assert "'shop' is not one of" in result.stderr
        assert "Traceback" not in result.stderr
    assert tree(project / "generated") == before


def test_missing_catalog_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("validate", "--catalog", "nope.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("nope.yaml:1:1: no such file")


def test_validate_prints_a_summary() -> None:
    result = run_cli("validate", cwd=ROOT)
    assert result.exit_code == 0
    assert "56 events" in result.stdout


@pytest.mark.parametrize("command", [[], ["generate"], ["check"], ["validate"], ["init"], ["scaffold"]])
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "eventcat" in result.stdout


def test_the_installed_command_runs_as_a_process(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "eventcat"
    proc = subprocess.run([str(exe), "validate", "--catalog", str(CATALOG)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("catalog: x\n\tversion: 1\n")
    proc = subprocess.run([str(exe), "validate", "--catalog", str(bad)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "tab" in proc.stderr and ":2:1:" in proc.stderr
