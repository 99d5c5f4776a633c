// Fan-out: N clients in one room; on each `burst` command the server emits K events to the room, and this measures
// deliveries per second from the server's first emit until every client has every event.
//
//   node fanout.mjs --url http://127.0.0.1:PORT --clients 500 --prefix run1
//   stdin: {"cmd": "burst", "k": 200}   stdout: {"deliveries": ..., "seconds": ..., "rate": ...}
//
// With --rooms R, client i is also in the room order:bench_{i % R} (granted in its token's `rooms` claim beside
// order:ord_9f2c41, entered with `subscribe {channel: "order_bench_{i % R}"}`), and {"cmd": "burst", "k": K,
// "rooms": true} is POST /bench/rooms?r=R&k=K instead: K rounds of one event to each room, so each client gets K
// events, each with its own room's orderId. --single 0 leaves the one big room out.
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
const ORDER = "ord_9f2c41";
const a = args();
const url = a.url;
const n = Number(a.clients || 500);
const rooms = Number(a.rooms || 0);
const single = a.single !== "0";
const prefix = a.prefix || `fan${process.pid}`;
const own = (i) => `bench_${i % rooms}`;
const orders = (i) => [...(single ? [ORDER] : []), ...(rooms ? [own(i)] : [])];
let toRooms = false; // the burst in progress: to the small rooms, or to the big one

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
    if (payload?.orderId !== (toRooms ? own(i) : ORDER)) wrong += 1;
    if (received === expected) {
      lastAt = nowMs();
      finished?.();
    }
  });
}

async function burst(k, size, small) {
  if (small && !rooms) throw new Error("a burst to the rooms needs --rooms");
  toRooms = small;
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
  const path = small ? `rooms?r=${rooms}&k=${k}` : `fanout?k=${k}&size=${size}`;
  const res = await fetch(`${url}/bench/${path}`, { method: "POST" });
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
  const token = (i) => makeToken({ userId: `${prefix}_${i}`, rooms: orders(i).map((o) => `order:${o}`) });
  const { sockets, seconds } = await connectMany(url, n, token, { onSocket });
  // Every subscribe, at most 200 waiting for their acks (thousands at once would outwait the ack timeout).
  const jobs = sockets.flatMap((s, i) => orders(i).map((o) => [s, `order_${o}`]));
  const subscribed = nowMs();
  let next = 0;
  const refused = [];
  const worker = async () => {
    while (next < jobs.length) {
      const [socket, channel] = jobs[next++];
      const ack = await emitWithAck(socket, "subscribe", { channel }, 60000);
      if (ack?.ok !== true) refused.push(ack);
    }
  };
  await Promise.all(Array.from({ length: Math.min(200, jobs.length) }, worker));
  if (refused.length) throw new Error(`subscribe refused: ${JSON.stringify(refused[0])}`);
  out({
    ready: true,
    clients: n,
    connect_seconds: seconds,
    subscribes: jobs.length,
    subscribe_seconds: (nowMs() - subscribed) / 1000,
    extensions: extensionsOf(sockets[0]),
  });
  serveCommands(
    async (command) => {
      if (command.cmd === "burst") return burst(Number(command.k), Number(command.size || 0), Boolean(command.rooms));
      throw new Error(`unknown command ${command.cmd}`);
    },
    () => closeAll(sockets),
  );
} catch (err) {
  fail(err);
}
