"""Event names as Socket.IO apps write them, and the one Python identifier each derives.

Socket.IO names are free text; catalogs use three styles: `snake_case` (`bid_placed`), `camelCase` (`bidPlaced`)
and `domain:action` (`bid:placed`, each side snake_case or camelCase). The wire name stays exact wherever it is the
wire name; everything that must be an identifier (Python methods and model names, JSON Schema file names,
AsyncAPI component keys) uses `identifier(name)`, so all outputs agree on it.
"""

from __future__ import annotations

import keyword
import re

# The format schema's pattern for event names (and for the names flow steps refer to): parts that start with a
# lower-case letter, then letters, digits and underscores, joined by colons. Deliberately loose: every name it allows
# has an identifier, and whether a name follows the catalog's style is lint's rule (event-name-style), not an error.
EVENT_NAME_PATTERN = r"^[a-z][A-Za-z0-9_]*(?::[a-z][A-Za-z0-9_]*)*$"

STYLES = ("snake_case", "camelCase", "domain:action")
_STYLE_PATTERNS = {
    "snake_case": re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"),
    "camelCase": re.compile(r"^[a-z][a-z0-9]*(?:[A-Z0-9][a-z0-9]*)*$"),
    # domain:action, each side in one style (snake_case or camelCase), never a mix within a side.
    "domain:action": re.compile(r"^[a-z][a-zA-Z0-9]*(?:_[a-z0-9]+)*:[a-z][a-zA-Z0-9]*(?:_[a-z0-9]+)*$"),
}

# Camel-case word boundaries: `bidPlaced` -> bid|Placed, `HTTPServer` -> HTTP|Server, `v2Ready` -> v2|Ready.
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def words(name: str) -> list[str]:
    """The lower-case words of a name in any style: `bid:placed`, `bidPlaced` and `bid_placed` are [bid, placed]."""
    spaced = _CAMEL_BOUNDARY.sub("_", name)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]


def identifier(name: str) -> str:
    """The Python identifier of an event: its words joined by underscores (`bid:placed` -> `bid_placed`).

    A Python keyword gets a trailing underscore (PEP 8's convention), so `events.import_(...)` stays callable.
    """
    ident = "_".join(words(name)) or "event"
    if ident[0].isdigit():
        ident = "event_" + ident
    return ident + "_" if keyword.iskeyword(ident) else ident


def pascal(name: str) -> str:
    """order_status_update -> OrderStatusUpdate; estimatedDelivery -> EstimatedDelivery."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_\-\s]+", name) if part)


def pascal_identifier(name: str) -> str:
    """`bid:placed` -> `BidPlaced`: the stem of the event's generated type names (BidPlacedPayload, ...)."""
    return pascal(identifier(name))


def style_of(name: str, style: str) -> bool:
    """Whether an event name is written in one of the catalog's naming styles."""
    return bool(_STYLE_PATTERNS[style].match(name))


def action_words(name: str) -> list[str]:
    """The words of the action part: after the colon of `domain:action`, else the whole name."""
    return words(name.rsplit(":", 1)[-1])


def domain_word(name: str) -> str:
    """The first word of a name, or the domain part of `domain:action`: what a domain's events share."""
    head = name.split(":", 1)[0] if ":" in name else name
    found = words(head)
    return found[0] if ":" not in name and found else "_".join(found)
