// generated from catalog.yaml by eventcat — do not edit
// Open payloads 0.3.0: event names and room/channel name builders. Typed by index.d.ts.

export const catalog = Object.freeze({ name: "open-payloads", version: "0.3.0", namespace: "/" });

export const serverToClientEvents = Object.freeze([
  "profile_updated",
]);

export const clientToServerEvents = Object.freeze([
]);

export const rooms = Object.freeze({
});

export const channels = Object.freeze({
});
