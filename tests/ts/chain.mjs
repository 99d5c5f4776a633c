// A chain of short connections, each one coming back with `lastEventId` (the last offset the previous one received):
// along the chain every event must arrive once, in order, whether by replay or live.
//
//   node chain.mjs CONFIG_JSON     CONFIG_JSON: {"url", "tokens": [...], "channel", "perToken", "event", "timeoutMs"}
//
// First each token's user subscribes to the channel once (so every later connection of that user is put back in
// it). Then, on the stdin line `start`, the chain: connect with {token, lastEventId}, wait for two numbered events,
// disconnect; `perToken` connections per token (the server's storm limit counts connections per user). On the
// stdin line `end N`, the chain stops hopping and waits for the event numbered N.
// Prints {"step": "ready"}, {"step": "hopped", "hops"} once the tokens are used up (or `end` came), then
// {"step": "done", "hops", "first", "count", "missing", "duplicated", "ordered"}
// (missing and duplicated: up to 20 numbers each). Exits 0 after `done`, 2 on an unexpected outcome, 3 when out of
// time.
import { createInterface } from "node:readline";
import { io } from "socket.io-client";

const config = JSON.parse(process.argv[2] ?? "{}");
const { url, tokens, channel, event = "order_status_update", perToken = 9 } = config;
if (!url || !Array.isArray(tokens) || !channel) {
  console.error("usage: node chain.mjs '{\"url\": ..., \"tokens\": [...], \"channel\": ...}'");
  process.exit(2);
}
const print = (value) => console.log(JSON.stringify(value));
let current = null;
setTimeout(() => fail(3, "timed out"), config.timeoutMs ?? 30_000);

function fail(code, message) {
  console.error(message);
  current?.disconnect();
  process.exit(code);
}

function connect(token, extra, onNumber) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      auth: { token, ...extra },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: 5_000,
    });
    socket.on(event, (payload, offset) => {
      const match = /^n=(\d+)$/.exec(payload?.message ?? "");
      if (match) onNumber(Number(match[1]), offset);
    });
    socket.on("connect_error", (err) => reject(new Error(`refused: ${err.message} ${JSON.stringify(err.data)}`)));
    socket.on("connection_error", (payload) => reject(new Error(`connection_error ${JSON.stringify(payload)}`)));
    socket.on("connected", () => resolve(socket));
  });
}

const numbers = [];
let lastOffset = null;
let endN = null;
let started = null;
const startPromise = new Promise((resolve) => (started = resolve));
let reachedEnd = null;
const endPromise = new Promise((resolve) => (reachedEnd = resolve));

function record(n, offset) {
  numbers.push(n);
  if (typeof offset === "string") lastOffset = offset;
  if (endN !== null && n === endN) reachedEnd();
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === "start") started();
  if (command === "end") {
    endN = Number(arg);
    if (numbers.includes(endN)) reachedEnd();
  }
});

function summary(hops) {
  const first = numbers[0];
  const last = endN ?? numbers.at(-1);
  const seen = new Set(numbers);
  const missing = [];
  for (let n = first; n <= last && missing.length < 20; n++) if (!seen.has(n)) missing.push(n);
  const duplicated = numbers.filter((n, i) => numbers.indexOf(n) !== i).slice(0, 20);
  const ordered = numbers.every((n, i) => i === 0 || n > numbers[i - 1]);
  return { step: "done", hops, first, count: numbers.length, missing, duplicated, ordered };
}

function waitForMore(count, atLeast) {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`no events after reconnecting (${numbers.length})`)), 5_000);
    const poll = () => {
      if (numbers.length >= count + atLeast || endN !== null) {
        clearTimeout(deadline);
        resolve();
      } else setTimeout(poll, 1);
    };
    poll();
  });
}

try {
  for (let start = 0; start < tokens.length; start += 10) {
    await Promise.all(
      tokens.slice(start, start + 10).map(async (token) => {
        const socket = await connect(token, {}, () => {});
        const ack = await socket.timeout(5_000).emitWithAck("subscribe", { channel });
        if (!ack?.ok) throw new Error(`subscribe: ${JSON.stringify(ack)}`);
        socket.disconnect();
      }),
    );
  }
  print({ step: "ready" });
  await startPromise;
  let hops = 0;
  current = await connect(tokens[0], {}, record);
  await waitForMore(0, 3);
  for (let index = 0; index < tokens.length && endN === null; index++) {
    for (let k = index === 0 ? 1 : 0; k < perToken && endN === null; k++) {
      current.disconnect();
      const count = numbers.length;
      current = await connect(tokens[index], { lastEventId: lastOffset }, record);
      hops++;
      await waitForMore(count, 2);
    }
  }
  print({ step: "hopped", hops });
  await endPromise;
  current.disconnect();
  print(summary(hops));
  process.exit(0);
} catch (err) {
  fail(2, String(err?.stack ?? err));
}
