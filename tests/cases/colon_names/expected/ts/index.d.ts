// generated from catalog.yaml by eventcat — do not edit
/**
 * Live auctions 0.3.0: typings for socket.io-client.
 *
 * ```ts
 * import { io, Socket } from "socket.io-client";
 * import type { ServerToClientEvents, ClientToServerEvents } from "live-auction";
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 * ```
 */

// -- payloads and named types ------------------------------------------------------------------------------------

/** What every acknowledgement carries when the server refused the event. */
export interface AckError {
  ok: false;
  error: Error;
}

/**
 * Unit: euros.
 * @minimum 1
 */
export type Amount = number;

export interface AuctionClosedPayload {
  auctionId: AuctionId;
  finalAmount: Amount;
  winner?: BidderId;
}

/** @pattern ^auc_[a-z0-9]+$ */
export type AuctionId = string;

export interface AuctionUnwatchPayload {
  auctionId: AuctionId;
}

export interface AuctionWatchPayload {
  auctionId: AuctionId;
}

export interface BidAccepted {
  ok: true;
  bidId: string;
  amount: Amount;
}

export interface BidOutbidPayload {
  auctionId: AuctionId;
  amount: Amount;
}

export type BidOutcome = BidAccepted | BidQueued;

export interface BidPlacePayload {
  auctionId: AuctionId;
  amount: Amount;
}

export interface BidPlacedPayload {
  auctionId: AuctionId;
  bidId: string;
  amount: Amount;
  bidder: BidderId;
  /** Date and time, ISO 8601 (RFC 3339) with a timezone. */
  placedAt: string;
}

export interface BidQueued {
  ok: true;
  /**
   * An integer.
   * @minimum 1
   */
  queuedBehind: number;
}

/**
 * Identifier of a bidder.
 * @pattern ^bidder_[a-z0-9]+$
 */
export type BidderId = string;

