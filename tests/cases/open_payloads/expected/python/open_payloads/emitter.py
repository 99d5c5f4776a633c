# generated from catalog.yaml by eventcat — do not edit
"""The typed emitter: one method per server-to-client event. Each validates its payload against the catalog and
delivers it to the rooms the catalog names; the behaviour is the runtime's (`eventcat_runtime.emitter`)."""

from eventcat_runtime.emitter import Delivered, Emitter

from . import models


class Events(Emitter):
    """`await events.<event>(payload, ...)` for every server-to-client event of Open payloads.

    Each method takes the event's model; to send a plain dict, use `emit_untyped(event, payload, ...)`.
    """

    async def profile_updated(self, payload: models.ProfileUpdatedPayload, *, to: str) -> Delivered:
        """The user's profile changed.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("profile_updated", payload, to=to)
