// The anchor: Node socket.io 4.8 (pinned in bench/package.json), doing what raw_socketio.py does.
//
// - connect: the JWT from auth.token verified (HS256 with node:crypto, exp required), the user's room entered,
//   then `connected {userId, socketId, timestamp}` (socket.io sends CONNECT before the "connection" event);
// - `subscribe {channel: "order_<id>"}`: the token's `rooms` claim must grant order:<id>; join; ack;
// - `message_read {ticketId, messageId, userId}`: membership from the token, receipt recorded,
//   `support_message_read` to the ticket's room, ack {ok: true}; no validation;
// - fan-out: io.to("order:ord_9f2c41").emit("order_status_update", example), K times.
//
// Control endpoints as in servers/common.py: GET /bench/ping, POST /bench/fanout?k=K, GET /bench/stats,
// POST /bench/steady?rate=R&seconds=S&size=N (round(R·S) emits to the room at R per second, each at its scheduled
// time, a timer loop, with the send time in ms as `message`), POST /bench/rooms?r=R&k=K (K rounds of one event to
// each of the rooms order:bench_{i}).
// Binds 127.0.0.1 on a free port and prints {"port": N, "pid": P}. socket.io's defaults otherwise (no
// permessage-deflate, websocket and polling transports).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "socket.io";

const SECRET = process.env.BENCH_JWT_SECRET || "bench-secret-0123456789abcdef0123456789abcdef";
const FANOUT_ROOM = "order:ord_9f2c41";
const PAYLOAD = {
  orderId: "ord_9f2c41",
  orderNumber: "REZ-104233",
  status: "out_for_delivery",
  timestamp: "2025-10-27T14:30:00Z",
  message: "Your order is on its way.",
  estimatedDelivery: "2025-10-27T15:05:00Z",
};

function verify(token) {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 3) throw new Error("AUTH_INVALID");
  const header = JSON.parse(Buffer.from(parts[0], "base64url").toString());
  if (header.alg !== "HS256") throw new Error("AUTH_INVALID");
  const expected = createHmac("sha256", SECRET).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error("AUTH_INVALID");
  const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString());
  if (typeof claims.exp !== "number") throw new Error("AUTH_INVALID");
  if (claims.exp * 1000 < Date.now()) throw new Error("TOKEN_EXPIRED");
  if (typeof claims.userId !== "string" || !claims.userId) throw new Error("AUTH_INVALID");
  return claims;
}

const nowIso = () => new Date().toISOString();
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Emit at `rate` per second for `seconds`, each at start + i/rate (sleeping until then), as Control.steady does.
async function steady(rate, seconds, size) {
  const count = Math.max(1, Math.round(rate * seconds));
  const start = performance.now();
  const t0 = Date.now() / 1000;
  let late = 0;
  for (let i = 0; i < count; i++) {
    const delay = start + (i * 1000) / rate - performance.now();
    if (delay > 0) await sleep(delay);
    else late = Math.max(late, -delay);
    const stamp = nowMs().toFixed(3);
    const message = size > stamp.length + 1 ? `${stamp} ${"x".repeat(size - stamp.length - 1)}` : stamp;
    io.to(FANOUT_ROOM).emit("order_status_update", { ...PAYLOAD, message });
  }
  return { t0, t1: Date.now() / 1000, sent: count, max_late_ms: late };
}

const byRoom = [];
const receipts = [];

const http = createServer(async (req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  const reply = (status, body) => {
    const data = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
    res.end(data);
  };
  if (url.pathname === "/bench/ping") return reply(200, { ok: true, pid: process.pid });
  if (url.pathname === "/bench/stats") return reply(200, { connections: io.engine.clientsCount });
  if (url.pathname === "/bench/fanout") {
    const k = Number(url.searchParams.get("k") || 200);
    const size = Number(url.searchParams.get("size") || 0);
    const body = size ? { ...PAYLOAD, message: "x".repeat(size) } : PAYLOAD;
    const t0 = Date.now() / 1000;
    for (let i = 0; i < k; i++) io.to(FANOUT_ROOM).emit("order_status_update", body);
    return reply(200, { t0, t1: Date.now() / 1000, k });
  }
  if (url.pathname === "/bench/steady") {
    const rate = Number(url.searchParams.get("rate") || 20);
    const seconds = Number(url.searchParams.get("seconds") || 5);
    return reply(200, await steady(rate, seconds, Number(url.searchParams.get("size") || 0)));
  }
  if (url.pathname === "/bench/rooms") {
    const r = Number(url.searchParams.get("r") || 1000);
    const k = Number(url.searchParams.get("k") || 1);
    const t0 = Date.now() / 1000;
    for (let round = 0; round < k; round++) {
      for (let i = 0; i < r; i++) {
        byRoom[i] ??= { ...PAYLOAD, orderId: `bench_${i}` };
        io.to(`order:bench_${i}`).emit("order_status_update", byRoom[i]);
      }
    }
    return reply(200, { t0, t1: Date.now() / 1000, events: r * k });
  }
  if (!url.pathname.startsWith("/socket.io/")) reply(404, { error: `unknown ${url.pathname}` });
});

// BENCH_WS_DEFLATE=1: permessage-deflate on, from 1 KB up (ws's threshold, as eventcat's), for the deflate-on runs.
const deflate = process.env.BENCH_WS_DEFLATE === "1" ? { perMessageDeflate: { threshold: 1024 } } : {};
const io = new Server(http, { cors: { origin: "*" }, ...deflate });

io.use((socket, next) => {
  try {
    socket.data.claims = verify(socket.handshake.auth?.token);
    next();
  } catch (err) {
    next(err);
  }
});

io.on("connection", (socket) => {
  const claims = socket.data.claims;
  const user = claims.userId;
  const granted = new Set(Array.isArray(claims.rooms) ? claims.rooms : []);
  socket.join(`user:${user}`);
  socket.emit("connected", { userId: user, socketId: socket.id, timestamp: nowIso() });

  socket.on("subscribe", (data, ack) => {
    const channel = data.channel;
    const room = `order:${channel.replace(/^order_/, "")}`;
    if (!granted.has(room)) {
      ack?.({ ok: false, error: { code: "FORBIDDEN", message: `not allowed to enter ${room}` } });
      return;
    }
    socket.join(room);
    ack?.({ ok: true, channel, rooms: [room] });
  });

  socket.on("message_read", (data, ack) => {
    const ticket = data.ticketId;
    const room = `support_ticket:${ticket}`;
    if (!granted.has(room)) {
      ack?.({ ok: false, error: { code: "FORBIDDEN", message: `not a member of ticket ${ticket}` } });
      return;
    }
    const readAt = nowIso();
    receipts.push([ticket, data.messageId, user, readAt]);
    if (receipts.length > 1000) receipts.shift();
    io.to(room).emit("support_message_read", { messageId: data.messageId, readBy: user, readAt });
    ack?.({ ok: true });
  });
});

http.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: http.address().port, pid: process.pid }));
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    io.close();
    process.exit(0);
  });
}
