# generated from catalog/events.yaml by eventcat — do not edit
"""The handler base: one method per client-to-server event, called only with a validated payload.

Subclass `EventHandlers` and implement every method; the server refuses to start while one is missing. Raise
`eventcat_runtime.EventError` to refuse an event with a stable code.
"""

from abc import ABC, abstractmethod

from eventcat_runtime.handlers import EventContext, HandlerBase

from . import models
from .emitter import Events


class EventHandlers(HandlerBase, ABC):
    """Client-to-server events of REZ App real-time API. `self.events` is the typed emitter."""

    def __init__(self, events: Events) -> None:
        self.events = events

    @abstractmethod
    async def on_subscribe(self, payload: models.SubscribePayload, ctx: EventContext) -> models.SubscriptionAck:
        """Subscribe to a channel.

        The channel is one of the names under Channels; names with a parameter carry the id in the name
        (`support_ticket_123`). The server enters the channel's rooms after its authorisation policy allows
        each one, and remembers the subscription so that it is restored on reconnection.

        Return the acknowledgement model; it is validated before it is sent.
        """

    @abstractmethod
    async def on_unsubscribe(self, payload: models.UnsubscribePayload, ctx: EventContext) -> models.SubscriptionAck:
        """Unsubscribe from a channel.

        Leaves the channel's rooms and forgets the subscription. Unsubscribing from a channel the connection
        is not in is not an error.

        Return the acknowledgement model; it is validated before it is sent.
        """

    @abstractmethod
    async def on_join_ticket(self, payload: models.TicketMembership, ctx: EventContext) -> models.JoinTicketAck:
        """Join a support ticket's room.

        Enters `support_ticket:{ticketId}` after the authorisation policy confirms the user owns the ticket
        (FORBIDDEN otherwise). Same effect as subscribing to the `support_ticket_{ticketId}` channel.

        Return the acknowledgement model; it is validated before it is sent.
        """

    @abstractmethod
    async def on_leave_ticket(self, payload: models.TicketMembership, ctx: EventContext) -> models.LeaveTicketAck:
        """Leave a support ticket's room.

        Leaving a ticket room the connection is not in is not an error.

        Return the acknowledgement model; it is validated before it is sent.
        """

    @abstractmethod
    async def on_user_typing_start(self, payload: models.TicketMembership, ctx: EventContext) -> None:
        """The user started typing.

        The server relays typing to the ticket's agents through the support backend; there is no server-to-
        client "user typing" event in the REZ app. The user must belong to the ticket.
        """

    @abstractmethod
    async def on_user_typing_stop(self, payload: models.TicketMembership, ctx: EventContext) -> None:
        """The user stopped typing.

        The server relays typing to the ticket's agents through the support backend; there is no server-to-
        client "user typing" event in the REZ app. The user must belong to the ticket.
        """

    @abstractmethod
    async def on_message_read(self, payload: models.MessageReadPayload, ctx: EventContext) -> models.MessageReadAck:
        """Mark a message as read.

        Records the read receipt and tells the ticket's room with `support_message_read`.

        Return the acknowledgement model; it is validated before it is sent.
        """
