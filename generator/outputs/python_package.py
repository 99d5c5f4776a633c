"""What makes generated/python/ an installable distribution: its pyproject.toml and the runtime it needs.

The compiler never imports the runtime (DESIGN §2), so it knows the runtime's version as a constant; a test asserts
it equals `eventcat_runtime.__version__`. The generated package depends on `eventcat-runtime>=A.B,<A+1` and checks
the same range when it is imported, so that a mismatch fails at once with what to install.
"""

from __future__ import annotations

import json
import keyword
import sys

from .. import ir

# The version of eventcat_runtime whose API the generated code is written against.
RUNTIME_VERSION = "0.14.0"
RUNTIME_DISTRIBUTION = "eventcat-runtime"


def runtime_range() -> tuple[tuple[int, int], int]:
    """((A, B), A + 1): the lowest runtime version the generated code needs and the first major it cannot use."""
    major, minor = (int(part) for part in RUNTIME_VERSION.split(".")[:2])
    return (major, minor), major + 1


def runtime_requirement() -> str:
    (major, minor), below = runtime_range()
    return f"{RUNTIME_DISTRIBUTION}>={major}.{minor},<{below}"


# Import names a server process also needs: a generated package of the same name would hide (or be hidden by) one.
TAKEN_IMPORT_NAMES = frozenset(
    {
        "eventcat_runtime", "generator", "socketio", "engineio", "uvicorn", "starlette", "websockets", "jwt",
        "redis", "prometheus_client", "pydantic", "pydantic_core", "jsonschema", "click", "yaml", "typing_extensions",
        "cryptography", "anyio", "h11", "httptools", "uvloop", "watchfiles", "rfc3339_validator", "rfc3986_validator",
    }
)  # fmt: skip


def package_problem(package: str, app_module: str | None = None) -> str | None:
    """Why the generated package cannot be imported under this name beside the app, or None when it can."""
    if not package.isidentifier() or keyword.iskeyword(package):
        return "which is not a Python identifier"
    if package in sys.stdlib_module_names:
        return "which is a module of Python's standard library"
    if package in TAKEN_IMPORT_NAMES:
        return "which a server also imports (eventcat's runtime or one of its dependencies)"
    if app_module is not None and app_module.split(".")[0] == package:
        return f"which is also the top-level package of the app ({app_module})"
    return None


def distribution_name(catalog: ir.Catalog) -> str:
    """The catalog name (kebab-case by the format) is the distribution name, as it is the npm package's."""
    return catalog.name


def pyproject(catalog: ir.Catalog, package: str, header: str) -> str:
    """generated/python/pyproject.toml: one package with its py.typed, depending on the runtime only."""

    def toml(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string

    summary = f"Typed Socket.IO events of {catalog.title}, generated from its catalog by eventcat."
    lines = [
        f"# {header}",
        "[build-system]",
        'requires = ["setuptools>=70.1"]',  # 70.1: bdist_wheel built in, no `wheel` package needed
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {toml(distribution_name(catalog))}",
        f"version = {toml(catalog.version)}",
        f"description = {toml(summary)}",
        'requires-python = ">=3.11"',
        f"dependencies = [{toml(runtime_requirement())}]",
        "",
        "[tool.setuptools]",
        f"packages = [{toml(package)}]",
        "",
        "[tool.setuptools.package-data]",
        f'{package} = ["py.typed"]',
    ]
    return "\n".join(lines) + "\n"
