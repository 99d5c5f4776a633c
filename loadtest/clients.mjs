// The load: N authenticated socket.io-client connections and one publisher, in this one Node process.
//
// Input (argv[2], JSON): {url, secret, serviceToken, clients, duration, publishRate, heartbeatInterval,
// connectConcurrency, channel, period}. Every client connects over WebSocket with its own HS256 token (a user of
// its own), subscribes to the leaderboard channel, heart-beats every heartbeatInterval seconds, and records every
// leaderboard_update it receives. Once all are in, the publisher POSTs leaderboard_update to the publish API
// publishRate times a second for `duration` seconds, each carrying its sequence number (in the first ranking's
// points); the latency of a delivery is its arrival minus the moment the publisher sent it, on this process's
// clock. Bounded: the run stops after connect + duration + a 5 s drain, whatever happens.
//
// The publisher keeps its schedule whatever the server's speed (requests in flight are not waited for before the
// next one is due), so a slow server shows as latency, not as fewer events. This process's own CPU and event-loop
// delay are reported too: when they are high, the clients, not the server, were the bottleneck.
//
// Prints progress on stderr and one JSON object on stdout.
import { createHmac, randomUUID } from "node:crypto";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { io } from "socket.io-client";

const config = JSON.parse(process.argv[2]);
const {
  url,
  secret,
  serviceToken,
  clients: total,
  duration,
  publishRate,
  heartbeatInterval,
  connectConcurrency = 50,
  period = "daily",
} = config;
const channel = `leaderboard_${period}`;
const now = () => performance.now();
const log = (message) => process.stderr.write(`[loadtest ${(now() / 1000).toFixed(1)}s] ${message}\n`);

function b64url(value) {
  return Buffer.from(value).toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

function token(userId) {
  const issued = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ userId, iat: issued, exp: issued + 3600 }));
  const signature = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${signature}`;
}

function lag(nanoseconds) {
  return Math.max(0, Math.round((nanoseconds / 1e6 - 10) * 100) / 100);
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index] * 100) / 100;
}

function summary(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? Math.round(sorted[sorted.length - 1] * 100) / 100 : null,
  };
}

const run = randomUUID().slice(0, 8);
const errors = {};
const countError = (key) => {
  errors[key] = (errors[key] || 0) + 1;
};
const sentAt = new Map(); // seq -> performance.now() when the publisher sent it
const latencies = [];
const heartbeatRtts = [];
const perSecond = new Map(); // second since publishing started -> {deliveries, latencies}
let publishStart = null;
const sockets = [];

function connectOne(index) {
  return new Promise((resolve) => {
    const user = `load_${run}_${index}`;
    const state = {
      user,
      received: new Set(),
      duplicates: 0,
      connected: false,
      subscribed: false,
      drops: 0,
      heartbeats: new Map(), // timestamp sent -> performance.now() when sent, until its ack arrives
    };
    const socket = io(url, {
      auth: { token: token(user) },
      transports: ["websocket"],
      reconnection: false,
      timeout: 20_000,
    });
    state.socket = socket;
    const started = now();
    let settled = false;
    const settle = (ok) => {
      if (!settled) {
        settled = true;
        state.connectMs = now() - started;
        resolve(ok ? state : null);
      }
    };
    socket.on("connect_error", (error) => {
      countError(`connect_error:${error.message}`);
      settle(false);
    });
    socket.on("connected", () => {
      state.connected = true;
      socket.emit("subscribe", { channel }, (ack) => {
        if (ack && ack.ok) {
          state.subscribed = true;
          settle(true);
        } else {
          countError(`subscribe:${ack && ack.error ? ack.error.code : "no ack"}`);
          settle(false);
        }
      });
    });
    socket.on("leaderboard_update", (payload) => {
      const arrived = now();
      const seq = payload.rankings[0].points;
      if (state.received.has(seq)) {
        state.duplicates += 1;
        return;
      }
      state.received.add(seq);
      const sent = sentAt.get(seq);
      if (sent !== undefined) {
        const latency = arrived - sent;
        latencies.push(latency);
        const second = Math.floor((sent - publishStart) / 1000);
        const bucket = perSecond.get(second) || { deliveries: 0, latencies: [] };
        bucket.deliveries += 1;
        bucket.latencies.push(latency);
        perSecond.set(second, bucket);
      }
    });
    socket.on("heartbeat_ack", (payload) => {
      const sent = state.heartbeats.get(payload.timestamp);
      if (sent !== undefined) {
        state.heartbeats.delete(payload.timestamp);
        heartbeatRtts.push(now() - sent);
      }
    });
    socket.on("error", (payload) => countError(`error:${payload && payload.code}`));
    socket.on("disconnected", (payload) => countError(`disconnected:${payload && payload.reason}`));
    socket.on("disconnect", (reason) => {
      if (!stopping) {
        state.drops += 1;
        countError(`disconnect:${reason}`);
      }
      settle(false);
    });
  });
}

let stopping = false;
let heartbeatsSent = 0;
const connectStart = now();
log(`connecting ${total} clients to ${url}, ${connectConcurrency} at a time`);
let next = 0;
const ready = [];
async function worker() {
  while (next < total) {
    const index = next++;
    const state = await connectOne(index);
    if (state) ready.push(state);
    sockets.push(state);
  }
}
await Promise.all(Array.from({ length: Math.min(connectConcurrency, total) }, worker));
const connectSeconds = (now() - connectStart) / 1000;
log(`${ready.length}/${total} connected and subscribed in ${connectSeconds.toFixed(1)} s`);

// Heartbeats: every client, every heartbeatInterval seconds, spread over the interval.
const heartbeatTimers = ready.map((state, i) =>
  setTimeout(
    () => {
      state.heartbeatTimer = setInterval(() => {
        // Date.now() may repeat within a millisecond: one more makes each stamp of this client unique.
        const stamp = Math.max(Date.now(), (state.lastStamp || 0) + 1);
        state.lastStamp = stamp;
        state.heartbeats.set(stamp, now());
        heartbeatsSent += 1;
        state.socket.emit("heartbeat", { timestamp: stamp });
      }, heartbeatInterval * 1000);
    },
    (i / Math.max(1, ready.length)) * heartbeatInterval * 1000,
  ),
);

// The publisher.
let published = 0;
let publishFailures = 0;
const publishLatencies = [];
const inflight = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const wallBefore = now();
publishStart = now();
const count = Math.max(1, Math.round(duration * publishRate));
log(`publishing ${count} leaderboard_update at ${publishRate}/s`);

async function publish(seq) {
  const body = {
    period,
    rankings: [{ rank: 1, userId: "load_leader", userName: "Leader", points: seq, change: 0 }],
    updatedAt: new Date().toISOString(),
  };
  sentAt.set(seq, now());
  const started = now();
  try {
    const response = await fetch(`${url}/events/leaderboard_update`, {
      method: "POST",
      headers: { authorization: `Bearer ${serviceToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    if (response.status === 202) published += 1;
    else {
      publishFailures += 1;
      countError(`publish:${response.status}`);
      sentAt.delete(seq);
    }
  } catch (error) {
    publishFailures += 1;
    countError(`publish:${error.name}`);
    sentAt.delete(seq);
  }
  publishLatencies.push(now() - started);
}

