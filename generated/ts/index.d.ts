// generated from catalog/events.yaml by eventcat — do not edit
/**
 * REZ App real-time API 1.1.0: typings for socket.io-client.
 *
 * ```ts
 * import { io, Socket } from "socket.io-client";
 * import type { ServerToClientEvents, ClientToServerEvents } from "rez-realtime";
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 * ```
 */

// -- payloads and named types ------------------------------------------------------------------------------------

/** What every acknowledgement carries when the server refused the event. */
export interface AckError {
  ok: false;
  error: Error;
}

export type AgentStatus = "online" | "busy" | "away" | "offline";

export interface Attachment {
  /** An absolute URI. */
  url: string;
  /** MIME type, e.g. image/png. */
  type: string;
  /**
   * Unit: bytes.
   * An integer.
   * @minimum 0
   */
  size: number;
}

/** The complete cart. The spec says only "complete cart object"; this is the shape the REZ cart API returns. */
export interface Cart {
  userId: UserId;
  items: CartItem[];
  /**
   * An integer.
   * @minimum 0
   */
  itemCount: number;
  /** @minimum 0 */
  subtotal: number;
  /** @minimum 0 */
  discount: number;
  /** @minimum 0 */
  total: number;
  /**
   * ISO 4217 currency code.
   * @pattern ^[A-Z]{3}$
   */
  currency: string;
  updatedAt: Timestamp;
}

export interface CartItem {
  productId: string;
  name: string;
  /** An absolute URI. */
  image?: string;
  /**
   * An integer.
   * @minimum 1
   */
  quantity: number;
  /** @minimum 0 */
  unitPrice: number;
  /** @minimum 0 */
  lineTotal: number;
  reservedUntil?: Timestamp;
}

export interface CartItemReleasedPayload {
  productId: string;
  /**
   * - `"expired"`: The reservation ran out before checkout.
   * - `"cancelled"`: The checkout was cancelled.
   * - `"purchased"`: The item was bought; the reservation is no longer needed.
   */
  reason: CartReleaseReason;
}

export interface CartItemReservedPayload {
  productId: string;
  /**
   * An integer.
   * @minimum 1
   */
  quantity: number;
  expiresAt: Timestamp;
}

/**
 * - `"expired"`: The reservation ran out before checkout.
 * - `"cancelled"`: The checkout was cancelled.
 * - `"purchased"`: The item was bought; the reservation is no longer needed.
 */
export type CartReleaseReason = "expired" | "cancelled" | "purchased";

/**
 * A subscribe channel; one of the names listed under Channels (the pattern is made from them).
 * @pattern ^(orders|cart|offers|feed|order_[A-Za-z0-9_-]+|offers_[A-Za-z0-9_-]+|support_ticket_[A-Za-z0-9_-]+|support_agent_[A-Za-z0-9_-]+|group_[A-Za-z0-9_-]+|store_[A-Za-z0-9_-]+|store_conversation_[A-Za-z0-9_-]+|leaderboard_(daily|weekly|monthly|all_time))$
 */
export type ChannelName = SubscribeChannel;

export interface ConnectedPayload {
  userId: UserId;
  /** Socket.IO id of this connection. */
  socketId: string;
  timestamp: Timestamp;
  /** True when the previous session came back (same rooms, missed events replayed). */
  recovered?: boolean;
  /** Channels this connection is subscribed to without asking, restored from before. */
  restoredChannels?: ChannelName[];
}

export interface ConnectionErrorPayload {
  /** Why, e.g. too_many_reconnects. */
  reason: string;
  /**
   * An integer.
   * @minimum 0
   */
  attempts: number;
  /**
   * Unit: milliseconds.
   * An integer.
   * @minimum 0
   */
  nextRetry: number;
}

export interface DealNotificationPayload {
  id: string;
  title: string;
  /** @minimum 0 */
  originalPrice: number;
  /** @minimum 0 */
  salePrice: number;
  /**
   * Unit: percent.
   * @minimum 0
   * @maximum 100
   */
  discount: number;
  /**
   * Seconds until the deal ends.
   * Unit: seconds.
   * An integer.
   * @minimum 0
   */
  timeRemaining: number;
  /**
   * Units left at the sale price.
   * An integer.
   * @minimum 0
   */
  stock: number;
}

export interface DisconnectedPayload {
  /**
   * - `"server_shutdown"`: The server is restarting; reconnect shortly.
   * - `"session_expired"`: The session ended; log in again.
   * - `"rate_limited"`: Too many events; reconnect later.
   * - `"kicked"`: An operator closed the connection.
   * - `"replaced"`: The same session connected elsewhere.
   */
  reason: "server_shutdown" | "session_expired" | "rate_limited" | "kicked" | "replaced";
  timestamp: Timestamp;
}

/**
 * A point in time as JavaScript's Date.now() gives it.
 * Unit: milliseconds since the Unix epoch.
 * An integer.
 * @minimum 0
 */
export type EpochMillis = number;

/** The error contract. Sent as the `error` event and, when the client passed an ack callback, inside the `{ok: false, error}` acknowledgement. */
export interface Error {
  code: ErrorCode;
  /** Human-readable explanation, safe to show to the user. */
  message: string;
  /** Machine-readable context, e.g. the list of validation problems or the retry delay. */
  details?: unknown;
  timestamp: Timestamp;
}

