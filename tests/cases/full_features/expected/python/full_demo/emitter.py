# generated from catalog.yaml by eventcat — do not edit
"""The typed emitter: one method per server-to-client event. Each validates its payload against the catalog and
delivers it to the rooms the catalog names; the behaviour is the runtime's (`eventcat_runtime.emitter`)."""

from eventcat_runtime.emitter import Delivered, Emitter
from typing_extensions import deprecated

from . import models


class Events(Emitter):
    """`await events.<event>(payload, ...)` for every server-to-client event of Full feature demo.

    Each method takes the event's model; to send a plain dict, use `emit_untyped(event, payload, ...)`.
    """

    @deprecated("deprecated; use ticket_changed")
    async def ticket_updated(self, payload: models.TicketUpdatedPayload, *, user_id: str) -> Delivered:
        """A ticket changed.

        Delivered to `user:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("ticket_updated", payload, args={"userId": user_id})
