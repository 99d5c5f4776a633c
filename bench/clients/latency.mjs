// Latency: N clients in the benchmark room; on each `steady` command the server emits at a fixed rate for some
// seconds (POST /bench/steady), each event carrying the wall clock of its emit in ms as `message`; this records,
// per delivery, receipt time − send time (one machine, one clock: performance.timeOrigin + performance.now() here,
// time.time()·1000 or the same expression in the servers) and answers with the percentiles once every client has
// every event.
//
//   node latency.mjs --url http://127.0.0.1:PORT --clients 1000 --prefix run1
//   stdin: {"cmd": "steady", "rate": 10, "seconds": 5}
//   stdout: {"received": ..., "expected": ..., "p50_ms": ..., "p99_ms": ..., "max_ms": ..., "server": {...}}
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
const n = Number(a.clients || 1000);
const prefix = a.prefix || `lat${process.pid}`;

const counts = new Int32Array(n);
let latencies = new Float64Array(0);
let expected = 0;
let received = 0;
let unparsable = 0;
let finished = null;

function onSocket(socket, i) {
  socket.on(EVENT, (payload) => {
    const at = nowMs();
    const sent = Number.parseFloat(payload?.message);
    if (Number.isFinite(sent)) {
      if (received < latencies.length) latencies[received] = at - sent;
    } else {
      unparsable += 1;
    }
    counts[i] += 1;
    received += 1;
    if (received === expected) finished?.();
  });
}

// Nearest rank: the smallest value with at least p of the values at or below it.
const rank = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

async function steady(rate, seconds, size) {
  const events = Math.max(1, Math.round(rate * seconds));
  counts.fill(0);
  received = 0;
  unparsable = 0;
  expected = n * events;
  latencies = new Float64Array(expected);
  let timer;
  const done = new Promise((resolve, reject) => {
    finished = resolve;
    timer = setTimeout(
      () => reject(new Error(`timeout: ${received} of ${expected} deliveries`)),
      (seconds + 60) * 1000,
    );
  });
  const cpu0 = process.cpuUsage();
  const res = await fetch(`${url}/bench/steady?rate=${rate}&seconds=${seconds}&size=${size}`, { method: "POST" });
  const server = await res.json();
  if (server.sent !== events) throw new Error(`the server sent ${server.sent} events, not ${events}`);
  try {
    await done;
  } finally {
    clearTimeout(timer);
  }
  const cpu = process.cpuUsage(cpu0);
  const lastAt = nowMs();
  await new Promise((r) => setTimeout(r, 50)); // duplicates, if any, before counting
  const sorted = latencies.slice(0, Math.min(received, expected)).sort();
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    received,
    expected,
    bad_counts: counts.filter((c) => c !== events).length,
    unparsable,
    p50_ms: rank(sorted, 0.5),
    p90_ms: rank(sorted, 0.9),
    p99_ms: rank(sorted, 0.99),
    max_ms: sorted[sorted.length - 1],
    min_ms: sorted[0],
    mean_ms: sum / sorted.length,
    seconds: (lastAt - server.t0 * 1000) / 1000,
    client_cpu_seconds: (cpu.user + cpu.system) / 1e6,
    server,
  };
}

try {
  const token = (i) => makeToken({ userId: `${prefix}_${i}`, rooms: [ROOM] });
  const { sockets, seconds } = await connectMany(url, n, token, { onSocket });
  const acks = await Promise.all(sockets.map((s) => emitWithAck(s, "subscribe", { channel: CHANNEL })));
  const refused = acks.filter((x) => !x || x.ok !== true);
  if (refused.length) throw new Error(`subscribe refused: ${JSON.stringify(refused[0])}`);
  out({ ready: true, clients: n, connect_seconds: seconds, extensions: extensionsOf(sockets[0]) });
  serveCommands(
    async (command) => {
      if (command.cmd === "steady") {
        return steady(Number(command.rate), Number(command.seconds), Number(command.size || 0));
      }
      throw new Error(`unknown command ${command.cmd}`);
    },
    () => closeAll(sockets),
  );
} catch (err) {
  fail(err);
}