/**
 * Stable error codes; clients branch on these, never on the message.
 * - `"AUTH_REQUIRED"`: The connection or event needs a token and none was given.
 * - `"AUTH_INVALID"`: The token is malformed, forged, or uses a refused algorithm.
 * - `"TOKEN_EXPIRED"`: The token has expired; refresh it and reconnect.
 * - `"VALIDATION_ERROR"`: The payload does not match the catalog; details lists each problem.
 * - `"UNKNOWN_EVENT"`: The event name is not in the catalog (or not client-to-server).
 * - `"FORBIDDEN"`: The user may not do this (another user's id, a room the user may not enter).
 * - `"RATE_LIMITED"`: Too many events; details.retryAfterMs says when to try again.
 * - `"PAYLOAD_TOO_LARGE"`: The payload is over the event's size limit.
 * - `"INTERNAL_ERROR"`: The server failed; the event was not processed. Safe to retry.
 */
export type ErrorCode = "AUTH_REQUIRED" | "AUTH_INVALID" | "TOKEN_EXPIRED" | "VALIDATION_ERROR" | "UNKNOWN_EVENT" | "FORBIDDEN" | "RATE_LIMITED" | "PAYLOAD_TOO_LARGE" | "INTERNAL_ERROR";

export interface FeedNewPostPayload {
  id: string;
  /** The author. */
  userId: UserId;
  userName: string;
  /**
   * URL of the author's avatar.
   * An absolute URI.
   */
  userAvatar?: string;
  type: FeedPostType;
  content: string;
  /** URLs of the post's images. */
  images?: string[];
  /** The product the post is about. */
  product?: PostProduct;
  createdAt: Timestamp;
}

export interface FeedPostCommentedPayload {
  id: string;
  postId: string;
  /** The commenter. */
  userId: UserId;
  userName: string;
  comment: string;
  createdAt: Timestamp;
}

export interface FeedPostLikedPayload {
  postId: string;
  likedBy: PostLiker;
  /**
   * An integer.
   * @minimum 1
   */
  totalLikes: number;
  likedAt: Timestamp;
}

export type FeedPostType = "product_review" | "store_visit" | "purchase";

export interface FeedUserFollowedPayload {
  followerId: UserId;
  followerName: string;
  /**
   * URL of the follower's avatar.
   * An absolute URI.
   */
  followerAvatar?: string;
  followedAt: Timestamp;
}

export interface ForceUpdatePayload {
  /** The version to update to, e.g. 4.2.0. */
  version: string;
  /**
   * Store page or download URL of the update.
   * An absolute URI.
   */
  updateUrl: string;
  message: string;
  isForced: boolean;
}

export interface GeoLocation {
  /**
   * Unit: degrees.
   * @minimum -90
   * @maximum 90
   */
  latitude: number;
  /**
   * Unit: degrees.
   * @minimum -180
   * @maximum 180
   */
  longitude: number;
  address: string;
}

export interface GroupCancelledPayload {
  groupId: string;
  reason: string;
  cancelledAt: Timestamp;
}

export interface GroupCompletePayload {
  groupId: string;
  groupCode: string;
  status: "complete";
  /** @minItems 1 */
  members: PersonRef[];
  completedAt: Timestamp;
}

export interface GroupMemberJoinedPayload {
  groupId: string;
  /** Code members share to invite others. */
  groupCode: string;
  member: PersonRef;
  /**
   * An integer.
   * @minimum 1
   */
  currentMembers: number;
  /**
   * An integer.
   * @minimum 0
   */
  spotsRemaining: number;
  joinedAt: Timestamp;
}

export interface GroupMemberLeftPayload {
  groupId: string;
  userId: UserId;
  /**
   * An integer.
   * @minimum 0
   */
  currentMembers: number;
  /**
   * An integer.
   * @minimum 0
   */
  spotsRemaining: number;
}

export interface GroupMessagePayload {
  id: string;
  groupId: string;
  userId: UserId;
  userName: string;
  /**
   * URL of the sender's avatar.
   * An absolute URI.
   */
  userAvatar?: string;
  message: string;
  createdAt: Timestamp;
}

export interface HeartbeatAckPayload {
  /** The timestamp of the heartbeat being answered. */
  timestamp: EpochMillis;
}

export interface HeartbeatPayload {
  /** The client's clock, Date.now(). */
  timestamp: EpochMillis;
}

export interface JoinTicketAck {
  ok: true;
  ticketId: string;
  /** The room entered. */
  room: string;
}

export interface LeaderboardAchievementPayload {
  id: string;
  title: string;
  description: string;
  /**
   * URL of the achievement's badge image.
   * An absolute URI.
   */
  icon: string;
  /**
   * Points the achievement awards.
   * An integer.
   * @minimum 0
   */
  points: number;
  earnedAt: Timestamp;
}

export interface LeaderboardEntry {
  /**
   * An integer.
   * @minimum 1
   */
  rank: number;
  userId: UserId;
  userName: string;
  /**
   * URL of the user's avatar.
   * An absolute URI.
   */
  avatar?: string;
  /**
   * An integer.
   * @minimum 0
   */
  points: number;
  /**
   * Places moved since the last refresh; positive is up, negative is down, 0 unchanged.
   * Unit: rank positions.
   * An integer.
   */
  change: number;
}

export type LeaderboardPeriod = "daily" | "weekly" | "monthly" | "all_time";

