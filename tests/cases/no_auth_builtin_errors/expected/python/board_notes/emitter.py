# generated from catalog.yaml by eventcat — do not edit
"""The typed emitter: one method per server-to-client event. Each validates its payload against the catalog and
delivers it to the rooms the catalog names; the behaviour is the runtime's (`eventcat_runtime.emitter`)."""

from eventcat_runtime.emitter import Delivered, Emitter

from . import models


class Events(Emitter):
    """`await events.<event>(payload, ...)` for every server-to-client event of Board notes.

    Each method takes the event's model; to send a plain dict, use `emit_untyped(event, payload, ...)`.
    """

    async def note_added(self, payload: models.NoteAddedPayload) -> Delivered:
        """A note was added to a board.

        Delivered to `board:{boardId}` (boardId from the payload's boardId).
        """
        return await self._emit("note_added", payload)
