// Fan-out: N clients in one room; on each `burst` command the server emits K events to the room, and this measures
// deliveries per second from the server's first emit until every client has every event.
//
//   node fanout.mjs --url http://127.0.0.1:PORT --clients 500 --prefix run1
//   stdin: {"cmd": "burst", "k": 200}   stdout: {"deliveries": ..., "seconds": ..., "rate": ...}
import {
  args,
  connectMany,
  emitWithAck,
  extensionsOf,
  closeAll,
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
const n = Number(a.clients || 500);
const prefix = a.prefix || `fan${process.pid}`;

const counts = new Int32Array(n);
let expected = 0;
let received = 0;
let lastAt = 0;
let wrong = 0;
let finished = null;

function onSocket(socket, i) {
  socket.on(EVENT, (payload) => {
    counts[i] += 1;
    received += 1;
    if (payload?.orderId !== "ord_9f2c41") wrong += 1;
    if (received === expected) {
      lastAt = nowMs();
      finished?.();
    }
  });
}

async function burst(k, size) {
  counts.fill(0);
  received = 0;
  wrong = 0;
  expected = n * k;
  const done = new Promise((resolve, reject) => {
    finished = resolve;
    setTimeout(() => reject(new Error(`timeout: ${received} of ${expected} deliveries`)), 300000).unref();
  });
  const cpu0 = process.cpuUsage();
  const sent = nowMs();
  const res = await fetch(`${url}/bench/fanout?k=${k}&size=${size}`, { method: "POST" });
  const server = await res.json();
  await done;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (lastAt - server.t0 * 1000) / 1000;
  // Let stragglers (duplicates) show up before checking that nobody got more than K.
  await new Promise((r) => setTimeout(r, 50));
  const over = counts.filter((c) => c !== k).length;
  return {
    deliveries: expected,
    seconds,
    seconds_from_request: (lastAt - sent) / 1000,
    emit_seconds: server.t1 - server.t0,
    rate: expected / seconds,
    client_cpu_seconds: (cpu.user + cpu.system) / 1e6,
    bad_counts: over,
    wrong_payloads: wrong,
  };
}

try {
  const { sockets, seconds } = await connectMany(url, n, (i) => makeToken({ userId: `${prefix}_${i}`, rooms: [ROOM] }), {
    onSocket,
  });
  const acks = await Promise.all(sockets.map((s) => emitWithAck(s, "subscribe", { channel: CHANNEL })));
  const refused = acks.filter((x) => !x || x.ok !== true);
  if (refused.length) throw new Error(`subscribe refused: ${JSON.stringify(refused[0])}`);
  out({ ready: true, clients: n, connect_seconds: seconds, extensions: extensionsOf(sockets[0]) });
  serveCommands(
    async (command) => {
      if (command.cmd === "burst") return burst(Number(command.k), Number(command.size || 0));
      throw new Error(`unknown command ${command.cmd}`);
    },
    () => closeAll(sockets),
  );
} catch (err) {
  fail(err);
}
