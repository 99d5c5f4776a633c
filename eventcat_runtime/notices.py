"""The events the runtime sends by itself to one connection, as the catalog's `server:` block names them: the close
event (just before the server closes the connection: shutdown, rate abuse) and the throttle event (a client that
reconnects too often). Each value goes in the field its role names; a catalog without the event gets none, and the
connection is closed all the same.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .refusals import timestamp
from .registry import EventFill

if TYPE_CHECKING:
    from .server import EventServer

log = logging.getLogger("eventcat.notices")


def filled(fill: EventFill, values: Mapping[str, Any]) -> dict[str, Any]:
    """The payload: each role's value in its field; the `timestamp` role is now, in the catalog's style."""
    out: dict[str, Any] = {}
    for role, name in fill.fields.items():
        if role == "timestamp":
            out[name] = timestamp(fill.timestamp)
        elif role in values:
            out[name] = values[role]
    return out


async def notify(server: EventServer, sid: str, fill: EventFill | None, **values: Any) -> bool:
    """Send the notice to one connection, if the catalog declares it; an invalid payload is logged, not raised."""
    if fill is None:
        return False
    with contextlib.suppress(ValueError):  # the connection is already gone
        delivered = await server.publish(fill.event, filled(fill, values), to=sid, strict=False)
        return delivered.sent
    return False
