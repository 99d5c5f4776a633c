// Slow consumer: N normal clients (socket.io-client) and S clients that stop reading, all in the benchmark room. A
// slow client is a bare WebSocket (the `ws` package, without permessage-deflate, so that every event is its full
// size on the wire) that completes the Engine.IO/Socket.IO handshake itself (the JWT in the CONNECT packet,
// `40{"token":...}`), enters the room with `subscribe`, then answers nothing (no pong, no ack) and pauses its TCP
// socket: from then on nothing is read from it, and what the server sends it piles up in the kernel's buffers and
// then in the server's. On each `run` command the server emits at a steady rate (POST /bench/steady, events of
// `size` bytes); this answers once every normal client has every event, with their deliveries/s and latency.
//
//   node slow.mjs --url http://127.0.0.1:PORT --clients 100 --slow 5 --prefix run1
//   stdin: {"cmd": "run", "rate": 50, "seconds": 10, "size": 8000}
//   stdout: {"deliveries": ..., "rate": ..., "p99_ms": ..., "slow_bytes_read_after_pause": [...], "server": {...}}
import WebSocket from "ws";
import {
  args,
  closeAll,
  connectMany,
  emitWithAck,
  extensionsOf,
  fail,
  makeToken,
  nowMs,
  out,
  serveCommands,
} from "./common.mjs";

const EVENT = "order_status_update";
const ROOM = "order:ord_9f2c41";
const CHANNEL = "order_ord_9f2c41";
const a = args();
const url = a.url;
const n = Number(a.clients || 100);
const s = Number(a.slow || 5);
const prefix = a.prefix || `slow${process.pid}`;

const counts = new Int32Array(n);
let latencies = new Float64Array(0);
let expected = 0;
let received = 0;
let lastAt = 0;
let finished = null;

function onSocket(socket, i) {
  socket.on(EVENT, (payload) => {
    const at = nowMs();
    if (received < latencies.length) latencies[received] = at - Number.parseFloat(payload?.message);
    counts[i] += 1;
    received += 1;
    if (received === expected) {
      lastAt = at;
      finished?.();
    }
  });
}

// One client that stops reading once it is in the room; resolves with the paused `ws` and its TCP socket.
function openSlow(token, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
    });
    const timer = setTimeout(() => reject(new Error("slow client: handshake not done in time")), timeoutMs);
    let stage = "open";
    ws.on("error", (err) => {
      if (stage !== "paused") {
        clearTimeout(timer);
        reject(err);
      }
    });
    ws.on("message", (data) => {
      const text = data.toString();
      if (stage === "open" && text.startsWith("0")) {
        ws.send(`40${JSON.stringify({ token })}`); // Socket.IO CONNECT with the auth payload
        stage = "connecting";
      } else if (stage === "connecting" && text.startsWith("44")) {
        clearTimeout(timer);
        reject(new Error(`slow client refused: ${text}`));
      } else if (stage === "connecting" && text.startsWith("40")) {
        stage = "connected";
      } else if (stage === "connected" && text.startsWith('42["connected"')) {
        ws.send(`421${JSON.stringify(["subscribe", { channel: CHANNEL }])}`);
        stage = "subscribing";
      } else if (stage === "subscribing" && text.startsWith("431")) {
        clearTimeout(timer);
        const [answer] = JSON.parse(text.slice(3));
        if (answer?.ok !== true) return reject(new Error(`slow client: subscribe refused: ${text}`));
        stage = "paused";
        const tcp = ws._socket;
        tcp.pause();
        tcp.resume = () => tcp; // nothing (not even ws's own backpressure handling) reads from it again
        resolve({ ws, tcp, bytesAtPause: tcp.bytesRead });
      }
    });
  });
}

const rank = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

async function run(rate, seconds, size, slow) {
  const events = Math.max(1, Math.round(rate * seconds));
  counts.fill(0);
  received = 0;
  expected = n * events;
  latencies = new Float64Array(expected);
  let timer;
  const done = new Promise((resolve, reject) => {
    finished = resolve;
    timer = setTimeout(
      () => reject(new Error(`timeout: ${received} of ${expected} deliveries to the normal clients`)),
      (seconds + 120) * 1000,
    );
  });
  const cpu0 = process.cpuUsage();
  const res = await fetch(`${url}/bench/steady?rate=${rate}&seconds=${seconds}&size=${size}`, { method: "POST" });
  const server = await res.json();
  try {
    await done;
  } finally {
    clearTimeout(timer);
  }
  const cpu = process.cpuUsage(cpu0);
  const sorted = latencies.slice(0, Math.min(received, expected)).sort();
  const elapsed = (lastAt - server.t0 * 1000) / 1000;
  return {
    deliveries: expected,
    events,
    seconds: elapsed,
    rate: expected / elapsed,
    bad_counts: counts.filter((c) => c !== events).length,
    p50_ms: rank(sorted, 0.5),
    p99_ms: rank(sorted, 0.99),
    max_ms: sorted[sorted.length - 1],
    client_cpu_seconds: (cpu.user + cpu.system) / 1e6,
    // What each slow client's TCP socket took from the kernel after it paused: a read in flight then, tens of KB.
    slow_bytes_read_after_pause: slow.map((x) => x.tcp.bytesRead - x.bytesAtPause),
    server,
  };
}

try {
  const token = (i) => makeToken({ userId: `${prefix}_${i}`, rooms: [ROOM] });
  const { sockets, seconds } = await connectMany(url, n, token, { onSocket });
  const acks = await Promise.all(sockets.map((x) => emitWithAck(x, "subscribe", { channel: CHANNEL })));
  const refused = acks.filter((x) => !x || x.ok !== true);
  if (refused.length) throw new Error(`subscribe refused: ${JSON.stringify(refused[0])}`);
  const slow = [];
  for (let j = 0; j < s; j++) slow.push(await openSlow(token(n + j)));
  out({ ready: true, clients: n, slow: s, connect_seconds: seconds, extensions: extensionsOf(sockets[0]) });
  serveCommands(
    async (command) => {
      if (command.cmd === "run") {
        return run(Number(command.rate), Number(command.seconds), Number(command.size || 0), slow);
      }
      throw new Error(`unknown command ${command.cmd}`);
    },
    () => {
      closeAll(sockets);
      for (const x of slow) x.ws.terminate();
    },
  );
} catch (err) {
  fail(err);
}
