# generated from catalog.yaml by eventcat — do not edit
"""The typed emitter: one method per server-to-client event. Each validates its payload against the catalog and
delivers it to the rooms the catalog names; the behaviour is the runtime's (`eventcat_runtime.emitter`)."""

from eventcat_runtime.emitter import Delivered, Emitter

from . import models


class Events(Emitter):
    """`await events.<event>(payload, ...)` for every server-to-client event of Minimal.

    Each method takes the event's model; to send a plain dict, use `emit_untyped(event, payload, ...)`.
    """

    async def headline_published(self, payload: models.HeadlinePublishedPayload) -> Delivered:
        """A headline was published.

        Delivered to every connection.
        """
        return await self._emit("headline_published", payload)
