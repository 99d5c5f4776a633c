# generated from catalog.yaml by eventcat — do not edit
"""The handler base: one method per client-to-server event, called only with a validated payload.

Subclass `EventHandlers` and implement every method; the server refuses to start while one is missing. Raise
`eventcat_runtime.EventError` to refuse an event with a stable code.
"""

from abc import ABC, abstractmethod

from eventcat_runtime.handlers import EventContext, HandlerBase

from . import models
from .emitter import Events


class EventHandlers(HandlerBase, ABC):
    """Client-to-server events of Board notes. `self.events` is the typed emitter."""

    def __init__(self, events: Events) -> None:
        self.events = events

    @abstractmethod
    async def on_open_board(self, payload: models.OpenBoardPayload, ctx: EventContext) -> models.BoardOpened:
        """Open a board and receive its notes.

        Return the acknowledgement model; it is validated before it is sent.
        """