export interface LeaderboardRankChangePayload {
  userId: UserId;
  /**
   * An integer.
   * @minimum 1
   */
  oldRank: number;
  /**
   * An integer.
   * @minimum 1
   */
  newRank: number;
  /**
   * An integer.
   * @minimum 0
   */
  points: number;
  /**
   * oldRank - newRank; positive (+5) is up, negative (-3) is down.
   * Unit: rank positions.
   * An integer.
   */
  change: number;
  period: "daily" | "weekly" | "monthly";
}

export interface LeaderboardUpdatePayload {
  period: LeaderboardPeriod;
  rankings: LeaderboardEntry[];
  updatedAt: Timestamp;
}

export interface LeaveTicketAck {
  ok: true;
  ticketId: string;
  /** The room left. */
  room: string;
}

export interface MessageReadAck {
  ok: true;
}

export interface MessageReadPayload {
  ticketId: string;
  messageId: string;
  /**
   * Must be the authenticated user.
   * Must be the authenticated user's id.
   */
  userId: UserId;
}

/** An offer as the offers feed shows it. */
export interface Offer {
  id: string;
  title: string;
  description: string;
  /**
   * Unit: percent.
   * @minimum 0
   * @maximum 100
   */
  discount: number;
  expiresAt: Timestamp;
  /**
   * URL of the offer's image.
   * An absolute URI.
   */
  image: string;
  /** Offer category; also names the offers:{category} room. */
  category: string;
}

export interface OfferExpiredPayload {
  offerId: string;
}

export interface OrderCancelledPayload {
  orderId: string;
  reason: string;
  cancelledBy: "user" | "store" | "admin";
  /** @minimum 0 */
  refundAmount: number;
  refundStatus: "pending" | "processing" | "completed";
}

export interface OrderDeliveredPayload {
  orderId: string;
  deliveredAt: Timestamp;
  /**
   * URL of the signature image, when the customer signed.
   * An absolute URI.
   */
  signature?: string;
}

export interface OrderEtaUpdatePayload {
  orderId: string;
  eta: Timestamp;
  /**
   * Minutes from now until the ETA.
   * Unit: minutes.
   * An integer.
   * @minimum 0
   */
  minutes: number;
}

export interface OrderLocationUpdatePayload {
  orderId: string;
  location: GeoLocation;
  driverName: string;
  /** Phone number in E.164, e.g. +919812345678. */
  driverPhone: string;
  timestamp: Timestamp;
}

export type OrderStatus = "placed" | "confirmed" | "preparing" | "ready" | "dispatched" | "out_for_delivery" | "delivered";

export interface OrderStatusUpdatePayload {
  orderId: string;
  /** Number shown to the customer. */
  orderNumber: string;
  status: OrderStatus;
  timestamp: Timestamp;
  /** Text to show the customer. */
  message: string;
  estimatedDelivery?: Timestamp;
}

/** A user as other users see them. */
export interface PersonRef {
  userId: UserId;
  name: string;
  /** An absolute URI. */
  avatar?: string;
}

export interface PostLiker {
  userId: UserId;
  userName: string;
  /**
   * URL of the user's avatar.
   * An absolute URI.
   */
  userAvatar?: string;
}

/** The product the post is about. */
export interface PostProduct {
  id: string;
  name: string;
  /**
   * URL of the product's image.
   * An absolute URI.
   */
  image: string;
}

export interface PriceUpdatePayload {
  productId: string;
  /** @minimum 0 */
  oldPrice: number;
  /** @minimum 0 */
  newPrice: number;
  /**
   * Unit: percent.
   * @minimum 0
   * @maximum 100
   */
  discount?: number;
}

export interface SessionExpiredPayload {
  message: string;
  expiredAt: Timestamp;
}

export interface StockUpdatePayload {
  productId: string;
  /**
   * Units in stock.
   * An integer.
   * @minimum 0
   */
  stock: number;
  isAvailable: boolean;
}

export interface StoreMessagePayload {
  id: string;
  conversationId: string;
  storeId: string;
  storeName: string;
  /** The text; for an image, its URL. */
  content: string;
  type: StoreMessageType;
  createdAt: Timestamp;
}

export type StoreMessageType = "text" | "image" | "order_update";

export interface StoreOfflinePayload {
  storeId: string;
  timestamp: Timestamp;
}

export interface StoreOnlinePayload {
  storeId: string;
  timestamp: Timestamp;
}

export interface StoreTypingPayload {
  conversationId: string;
  storeId: string;
  storeName: string;
}

export interface SubscribePayload {
  channel: ChannelName;
}

/** Acknowledgement of a subscribe or unsubscribe that the server accepted. */
export interface SubscriptionAck {
  ok: true;
  channel: ChannelName;
  /** Rooms the connection entered (subscribe) or left (unsubscribe). */
  rooms: string[];
}

export interface SupportAgent {
  id: string;
  name: string;
  /**
   * URL of the agent's avatar.
   * An absolute URI.
   */
  avatar?: string;
  /** Support team, e.g. Orders & refunds. */
  department: string;
}

export interface SupportAgentAssignedPayload {
  ticketId: string;
  agent: SupportAgent;
  assignedAt: Timestamp;
}

export interface SupportAgentStatusChangedPayload {
  agentId: string;
  status: AgentStatus;
  timestamp: Timestamp;
}

