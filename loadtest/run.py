"""The REZ server's load test: `make loadtest` (or `python loadtest/run.py --help`).

Starts `eventcat serve` in a process of its own on a free loopback port (or uses --url, a server already running,
with its --jwt-secret and --service-token), runs loadtest/clients.mjs (N socket.io-client connections, each
authenticated as its own user, subscribed to a leaderboard and heart-beating, plus one publisher over the publish
API), samples the server's CPU and RSS every second from its own `/metrics`, and writes
loadtest/results/<stamp>.json and, with matplotlib, a PNG of CPU, RSS, connections and delivery latency over time.

Bounded in count and time: the clients, the publishing time and every wait have a ceiling, and the server it started
is stopped at the end whatever happened. Exit 0 when every client connected and no delivery was lost, 1 otherwise.
Traffic goes to 127.0.0.1 only, unless --url says otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = re.compile(r"^(process_cpu_seconds_total|process_resident_memory_bytes|eventcat_connections) ([0-9.e+-]+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fd_budget(clients: int) -> tuple[int, str | None]:
    """Clients this machine's open-file limit allows (the server and the Node process each hold one fd per client);
    raises the soft limit to the hard one first."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    allowed = soft - 256
    if clients > allowed:
        return max(1, allowed), f"open-file limit {soft}: {clients} clients reduced to {allowed}"
    return clients, None