/** Why the server refused an event. */
export interface Error {
  code: ErrorCode;
  /** Human-readable explanation. */
  message: string;
  /** Machine-readable context, e.g. the validation problems. */
  details?: unknown;
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

/** Why the server refused an event. */
export interface Problem {
  code: ProblemCode;
  message: string;
  details?: unknown;
  /** Correlates the refusal with the server's logs. */
  traceId: string;
}

/**
 * Codes a client branches on.
 * - `"AUTH_REQUIRED"`: No token.
 * - `"AUTH_INVALID"`: The token is malformed or forged.
 * - `"TOKEN_EXPIRED"`: The token has expired.
 * - `"VALIDATION_ERROR"`: The payload does not match the catalog.
 * - `"UNKNOWN_EVENT"`: Not a client-to-server event of this API.
 * - `"FORBIDDEN"`: Not allowed.
 * - `"RATE_LIMITED"`: Too many events.
 * - `"PAYLOAD_TOO_LARGE"`: Over the size limit.
 * - `"INTERNAL_ERROR"`: The server failed.
 * - `"BID_TOO_LOW"`: The bid is not above the current price.
 * - `"AUCTION_CLOSED"`: The auction has ended.
 */
export type ProblemCode = "AUTH_REQUIRED" | "AUTH_INVALID" | "TOKEN_EXPIRED" | "VALIDATION_ERROR" | "UNKNOWN_EVENT" | "FORBIDDEN" | "RATE_LIMITED" | "PAYLOAD_TOO_LARGE" | "INTERNAL_ERROR" | "BID_TOO_LOW" | "AUCTION_CLOSED";

export type SessionCloseReason = "server_shutdown" | "rate_limited" | "auction_house_closed";

export interface SessionClosingPayload {
  reason: SessionCloseReason;
  /**
   * Unit: milliseconds since the Unix epoch.
   * An integer.
   * @minimum 0
   */
  at: number;
}

export interface WatchAck {
  ok: true;
  auctionId: AuctionId;
  currentPrice: Amount;
}

// -- events ------------------------------------------------------------------------------------------------------

/** Events the server sends; listen with `socket.on(name, (payload) => ...)`. */
export interface ServerToClientEvents {
  /**
   * A bid was placed on an auction.
   *
   * Delivered to `auction:{auctionId}`.
   */
  "bid:placed": (payload: BidPlacedPayload) => void;
  /**
   * Someone bid above you.
   *
   * Delivered to `bidder:{bidderId}`.
   */
  "bid:outbid": (payload: BidOutbidPayload) => void;
  /**
   * The auction ended.
   *
   * Delivered to `auction:{auctionId}`.
   */
  "auction:closed": (payload: AuctionClosedPayload) => void;
  /**
   * An event was refused.
   *
   * Delivered to the connection concerned only.
   */
  "auction:problem": (payload: Problem) => void;
  /**
   * The server is about to close this connection.
   *
   * Delivered to the connection concerned only.
   */
  "session:closing": (payload: SessionClosingPayload) => void;
}

/** Events the client sends with `socket.emit(name, payload[, ack])`; the server validates every one. */
export interface ClientToServerEvents {
  /** Start receiving an auction's bids. */
  "auction:watch": (payload: AuctionWatchPayload, ack: (response: WatchAck | AckError) => void) => void;
  /** Stop receiving an auction's bids. */
  "auction:unwatch": (payload: AuctionUnwatchPayload) => void;
  /** Place a bid on an auction. */
  "bid:place": (payload: BidPlacePayload, ack: (response: BidOutcome | AckError) => void) => void;
}

/** Every server-to-client event name. */
export type ServerToClientEventName = keyof ServerToClientEvents;
/** Every client-to-server event name. */
export type ClientToServerEventName = keyof ClientToServerEvents;
/** The payload type of a server-to-client event. */
export type ServerToClientPayload<E extends ServerToClientEventName> = Parameters<ServerToClientEvents[E]>[0];
/** The payload type of a client-to-server event. */
export type ClientToServerPayload<E extends ClientToServerEventName> = Parameters<ClientToServerEvents[E]>[0];
/** Bidding: the events of the `bidding` domain. */
export type BiddingEvents = "auction:watch" | "auction:unwatch" | "bid:place" | "bid:placed" | "bid:outbid" | "auction:closed";
/** Session: the events of the `session` domain. */
export type SessionEvents = "auction:problem" | "session:closing";

// -- rooms and channels ------------------------------------------------------------------------------------------

/** `bidder` room names. */
export type BidderRoom = `bidder:${BidderId}`;
/** `auction` room names. */
export type AuctionRoom = `auction:${AuctionId}`;
/** Every room name the server delivers to. */
export type RoomName = BidderRoom | AuctionRoom;

/** Every name `subscribe` accepts. */
export type SubscribeChannel =
  | `auction_${string}`
  ;

// -- the values of index.js --------------------------------------------------------------------------------------

/** The catalog these typings were generated from. */
export declare const catalog: { readonly name: "live-auction"; readonly version: "0.3.0"; readonly namespace: "/" };
/** Every server-to-client event name, in catalog order. */
export declare const serverToClientEvents: readonly ServerToClientEventName[];
/** Every client-to-server event name, in catalog order. */
export declare const clientToServerEvents: readonly ClientToServerEventName[];
/** Builders of room names: `rooms.auction("auc_7f3")` is `"auction:auc_7f3"`. */
export declare const rooms: {
  /**
   * The `bidder:{bidderId}` room.
   * Pattern: `bidder:{bidderId}`.
   */
  readonly bidder: (bidderId: BidderId) => BidderRoom;
  /**
   * The `auction:{auctionId}` room.
   * Pattern: `auction:{auctionId}`.
   */
  readonly auction: (auctionId: AuctionId) => AuctionRoom;
};
/** Builders of subscribe channel names: `channels.auction("auc_7f3")` is `"auction_auc_7f3"`. */
export declare const channels: {
  /** Every bid and the close of one auction. */
  readonly auction: (auctionId: string) => SubscribeChannel;
};