export interface SupportAgentTypingStartPayload {
  ticketId: string;
  agentId: string;
  agentName: string;
}

export interface SupportAgentTypingStopPayload {
  ticketId: string;
  agentId: string;
}

export interface SupportMessageDeliveredPayload {
  messageId: string;
  deliveredAt: Timestamp;
}

export interface SupportMessageReadPayload {
  messageId: string;
  /** Id of the user or agent who read the message. */
  readBy: string;
  readAt: Timestamp;
}

export interface SupportMessageReceivedPayload {
  id: string;
  ticketId: string;
  /** Id of the user or agent who sent the message. */
  senderId: string;
  senderName: string;
  /**
   * URL of the sender's avatar.
   * An absolute URI.
   */
  senderAvatar?: string;
  type: SupportMessageType;
  /** The text, or the caption of an image or file. */
  content: string;
  attachments?: Attachment[];
  createdAt: Timestamp;
}

export type SupportMessageType = "text" | "image" | "file";

export interface SupportQueuePositionUpdatedPayload {
  ticketId: string;
  /**
   * Place in the queue; 1 is next.
   * An integer.
   * @minimum 1
   */
  position: number;
  /**
   * Unit: minutes.
   * An integer.
   * @minimum 0
   */
  estimatedWaitTime: number;
}

export interface SupportTicketStatusChangedPayload {
  ticketId: string;
  status: TicketStatus;
  timestamp: Timestamp;
}

export interface SystemMaintenancePayload {
  scheduledAt: Timestamp;
  /**
   * Unit: minutes.
   * An integer.
   * @minimum 1
   */
  duration: number;
  message: string;
  affectedServices: string[];
}

/** Who is joining or leaving a support ticket. */
export interface TicketMembership {
  ticketId: string;
  /**
   * Must be the authenticated user.
   * Must be the authenticated user's id.
   */
  userId: UserId;
}

export type TicketStatus = "open" | "pending" | "in_progress" | "resolved" | "closed";

/**
 * Date and time in ISO 8601 with a timezone, e.g. 2025-10-27T14:30:00Z.
 * Date and time, ISO 8601 (RFC 3339) with a timezone.
 */
export type Timestamp = string;

export interface TokenRefreshPayload {
  /**
   * The new JWT.
   * @minLength 1
   */
  newToken: string;
  /**
   * Seconds until the new token expires.
   * Unit: seconds.
   * An integer.
   * @minimum 1
   */
  expiresIn: number;
}

export interface UnsubscribePayload {
  channel: ChannelName;
}

/**
 * Identifier of a REZ user.
 * @minLength 1
 * @maxLength 64
 */
export type UserId = string;

// -- events ------------------------------------------------------------------------------------------------------

