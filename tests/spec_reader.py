"""Reads the REZ spec's event sections (names, fields, optionality), so tests can hold the catalog to it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent.parent / "shared" / "spec" / "rez-websocket-events.md"
# Socket.IO lifecycle names the spec lists among events; the catalog documents them under lifecycle:.
LIFECYCLE = {"connect", "disconnect"}


@dataclass
class SpecEvent:
    name: str
    direction: str
    # Top-level field name -> required; None when the spec gives no field list ("Complete cart object").
    fields: dict[str, bool] | None


def spec_available() -> bool:
    return SPEC.is_file()


def read_spec() -> dict[str, SpecEvent]:
    """Every event section; a name stated twice (error) keeps its last, fuller statement."""
    text = SPEC.read_text(encoding="utf-8")
    events: dict[str, SpecEvent] = {}
    direction = "client_to_server"
    for block in re.split(r"\n(?=#{3,4} )", text):
        heading = block.splitlines()[0]
        if heading.startswith("### "):
            if "Client → Server" in heading:
                direction = "client_to_server"
            elif "Server → Client" in heading:
                direction = "server_to_client"
            continue
        match = re.match(r"#### `(\w+)`", heading)
        if not match:
            continue
        name = match.group(1)
        events[name] = SpecEvent(name, direction, _fields(block, direction))
    return events


def _fields(block: str, direction: str) -> dict[str, bool] | None:
    code = block.split("```", 2)[1] if "```" in block else ""
    if direction == "server_to_client":
        inline = re.search(r"^\s*//\s+\w+: \{([^}\n]*)\}\s*$", code, re.M)
        if inline:  # the compact form: // data: { userId, socketId, timestamp }
            names = [n.split(":")[0].strip() for n in inline.group(1).split(",") if n.strip()]
            return {n.rstrip("?"): not n.endswith("?") for n in names}
        lines = list(re.finditer(r"^[ \t]*//([ \t]+)(\w+)(\?)?:(.*)$", code, re.M))
        if lines and lines[0].group(4).strip() == "{":
            lines = lines[1:]  # the wrapper line: // data: {
        # Declarations end with ; or open a nested {; prose such as "// offer: Updated offer object" does not.
        lines = [m for m in lines if m.group(4).split("//")[0].strip().endswith((";", "{", "|"))]
    else:
        body = code.split("{", 1)[1] if "{" in code else ""
        lines = [m for m in re.finditer(r"^([ \t]+)(\w+)(\?)?:", body, re.M)]
    if not lines:
        return None
    top = min(len(m.group(1)) for m in lines)
    return {m.group(2): m.group(3) is None for m in lines if len(m.group(1)) == top}
