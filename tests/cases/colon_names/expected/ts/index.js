// generated from catalog.yaml by eventcat — do not edit
// Live auctions 0.3.0: event names and room/channel name builders. Typed by index.d.ts.

export const catalog = Object.freeze({ name: "live-auction", version: "0.3.0", namespace: "/" });

export const serverToClientEvents = Object.freeze([
  "bid:placed",
  "bid:outbid",
  "auction:closed",
  "auction:problem",
  "session:closing",
]);

export const clientToServerEvents = Object.freeze([
  "auction:watch",
  "auction:unwatch",
  "bid:place",
]);

export const rooms = Object.freeze({
  bidder: (bidderId) => `bidder:${bidderId}`,
  auction: (auctionId) => `auction:${auctionId}`,
});

export const channels = Object.freeze({
  auction: (auctionId) => `auction_${auctionId}`,
});