/** Events the server sends; listen with `socket.on(name, (payload) => ...)`. */
export interface ServerToClientEvents {
  /**
   * The server confirms the connection.
   *
   * Sent once per connection, right after authentication, to that connection only, before any other event. It says what the server restored: the previous session (Socket.IO connection state recovery, within the recovery window), and the channels the connection was put back in. Events missed while disconnected follow it, in order.
   *
   * Delivered to the connection concerned only.
   */
  connected: (payload: ConnectedPayload) => void;
  /**
   * The server is about to close the connection.
   *
   * Sent just before the server disconnects the socket (shutdown, session expired, abuse), so the app can tell the user why.
   *
   * Delivered to the connection concerned only.
   */
  disconnected: (payload: DisconnectedPayload) => void;
  /**
   * The server answers a heartbeat.
   *
   * Echoes the heartbeat's `timestamp`, so the app can compute the round-trip time.
   *
   * Delivered to the connection concerned only.
   */
  heartbeat_ack: (payload: HeartbeatAckPayload) => void;
  /**
   * An event was refused or failed.
   *
   * The spec states `error` twice, as `{code, message, details}` and as `{code, message, details?, timestamp}`. This catalog keeps the second, fuller shape: `details` is optional and `timestamp` always present, and `code` is one of the stable error codes. It goes to the connection whose event failed.
   *
   * Delivered to the connection concerned only.
   */
  error: (payload: Error) => void;
  /**
   * The server is throttling this client's reconnections.
   *
   * The spec gives only the shape. Decision: sent to a connection that reconnects too often, just before the server closes it; `attempts` counts its recent connection attempts and `nextRetry` is how long to wait (exponential backoff with jitter) before the next one.
   *
   * Delivered to the connection concerned only.
   */
  connection_error: (payload: ConnectionErrorPayload) => void;
  /**
   * An order's status changed.
   *
   * Delivered to `order:{orderId}`.
   */
  order_status_update: (payload: OrderStatusUpdatePayload) => void;
  /**
   * The delivery's location moved.
   *
   * Delivered to `order:{orderId}`.
   */
  order_location_update: (payload: OrderLocationUpdatePayload) => void;
  /**
   * The estimated time of arrival changed.
   *
   * Delivered to `order:{orderId}`.
   */
  order_eta_update: (payload: OrderEtaUpdatePayload) => void;
  /**
   * The order was delivered.
   *
   * Delivered to `order:{orderId}`.
   */
  order_delivered: (payload: OrderDeliveredPayload) => void;
  /**
   * The order was cancelled.
   *
   * Delivered to `order:{orderId}`.
   */
  order_cancelled: (payload: OrderCancelledPayload) => void;
  /**
   * A new offer is available.
   *
   * Delivery decision: sent to the room of the offer's category (`offers:{category}`, from the payload) and to `all_offers`, so that both the `offers` channel and the `offers_{category}` channels receive it.
   *
   * Delivered to `offers:{category}`, `offers:*`.
   */
  new_offer: (payload: Offer) => void;
  /**
   * An existing offer was updated.
   *
   * The spec says only "updated offer object"; the payload is the complete offer, as in `new_offer`. Delivery decision: the offer's category room (`offers:{category}`) and `all_offers`, like `new_offer`.
   *
   * Delivered to `offers:{category}`, `offers:*`.
   */
  offer_updated: (payload: Offer) => void;
  /**
   * An offer has expired.
   *
   * Delivery decision: the payload carries no category, so it goes to `all_offers` only; clients subscribed to a single category learn of the expiry from the offer's `expiresAt`.
   *
   * Delivered to `offers:*`.
   */
  offer_expired: (payload: OfferExpiredPayload) => void;
  /**
   * A flash deal or time-limited offer.
   *
   * Delivery decision: the payload carries no category, so it goes to `all_offers` (the `offers` channel).
   *
   * Delivered to `offers:*`.
   */
  deal_notification: (payload: DealNotificationPayload) => void;
  /**
   * The cart was synchronised across devices.
   *
   * Sent after any change to the cart, to every connection of its owner. Delivery decision: the owner's cart room (`cart:{userId}`, userId from the cart).
   *
   * Delivered to `cart:{userId}`.
   */
  cart_sync: (payload: Cart) => void;
  /**
   * A product's price changed.
   *
   * Delivery decision: the spec does not say; it goes to the product's room (`product:{productId}`), which users enter through the `cart` channel for the products in their cart.
   *
   * Delivered to `product:{productId}`.
   */
  price_update: (payload: PriceUpdatePayload) => void;
  /**
   * A product's stock changed.
   *
   * Delivery decision: the spec does not say; it goes to the product's room (`product:{productId}`), which users enter through the `cart` channel for the products in their cart.
   *
   * Delivered to `product:{productId}`.
   */
  stock_update: (payload: StockUpdatePayload) => void;
  /**
   * An item was reserved for checkout.
   *
   * Delivery decision: the payload does not name the cart's owner; the publisher gives it, and the event goes to that user's cart room (`cart:{userId}`).
   *
   * Delivered to `cart:{userId}`.
   */
  cart_item_reserved: (payload: CartItemReservedPayload) => void;
  /**
   * An item's reservation ended.
   *
   * The spec's summary says "reservation expired", but `reason` also covers a cancelled checkout and a completed purchase. Delivery decision: the payload does not name the cart's owner; the publisher gives it, and the event goes to that user's cart room (`cart:{userId}`).
   *
   * Delivered to `cart:{userId}`.
   */
  cart_item_released: (payload: CartItemReleasedPayload) => void;
  /**
   * A new message in a ticket.
   *
   * Sent for messages from the user as well as from agents, so every device of the user shows the whole conversation. Delivery decision: the ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_message_received: (payload: SupportMessageReceivedPayload) => void;
  /**
   * A message was delivered to its recipient.
   *
   * Delivery decision: the payload has no ticketId; the publisher gives the message's ticket, and the event goes to that ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_message_delivered: (payload: SupportMessageDeliveredPayload) => void;
  /**
   * A message was read by its recipient.
   *
   * Follows a `message_read` from the user, or the agent reading a message in the support backend. Delivery decision: the payload has no ticketId; the publisher gives the message's ticket, and the event goes to that ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_message_read: (payload: SupportMessageReadPayload) => void;
  /**
   * An agent was assigned to a ticket.
   *
   * The user may then follow the agent's presence through the `support_agent_{agentId}` channel. Delivery decision: the ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_agent_assigned: (payload: SupportAgentAssignedPayload) => void;
  /**
   * An agent started typing.
   *
   * Delivery decision: the ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_agent_typing_start: (payload: SupportAgentTypingStartPayload) => void;
  /**
   * An agent stopped typing.
   *
   * Delivery decision: the ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_agent_typing_stop: (payload: SupportAgentTypingStopPayload) => void;
  /**
   * An agent's availability changed.
   *
   * Delivery decision: the spec does not say; it goes to the agent's presence room (`support_agent:{agentId}`), which users with a ticket assigned to that agent enter through the `support_agent_{agentId}` channel.
   *
   * Delivered to `support_agent:{agentId}`.
   */
  support_agent_status_changed: (payload: SupportAgentStatusChangedPayload) => void;
  /**
   * A ticket's status changed.
   *
   * Delivery decision: the ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_ticket_status_changed: (payload: SupportTicketStatusChangedPayload) => void;
  /**
   * The ticket's position in the support queue changed.
   *
   * Delivery decision: the ticket's room (`support_ticket:{ticketId}`).
   *
   * Delivered to `support_ticket:{ticketId}`.
   */
  support_queue_position_updated: (payload: SupportQueuePositionUpdatedPayload) => void;
  /**
   * A new member joined the group.
   *
   * Delivery decision: the group's room (`group:{groupId}`).
   *
   * Delivered to `group:{groupId}`.
   */
  group_member_joined: (payload: GroupMemberJoinedPayload) => void;
  /**
   * A member left the group.
   *
   * Delivery decision: the group's room (`group:{groupId}`).
   *
   * Delivered to `group:{groupId}`.
   */
  group_member_left: (payload: GroupMemberLeftPayload) => void;
  /**
   * The group reached its required number of members.
   *
   * Delivery decision: the group's room (`group:{groupId}`).
   *
   * Delivered to `group:{groupId}`.
   */
  group_complete: (payload: GroupCompletePayload) => void;
  /**
   * A new message in the group chat.
   *
   * Delivery decision: the group's room (`group:{groupId}`), the sender's devices included.
   *
   * Delivered to `group:{groupId}`.
   */
  group_message: (payload: GroupMessagePayload) => void;
  /**
   * The group was cancelled by its creator.
   *
   * Delivery decision: the group's room (`group:{groupId}`).
   *
   * Delivered to `group:{groupId}`.
   */
  group_cancelled: (payload: GroupCancelledPayload) => void;
  /**
   * A new message from a store.
   *
   * Delivery decision: the conversation's room (`store_conversation:{conversationId}`).
   *
   * Delivered to `store_conversation:{conversationId}`.
   */
  store_message: (payload: StoreMessagePayload) => void;
  /**
   * The store is typing.
   *
   * Delivery decision: the conversation's room (`store_conversation:{conversationId}`).
   *
   * Delivered to `store_conversation:{conversationId}`.
   */
  store_typing: (payload: StoreTypingPayload) => void;
  /**
   * A store came online.
   *
   * Delivery decision: the spec does not say; it goes to the store's presence room (`store:{storeId}`), entered through the `store_{storeId}` channel.
   *
   * Delivered to `store:{storeId}`.
   */
  store_online: (payload: StoreOnlinePayload) => void;
  /**
   * A store went offline.
   *
   * Delivery decision: the spec does not say; it goes to the store's presence room (`store:{storeId}`), entered through the `store_{storeId}` channel.
   *
   * Delivered to `store:{storeId}`.
   */
  store_offline: (payload: StoreOfflinePayload) => void;
  /**
   * A new post in the user's feed.
   *
   * Delivery decision: the author's feed room (`feed:{userId}`, userId being the author), which the author's followers enter through the `feed` channel.
   *
   * Delivered to `feed:{userId}`.
   */
  feed_new_post: (payload: FeedNewPostPayload) => void;
  /**
   * Someone liked the user's post.
   *
   * Delivery decision: the payload does not name the post's owner; the publisher gives it, and the event goes to the owner's private room (`user:{userId}`).
   *
   * Delivered to `user:{userId}`.
   */
  feed_post_liked: (payload: FeedPostLikedPayload) => void;
  /**
   * A new comment on the user's post.
   *
   * Delivery decision: the payload names the commenter, not the post's owner; the publisher gives the owner, and the event goes to the owner's private room (`user:{userId}`).
   *
   * Delivered to `user:{userId}`.
   */
  feed_post_commented: (payload: FeedPostCommentedPayload) => void;
  /**
   * The user has a new follower.
   *
   * Delivery decision: the payload names the follower only; the publisher gives the followed user, and the event goes to that user's private room (`user:{userId}`).
   *
   * Delivered to `user:{userId}`.
   */
  feed_user_followed: (payload: FeedUserFollowedPayload) => void;
  /**
   * A leaderboard was refreshed.
   *
   * Delivery decision: the leaderboard's room (`leaderboard:{period}`, period from the payload).
   *
   * Delivered to `leaderboard:{period}`.
   */
  leaderboard_update: (payload: LeaderboardUpdatePayload) => void;
  /**
   * The user's rank changed.
   *
   * Delivery decision: the user's private room (`user:{userId}`, userId from the payload).
   *
   * Delivered to `user:{userId}`.
   */
  leaderboard_rank_change: (payload: LeaderboardRankChangePayload) => void;
  /**
   * The user earned an achievement.
   *
   * Delivery decision: the payload does not name the user; the publisher gives it, and the event goes to the user's private room (`user:{userId}`).
   *
   * Delivered to `user:{userId}`.
   */
  leaderboard_achievement: (payload: LeaderboardAchievementPayload) => void;
  /**
   * Scheduled maintenance is coming.
   *
   * Delivery decision: every connection (broadcast).
   *
   * Delivered to every connection.
   */
  system_maintenance: (payload: SystemMaintenancePayload) => void;
  /**
   * An app update is required.
   *
   * When `isForced` is true the app must block until it is updated; when false the update is recommended. Delivery decision: every connection (broadcast); the app compares `version` with its own.
   *
   * Delivered to every connection.
   */
  force_update: (payload: ForceUpdatePayload) => void;
  /**
   * The user's session expired.
   *
   * The app must log in again. Delivery decision: the publisher gives the user, and the event goes to every connection of that user (`user:{userId}`).
   *
   * Delivered to `user:{userId}`.
   */
  session_expired: (payload: SessionExpiredPayload) => void;
  /**
   * The user's JWT was refreshed.
   *
   * The current connection stays open; the new token must be used for the next connection and every reconnection (as the `token` query parameter or `auth.token`). Delivery decision: the publisher gives the user, and the event goes to every connection of that user (`user:{userId}`).
   *
   * Delivered to `user:{userId}`.
   */
  token_refresh: (payload: TokenRefreshPayload) => void;
}

