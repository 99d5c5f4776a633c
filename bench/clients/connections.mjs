// Connections: open N idle authenticated connections (each waits for the server's `connected`), report the connect
// rate, then hold them until {"cmd": "close"} so that the runner can read the server's memory.
//
//   node connections.mjs --url http://127.0.0.1:PORT --clients 1000 --prefix run1 --concurrency 100
import { args, closeAll, connectMany, fail, makeToken, out, serveCommands } from "./common.mjs";

const a = args();
const url = a.url;
const n = Number(a.clients || 1000);
const prefix = a.prefix || `conn${process.pid}`;
const concurrency = Number(a.concurrency || 100);

try {
  const cpu0 = process.cpuUsage();
  const { sockets, seconds } = await connectMany(url, n, (i) => makeToken({ userId: `${prefix}_${i}` }), {
    concurrency,
  });
  const cpu = process.cpuUsage(cpu0);
  out({ connected: n, seconds, rate: n / seconds, client_cpu_seconds: (cpu.user + cpu.system) / 1e6 });
  serveCommands(
    async (command) => {
      if (command.cmd === "close") {
        closeAll(sockets);
        return { closed: n };
      }
      throw new Error(`unknown command ${command.cmd}`);
    },
    () => closeAll(sockets),
  );
} catch (err) {
  fail(err);
}
