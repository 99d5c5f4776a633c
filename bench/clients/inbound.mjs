// Inbound: M clients each sending `message_read` as fast as its acks return (one in flight per client); counts the
// acks that come back inside the measured window.
//
//   node inbound.mjs --url http://127.0.0.1:PORT --clients 50 --prefix run1
//   stdin: {"cmd": "run", "seconds": 3, "warmup": 0.5}   stdout: {"acks": ..., "seconds": ..., "rate": ...}
import { args, closeAll, connectMany, extensionsOf, fail, makeToken, nowMs, out, serveCommands } from "./common.mjs";

const a = args();
const url = a.url;
const m = Number(a.clients || 50);
const prefix = a.prefix || `in${process.pid}`;
const ticket = (i) => `${prefix}_t${i}`;

async function run(seconds, warmup, sockets) {
  let running = true;
  let counting = false;
  let acks = 0;
  let total = 0;
  let refused = 0;
  let firstRefusal = null;
  const loops = sockets.map(
    (socket, i) =>
      new Promise((resolve) => {
        const payload = { ticketId: ticket(i), messageId: `msg_${i}`, userId: `${prefix}_${i}` };
        const next = () => {
          if (!running) return resolve();
          socket.emit("message_read", payload, (answer) => {
            if (answer?.ok === true) {
              total += 1;
              if (counting) acks += 1;
            } else {
              refused += 1;
              firstRefusal ??= answer;
            }
            next();
          });
        };
        next();
      }),
  );
  const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
  await sleep(warmup);
  const cpu0 = process.cpuUsage();
  counting = true;
  const t0 = nowMs();
  await sleep(seconds);
  counting = false;
  const t1 = nowMs();
  const cpu = process.cpuUsage(cpu0);
  running = false;
  await Promise.all(loops);
  const elapsed = (t1 - t0) / 1000;
  return {
    acks,
    // Every event handled from the first send to the last ack, warm-up and drain included: what the server's CPU
    // time over the whole command is divided by.
    total_acks: total,
    seconds: elapsed,
    rate: acks / elapsed,
    refused,
    first_refusal: firstRefusal,
    client_cpu_seconds: (cpu.user + cpu.system) / 1e6,
  };
}

try {
  const { sockets, seconds } = await connectMany(url, m, (i) =>
    makeToken({ userId: `${prefix}_${i}`, rooms: [`support_ticket:${ticket(i)}`] }),
  );
  out({ ready: true, clients: m, connect_seconds: seconds, extensions: extensionsOf(sockets[0]) });
  serveCommands(
    async (command) => {
      if (command.cmd === "run") return run(Number(command.seconds), Number(command.warmup ?? 0.5), sockets);
      throw new Error(`unknown command ${command.cmd}`);
    },
    () => closeAll(sockets),
  );
} catch (err) {
  fail(err);
}
