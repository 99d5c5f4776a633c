// generated from catalog.yaml by eventcat — do not edit
// Full feature demo 1.2.0: event names and room/channel name builders. Typed by index.d.ts.

export const catalog = Object.freeze({ name: "full-demo", version: "1.2.0", namespace: "/" });

export const serverToClientEvents = Object.freeze([
  "ticket_updated",
]);

export const clientToServerEvents = Object.freeze([
  "open_ticket",
]);

export const rooms = Object.freeze({
  user: (userId) => `user:${userId}`,
  board: (period) => `board:${period}`,
});

export const channels = Object.freeze({
  board: (period) => `board_${period}`,
});
