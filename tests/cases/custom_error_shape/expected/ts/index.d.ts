// generated from catalog.yaml by eventcat — do not edit
/**
 * Auction house 2.0.0: typings for socket.io-client.
 *
 * ```ts
 * import { io, Socket } from "socket.io-client";
 * import type { ServerToClientEvents, ClientToServerEvents } from "auction-house";
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 * ```
 */

// -- payloads and named types ------------------------------------------------------------------------------------

/** What every acknowledgement carries when the server refused the event. */
export interface AckError {
  ok: false;
  error: Problem;
}

export interface BidAccepted {
  ok: true;
  bidId: string;
}

export interface ClosingPayload {
  reason: "server_shutdown" | "rate_limited" | "auction_house_closed";
  /**
   * An integer.
   * @minimum 0
   */
  at: number;
}

export interface KeepAliveAckPayload {
  /**
   * An integer.
   * @minimum 0
   */
  sentAt: number;
}

export interface KeepAlivePayload {
  /**
   * An integer.
   * @minimum 0
   */
  sentAt: number;
  note?: string;
}

export interface PlaceBidPayload {
  auctionId: string;
  /** @minimum 1 */
  amount: number;
}

/** Why the server refused an event. */
export interface Problem {
  code: ProblemCode;
  message: string;
  details?: unknown;
  /** Correlates the refusal with the server's logs. */
  traceId: string;
  /**
   * Unit: milliseconds since the Unix epoch.
   * An integer.
   * @minimum 0
   */
  at: number;
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
 * - `"auction-closed"`: The auction has ended.
 */
export type ProblemCode = "AUTH_REQUIRED" | "AUTH_INVALID" | "TOKEN_EXPIRED" | "VALIDATION_ERROR" | "UNKNOWN_EVENT" | "FORBIDDEN" | "RATE_LIMITED" | "PAYLOAD_TOO_LARGE" | "INTERNAL_ERROR" | "BID_TOO_LOW" | "auction-closed";

export interface SlowDownPayload {
  reason: string;
  /** An integer. */
  attempts: number;
  /**
   * Unit: milliseconds.
   * An integer.
   * @minimum 0
   */
  waitMs: number;
  /** Date and time, ISO 8601 (RFC 3339) with a timezone. */
  timestamp?: string;
}

// -- events ------------------------------------------------------------------------------------------------------

/** Events the server sends; listen with `socket.on(name, (payload) => ...)`. */
export interface ServerToClientEvents {
  /**
   * An event sent without an ack callback was refused.
   *
   * Delivered to the connection concerned only.
   */
  problem: (payload: Problem) => void;
  /**
   * The answer to a keep_alive.
   *
   * Delivered to the connection concerned only.
   */
  keep_alive_ack: (payload: KeepAliveAckPayload) => void;
  /**
   * The server is about to close this connection.
   *
   * Delivered to the connection concerned only.
   */
  closing: (payload: ClosingPayload) => void;
  /**
   * This client reconnects too often.
   *
   * Delivered to the connection concerned only.
   */
  slow_down: (payload: SlowDownPayload) => void;
}

/** Events the client sends with `socket.emit(name, payload[, ack])`; the server validates every one. */
export interface ClientToServerEvents {
  /** Place a bid. */
  place_bid: (payload: PlaceBidPayload, ack: (response: BidAccepted | AckError) => void) => void;
  /** Application keep-alive. */
  keep_alive: (payload: KeepAlivePayload) => void;
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
export type BiddingEvents = "place_bid" | "problem";
/** Session: the events of the `session` domain. */
export type SessionEvents = "keep_alive" | "keep_alive_ack" | "closing" | "slow_down";

// -- rooms and channels ------------------------------------------------------------------------------------------

/** `bidder` room names. */
export type BidderRoom = `bidder:${string}`;
/** Every room name the server delivers to. */
export type RoomName = BidderRoom;

/** Every name `subscribe` accepts. */
export type SubscribeChannel = never;

// -- the values of index.js --------------------------------------------------------------------------------------

/** The catalog these typings were generated from. */
export declare const catalog: { readonly name: "auction-house"; readonly version: "2.0.0"; readonly namespace: "/" };
/** Every server-to-client event name, in catalog order. */
export declare const serverToClientEvents: readonly ServerToClientEventName[];
/** Every client-to-server event name, in catalog order. */
export declare const clientToServerEvents: readonly ClientToServerEventName[];
/** Builders of room names, one per room of the catalog. */
export declare const rooms: {
  /**
   * The `bidder:{bidderId}` room.
   * Pattern: `bidder:{bidderId}`.
   */
  readonly bidder: (bidderId: string) => BidderRoom;
};
/** Builders of subscribe channel names, one per channel of the catalog. */
export declare const channels: {
};
