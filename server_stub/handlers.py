"""The REZ server's handlers: one per client-to-server event of the catalog, written on the generated base."""

from __future__ import annotations

from eventcat_runtime import ErrorCode, EventContext, EventError
from eventcat_runtime.errors import now_iso
from rez_realtime import EventHandlers, Events, models

from .support import SupportBackend


class RezHandlers(EventHandlers):
    def __init__(self, events: Events, support: SupportBackend) -> None:
        super().__init__(events)
        self.support = support

    # -- lifecycle ---------------------------------------------------------------------------------------------

    async def on_connect(self, ctx: EventContext) -> None:
        payload = models.ConnectedPayload(userId=ctx.user_id, socketId=ctx.sid, timestamp=now_iso())
        # Set only when true or non-empty: unset optional fields stay out of the payload, as before.
        if ctx.connection.recovered:
            payload.recovered = True
        if ctx.connection.restored_channels:
            payload.restoredChannels = list(ctx.connection.restored_channels)
        await self.events.connected(payload, to=ctx.sid)

    # -- connection --------------------------------------------------------------------------------------------

    async def on_subscribe(self, payload: models.SubscribePayload, ctx: EventContext) -> models.SubscriptionAck:
        rooms = await ctx.subscribe(payload.channel)
        return models.SubscriptionAck(ok=True, channel=payload.channel, rooms=rooms)

    async def on_unsubscribe(self, payload: models.UnsubscribePayload, ctx: EventContext) -> models.SubscriptionAck:
        rooms = await ctx.unsubscribe(payload.channel)
        return models.SubscriptionAck(ok=True, channel=payload.channel, rooms=rooms)

    # -- support -----------------------------------------------------------------------------------------------

    async def on_join_ticket(self, payload: models.TicketMembership, ctx: EventContext) -> models.JoinTicketAck:
        # The runtime has checked the room policy and enters the room (the catalog's `enters`) once this returns.
        return models.JoinTicketAck(ok=True, ticketId=payload.ticketId, room=f"support_ticket:{payload.ticketId}")

    async def on_leave_ticket(self, payload: models.TicketMembership, ctx: EventContext) -> models.LeaveTicketAck:
        return models.LeaveTicketAck(ok=True, ticketId=payload.ticketId, room=f"support_ticket:{payload.ticketId}")

    async def on_user_typing_start(self, payload: models.TicketMembership, ctx: EventContext) -> None:
        await self._member_of_ticket(payload.ticketId, ctx)
        await self.support.typing(payload.ticketId, ctx.user_id, active=True)

    async def on_user_typing_stop(self, payload: models.TicketMembership, ctx: EventContext) -> None:
        await self._member_of_ticket(payload.ticketId, ctx)
        await self.support.typing(payload.ticketId, ctx.user_id, active=False)

    async def on_message_read(self, payload: models.MessageReadPayload, ctx: EventContext) -> models.MessageReadAck:
        await self._member_of_ticket(payload.ticketId, ctx)
        receipt = models.SupportMessageReadPayload(messageId=payload.messageId, readBy=ctx.user_id, readAt=now_iso())
        # The backend keeps the time as the wire carries it (the model's JSON form), so the two always agree.
        read_at = receipt.model_dump(mode="json")["readAt"]
        await self.support.message_read(payload.ticketId, payload.messageId, ctx.user_id, read_at)
        await self.events.support_message_read(receipt, ticket_id=payload.ticketId)
        return models.MessageReadAck(ok=True)

    async def _member_of_ticket(self, ticket_id: str, ctx: EventContext) -> None:
        if not await ctx.allowed("support_ticket", ticketId=ticket_id):
            raise EventError(ErrorCode.FORBIDDEN, f"not a member of ticket {ticket_id}", {"ticketId": ticket_id})
