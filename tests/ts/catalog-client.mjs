// The official Socket.IO client driving any catalog's server through a script of steps.
//
//   node catalog-client.mjs URL TOKEN STEPS_JSON
//
// TOKEN is "-" for none. STEPS_JSON is a list of steps, run in order:
//   {"emit": NAME, "payload": {...}}                 emit with an ack callback; prints {"step", "ack"}
//   {"emit": NAME, "payload": {...}, "ack": false}   emit without one; prints {"step", "sent": true}
//   {"wait": NAME}                                   until NAME arrives (or has arrived); prints {"step", "payload"}
// Before the steps it prints {"step": "connected"} or, when the server refuses the handshake,
// {"step": "refused", "message": err.message, "data": err.data} and exits 0.
// Exits 0 when every step ran, 2 on a wrong use, 3 when it ran out of time (10 s).
import { io } from "socket.io-client";

const [url, token, stepsJson] = process.argv.slice(2);
if (!url || !token || !stepsJson) {
  console.error("usage: node catalog-client.mjs URL TOKEN|- STEPS_JSON");
  process.exit(2);
}
const steps = JSON.parse(stepsJson);
const print = (value) => console.log(JSON.stringify(value));

const socket = io(url, {
  auth: token === "-" ? {} : { token },
  transports: ["websocket"],
  reconnection: false,
  forceNew: true,
  timeout: 5_000,
});
const overall = setTimeout(() => {
  console.error("timed out after 10 s");
  socket.disconnect();
  process.exit(3);
}, 10_000);

// Everything the server sends, kept in arrival order so that a `wait` finds an event that came early.
const arrived = [];
const waiting = [];
socket.onAny((name, payload) => {
  arrived.push({ name, payload });
  for (const waiter of [...waiting]) waiter();
});

function next(name) {
  return new Promise((resolve) => {
    const look = () => {
      const index = arrived.findIndex((entry) => entry.name === name);
      if (index < 0) return false;
      const [entry] = arrived.splice(index, 1);
      waiting.splice(waiting.indexOf(look), 1);
      resolve(entry.payload);
      return true;
    };
    waiting.push(look);
    look();
  });
}

const connected = await new Promise((resolve) => {
  socket.on("connect", () => resolve(true));
  socket.on("connect_error", (err) => {
    print({ step: "refused", message: err.message, data: err.data ?? null });
    resolve(false);
  });
});
if (connected) {
  print({ step: "connected" });
  for (const [index, step] of steps.entries()) {
    if (step.wait) {
      print({ step: index, event: step.wait, payload: await next(step.wait) });
    } else if (step.ack === false) {
      socket.emit(step.emit, step.payload);
      print({ step: index, event: step.emit, sent: true });
    } else {
      const ack = await socket.timeout(5_000).emitWithAck(step.emit, step.payload);
      print({ step: index, event: step.emit, ack });
    }
  }
}
clearTimeout(overall);
socket.disconnect();
process.exit(0);