@contextlib.contextmanager
def server_process(port: int, secret: str, service_token: str, extra: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    eventcat = shutil.which("eventcat", path=str(Path(sys.executable).parent)) or "eventcat"
    env = {**os.environ, "JWT_SECRET": secret, "SERVICE_TOKEN": service_token}
    command = [eventcat, "serve", "--port", str(port), "--log-level", "warning", *extra]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"eventcat serve exited: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("eventcat serve did not answer /healthz within 30 s") from None
                time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


class Sampler(threading.Thread):
    """The server's CPU (percent of one core), RSS and connections, once a second, from its /metrics."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[dict[str, float]] = []
        self.stop_event = threading.Event()
        self.started_at = time.monotonic()

    def scrape(self) -> dict[str, float]:
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as response:
            text = response.read().decode()
        found = {}
        for line in text.splitlines():
            match = SAMPLE.match(line)
            if match:
                found[match.group(1)] = float(match.group(2))
        return found

    def run(self) -> None:
        previous: tuple[float, float] | None = None
        while not self.stop_event.is_set():
            try:
                found = self.scrape()
            except OSError:
                found = {}
            now = time.monotonic()
            if "process_cpu_seconds_total" in found:
                cpu = found["process_cpu_seconds_total"]
                percent = 100 * (cpu - previous[1]) / (now - previous[0]) if previous else 0.0
                previous = (now, cpu)
                self.samples.append(
                    {
                        "t": round(now - self.started_at, 2),
                        "cpuPercent": round(percent, 1),
                        "rssMiB": round(found.get("process_resident_memory_bytes", 0) / 2**20, 1),
                        "connections": found.get("eventcat_connections", 0),
                    }
                )
            self.stop_event.wait(1.0)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(10)


def plot(result: dict[str, Any], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    samples = result["server"]["samples"]
    timeline = result["clients"]["timeline"]
    fig, axes = plt.subplots(3, 1, figsize=(10, 9), sharex=False)
    t = [s["t"] for s in samples]
    axes[0].plot(t, [s["cpuPercent"] for s in samples], color="tab:red", label="server CPU % (one core = 100)")
    axes[0].set_ylabel("CPU %")
    twin = axes[0].twinx()
    twin.plot(t, [s["rssMiB"] for s in samples], color="tab:blue", label="server RSS MiB")
    twin.set_ylabel("RSS MiB")
    axes[0].set_title(
        f"{result['clients']['connected']} clients, {result['config']['publishRate']}/s broadcasts, "
        f"heartbeat every {result['config']['heartbeatInterval']} s"
    )
    axes[0].legend(loc="upper left")
    twin.legend(loc="upper right")
    axes[1].plot(t, [s["connections"] for s in samples], color="tab:green")
    axes[1].set_ylabel("connections")
    axes[1].set_xlabel("seconds since start")
    seconds = [b["second"] for b in timeline]
    for key, color in (("p50", "tab:green"), ("p99", "tab:red"), ("max", "tab:gray")):
        axes[2].plot(seconds, [b[key] for b in timeline], label=key, color=color)
    axes[2].set_ylabel("delivery latency ms")
    axes[2].set_xlabel("seconds since publishing started")
    axes[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000, help="concurrent connections (default 1000)")
    parser.add_argument("--duration", type=float, default=120, help="seconds of publishing (default 120, max 900)")
    parser.add_argument("--publish-rate", type=float, default=2, help="broadcasts per second (default 2)")
    parser.add_argument("--heartbeat", type=float, default=1, help="seconds between a client's heartbeats (default 1)")
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--url", help="a running server (default: start one on a free loopback port)")
    parser.add_argument("--jwt-secret", default=os.environ.get("JWT_SECRET"), help="with --url  [env: JWT_SECRET]")
    parser.add_argument(
        "--service-token", default=os.environ.get("SERVICE_TOKEN"), help="with --url  [env: SERVICE_TOKEN]"
    )
    parser.add_argument("--serve-arg", action="append", default=[], help="extra `eventcat serve` argument")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where the JSON and PNG go")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 20_000 or not 0 < args.duration <= 900 or not 0 < args.publish_rate <= 100:
        parser.error("bounds: 1-20000 clients, at most 900 s, at most 100 broadcasts/s")
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "socket.io-client").is_dir():
        print("loadtest: needs node and `npm ci` in loadtest/ (make loadtest does it)", file=sys.stderr)
        return 2
    clients, note = fd_budget(args.clients)
    if note:
        print(f"loadtest: {note}", file=sys.stderr)

    load_before = [round(x, 2) for x in os.getloadavg()]
    secret = args.jwt_secret or secrets.token_urlsafe(32)
    service_token = args.service_token or secrets.token_urlsafe(24)
    with contextlib.ExitStack() as stack:
        if args.url:
            if not (args.jwt_secret and args.service_token):
                parser.error("--url needs the server's --jwt-secret and --service-token")
            url = args.url.rstrip("/")
        else:
            port = free_port()
            stack.enter_context(server_process(port, secret, service_token, args.serve_arg))
            url = f"http://127.0.0.1:{port}"
        sampler = Sampler(url)
        sampler.start()
        config = {
            "url": url,
            "secret": secret,
            "serviceToken": service_token,
            "clients": clients,
            "duration": args.duration,
            "publishRate": args.publish_rate,
            "heartbeatInterval": args.heartbeat,
            "connectConcurrency": args.connect_concurrency,
        }
        ceiling = 150 + args.duration + clients / 10
        try:
            done = subprocess.run(
                [node, str(HERE / "clients.mjs"), json.dumps(config)],
                cwd=HERE,
                stdout=subprocess.PIPE,
                text=True,
                timeout=ceiling,
            )
        finally:
            sampler.stop()
    if done.returncode != 0 or not done.stdout.strip():
        print(f"loadtest: the clients failed (exit {done.returncode})", file=sys.stderr)
        return 1
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    samples = sampler.samples
    result = {
        "config": {k: v for k, v in config.items() if k not in ("secret", "serviceToken")}
        | {"requestedClients": args.clients, "note": note},
        "machine": {
            "cpus": os.cpu_count(),
            "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
            # Other work on the machine shares the cores: the load average says how much there was.
            "loadAverageBefore": load_before,
            "loadAverageAfter": [round(x, 2) for x in os.getloadavg()],
        },
        "clients": outcome,
        "server": {
            "samples": samples,
            "cpuPercentMax": max((s["cpuPercent"] for s in samples), default=None),
            "cpuPercentMean": round(sum(s["cpuPercent"] for s in samples[1:]) / max(1, len(samples) - 1), 1),
            "rssMiBMax": max((s["rssMiB"] for s in samples), default=None),
            "connectionsMax": max((s["connections"] for s in samples), default=None),
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    json_path = args.out / f"loadtest-{stamp}.json"
    json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    png_path = args.out / f"loadtest-{stamp}.png"
    plotted = not args.no_plot and plot(result, png_path)
    c, s = outcome, result["server"]
    print(
        f"clients: {c['connected']}/{c['clients']} connected ({c['connectSuccessRate']} %) in {c['connectSeconds']} s, "
        f"{c['held']} held to the end\n"
        f"broadcasts: {c['published']} published, {c['deliveries']}/{c['expectedDeliveries']} delivered, "
        f"{c['losses']} lost, {c['duplicates']} duplicates\n"
        f"delivery latency ms: p50 {c['latencyMs']['p50']}, p95 {c['latencyMs']['p95']}, p99 {c['latencyMs']['p99']}, "
        f"max {c['latencyMs']['max']}\n"
        f"heartbeat RTT ms: p50 {c['heartbeatRttMs']['p50']}, p99 {c['heartbeatRttMs']['p99']} "
        f"({c['heartbeatsAnswered']} of {c['heartbeatsSent']} answered)\n"
        f"server: CPU mean {s['cpuPercentMean']} % max {s['cpuPercentMax']} % of one core, "
        f"RSS max {s['rssMiBMax']} MiB\n"
        f"clients' process: CPU {c['clientProcess']['cpuPercent']} % of one core, event-loop delay ms "
        f"p50 {c['clientProcess']['eventLoopDelayMs']['p50']} p99 {c['clientProcess']['eventLoopDelayMs']['p99']}\n"
        f"machine load average: {result['machine']['loadAverageBefore']} before, "
        f"{result['machine']['loadAverageAfter']} after ({result['machine']['cpus']} CPUs)\n"
        f"errors: {c['errors'] or 'none'}\n"
        f"wrote {json_path}" + (f" and {png_path}" if plotted else "")
    )
    ok = c["connected"] == c["clients"] and c["losses"] == 0 and c["publishFailures"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
