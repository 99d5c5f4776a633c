# generated from catalog/events.yaml by eventcat — do not edit
"""The typed emitter: one method per server-to-client event. Each validates its payload against the catalog and
delivers it to the rooms the catalog names; the behaviour is the runtime's (`eventcat_runtime.emitter`)."""

from eventcat_runtime.emitter import Delivered, Emitter

from . import models


class Events(Emitter):
    """`await events.<event>(payload, ...)` for every server-to-client event of REZ App real-time API.

    Each method takes the event's model; to send a plain dict, use `emit_untyped(event, payload, ...)`.
    """

    async def connected(self, payload: models.ConnectedPayload, *, to: str) -> Delivered:
        """The server confirms the connection.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("connected", payload, to=to)

    async def disconnected(self, payload: models.DisconnectedPayload, *, to: str) -> Delivered:
        """The server is about to close the connection.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("disconnected", payload, to=to)

    async def heartbeat_ack(self, payload: models.HeartbeatAckPayload, *, to: str) -> Delivered:
        """The server answers a heartbeat.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("heartbeat_ack", payload, to=to)

    async def error(self, payload: models.Error, *, to: str) -> Delivered:
        """An event was refused or failed.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("error", payload, to=to)

    async def connection_error(self, payload: models.ConnectionErrorPayload, *, to: str) -> Delivered:
        """The server is throttling this client's reconnections.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("connection_error", payload, to=to)

    async def order_status_update(self, payload: models.OrderStatusUpdatePayload) -> Delivered:
        """An order's status changed.

        Delivered to `order:{orderId}` (orderId from the payload's orderId).
        """
        return await self._emit("order_status_update", payload)

    async def order_location_update(self, payload: models.OrderLocationUpdatePayload) -> Delivered:
        """The delivery's location moved.

        Delivered to `order:{orderId}` (orderId from the payload's orderId).
        """
        return await self._emit("order_location_update", payload)

    async def order_eta_update(self, payload: models.OrderEtaUpdatePayload) -> Delivered:
        """The estimated time of arrival changed.

        Delivered to `order:{orderId}` (orderId from the payload's orderId).
        """
        return await self._emit("order_eta_update", payload)

    async def order_delivered(self, payload: models.OrderDeliveredPayload) -> Delivered:
        """The order was delivered.

        Delivered to `order:{orderId}` (orderId from the payload's orderId).
        """
        return await self._emit("order_delivered", payload)

    async def order_cancelled(self, payload: models.OrderCancelledPayload) -> Delivered:
        """The order was cancelled.

        Delivered to `order:{orderId}` (orderId from the payload's orderId).
        """
        return await self._emit("order_cancelled", payload)

    async def new_offer(self, payload: models.Offer) -> Delivered:
        """A new offer is available.

        Delivered to `offers:{category}` (category from the payload's category); `offers:*`.
        """
        return await self._emit("new_offer", payload)

    async def offer_updated(self, payload: models.Offer) -> Delivered:
        """An existing offer was updated.

        Delivered to `offers:{category}` (category from the payload's category); `offers:*`.
        """
        return await self._emit("offer_updated", payload)

    async def offer_expired(self, payload: models.OfferExpiredPayload) -> Delivered:
        """An offer has expired.

        Delivered to `offers:*`.
        """
        return await self._emit("offer_expired", payload)

    async def deal_notification(self, payload: models.DealNotificationPayload) -> Delivered:
        """A flash deal or time-limited offer.

        Delivered to `offers:*`.
        """
        return await self._emit("deal_notification", payload)

    async def cart_sync(self, payload: models.Cart) -> Delivered:
        """The cart was synchronised across devices.

        Delivered to `cart:{userId}` (userId from the payload's userId).
        """
        return await self._emit("cart_sync", payload)

    async def price_update(self, payload: models.PriceUpdatePayload) -> Delivered:
        """A product's price changed.

        Delivered to `product:{productId}` (productId from the payload's productId).
        """
        return await self._emit("price_update", payload)

    async def stock_update(self, payload: models.StockUpdatePayload) -> Delivered:
        """A product's stock changed.

        Delivered to `product:{productId}` (productId from the payload's productId).
        """
        return await self._emit("stock_update", payload)

    async def cart_item_reserved(self, payload: models.CartItemReservedPayload, *, user_id: str) -> Delivered:
        """An item was reserved for checkout.

        Delivered to `cart:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("cart_item_reserved", payload, args={"userId": user_id})

    async def cart_item_released(self, payload: models.CartItemReleasedPayload, *, user_id: str) -> Delivered:
        """An item's reservation ended.

        Delivered to `cart:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("cart_item_released", payload, args={"userId": user_id})

    async def support_message_received(self, payload: models.SupportMessageReceivedPayload) -> Delivered:
        """A new message in a ticket.

        Delivered to `support_ticket:{ticketId}` (ticketId from the payload's ticketId).
        """
        return await self._emit("support_message_received", payload)

    async def support_message_delivered(
        self, payload: models.SupportMessageDeliveredPayload, *, ticket_id: str
    ) -> Delivered:
        """A message was delivered to its recipient.

        Delivered to `support_ticket:{ticketId}` (ticketId from the `ticket_id` argument).
        """
        return await self._emit("support_message_delivered", payload, args={"ticketId": ticket_id})

    async def support_message_read(self, payload: models.SupportMessageReadPayload, *, ticket_id: str) -> Delivered:
        """A message was read by its recipient.

        Delivered to `support_ticket:{ticketId}` (ticketId from the `ticket_id` argument).
        """
        return await self._emit("support_message_read", payload, args={"ticketId": ticket_id})

    async def support_agent_assigned(self, payload: models.SupportAgentAssignedPayload) -> Delivered:
        """An agent was assigned to a ticket.

        Delivered to `support_ticket:{ticketId}` (ticketId from the payload's ticketId).
        """
        return await self._emit("support_agent_assigned", payload)

    async def support_agent_typing_start(self, payload: models.SupportAgentTypingStartPayload) -> Delivered:
        """An agent started typing.

        Delivered to `support_ticket:{ticketId}` (ticketId from the payload's ticketId).
        """
        return await self._emit("support_agent_typing_start", payload)

    async def support_agent_typing_stop(self, payload: models.SupportAgentTypingStopPayload) -> Delivered:
        """An agent stopped typing.

        Delivered to `support_ticket:{ticketId}` (ticketId from the payload's ticketId).
        """
        return await self._emit("support_agent_typing_stop", payload)

    async def support_agent_status_changed(self, payload: models.SupportAgentStatusChangedPayload) -> Delivered:
        """An agent's availability changed.

        Delivered to `support_agent:{agentId}` (agentId from the payload's agentId).
        """
        return await self._emit("support_agent_status_changed", payload)

    async def support_ticket_status_changed(self, payload: models.SupportTicketStatusChangedPayload) -> Delivered:
        """A ticket's status changed.

        Delivered to `support_ticket:{ticketId}` (ticketId from the payload's ticketId).
        """
        return await self._emit("support_ticket_status_changed", payload)

    async def support_queue_position_updated(self, payload: models.SupportQueuePositionUpdatedPayload) -> Delivered:
        """The ticket's position in the support queue changed.

        Delivered to `support_ticket:{ticketId}` (ticketId from the payload's ticketId).
        """
        return await self._emit("support_queue_position_updated", payload)

    async def group_member_joined(self, payload: models.GroupMemberJoinedPayload) -> Delivered:
        """A new member joined the group.

        Delivered to `group:{groupId}` (groupId from the payload's groupId).
        """
        return await self._emit("group_member_joined", payload)

    async def group_member_left(self, payload: models.GroupMemberLeftPayload) -> Delivered:
        """A member left the group.

        Delivered to `group:{groupId}` (groupId from the payload's groupId).
        """
        return await self._emit("group_member_left", payload)

    async def group_complete(self, payload: models.GroupCompletePayload) -> Delivered:
        """The group reached its required number of members.

        Delivered to `group:{groupId}` (groupId from the payload's groupId).
        """
        return await self._emit("group_complete", payload)

    async def group_message(self, payload: models.GroupMessagePayload) -> Delivered:
        """A new message in the group chat.

        Delivered to `group:{groupId}` (groupId from the payload's groupId).
        """
        return await self._emit("group_message", payload)

    async def group_cancelled(self, payload: models.GroupCancelledPayload) -> Delivered:
        """The group was cancelled by its creator.

        Delivered to `group:{groupId}` (groupId from the payload's groupId).
        """
        return await self._emit("group_cancelled", payload)

    async def store_message(self, payload: models.StoreMessagePayload) -> Delivered:
        """A new message from a store.

        Delivered to `store_conversation:{conversationId}` (conversationId from the payload's
        conversationId).
        """
        return await self._emit("store_message", payload)

    async def store_typing(self, payload: models.StoreTypingPayload) -> Delivered:
        """The store is typing.

        Delivered to `store_conversation:{conversationId}` (conversationId from the payload's
        conversationId).
        """
        return await self._emit("store_typing", payload)

    async def store_online(self, payload: models.StoreOnlinePayload) -> Delivered:
        """A store came online.

        Delivered to `store:{storeId}` (storeId from the payload's storeId).
        """
        return await self._emit("store_online", payload)

    async def store_offline(self, payload: models.StoreOfflinePayload) -> Delivered:
        """A store went offline.

        Delivered to `store:{storeId}` (storeId from the payload's storeId).
        """
        return await self._emit("store_offline", payload)

    async def feed_new_post(self, payload: models.FeedNewPostPayload) -> Delivered:
        """A new post in the user's feed.

        Delivered to `feed:{userId}` (userId from the payload's userId).
        """
        return await self._emit("feed_new_post", payload)

    async def feed_post_liked(self, payload: models.FeedPostLikedPayload, *, user_id: str) -> Delivered:
        """Someone liked the user's post.

        Delivered to `user:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("feed_post_liked", payload, args={"userId": user_id})

    async def feed_post_commented(self, payload: models.FeedPostCommentedPayload, *, user_id: str) -> Delivered:
        """A new comment on the user's post.

        Delivered to `user:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("feed_post_commented", payload, args={"userId": user_id})

    async def feed_user_followed(self, payload: models.FeedUserFollowedPayload, *, user_id: str) -> Delivered:
        """The user has a new follower.

        Delivered to `user:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("feed_user_followed", payload, args={"userId": user_id})

    async def leaderboard_update(self, payload: models.LeaderboardUpdatePayload) -> Delivered:
        """A leaderboard was refreshed.

        Delivered to `leaderboard:{period}` (period from the payload's period).
        """
        return await self._emit("leaderboard_update", payload)

    async def leaderboard_rank_change(self, payload: models.LeaderboardRankChangePayload) -> Delivered:
        """The user's rank changed.

        Delivered to `user:{userId}` (userId from the payload's userId).
        """
        return await self._emit("leaderboard_rank_change", payload)

    async def leaderboard_achievement(
        self, payload: models.LeaderboardAchievementPayload, *, user_id: str
    ) -> Delivered:
        """The user earned an achievement.

        Delivered to `user:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("leaderboard_achievement", payload, args={"userId": user_id})

    async def system_maintenance(self, payload: models.SystemMaintenancePayload) -> Delivered:
        """Scheduled maintenance is coming.

        Delivered to every connection.
        """
        return await self._emit("system_maintenance", payload)

    async def force_update(self, payload: models.ForceUpdatePayload) -> Delivered:
        """An app update is required.

        Delivered to every connection.
        """
        return await self._emit("force_update", payload)

    async def session_expired(self, payload: models.SessionExpiredPayload, *, user_id: str) -> Delivered:
        """The user's session expired.

        Delivered to `user:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("session_expired", payload, args={"userId": user_id})

    async def token_refresh(self, payload: models.TokenRefreshPayload, *, user_id: str) -> Delivered:
        """The user's JWT was refreshed.

        Delivered to `user:{userId}` (userId from the `user_id` argument).
        """
        return await self._emit("token_refresh", payload, args={"userId": user_id})
