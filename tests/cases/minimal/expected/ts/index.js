// generated from catalog.yaml by eventcat — do not edit
// Minimal 0.1.0: event names and room/channel name builders. Typed by index.d.ts.

export const catalog = Object.freeze({ name: "minimal", version: "0.1.0", namespace: "/" });

export const serverToClientEvents = Object.freeze([
  "headline_published",
]);

export const clientToServerEvents = Object.freeze([
]);

export const rooms = Object.freeze({
});

export const channels = Object.freeze({
});
