"""The events the runtime sends by itself to one connection, as the catalog's `server:` block names them: the close
event (just before the server closes the connection: shutdown, rate abuse) and the throttle event (a client that
reconnects too often). Each value goes in the field its role names; a catalog without the event gets none, and the
connection is closed all the same.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from .outbound import Publisher
from .refusals import fill_roles
from .registry import EventFill

log = logging.getLogger("eventcat.notices")


async def notify(server: Publisher, sid: str, fill: EventFill | None, **values: Any) -> bool:
    """Send the notice to one connection, if the catalog declares it; an invalid payload is logged, not raised."""
    if fill is None:
        return False
    with contextlib.suppress(ValueError):  # the connection is already gone
        delivered = await server.publish(
            fill.event, fill_roles(fill.fields, fill.timestamp, values), to=sid, strict=False
        )
        return delivered.sent
    return False