for (let seq = 0; seq < count; seq += 1) {
  const due = publishStart + (seq / publishRate) * 1000;
  const wait = due - now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  inflight.push(publish(seq));
  if (seq % Math.max(1, Math.round(publishRate * 10)) === 0) log(`publishing ${seq + 1}/${count}`);
}
await Promise.all(inflight);

// Drain: wait until every held connection has every published event, at most 30 s; what has not arrived by then
// counts as lost.
const expectedSeqs = [...sentAt.keys()];
const drainStart = now();
const drainUntil = now() + 30_000;
while (now() < drainUntil) {
  const behind = ready.filter((s) => s.socket.connected && s.received.size < expectedSeqs.length).length;
  if (!behind) break;
  await new Promise((r) => setTimeout(r, 100));
}
const drainSeconds = (now() - drainStart) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const clientCpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / (now() - wallBefore)) * 1000) / 10;
loopDelay.disable();
stopping = true;
heartbeatTimers.forEach(clearTimeout);
for (const state of ready) clearInterval(state.heartbeatTimer);
const held = ready.filter((s) => s.socket.connected).length;
let deliveries = 0;
let losses = 0;
let duplicates = 0;
for (const state of ready) {
  deliveries += state.received.size;
  duplicates += state.duplicates;
  for (const seq of expectedSeqs) if (!state.received.has(seq)) losses += 1;
}
for (const state of ready) state.socket.disconnect();

const timeline = [...perSecond.entries()]
  .sort((a, b) => a[0] - b[0])
  .map(([second, bucket]) => ({ second, deliveries: bucket.deliveries, ...summary(bucket.latencies) }));

const connectTimes = ready.map((s) => s.connectMs);
console.log(
  JSON.stringify({
    clients: total,
    connected: ready.length,
    connectSuccessRate: Math.round((ready.length / total) * 10000) / 100,
    connectSeconds: Math.round(connectSeconds * 10) / 10,
    connectMs: summary(connectTimes),
    held,
    published,
    publishFailures,
    publishMs: summary(publishLatencies),
    expectedDeliveries: expectedSeqs.length * ready.length,
    deliveries,
    losses,
    duplicates,
    latencyMs: summary(latencies),
    heartbeatRttMs: summary(heartbeatRtts),
    heartbeatsSent,
    heartbeatsAnswered: heartbeatRtts.length,
    drainSeconds: Math.round(drainSeconds * 10) / 10,
    clientProcess: {
      cpuPercent: clientCpuPercent,
      // The histogram holds whole sampling intervals (10 ms): the delay is what exceeds one.
      eventLoopDelayMs: {
        p50: lag(loopDelay.percentile(50)),
        p99: lag(loopDelay.percentile(99)),
        max: lag(loopDelay.max),
      },
    },
    errors,
    timeline,
  }),
);
process.exit(0);
