# generated from catalog/events.yaml by eventcat — do not edit

from __future__ import annotations

from typing import Annotated, Any, Literal

from eventcat_runtime import CatalogModel, IsoDateTime, JsonFalse, JsonInt, JsonTrue, UriStr
from pydantic import ConfigDict, Field
from typing_extensions import TypeAliasType

AgentStatus = TypeAliasType(
    "AgentStatus", Annotated[Literal["online", "busy", "away", "offline"], Field(title="AgentStatus")]
)


class Attachment(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    url: UriStr
    type: str
    """
    MIME type, e.g. image/png.
    """
    size: Annotated[JsonInt, Field(ge=0)]
    """
    Unit: bytes.
    """


class CartItem(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    productId: str
    name: str
    image: UriStr | None = None
    quantity: Annotated[JsonInt, Field(ge=1)]
    unitPrice: Annotated[float, Field(ge=0.0)]
    lineTotal: Annotated[float, Field(ge=0.0)]
    reservedUntil: IsoDateTime | None = None
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class CartItemReservedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    productId: str
    quantity: Annotated[JsonInt, Field(ge=1)]
    expiresAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


CartReleaseReason = TypeAliasType(
    "CartReleaseReason", Annotated[Literal["expired", "cancelled", "purchased"], Field(title="CartReleaseReason")]
)


RestoredChannel = TypeAliasType(
    "RestoredChannel",
    Annotated[
        str,
        Field(
            pattern="^(orders|cart|offers|feed|order_[A-Za-z0-9_-]+|offers_[A-Za-z0-9_-]+|support_ticket_[A-Za-z0-9_-]+|support_agent_[A-Za-z0-9_-]+|group_[A-Za-z0-9_-]+|store_[A-Za-z0-9_-]+|store_conversation_[A-Za-z0-9_-]+|leaderboard_(daily|weekly|monthly|all_time))$"
        ),
    ],
)
"""
A subscribe channel; one of the names listed under Channels (the pattern is made from them).
"""


class ConnectedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    socketId: str
    """
    Socket.IO id of this connection.
    """
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """
    recovered: bool | None = None
    """
    True when the previous session came back (same rooms, missed events replayed).
    """
    restoredChannels: list[RestoredChannel] | None = None
    """
    Channels this connection is subscribed to without asking, restored from before.
    """


class ConnectionErrorPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    reason: str
    """
    Why, e.g. too_many_reconnects.
    """
    attempts: Annotated[JsonInt, Field(ge=0)]
    nextRetry: Annotated[JsonInt, Field(ge=0)]
    """
    Unit: milliseconds.
    """


class DealNotificationPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    title: str
    originalPrice: Annotated[float, Field(ge=0.0)]
    salePrice: Annotated[float, Field(ge=0.0)]
    discount: Annotated[float, Field(ge=0.0, le=100.0)]
    """
    Unit: percent.
    """
    timeRemaining: Annotated[JsonInt, Field(ge=0)]
    """
    Seconds until the deal ends. Unit: seconds.
    """
    stock: Annotated[JsonInt, Field(ge=0)]
    """
    Units left at the sale price.
    """


class DisconnectedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    reason: Literal["server_shutdown", "session_expired", "rate_limited", "kicked", "replaced"]
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


ErrorCode = TypeAliasType(
    "ErrorCode",
    Annotated[
        Literal[
            "AUTH_REQUIRED",
            "AUTH_INVALID",
            "TOKEN_EXPIRED",
            "VALIDATION_ERROR",
            "UNKNOWN_EVENT",
            "FORBIDDEN",
            "RATE_LIMITED",
            "PAYLOAD_TOO_LARGE",
            "INTERNAL_ERROR",
        ],
        Field(title="ErrorCode"),
    ],
)
"""
Stable error codes; clients branch on these, never on the message.
"""


class FeedPostCommentedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    postId: str
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    The commenter.
    """
    userName: str
    comment: str
    createdAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


FeedPostType = TypeAliasType(
    "FeedPostType", Annotated[Literal["product_review", "store_visit", "purchase"], Field(title="FeedPostType")]
)


class FeedUserFollowedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    followerId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    followerName: str
    followerAvatar: UriStr | None = None
    """
    URL of the follower's avatar.
    """
    followedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class ForceUpdatePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    version: str
    """
    The version to update to, e.g. 4.2.0.
    """
    updateUrl: UriStr
    """
    Store page or download URL of the update.
    """
    message: str
    isForced: bool


class GeoLocation(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    latitude: Annotated[float, Field(ge=-90.0, le=90.0)]
    """
    Unit: degrees.
    """
    longitude: Annotated[float, Field(ge=-180.0, le=180.0)]
    """
    Unit: degrees.
    """
    address: str


class GroupCancelledPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    groupId: str
    reason: str
    cancelledAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class GroupMemberLeftPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    groupId: str
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    currentMembers: Annotated[JsonInt, Field(ge=0)]
    spotsRemaining: Annotated[JsonInt, Field(ge=0)]


class GroupMessagePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    groupId: str
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    userName: str
    userAvatar: UriStr | None = None
    """
    URL of the sender's avatar.
    """
    message: str
    createdAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class HeartbeatAckPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    timestamp: Annotated[JsonInt, Field(ge=0)]
    """
    The timestamp of the heartbeat being answered.
    """


class HeartbeatPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    timestamp: Annotated[JsonInt, Field(ge=0)]
    """
    The client's clock, Date.now().
    """


class JoinTicketAck(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    ticketId: str
    room: str
    """
    The room entered.
    """


class LeaderboardAchievementPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    title: str
    description: str
    icon: UriStr
    """
    URL of the achievement's badge image.
    """
    points: Annotated[JsonInt, Field(ge=0)]
    """
    Points the achievement awards.
    """
    earnedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class LeaderboardEntry(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    rank: Annotated[JsonInt, Field(ge=1)]
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    userName: str
    avatar: UriStr | None = None
    """
    URL of the user's avatar.
    """
    points: Annotated[JsonInt, Field(ge=0)]
    change: JsonInt
    """
    Places moved since the last refresh; positive is up, negative is down, 0 unchanged. Unit: rank positions.
    """


LeaderboardPeriod = TypeAliasType(
    "LeaderboardPeriod", Annotated[Literal["daily", "weekly", "monthly", "all_time"], Field(title="LeaderboardPeriod")]
)


class LeaderboardRankChangePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    oldRank: Annotated[JsonInt, Field(ge=1)]
    newRank: Annotated[JsonInt, Field(ge=1)]
    points: Annotated[JsonInt, Field(ge=0)]
    change: JsonInt
    """
    oldRank - newRank; positive (+5) is up, negative (-3) is down. Unit: rank positions.
    """
    period: Literal["daily", "weekly", "monthly"]


class LeaderboardUpdatePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    period: LeaderboardPeriod
    rankings: list[LeaderboardEntry]
    updatedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class LeaveTicketAck(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    ticketId: str
    room: str
    """
    The room left.
    """


class MessageReadAck(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue


class MessageReadPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: str
    messageId: str
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Must be the authenticated user.
    """


class Offer(CatalogModel):
    """
    An offer as the offers feed shows it.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    title: str
    description: str
    discount: Annotated[float, Field(ge=0.0, le=100.0)]
    """
    Unit: percent.
    """
    expiresAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """
    image: UriStr
    """
    URL of the offer's image.
    """
    category: str
    """
    Offer category; also names the offers:{category} room.
    """


class OfferExpiredPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    offerId: str


class OrderCancelledPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    orderId: str
    reason: str
    cancelledBy: Literal["user", "store", "admin"]
    refundAmount: Annotated[float, Field(ge=0.0)]
    refundStatus: Literal["pending", "processing", "completed"]


class OrderDeliveredPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    orderId: str
    deliveredAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """
    signature: UriStr | None = None
    """
    URL of the signature image, when the customer signed.
    """


class OrderEtaUpdatePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    orderId: str
    eta: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """
    minutes: Annotated[JsonInt, Field(ge=0)]
    """
    Minutes from now until the ETA. Unit: minutes.
    """


class OrderLocationUpdatePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    orderId: str
    location: GeoLocation
    driverName: str
    driverPhone: str
    """
    Phone number in E.164, e.g. +919812345678.
    """
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


OrderStatus = TypeAliasType(
    "OrderStatus",
    Annotated[
        Literal["placed", "confirmed", "preparing", "ready", "dispatched", "out_for_delivery", "delivered"],
        Field(title="OrderStatus"),
    ],
)


class OrderStatusUpdatePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    orderId: str
    orderNumber: str
    """
    Number shown to the customer.
    """
    status: OrderStatus
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """
    message: str
    """
    Text to show the customer.
    """
    estimatedDelivery: IsoDateTime | None = None
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class PersonRef(CatalogModel):
    """
    A user as other users see them.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    name: str
    avatar: UriStr | None = None


class PostLiker(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    userName: str
    userAvatar: UriStr | None = None
    """
    URL of the user's avatar.
    """


class PostProduct(CatalogModel):
    """
    The product the post is about.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    name: str
    image: UriStr
    """
    URL of the product's image.
    """


class PriceUpdatePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    productId: str
    oldPrice: Annotated[float, Field(ge=0.0)]
    newPrice: Annotated[float, Field(ge=0.0)]
    discount: Annotated[float | None, Field(ge=0.0, le=100.0)] = None
    """
    Unit: percent.
    """


class SessionExpiredPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    message: str
    expiredAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class StockUpdatePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    productId: str
    stock: Annotated[JsonInt, Field(ge=0)]
    """
    Units in stock.
    """
    isAvailable: bool


StoreMessageType = TypeAliasType(
    "StoreMessageType", Annotated[Literal["text", "image", "order_update"], Field(title="StoreMessageType")]
)


class StoreOfflinePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    storeId: str
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class StoreOnlinePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    storeId: str
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class StoreTypingPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    conversationId: str
    storeId: str
    storeName: str


class SubscribePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    channel: Annotated[
        str,
        Field(
            pattern="^(orders|cart|offers|feed|order_[A-Za-z0-9_-]+|offers_[A-Za-z0-9_-]+|support_ticket_[A-Za-z0-9_-]+|support_agent_[A-Za-z0-9_-]+|group_[A-Za-z0-9_-]+|store_[A-Za-z0-9_-]+|store_conversation_[A-Za-z0-9_-]+|leaderboard_(daily|weekly|monthly|all_time))$"
        ),
    ]
    """
    A subscribe channel; one of the names listed under Channels (the pattern is made from them).
    """


class SubscriptionAck(CatalogModel):
    """
    Acknowledgement of a subscribe or unsubscribe that the server accepted.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    channel: Annotated[
        str,
        Field(
            pattern="^(orders|cart|offers|feed|order_[A-Za-z0-9_-]+|offers_[A-Za-z0-9_-]+|support_ticket_[A-Za-z0-9_-]+|support_agent_[A-Za-z0-9_-]+|group_[A-Za-z0-9_-]+|store_[A-Za-z0-9_-]+|store_conversation_[A-Za-z0-9_-]+|leaderboard_(daily|weekly|monthly|all_time))$"
        ),
    ]
    """
    A subscribe channel; one of the names listed under Channels (the pattern is made from them).
    """
    rooms: list[str]
    """
    Rooms the connection entered (subscribe) or left (unsubscribe).
    """


class SupportAgent(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    name: str
    avatar: UriStr | None = None
    """
    URL of the agent's avatar.
    """
    department: str
    """
    Support team, e.g. Orders & refunds.
    """


class SupportAgentAssignedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: str
    agent: SupportAgent
    assignedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class SupportAgentStatusChangedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    agentId: str
    status: AgentStatus
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class SupportAgentTypingStartPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: str
    agentId: str
    agentName: str


class SupportAgentTypingStopPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: str
    agentId: str


class SupportMessageDeliveredPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    messageId: str
    deliveredAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class SupportMessageReadPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    messageId: str
    readBy: str
    """
    Id of the user or agent who read the message.
    """
    readAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


SupportMessageType = TypeAliasType(
    "SupportMessageType", Annotated[Literal["text", "image", "file"], Field(title="SupportMessageType")]
)


class SupportQueuePositionUpdatedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: str
    position: Annotated[JsonInt, Field(ge=1)]
    """
    Place in the queue; 1 is next.
    """
    estimatedWaitTime: Annotated[JsonInt, Field(ge=0)]
    """
    Unit: minutes.
    """


class SystemMaintenancePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    scheduledAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """
    duration: Annotated[JsonInt, Field(ge=1)]
    """
    Unit: minutes.
    """
    message: str
    affectedServices: list[str]


class TicketMembership(CatalogModel):
    """
    Who is joining or leaving a support ticket.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: str
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Must be the authenticated user.
    """


TicketStatus = TypeAliasType(
    "TicketStatus",
    Annotated[Literal["open", "pending", "in_progress", "resolved", "closed"], Field(title="TicketStatus")],
)


class TokenRefreshPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    newToken: Annotated[str, Field(min_length=1)]
    """
    The new JWT.
    """
    expiresIn: Annotated[JsonInt, Field(ge=1)]
    """
    Seconds until the new token expires. Unit: seconds.
    """


class UnsubscribePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    channel: Annotated[
        str,
        Field(
            pattern="^(orders|cart|offers|feed|order_[A-Za-z0-9_-]+|offers_[A-Za-z0-9_-]+|support_ticket_[A-Za-z0-9_-]+|support_agent_[A-Za-z0-9_-]+|group_[A-Za-z0-9_-]+|store_[A-Za-z0-9_-]+|store_conversation_[A-Za-z0-9_-]+|leaderboard_(daily|weekly|monthly|all_time))$"
        ),
    ]
    """
    A subscribe channel; one of the names listed under Channels (the pattern is made from them).
    """


class Cart(CatalogModel):
    """
    The complete cart. The spec says only "complete cart object"; this is the shape the REZ cart API returns.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    Identifier of a REZ user.
    """
    items: list[CartItem]
    itemCount: Annotated[JsonInt, Field(ge=0)]
    subtotal: Annotated[float, Field(ge=0.0)]
    discount: Annotated[float, Field(ge=0.0)]
    total: Annotated[float, Field(ge=0.0)]
    currency: Annotated[str, Field(pattern="^[A-Z]{3}$")]
    """
    ISO 4217 currency code.
    """
    updatedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class CartItemReleasedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    productId: str
    reason: CartReleaseReason


class Error(CatalogModel):
    """
    The error contract. Sent as the `error` event and, when the client passed an ack callback, inside the `{ok: false, error}` acknowledgement.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    code: ErrorCode
    message: str
    """
    Human-readable explanation, safe to show to the user.
    """
    details: Annotated[Any | None, Field(json_schema_extra={"x-nullable": True})] = None
    """
    Machine-readable context, e.g. the list of validation problems or the retry delay.
    """
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class FeedNewPostPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    userId: Annotated[str, Field(max_length=64, min_length=1)]
    """
    The author.
    """
    userName: str
    userAvatar: UriStr | None = None
    """
    URL of the author's avatar.
    """
    type: FeedPostType
    content: str
    images: list[UriStr] | None = None
    """
    URLs of the post's images.
    """
    product: PostProduct | None = None
    createdAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class FeedPostLikedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    postId: str
    likedBy: PostLiker
    totalLikes: Annotated[JsonInt, Field(ge=1)]
    likedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class GroupCompletePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    groupId: str
    groupCode: str
    status: Literal["complete"]
    members: Annotated[list[PersonRef], Field(min_length=1)]
    completedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class GroupMemberJoinedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    groupId: str
    groupCode: str
    """
    Code members share to invite others.
    """
    member: PersonRef
    currentMembers: Annotated[JsonInt, Field(ge=1)]
    spotsRemaining: Annotated[JsonInt, Field(ge=0)]
    joinedAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class StoreMessagePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    conversationId: str
    storeId: str
    storeName: str
    content: str
    """
    The text; for an image, its URL.
    """
    type: StoreMessageType
    createdAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class SupportMessageReceivedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    id: str
    ticketId: str
    senderId: str
    """
    Id of the user or agent who sent the message.
    """
    senderName: str
    senderAvatar: UriStr | None = None
    """
    URL of the sender's avatar.
    """
    type: SupportMessageType
    content: str
    """
    The text, or the caption of an image or file.
    """
    attachments: list[Attachment] | None = None
    createdAt: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class SupportTicketStatusChangedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: str
    status: TicketStatus
    timestamp: IsoDateTime
    """
    Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
    """


class AckError(CatalogModel):
    """
    What every acknowledgement carries when the server refused the event.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonFalse
    error: Error
