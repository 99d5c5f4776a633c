// generated from catalog.yaml by eventcat — do not edit
/**
 * Full feature demo 1.2.0: typings for socket.io-client.
 *
 * ```ts
 * import { io, Socket } from "socket.io-client";
 * import type { ServerToClientEvents, ClientToServerEvents } from "full-demo";
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 * ```
 */

// -- payloads and named types ------------------------------------------------------------------------------------

/** What every acknowledgement carries when the server refused the event. */
export interface AckError {
  ok: false;
  error: Error;
}

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

export interface Money {
  /**
   * Unit: euros.
   * @minimum 0
   * @multipleOf 0.01
   */
  amount: number;
  currency: "EUR";
}

export interface OpenTicketAck {
  ok: true;
  /** A UUID in its hyphenated form. */
  ticketId: string;
  state: TicketState;
}

export interface OpenTicketContact {
  /** An email address. */
  email: string;
  /** An absolute URI. */
  website?: string;
  /** Keys the catalog does not name are allowed. */
  [key: string]: unknown;
}

export interface OpenTicketPayload {
  /** Must be the authenticated user's id. */
  userId: UserId;
  priority: Priority;
  /** @maxLength 120 */
  subject: string;
  contact?: OpenTicketContact;
  /** @maxItems 5 */
  tags?: string[];
  /** Calendar date, ISO 8601 (YYYY-MM-DD). */
  due?: string | null;
}

/**
 * How urgent a ticket is.
 * - `"low"`: Can wait.
 * - `"high"`: Needs an agent now.
 */
export type Priority = "low" | "high";

export type TicketState = "open" | "closed";

export interface TicketUpdatedLinesItem {
  text: string;
  cost: Money;
}

export interface TicketUpdatedPayload {
  /** A UUID in its hyphenated form. */
  ticketId: string;
  /** Date and time, ISO 8601 (RFC 3339) with a timezone. */
  at: string;
  lines: TicketUpdatedLinesItem[];
  extra: unknown;
  /** JSON Schema: `{"propertyNames": {"pattern": "^[a-z]+$"}, "type": "object"}` */
  meta: unknown;
  actor: UserId | "system";
  /** @deprecated Deprecated. */
  priority: Priority;
  /**
   * Unit: seconds.
   * An integer.
   * @minimum 0
   */
  secondsLeft: number | null;
}

/**
 * @minLength 1
 * @maxLength 64
 * @pattern ^u_[a-z0-9]+$
 */
export type UserId = string;

// -- events ------------------------------------------------------------------------------------------------------

/** Events the server sends; listen with `socket.on(name, (payload) => ...)`. */
export interface ServerToClientEvents {
  /**
   * A ticket changed.
   *
   * Delivered to `user:{userId}`.
   * @deprecated Deprecated. Since 1.1.0. Use `ticket_changed` instead.
   */
  ticket_updated: (payload: TicketUpdatedPayload) => void;
}

/** Events the client sends with `socket.emit(name, payload[, ack])`; the server validates every one. */
export interface ClientToServerEvents {
  /** Open a support ticket. */
  open_ticket: (payload: OpenTicketPayload, ack: (response: OpenTicketAck | AckError) => void) => void;
}

/** Every server-to-client event name. */
export type ServerToClientEventName = keyof ServerToClientEvents;
/** Every client-to-server event name. */
export type ClientToServerEventName = keyof ClientToServerEvents;
/** The payload type of a server-to-client event. */
export type ServerToClientPayload<E extends ServerToClientEventName> = Parameters<ServerToClientEvents[E]>[0];
/** The payload type of a client-to-server event. */
export type ClientToServerPayload<E extends ClientToServerEventName> = Parameters<ClientToServerEvents[E]>[0];
/** Support tickets: the events of the `tickets` domain. */
export type TicketsEvents = "open_ticket" | "ticket_updated";

// -- rooms and channels ------------------------------------------------------------------------------------------

/** `user` room names. */
export type UserRoom = `user:${UserId}`;
/** `board` room names. */
export type BoardRoom = `board:${"daily" | "weekly"}`;
/** Every room name the server delivers to. */
export type RoomName = UserRoom | BoardRoom;

/** Every name `subscribe` accepts. */
export type SubscribeChannel =
  | `board_${"daily" | "weekly"}`
  ;

// -- the values of index.js --------------------------------------------------------------------------------------

/** The catalog these typings were generated from. */
export declare const catalog: { readonly name: "full-demo"; readonly version: "1.2.0"; readonly namespace: "/" };
/** Every server-to-client event name, in catalog order. */
export declare const serverToClientEvents: readonly ServerToClientEventName[];
/** Every client-to-server event name, in catalog order. */
export declare const clientToServerEvents: readonly ClientToServerEventName[];
/** Builders of room names: `rooms.user("u_1")` is `"user:u_1"`. */
export declare const rooms: {
  /**
   * The `user:{userId}` room.
   * Pattern: `user:{userId}`.
   */
  readonly user: (userId: UserId) => UserRoom;
  /**
   * The `board:{period}` room.
   * Pattern: `board:{period}`.
   */
  readonly board: (period: "daily" | "weekly") => BoardRoom;
};
/** Builders of subscribe channel names: `channels.board("daily")` is `"board_daily"`. */
export declare const channels: {
  /** The `board_{period}` channel. */
  readonly board: (period: "daily" | "weekly") => SubscribeChannel;
};
