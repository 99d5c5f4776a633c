"""The two distributions: `eventcat` (the compiler) and `eventcat-runtime` (what a server runs), built as wheels from
copies of their sources; neither ships REZ's app or its generated package, and the compiler's wheel works alone."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest

from .conftest import ROOT

RUNTIME_ONLY = ("python-socketio", "python-engineio", "uvicorn", "websockets", "starlette", "pyjwt", "redis")
COMPILER_ONLY = ("datamodel-code-generator", "ruff", "jinja2", "pyyaml")


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both wheels, built offline (no build isolation) from copies, so that the work tree gets no build/ folder."""
    base = tmp_path_factory.mktemp("dists")
    compiler = base / "eventcat"
    compiler.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, compiler / name)
    _copy(ROOT / "generator", compiler / "generator")
    runtime = base / "eventcat_runtime"
    _copy(ROOT / "eventcat_runtime", runtime)
    out = base / "wheels"
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
    done = subprocess.run(
        [*command, "-w", str(out), str(compiler), str(runtime)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    found = {path.name.split("-")[0]: path for path in out.glob("*.whl")}
    assert sorted(found) == ["eventcat", "eventcat_runtime"], found
    return found


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _metadata(wheel: Path) -> tuple[list[str], str]:
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        entry = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
        message = Parser().parsestr(archive.read(info).decode())
        # The base requirements only: extras (dev, bench) are the repo's tools.
        requires = [r.strip().lower() for r in message.get_all("Requires-Dist") or [] if "extra ==" not in r]
        return requires, archive.read(entry).decode()


def _tops(names: list[str]) -> set[str]:
    return {name.split("/")[0] for name in names if ".dist-info/" not in name}


def test_the_compiler_wheel_is_the_generator_with_its_templates(wheels: dict[str, Path]) -> None:
    names = _names(wheels["eventcat"])
    assert _tops(names) == {"generator"}
    for data in (
        "generator/schema/catalog.schema.json",
        "generator/templates/python/handlers.py.j2",
        "generator/templates/scaffold/handlers.py.j2",
        "generator/templates/init/events.yaml.j2",
        "generator/templates/init/README.md.j2",
    ):
        assert data in names
    requires, entry_points = _metadata(wheels["eventcat"])
    assert not [r for r in requires if r.startswith(RUNTIME_ONLY)], requires
    assert all(any(r.startswith(c) for r in requires) for c in COMPILER_ONLY), requires
    assert "eventcat = generator.cli:main" in entry_points


def test_the_runtime_wheel_is_the_runtime_alone(wheels: dict[str, Path]) -> None:
    names = _names(wheels["eventcat_runtime"])
    assert _tops(names) == {"eventcat_runtime"}
    assert "eventcat_runtime/py.typed" in names and "eventcat_runtime/server.py" in names
    # The folder's own pyproject.toml and README.md are the distribution's, not modules of the package.
    assert "eventcat_runtime/pyproject.toml" not in names and "eventcat_runtime/README.md" not in names
    requires, entry_points = _metadata(wheels["eventcat_runtime"])
    assert all(any(r.startswith(d) for r in requires) for d in RUNTIME_ONLY), requires
    assert not [r for r in requires if r.startswith(COMPILER_ONLY)], requires
    assert "eventcat-runtime = eventcat_runtime.cli:main" in entry_points
    assert wheels["eventcat_runtime"].name.startswith("eventcat_runtime-0.14.0-")


def test_the_compiler_wheel_alone_runs_init_generate_and_scaffold(wheels: dict[str, Path], tmp_path: Path) -> None:
    """Unpacked and first on sys.path: every template the commands need is in the wheel, not only in the tree."""
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheels["eventcat"]) as archive:
        archive.extractall(unpacked)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import generator; "
        "assert generator.__file__.startswith(sys.argv[1]), generator.__file__; "
        "from generator.cli import main; main(sys.argv[2:])"
    )
    project = tmp_path / "demo"
    for args in (["init", str(project)], ["generate"], ["scaffold"], ["check"]):
        done = subprocess.run(
            [sys.executable, "-c", script, str(unpacked), *args],
            cwd=project if args[0] != "init" else tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    assert (project / "app" / "handlers.py").is_file()
    assert (project / "generated" / "docs").is_dir()


def test_the_runtime_console_script_names_a_command_that_exists() -> None:
    import importlib

    import click

    module = importlib.import_module("eventcat_runtime.cli")
    assert isinstance(module.main, click.Command)
    assert "serve" in getattr(module.main, "commands", {"serve": None}) or module.main.name == "serve"


# Distributions a declared one pins and whose API it exposes (pydantic's core, jsonschema's reference errors).
PART_OF = {"pydantic-core": "pydantic", "referencing": "jsonschema"}


def _third_party_imports(folder: Path, own: str) -> dict[str, str]:
    """Top-level module -> first file importing it, for every absolute import in folder that is not stdlib."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        if "build" in path.relative_to(folder).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != own and top != "__future__":
                    found.setdefault(top, path.relative_to(ROOT).as_posix())
    return found


@pytest.mark.parametrize(
    ("folder", "pyproject"),
    [("generator", "pyproject.toml"), ("eventcat_runtime", "eventcat_runtime/pyproject.toml")],
)
def test_every_import_is_a_declared_dependency(folder: str, pyproject: str) -> None:
    """What a module imports is what its wheel's users get installed: no dependency is only there by luck."""
    declared = {
        re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in tomllib.loads((ROOT / pyproject).read_text())["project"]["dependencies"]
    }
    providers = metadata.packages_distributions()
    missing = {}
    for module, where in _third_party_imports(ROOT / folder, folder).items():
        distributions = {d.lower().replace("_", "-") for d in providers.get(module, [module])}
        if not {PART_OF.get(d, d) for d in distributions} & declared:
            missing[module] = f"{where} (from {', '.join(sorted(distributions))})"
    assert not missing, f"imported but not in {pyproject}'s dependencies: {missing}"
