// generated from catalog.yaml by eventcat — do not edit
// Team notes 1.0.0: event names and room/channel name builders. Typed by index.d.ts.

export const catalog = Object.freeze({ name: "team-notes", version: "1.0.0", namespace: "/" });

export const serverToClientEvents = Object.freeze([
  "noteAdded",
  "boardsReset",
]);

export const clientToServerEvents = Object.freeze([
  "openBoard",
  "addNote",
]);

export const rooms = Object.freeze({
  board: (boardId) => `board:${boardId}`,
});

export const channels = Object.freeze({
});
