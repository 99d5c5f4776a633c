// What the client harnesses share: tokens, connecting many socket.io-client sockets, the stdin/stdout protocol.
//
// Every harness is one Node process driving many sockets (websocket transport only, no reconnection, one
// Manager per socket), controlled by the runner: JSON commands on stdin, one JSON line per answer on stdout.
import { createHmac } from "node:crypto";
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

export const SECRET = process.env.BENCH_JWT_SECRET || "bench-secret-0123456789abcdef0123456789abcdef";

export function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}

export function makeToken(claims, secret = SECRET) {
  const now = Math.floor(Date.now() / 1000);
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${enc({ alg: "HS256", typ: "JWT" })}.${enc({ iat: now, exp: now + 3600, ...claims })}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

export const nowMs = () => performance.timeOrigin + performance.now();

export function out(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

// One authenticated socket; resolves once the server's `connected` event has arrived.
export function connectOne(url, token, onSocket, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ["websocket"],
      auth: { token },
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
    });
    if (onSocket) onSocket(socket);
    const timer = setTimeout(() => reject(new Error("no `connected` event in time")), timeoutMs);
    socket.once("connected", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(new Error(`connect_error: ${err.message}`));
    });
  });
}

// n sockets, at most `concurrency` handshakes in flight; tokenFor(i) gives each its token.
export async function connectMany(url, n, tokenFor, { concurrency = 100, onSocket } = {}) {
  const sockets = new Array(n);
  let next = 0;
  const started = nowMs();
  async function worker() {
    while (next < n) {
      const i = next++;
      sockets[i] = await connectOne(url, tokenFor(i), onSocket ? (s) => onSocket(s, i) : undefined);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return { sockets, seconds: (nowMs() - started) / 1000 };
}

export function emitWithAck(socket, event, payload, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event}: no ack in time`)), timeoutMs);
    socket.emit(event, payload, (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

// What websocket extensions were negotiated (permessage-deflate or none), from the `ws` socket underneath.
export function extensionsOf(socket) {
  try {
    return socket.io.engine.transport.ws.extensions || "";
  } catch {
    return "?";
  }
}

export function closeAll(sockets) {
  for (const s of sockets) if (s) s.disconnect();
}

// Runs `handle(command)` for each JSON line on stdin; exits when stdin closes or on {"cmd": "quit"}.
export function serveCommands(handle, onQuit) {
  const rl = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  rl.on("line", (line) => {
    if (!line.trim()) return;
    const command = JSON.parse(line);
    queue = queue.then(async () => {
      if (command.cmd === "quit") {
        await onQuit?.();
        process.exit(0);
      }
      try {
        out(await handle(command));
      } catch (err) {
        out({ error: String(err?.stack || err) });
      }
    });
  });
  rl.on("close", async () => {
    await queue;
    await onQuit?.();
    process.exit(0);
  });
}

export function fail(err) {
  out({ error: String(err?.stack || err) });
  process.exit(1);
}
