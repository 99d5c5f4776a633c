// The official Socket.IO client against a running REZ server.
//
//   node socketio-client.mjs URL BAD_TOKEN GOOD_TOKEN
//
// Prints one JSON object per line:
//   {"step": "refused", "message": err.message, "data": err.data}        connecting with BAD_TOKEN
//   {"step": "connected", "payload": {...}}                               GOOD_TOKEN over WebSocket
//   {"step": "subscribe", "ack": {...}}                                   subscribe leaderboard_daily
//   {"step": "subscribe_invalid", "ack": {...}}                           subscribe with an empty payload
//   {"step": "done"}
// Exits 0 when every step ran, 2 on a wrong use or an unexpected outcome, 3 when it ran out of time (10 s).
import { io } from "socket.io-client";

const [url, badToken, goodToken] = process.argv.slice(2);
if (!url || !badToken || !goodToken) {
  console.error("usage: node socketio-client.mjs URL BAD_TOKEN GOOD_TOKEN");
  process.exit(2);
}

const sockets = [];
const overall = setTimeout(() => {
  console.error("timed out after 10 s");
  for (const socket of sockets) socket.disconnect();
  process.exit(3);
}, 10_000);

const print = (value) => console.log(JSON.stringify(value));

function open(token) {
  const socket = io(url, {
    auth: { token },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  sockets.push(socket);
  return socket;
}

// (a) A bad token: the server refuses the handshake with a connect_error.
async function refused() {
  const socket = open(badToken);
  await new Promise((resolve, reject) => {
    socket.on("connect", () => reject(new Error("the bad token was accepted")));
    socket.on("connect_error", (err) => {
      print({ step: "refused", message: err.message, data: err.data ?? null });
      resolve();
    });
  });
  socket.disconnect();
}

// (b) A good token: `connected`, then two subscribes with acks.
async function accepted() {
  const socket = open(goodToken);
  const connected = await new Promise((resolve, reject) => {
    socket.on("connect_error", (err) => reject(new Error(`refused: ${err.message} ${JSON.stringify(err.data)}`)));
    socket.on("connected", (payload) => resolve(payload));
  });
  print({ step: "connected", socketId: socket.id, payload: connected });
  const ack = await socket.timeout(5_000).emitWithAck("subscribe", { channel: "leaderboard_daily" });
  print({ step: "subscribe", ack });
  const invalid = await socket.timeout(5_000).emitWithAck("subscribe", {});
  print({ step: "subscribe_invalid", ack: invalid });
  socket.disconnect();
}

try {
  await refused();
  await accepted();
  print({ step: "done" });
  clearTimeout(overall);
  process.exit(0);
} catch (err) {
  console.error(String(err?.stack ?? err));
  clearTimeout(overall);
  process.exit(2);
}
