"""[tool.eventcat]: found from any sub-folder, paths relative to its pyproject.toml, flags override, errors located."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import serve_arguments
from generator.project import Project, ProjectError, load_project

from .conftest import CATALOG, ROOT, run_cli

FULL = ROOT / "tests" / "cases" / "full_features" / "catalog.yaml"


def write_pyproject(folder: Path, table: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(f'[project]\nname = "demo"\n\n[tool.eventcat]\n{table}', encoding="utf-8")
    return path


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    """A project whose catalog and outputs are not in the default places."""
    root = tmp_path / "svc"
    (root / "api").mkdir(parents=True)
    shutil.copy(FULL, root / "api" / "events.yaml")
    write_pyproject(root, 'catalog = "api/events.yaml"\nout = "build/gen"\napp = "svc_app.handlers:create"\n')
    (root / "src" / "deep").mkdir(parents=True)
    return root


def test_without_configuration_the_defaults_are_the_working_directory(tmp_path: Path) -> None:
    project = load_project(tmp_path)
    assert project.file is None
    assert (project.catalog, project.out, project.app, project.package) == (
        Path("catalog/events.yaml"),
        Path("generated"),
        None,
        None,
    )


def test_the_nearest_table_wins_and_a_pyproject_without_one_is_skipped(tmp_path: Path) -> None:
    write_pyproject(tmp_path, 'app = "outer.app:create"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "no-eventcat-here"\n', encoding="utf-8")
    project = load_project(inner)
    assert project.file == tmp_path / "pyproject.toml"
    assert project.app == "outer.app:create"


def test_this_repository_is_configured_for_rez() -> None:
    project = load_project(ROOT / "tests")
    assert project.file == ROOT / "pyproject.toml"
    assert project.catalog.resolve() == CATALOG
    assert project.out.resolve() == ROOT / "generated"
    assert project.app == "server_stub.app:create"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('catalogue = "x.yaml"\n', "unknown key 'catalogue'; the keys are catalog, out, app, package"),
        ("out = 3\n", "out must be a non-empty string, not 3"),
        ('app = "handlers"\n', "app must be MODULE:ATTR"),
        ('package = "my-events"\n', "package must be a Python identifier"),
    ],
)
def test_configuration_errors_name_the_file_and_the_key(tmp_path: Path, table: str, message: str) -> None:
    write_pyproject(tmp_path, table)
    with pytest.raises(ProjectError, match=r"pyproject\.toml: ") as caught:
        load_project(tmp_path)
    assert message in str(caught.value)
    result = run_cli("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "pyproject.toml: [tool.eventcat]" in result.stderr and message in result.stderr


def test_invalid_toml_is_reported_with_its_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.eventcat\n", encoding="utf-8")
    result = run_cli("generate", cwd=tmp_path)
    assert result.exit_code == 2
    assert "pyproject.toml: cannot read it as TOML" in result.stderr


def test_every_catalog_command_reads_the_configuration_from_a_sub_folder(configured: Path) -> None:
    deep = configured / "src" / "deep"
    result = run_cli("generate", cwd=deep)
    assert result.exit_code == 0, result.stderr
    assert (configured / "build" / "gen" / "asyncapi.yaml").is_file()
    assert not (deep / "generated").exists()
    # Headers name the catalog relative to the project, wherever the command ran.
    assert (
        (configured / "build" / "gen" / "asyncapi.yaml")
        .read_text()
        .startswith("# generated from ../api/events.yaml by eventcat")
    )
    check = run_cli("check", cwd=deep)
    assert check.exit_code == 0 and "../../build/gen: up to date with ../../api/events.yaml" in check.stdout
    assert run_cli("validate", cwd=deep).exit_code == 0
    lint = run_cli("lint", cwd=deep)
    assert lint.exit_code in (0, 1) and "full-demo 1.2.0 (../../api/events.yaml)" in lint.stdout
    scaffold = run_cli("scaffold", "--print", cwd=deep)
    assert scaffold.exit_code == 0 and "class Handlers(EventHandlers)" in scaffold.stdout


def test_flags_override_the_configuration(configured: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    result = run_cli("generate", "--out", str(other), "--only", "jsonschema", cwd=configured)
    assert result.exit_code == 0, result.stderr
    assert (other / "jsonschema").is_dir() and not (configured / "build").exists()
    minimal = ROOT / "tests" / "cases" / "minimal" / "catalog.yaml"
    validated = run_cli("validate", "--catalog", str(minimal), cwd=configured)
    assert validated.exit_code == 0 and "full-demo" not in validated.stdout


def test_the_package_key_names_the_generated_python_package(configured: Path) -> None:
    pyproject = configured / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'package = "support_events"\n', encoding="utf-8")
    assert run_cli("generate", "--only", "python", cwd=configured).exit_code == 0
    assert sorted(p.name for p in (configured / "build" / "gen" / "python").iterdir()) == [
        "pyproject.toml",
        "support_events",
    ]
    scaffold = run_cli("scaffold", "--print", cwd=configured)
    assert "from support_events import EventHandlers, Events, models" in scaffold.stdout


def test_serve_arguments_add_the_project_to_what_was_given(configured: Path) -> None:
    project = load_project(configured)
    assert project.serve_arguments(["--port", "7001"], package="full_demo") == [
        "--port",
        "7001",
        "--app",
        "svc_app.handlers:create",
        "--package",
        "full_demo",
        "--app-dir",
        str(configured),
    ]
    # Flags win; --mock serves no app.
    given = ["--app=mine:App", "--package", "p", "--app-dir", "/x"]
    assert project.serve_arguments(given, package="full_demo") == given
    assert "--app" not in project.serve_arguments(["--mock"], package="full_demo")


def test_serve_arguments_derive_the_package_from_the_catalog(
    configured: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(configured)
    args = serve_arguments(["--port", "0"])
    assert args[args.index("--package") + 1] == "full_demo"
    assert args[args.index("--app-dir") + 1] == str(configured)
    # No configuration: nothing to add but the package of ./catalog/events.yaml, when there is one.
    bare = tmp_path / "bare"
    bare.mkdir()
    monkeypatch.chdir(bare)
    assert serve_arguments(["--mock"]) == ["--mock"]
    assert Project(bare, None, Path("c.yaml"), Path("g")).serve_arguments([]) == []


def test_serve_runs_the_app_scaffold_wrote_when_the_project_names_none(tmp_path: Path) -> None:
    """No `app` under [tool.eventcat]: scaffold writes app/handlers.py with create(), and serve then runs it."""
    (tmp_path / "pyproject.toml").write_text('[tool.eventcat]\ncatalog = "catalog/events.yaml"\n', encoding="utf-8")
    project = load_project(tmp_path)
    assert "--app" not in project.serve_arguments([], package="p")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "handlers.py").write_text("", encoding="utf-8")
    args = project.serve_arguments([], package="p")
    assert args[args.index("--app") + 1] == "app.handlers:create"


def test_serve_finds_the_generated_package_from_a_sub_folder(configured: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`out` is shown relative to the working directory: from a sub-folder the generated package's folder is
    still the project's (it was joined to the root a second time, and left out)."""
    generated = configured / "build" / "gen" / "python"
    generated.mkdir(parents=True, exist_ok=True)
    sub = configured / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    args = load_project(sub).serve_arguments([], package="p")
    assert str(generated.resolve()) in args
