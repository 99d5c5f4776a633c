// The official Socket.IO client through a dropped connection: connection state recovery as a Node app sees it.
//
//   node recovery.mjs CONFIG_JSON
//
// CONFIG_JSON:
//   url                first server; the socket connects there with auth {token}
//   token              JWT
//   channel            subscribed to (with an ack) on the first connection only
//   event              the numbered event to record (its payload's message is "n=<i>")
//   dropAfter          drop the transport (socket.io.engine.close()) once this many numbered events arrived
//   reconnectionDelay  ms before the Manager reconnects (no randomisation)
//   switchTo           when set, the socket does not come back to `url`: on the stdin command `reconnect` a new
//                      socket to switchTo is opened carrying the old one's private session id and last offset
//                      (`_pid`, `_lastOffset`, the fields socket.io-client keeps for recovery)
//   timeoutMs          overall limit (exit 3)
//   tolerateConnectErrors  print connect_error and let the Manager retry (a restarting server), instead of exit 2
//
// stdin commands (one per line): `drop` (close the transport now), `reconnect` (switchTo mode), `end N` (exit 0
// once the event numbered N has arrived).
//
// Prints one JSON object per line, each with `t` (ms since start):
//   {"step": "connected", "index", "url", "recovered": socket.recovered, "pid", "offset", "payload"}
//   {"step": "subscribed", "ack"}
//   {"step": "event", "n", "offset", "index"}          every numbered event, `index` = which connection got it
//   {"step": "dropping", "count", "lastN", "offset"}
//   {"step": "disconnected", "index", "reason"}
//   {"step": "reconnecting", "url", "pid", "offset"}   switchTo mode, right before connect()
//   {"step": "done", "count"}
// Exits 0 after `done`, 2 on an unexpected outcome, 3 when out of time.
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const config = JSON.parse(process.argv[2] ?? "{}");
const { url, token, channel, event = "order_status_update", switchTo = null } = config;
if (!url || !token || !channel) {
  console.error("usage: node recovery.mjs '{\"url\": ..., \"token\": ..., \"channel\": ...}'");
  process.exit(2);
}
const dropAfter = config.dropAfter ?? null;
const reconnectionDelay = config.reconnectionDelay ?? 100;
const started = performance.now();
const print = (value) => console.log(JSON.stringify({ ...value, t: +(performance.now() - started).toFixed(3) }));
const sockets = [];

function finish(code, message) {
  if (message) console.error(message);
  for (const socket of sockets) {
    socket.io.reconnection(false);
    socket.disconnect();
  }
  process.exit(code);
}

setTimeout(() => finish(3, `timed out after ${config.timeoutMs ?? 20_000} ms`), config.timeoutMs ?? 20_000);

let count = 0;
let lastN = null;
let endN = null;
let dropped = false;
let connections = 0;
let current = null;
const seen = new Set();

function checkEnd() {
  if (endN !== null && seen.has(endN)) {
    print({ step: "done", count });
    finish(0);
  }
}

function drop(socket) {
  if (dropped) return;
  dropped = true;
  print({ step: "dropping", count, lastN, offset: socket._lastOffset ?? null });
  socket.io.engine.close();
}

function wire(socket, target) {
  sockets.push(socket);
  current = socket;
  socket.on("connect_error", (err) => {
    if (config.tolerateConnectErrors) {
      // A server restarting: the Manager retries until the new one answers.
      print({ step: "connect_error", message: err.message });
      return;
    }
    finish(2, `connect_error on ${target}: ${err.message} ${JSON.stringify(err.data ?? null)}`);
  });
  socket.on("connected", async (payload) => {
    const index = connections++;
    print({
      step: "connected",
      index,
      url: target,
      recovered: socket.recovered,
      pid: socket._pid ?? null,
      offset: socket._lastOffset ?? null,
      payload,
    });
    if (index === 0) {
      try {
        const ack = await socket.timeout(5_000).emitWithAck("subscribe", { channel });
        print({ step: "subscribed", ack });
      } catch (err) {
        finish(2, `subscribe failed: ${err}`);
      }
    }
  });
  socket.on(event, (payload, offset) => {
    const match = /^n=(\d+)$/.exec(payload?.message ?? "");
    if (!match) return;
    const n = Number(match[1]);
    count++;
    lastN = n;
    seen.add(n);
    print({ step: "event", n, offset: offset ?? null, index: connections - 1 });
    if (dropAfter !== null && count === dropAfter) drop(socket);
    checkEnd();
  });
  socket.on("disconnect", (reason) => {
    print({ step: "disconnected", index: connections - 1, reason });
  });
}

function open(target, previous) {
  const socket = io(target, {
    auth: { token },
    transports: ["websocket"],
    forceNew: true,
    autoConnect: false,
    reconnection: !switchTo,
    reconnectionDelay,
    reconnectionDelayMax: Math.max(reconnectionDelay, 5_000),
    randomizationFactor: 0,
    timeout: 5_000,
  });
  if (previous) {
    // What the Manager would have carried over had it reconnected to the same URL.
    socket._pid = previous._pid;
    socket._lastOffset = previous._lastOffset;
  }
  wire(socket, target);
  return socket;
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === "drop") {
    drop(current);
  } else if (command === "reconnect") {
    const previous = sockets[0];
    const socket = open(switchTo, previous);
    print({ step: "reconnecting", url: switchTo, pid: socket._pid ?? null, offset: socket._lastOffset ?? null });
    socket.connect();
  } else if (command === "end") {
    endN = Number(arg);
    checkEnd();
  }
});

open(url, null).connect();