/** Events the client sends with `socket.emit(name, payload[, ack])`; the server validates every one. */
export interface ClientToServerEvents {
  /**
   * Subscribe to a channel.
   *
   * The channel is one of the names under Channels; names with a parameter carry the id in the name (`support_ticket_123`). The server enters the channel's rooms after its authorisation policy allows each one, and remembers the subscription so that it is restored on reconnection.
   */
  subscribe: (payload: SubscribePayload, ack: (response: SubscriptionAck | AckError) => void) => void;
  /**
   * Unsubscribe from a channel.
   *
   * Leaves the channel's rooms and forgets the subscription. Unsubscribing from a channel the connection is not in is not an error.
   */
  unsubscribe: (payload: UnsubscribePayload, ack: (response: SubscriptionAck | AckError) => void) => void;
  /**
   * Application-level keep-alive, sent every 30 s by the client.
   *
   * Socket.IO has its own ping/pong; this event lets the app measure round trips and tells the server the app is in the foreground. Answered with `heartbeat_ack`.
   */
  heartbeat: (payload: HeartbeatPayload) => void;
  /**
   * Join a support ticket's room.
   *
   * Enters `support_ticket:{ticketId}` after the authorisation policy confirms the user owns the ticket (FORBIDDEN otherwise). Same effect as subscribing to the `support_ticket_{ticketId}` channel.
   */
  join_ticket: (payload: TicketMembership, ack: (response: JoinTicketAck | AckError) => void) => void;
  /**
   * Leave a support ticket's room.
   *
   * Leaving a ticket room the connection is not in is not an error.
   */
  leave_ticket: (payload: TicketMembership, ack: (response: LeaveTicketAck | AckError) => void) => void;
  /**
   * The user started typing.
   *
   * The server relays typing to the ticket's agents through the support backend; there is no server-to-client "user typing" event in the REZ app. The user must belong to the ticket.
   */
  user_typing_start: (payload: TicketMembership) => void;
  /**
   * The user stopped typing.
   *
   * The server relays typing to the ticket's agents through the support backend; there is no server-to-client "user typing" event in the REZ app. The user must belong to the ticket.
   */
  user_typing_stop: (payload: TicketMembership) => void;
  /**
   * Mark a message as read.
   *
   * Records the read receipt and tells the ticket's room with `support_message_read`.
   */
  message_read: (payload: MessageReadPayload, ack: (response: MessageReadAck | AckError) => void) => void;
}

