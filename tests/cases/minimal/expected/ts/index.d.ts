// generated from catalog.yaml by eventcat — do not edit
/**
 * Minimal 0.1.0: typings for socket.io-client.
 *
 * ```ts
 * import { io, Socket } from "socket.io-client";
 * import type { ServerToClientEvents, ClientToServerEvents } from "minimal";
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {});
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
 * - `"VALIDATION_ERROR"`: The payload does not match the catalog; details lists each problem.
 * - `"UNKNOWN_EVENT"`: The event name is not in the catalog (or not client-to-server).
 * - `"FORBIDDEN"`: The user may not do this (another user's id, a room the user may not enter).
 * - `"RATE_LIMITED"`: Too many events; details.retryAfterMs says when to try again.
 * - `"PAYLOAD_TOO_LARGE"`: The payload is over the event's size limit.
 * - `"INTERNAL_ERROR"`: The server failed; the event was not processed. Safe to retry.
 */
export type ErrorCode = "VALIDATION_ERROR" | "UNKNOWN_EVENT" | "FORBIDDEN" | "RATE_LIMITED" | "PAYLOAD_TOO_LARGE" | "INTERNAL_ERROR";

export interface HeadlinePublishedPayload {
  title: string;
}

// -- events ------------------------------------------------------------------------------------------------------

/** Events the server sends; listen with `socket.on(name, (payload) => ...)`. */
export interface ServerToClientEvents {
  /**
   * A headline was published.
   *
   * Delivered to every connection.
   */
  headline_published: (payload: HeadlinePublishedPayload) => void;
}

/** Events the client sends with `socket.emit(name, payload[, ack])`; the server validates every one. */
export interface ClientToServerEvents {
}

/** Every server-to-client event name. */
export type ServerToClientEventName = keyof ServerToClientEvents;
/** Every client-to-server event name. */
export type ClientToServerEventName = keyof ClientToServerEvents;
/** The payload type of a server-to-client event. */
export type ServerToClientPayload<E extends ServerToClientEventName> = Parameters<ServerToClientEvents[E]>[0];
/** The payload type of a client-to-server event. */
export type ClientToServerPayload<E extends ClientToServerEventName> = Parameters<ClientToServerEvents[E]>[0];
/** News: the events of the `news` domain. */
export type NewsEvents = "headline_published";

// -- rooms and channels ------------------------------------------------------------------------------------------

/** Every room name the server delivers to. */
export type RoomName = never;

/** Every name `subscribe` accepts. */
export type SubscribeChannel = never;

// -- the values of index.js --------------------------------------------------------------------------------------

/** The catalog these typings were generated from. */
export declare const catalog: { readonly name: "minimal"; readonly version: "0.1.0"; readonly namespace: "/" };
/** Every server-to-client event name, in catalog order. */
export declare const serverToClientEvents: readonly ServerToClientEventName[];
/** Every client-to-server event name, in catalog order. */
export declare const clientToServerEvents: readonly ClientToServerEventName[];
/** Builders of room names, one per room of the catalog. */
export declare const rooms: {
};
/** Builders of subscribe channel names, one per channel of the catalog. */
export declare const channels: {
};
