"""`eventcat init [DIR]`: a starter project that works at once, from templates in generator/templates/init/.

It writes a catalog (events both ways, acks, rooms, a subscribe channel, JWT auth, the error contract), the
`[tool.eventcat]` table in pyproject.toml and a README with the next commands. It never overwrites a file.
"""

from __future__ import annotations

import re
from pathlib import Path

from .outputs.python_package import package_problem
from .outputs.templating import environment

# The module `app` names in the starter's [tool.eventcat] (templates/init/pyproject.toml.j2).
STARTER_APP_MODULE = "app.handlers"

# Template -> where it goes in the project.
FILES = {
    "pyproject.toml.j2": "pyproject.toml",
    "events.yaml.j2": "catalog/events.yaml",
    "README.md.j2": "README.md",
    "gitignore.j2": ".gitignore",
}


# The HS256 secret the starter's README and `eventcat init` suggest for a first run on one's own machine: 32 bytes
# or more, as RFC 7518 asks of an HS256 key (PyJWT warns on every shorter one, on each token it checks).
DEV_SECRET = "dev-secret-for-this-machine-only-0123"


class StarterExists(Exception):
    """Some of the starter's files are there already: nothing was written."""

    def __init__(self, existing: list[Path]) -> None:
        super().__init__(", ".join(str(p) for p in existing))
        self.existing = existing


def project_name(folder: Path) -> str:
    """`My Chat App/` -> `my-chat-app`: the distribution and catalog name (the package is `my_chat_app`)."""
    slug = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"events-{slug}".strip("-") if slug else "events"
    return slug


def render_starter(name: str) -> dict[str, str]:
    """Relative path -> text of every starter file."""
    title = " ".join(word.capitalize() for word in name.split("-"))
    package = name.replace("-", "_")
    # A name the generated package cannot import under (json, app, socketio, ...) gets one of its own.
    own_package = package_problem(package, STARTER_APP_MODULE) is not None
    if own_package:
        package = f"{package}_events"
    variables = {"name": name, "title": title, "package": package, "own_package": own_package, "secret": DEV_SECRET}
    env = environment("init")
    return {target: env.get_template(template).render(variables) for template, target in FILES.items()}


def write_starter(folder: Path) -> list[Path]:
    """Write the starter into folder (created if missing); raises StarterExists before writing anything."""
    files = render_starter(project_name(folder))
    existing = [folder / relative for relative in files if (folder / relative).exists()]
    if existing:
        raise StarterExists(existing)
    written = []
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