/** Every server-to-client event name. */
export type ServerToClientEventName = keyof ServerToClientEvents;
/** Every client-to-server event name. */
export type ClientToServerEventName = keyof ClientToServerEvents;
/** The payload type of a server-to-client event. */
export type ServerToClientPayload<E extends ServerToClientEventName> = Parameters<ServerToClientEvents[E]>[0];
/** The payload type of a client-to-server event. */
export type ClientToServerPayload<E extends ClientToServerEventName> = Parameters<ClientToServerEvents[E]>[0];
/** Connection management: the events of the `connection` domain. */
export type ConnectionEvents = "subscribe" | "unsubscribe" | "heartbeat" | "connected" | "disconnected" | "heartbeat_ack";
/** Errors: the events of the `errors` domain. */
export type ErrorsEvents = "error" | "connection_error";
/** Orders & tracking: the events of the `orders` domain. */
export type OrdersEvents = "order_status_update" | "order_location_update" | "order_eta_update" | "order_delivered" | "order_cancelled";
/** Offers & deals: the events of the `offers` domain. */
export type OffersEvents = "new_offer" | "offer_updated" | "offer_expired" | "deal_notification";
/** Cart & shopping: the events of the `cart` domain. */
export type CartEvents = "cart_sync" | "price_update" | "stock_update" | "cart_item_reserved" | "cart_item_released";
/** Support chat: the events of the `support` domain. */
export type SupportEvents = "join_ticket" | "leave_ticket" | "user_typing_start" | "user_typing_stop" | "message_read" | "support_message_received" | "support_message_delivered" | "support_message_read" | "support_agent_assigned" | "support_agent_typing_start" | "support_agent_typing_stop" | "support_agent_status_changed" | "support_ticket_status_changed" | "support_queue_position_updated";
/** Group buying: the events of the `group_buying` domain. */
export type GroupBuyingEvents = "group_member_joined" | "group_member_left" | "group_complete" | "group_message" | "group_cancelled";
/** Store messaging: the events of the `store_messaging` domain. */
export type StoreMessagingEvents = "store_message" | "store_typing" | "store_online" | "store_offline";
/** Social feed: the events of the `social` domain. */
export type SocialEvents = "feed_new_post" | "feed_post_liked" | "feed_post_commented" | "feed_user_followed";
/** Leaderboard & gamification: the events of the `leaderboard` domain. */
export type LeaderboardEvents = "leaderboard_update" | "leaderboard_rank_change" | "leaderboard_achievement";
/** System: the events of the `system` domain. */
export type SystemEvents = "system_maintenance" | "force_update" | "session_expired" | "token_refresh";

// -- rooms and channels ------------------------------------------------------------------------------------------

