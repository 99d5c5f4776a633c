// generated from catalog.yaml by eventcat — do not edit
// Board notes 1.0.0: event names and room/channel name builders. Typed by index.d.ts.

export const catalog = Object.freeze({ name: "board-notes", version: "1.0.0", namespace: "/" });

export const serverToClientEvents = Object.freeze([
  "note_added",
]);

export const clientToServerEvents = Object.freeze([
  "open_board",
]);

export const rooms = Object.freeze({
  board: (boardId) => `board:${boardId}`,
});

export const channels = Object.freeze({
});
