// The official Socket.IO client against a server of a catalog with conventions of its own (tests/desk.py): its
// heartbeat (ping -> pong), an ack refusal in its error shape, its error event, its room event without a recovery
// offset, and no connection state recovery (the catalog declares none).
//
//   node conventions-client.mjs URL TOKEN
//
// Prints one JSON object per line:
//   {"step": "connected", "recovered": bool, "pid": string|null}
//   {"step": "pong", "args": [...]}                    after ping {sentAt: 7, nonce: "n"}
//   {"step": "refused_ack", "ack": {...}}              note:add with a number as text, with an ack callback
//   {"step": "error_event", "args": [...]}             the same without an ack callback
//   {"step": "added", "ack": {...}}                    note:add "hello" (enters the desk room)
//   {"step": "room_event", "args": [...]}              note:added published to the room (by the test)
//   {"step": "done"}
// Exits 0 when every step ran, 2 on a wrong use, 3 when it ran out of time (10 s).
import { io } from "socket.io-client";

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error("usage: node conventions-client.mjs URL TOKEN");
  process.exit(2);
}
const print = (value) => console.log(JSON.stringify(value));
const socket = io(url, { auth: { token }, transports: ["websocket"], reconnection: false, timeout: 5_000 });
const overall = setTimeout(() => {
  console.error("timed out after 10 s");
  socket.disconnect();
  process.exit(3);
}, 10_000);

const next = (event) => new Promise((resolve) => socket.once(event, (...args) => resolve(args)));

socket.on("connect_error", (err) => {
  console.error(`connect_error: ${err.message}`);
  process.exit(2);
});

socket.on("connect", async () => {
  print({ step: "connected", recovered: socket.recovered === true, pid: socket._pid ?? null });
  const pong = next("pong");
  socket.emit("ping", { sentAt: 7, nonce: "n" });
  print({ step: "pong", args: await pong });
  print({ step: "refused_ack", ack: await socket.emitWithAck("note:add", { text: 5 }) });
  const oops = next("oops");
  socket.emit("note:add", { text: 5 });
  print({ step: "error_event", args: await oops });
  const added = next("note:added");
  print({ step: "added", ack: await socket.emitWithAck("note:add", { text: "hello" }) });
  // The handler's own note:added left before the client entered the room; the test publishes the next one.
  print({ step: "room_event", args: await added });
  print({ step: "done" });
  clearTimeout(overall);
  socket.disconnect();
  process.exit(0);
});
