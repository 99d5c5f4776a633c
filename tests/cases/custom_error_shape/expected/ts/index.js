// generated from catalog.yaml by eventcat — do not edit
// Auction house 2.0.0: event names and room/channel name builders. Typed by index.d.ts.

export const catalog = Object.freeze({ name: "auction-house", version: "2.0.0", namespace: "/" });

export const serverToClientEvents = Object.freeze([
  "problem",
  "keep_alive_ack",
  "closing",
  "slow_down",
]);

export const clientToServerEvents = Object.freeze([
  "place_bid",
  "keep_alive",
]);

export const rooms = Object.freeze({
  bidder: (bidderId) => `bidder:${bidderId}`,
});

export const channels = Object.freeze({
});