/** `user` room names. */
export type UserRoom = `user:${UserId}`;
/** `order` room names. */
export type OrderRoom = `order:${string}`;
/** `cart` room names. */
export type CartRoom = `cart:${UserId}`;
/** `product` room names. */
export type ProductRoom = `product:${string}`;
/** `support_ticket` room names. */
export type SupportTicketRoom = `support_ticket:${string}`;
/** `support_agent` room names. */
export type SupportAgentRoom = `support_agent:${string}`;
/** `group` room names. */
export type GroupRoom = `group:${string}`;
/** `store` room names. */
export type StoreRoom = `store:${string}`;
/** `store_conversation` room names. */
export type StoreConversationRoom = `store_conversation:${string}`;
/** `feed` room names. */
export type FeedRoom = `feed:${UserId}`;
/** `leaderboard` room names. */
export type LeaderboardRoom = `leaderboard:${LeaderboardPeriod}`;
/** `offers` room names. */
export type OffersRoom = `offers:${string}`;
/** `all_offers` room names. */
export type AllOffersRoom = `offers:*`;
/** Every room name the server delivers to. */
export type RoomName = UserRoom | OrderRoom | CartRoom | ProductRoom | SupportTicketRoom | SupportAgentRoom | GroupRoom | StoreRoom | StoreConversationRoom | FeedRoom | LeaderboardRoom | OffersRoom | AllOffersRoom;

/** Every name `subscribe` accepts. */
export type SubscribeChannel =
  | `orders`
  | `order_${string}`
  | `cart`
  | `offers`
  | `offers_${string}`
  | `feed`
  | `support_ticket_${string}`
  | `support_agent_${string}`
  | `group_${string}`
  | `store_${string}`
  | `store_conversation_${string}`
  | `leaderboard_${LeaderboardPeriod}`
  ;

// -- the values of index.js --------------------------------------------------------------------------------------

/** The catalog these typings were generated from. */
export declare const catalog: { readonly name: "rez-realtime"; readonly version: "1.1.0"; readonly namespace: "/" };
/** Every server-to-client event name, in catalog order. */
export declare const serverToClientEvents: readonly ServerToClientEventName[];
/** Every client-to-server event name, in catalog order. */
export declare const clientToServerEvents: readonly ClientToServerEventName[];
/** Builders of room names: `rooms.user("user_456")` is `"user:user_456"`. */
export declare const rooms: {
  /**
   * One user's private room.
   * Pattern: `user:{userId}`.
   */
  readonly user: (userId: UserId) => UserRoom;
  /**
   * Tracking of one order.
   * Pattern: `order:{orderId}`.
   */
  readonly order: (orderId: string) => OrderRoom;
  /**
   * One user's cart, across devices.
   * Pattern: `cart:{userId}`.
   */
  readonly cart: (userId: UserId) => CartRoom;
  /**
   * Price and stock of one product.
   * Pattern: `product:{productId}`.
   */
  readonly product: (productId: string) => ProductRoom;
  /**
   * One support conversation.
   * Pattern: `support_ticket:{ticketId}`.
   */
  readonly supportTicket: (ticketId: string) => SupportTicketRoom;
  /**
   * Presence of one support agent.
   * Pattern: `support_agent:{agentId}`.
   */
  readonly supportAgent: (agentId: string) => SupportAgentRoom;
  /**
   * One group-buying group and its chat.
   * Pattern: `group:{groupId}`.
   */
  readonly group: (groupId: string) => GroupRoom;
  /**
   * Presence of one store.
   * Pattern: `store:{storeId}`.
   */
  readonly store: (storeId: string) => StoreRoom;
  /**
   * One conversation between a user and a store.
   * Pattern: `store_conversation:{conversationId}`.
   */
  readonly storeConversation: (conversationId: string) => StoreConversationRoom;
  /**
   * Posts by one user, for that user's followers.
   * Pattern: `feed:{userId}`.
   */
  readonly feed: (userId: UserId) => FeedRoom;
  /**
   * One leaderboard.
   * Pattern: `leaderboard:{period}`.
   */
  readonly leaderboard: (period: LeaderboardPeriod) => LeaderboardRoom;
  /**
   * Offers of one category.
   * Pattern: `offers:{category}`.
   */
  readonly offers: (category: string) => OffersRoom;
  /**
   * Every offer and deal, whatever the category.
   * Pattern: `offers:*`.
   */
  readonly allOffers: AllOffersRoom;
};
/** Builders of subscribe channel names: `channels.order("ord_9f2c41")` is `"order_ord_9f2c41"`. */
export declare const channels: {
  /** Every active order of the user. */
  readonly orders: "orders";
  /** One order. */
  readonly order: (orderId: string) => SubscribeChannel;
  /** The user's cart and the price and stock of what is in it. */
  readonly cart: "cart";
  /** Every offer and deal. */
  readonly offers: "offers";
  /** Offers of one category. */
  readonly offersByCategory: (category: string) => SubscribeChannel;
  /** Posts of everyone the user follows. */
  readonly feed: "feed";
  /** One support ticket (same as join_ticket). */
  readonly supportTicket: (ticketId: string) => SubscribeChannel;
  /** Presence of the agent assigned to one of the user's tickets. */
  readonly supportAgent: (agentId: string) => SubscribeChannel;
  /** A group the user belongs to. */
  readonly group: (groupId: string) => SubscribeChannel;
  /** Whether a store is online. */
  readonly store: (storeId: string) => SubscribeChannel;
  /** One conversation with a store. */
  readonly storeConversation: (conversationId: string) => SubscribeChannel;
  /** One leaderboard. */
  readonly leaderboard: (period: LeaderboardPeriod) => SubscribeChannel;
};
