"""Run eventcat's benchmarks next to their anchors, alternately, and publish medians and ratios.

    .venv/bin/python bench/run.py            # the full run (about 20 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # small sizes, fewer rounds (about 2 minutes): a smoke run
    .venv/bin/python bench/run.py --profile  # cProfile of the eventcat server and of `eventcat check`

The full run writes bench/results/latest.json, bench/results/scaling.png and the table between the markers in
bench/README.md; the quick run writes bench/results/quick.json and quick.png and leaves the README alone (--out,
--readme change that). Scenarios (DESIGN.md §7 has the targets):

1. codegen: `eventcat generate` and `eventcat check` on the REZ catalog as whole cold processes, alternately,
   with the content cache warm and with it off (EVENTCAT_CACHE_DIR=off); `check --only` per output; synthetic
   catalogs (bench/make_catalog.py) of 100, 1,000 and 5,000 events: generate with an empty cache, and what check
   does, timed per output inside one process (bench/codegen_breakdown.py); a linear fit of cost on size.
2. fanout: N clients in one room, K `order_status_update` events; deliveries/s from the first emit until every
   client has every event; the eventcat server vs raw python-socketio vs Node socket.io.
3. inbound: M clients sending `message_read` as fast as acks return; events/s, eventcat vs raw python-socketio.
4. connections: idle authenticated connections (up to 10,000); server RSS per connection and connect rate.
5. fanout-big: 5,000 clients in one room; rooms: the same clients in 1,000 rooms of 5, one event to each room per
   round; deliveries/s and server CPU per delivery, as fanout.
6. latency: 1,000 clients in one room, the server emitting at a steady rate with its send time in the payload;
   p50, p99, max of receipt − send time.
7. slow: 100 reading clients and 5 that stop reading, 8 KB events at a steady rate: server RSS growth, the
   connections left, the reading clients' deliveries/s.

Servers run on one core and the Node client harness on another (taskset) when the machine has two. Every process
started here is stopped at the end, failure or not. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib.metadata
import json
import math
import os
import platform
import queue
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = Path(sys.executable)
EVENTCAT = PYTHON.parent / "eventcat"
RESULTS = BENCH / "results"
README = BENCH / "README.md"
TABLE_START = "<!-- bench:table:start -->"
TABLE_END = "<!-- bench:table:end -->"


# -- sizes --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    mode: str
    codegen_rounds: int  # REZ generate/check, warm cache
    codegen_cold_rounds: int  # REZ generate/check, cache off
    only_rounds: int  # REZ check --only OUTPUT
    sizes: tuple[int, ...]  # synthetic catalogs
    size_check_rounds: dict[int, int]  # whole-process check (warm) per size
    fanout_clients: int
    fanout_events: int
    fanout_rounds: int
    fanout_sizes: tuple[int, ...]  # larger events, in bytes of their `message` field
    inbound_clients: int
    inbound_seconds: float
    inbound_rounds: int
    connection_sizes: tuple[int, ...]
    connection_rounds: dict[int, int]
    connection_big: tuple[int, ...]  # the sizes of `connections10k` (also run by `connections`), one round each
    latency_clients: int
    latency_rate: float  # events per second, each to every client
    latency_seconds: float
    latency_rounds: int
    big_clients: int  # fanout-big: one room; rooms: the same clients, rooms × rooms_size of them
    big_events: int
    big_rounds: int
    rooms: int  # rooms: this many rooms of rooms_size clients, one event to each room per round
    rooms_size: int
    rooms_events: int  # rounds of one event per room, per burst
    rooms_rounds: int
    slow_clients: int  # normal clients beside the ones that stop reading
    slow_stalled: int
    slow_rate: float
    slow_seconds: float
    slow_size: int
    slow_rounds: int
    slow_until: float  # seconds into the run after which `slow` runs no more than its first round
    variants: bool  # the Python servers without permessage-deflate, as a diagnostic
    # Seconds into the run after which optional work (variants, extra rounds at the largest size) is skipped, so
    # that a run on a busy machine still ends in time; what was skipped is said in the notes.
    optional_until: float


FULL = Plan(
    mode="full",
    codegen_rounds=3,
    codegen_cold_rounds=2,
    only_rounds=2,
    sizes=(100, 1000, 5000),
    size_check_rounds={100: 3, 1000: 0, 5000: 0},
    fanout_clients=500,
    fanout_events=200,
    fanout_rounds=3,
    fanout_sizes=(8000,),
    inbound_clients=50,
    inbound_seconds=3.0,
    inbound_rounds=5,
    connection_sizes=(1000, 5000),
    connection_rounds={1000: 2, 5000: 2, 10000: 1},
    connection_big=(10000,),
    latency_clients=1000,
    latency_rate=3,
    latency_seconds=8,
    latency_rounds=3,
    big_clients=5000,
    big_events=10,
    big_rounds=2,
    rooms=1000,
    rooms_size=5,
    rooms_events=10,
    rooms_rounds=2,
    slow_clients=100,
    slow_stalled=5,
    slow_rate=50,
    slow_seconds=30,
    slow_size=8000,
    slow_rounds=2,
    slow_until=17 * 60,
    variants=True,
    optional_until=9 * 60,
)
QUICK = Plan(
    mode="quick",
    codegen_rounds=1,
    codegen_cold_rounds=1,
    only_rounds=1,
    sizes=(100, 200),
    size_check_rounds={100: 1, 200: 0},
    fanout_clients=100,
    fanout_events=100,
    fanout_rounds=2,
    fanout_sizes=(8000,),
    inbound_clients=10,
    inbound_seconds=1.0,
    inbound_rounds=2,
    connection_sizes=(200,),
    connection_rounds={200: 1},
    connection_big=(),
    latency_clients=500,
    latency_rate=6,
    latency_seconds=2,
    latency_rounds=1,
    big_clients=500,
    big_events=10,
    big_rounds=1,
    rooms=100,
    rooms_size=5,
    rooms_events=10,
    rooms_rounds=1,
    slow_clients=100,
    slow_stalled=5,
    slow_rate=50,
    slow_seconds=3,
    slow_size=8000,
    slow_rounds=1,
    slow_until=math.inf,
    variants=False,
    optional_until=80,
)

SCENARIOS = ("codegen", "fanout", "inbound", "connections", "fanout-big", "rooms", "latency", "slow")

SYSTEMS: dict[str, dict[str, Any]] = {
    "eventcat": {"label": "eventcat", "cmd": [str(PYTHON), "bench/servers/eventcat_server.py"]},
    "raw": {"label": "python-socketio (raw)", "cmd": [str(PYTHON), "bench/servers/raw_socketio.py"]},
    "node": {"label": "Node socket.io", "cmd": ["node", "bench/servers/node_server.mjs"]},
    "eventcat-nodeflate": {
        "label": "eventcat, no deflate",
        "cmd": [str(PYTHON), "bench/servers/eventcat_server.py"],
        "env": {"BENCH_WS_DEFLATE": "0"},
    },
    "eventcat-once": {
        "label": "eventcat, compress once",
        "cmd": [str(PYTHON), "bench/servers/eventcat_server.py"],
        "env": {"BENCH_WS_COMPRESS_ONCE": "1"},
    },
    "node-deflate": {
        "label": "Node socket.io, deflate",
        "cmd": ["node", "bench/servers/node_server.mjs"],
        "env": {"BENCH_WS_DEFLATE": "1"},
    },
    "raw-nodeflate": {
        "label": "python-socketio (raw), no deflate",
        "cmd": [str(PYTHON), "bench/servers/raw_socketio.py"],
        "env": {"BENCH_WS_DEFLATE": "0"},
    },
}


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every child: this tree's packages first, so that the tree bench/ sits in is the one
    measured, even when eventcat is installed (editable) from another checkout."""
    paths = [str(ROOT), str(ROOT / "generated" / "python")]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(extra or {})}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- processes ----------------------------------------------------------------------------------------------------


class Processes:
    """Every child started here, each in its own process group, so that it can be stopped with its children."""

    def __init__(self) -> None:
        self.children: list[subprocess.Popen[str]] = []
        self.logdir = Path(tempfile.mkdtemp(prefix="eventcat-bench-logs-"))
        self._count = 0

    def start(
        self, cmd: Sequence[str], *, cpu: int | None = None, env: dict[str, str] | None = None, stdin: bool = False
    ) -> subprocess.Popen[str]:
        full = [*(["taskset", "-c", str(cpu)] if cpu is not None else []), *cmd]
        self._count += 1
        stderr = (self.logdir / f"{self._count:03d}-{Path(cmd[1] if len(cmd) > 1 else cmd[0]).stem}.log").open("w")
        proc = subprocess.Popen(
            full,
            cwd=ROOT,
            env=child_env(env),
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )
        proc.stderr_path = stderr.name  # type: ignore[attr-defined]
        stderr.close()
        self.children.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[str], grace: float = 5.0) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(Exception):
                if stream:
                    stream.close()
        if proc in self.children:
            self.children.remove(proc)

    def stop_all(self) -> None:
        for proc in list(self.children):
            self.stop(proc, grace=3.0)


PROCS = Processes()


def stderr_tail(proc: subprocess.Popen[str], lines: int = 15) -> str:
    path = getattr(proc, "stderr_path", None)
    if not path:
        return ""
    with contextlib.suppress(OSError):
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    return ""


class Lines:
    """JSON lines from a child's stdout, read by a thread, with timeouts."""

    def __init__(self, proc: subprocess.Popen[str], name: str) -> None:
        self.proc = proc
        self.name = name
        self.queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.queue.put(line)
        self.queue.put(None)

    def next(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"{self.name}: no answer in {timeout:.0f}s\n{stderr_tail(self.proc)}") from None
            if line is None:
                raise RuntimeError(f"{self.name} exited ({self.proc.poll()})\n{stderr_tail(self.proc)}")
            line = line.strip()
            if not line.startswith("{"):
                continue
            data: dict[str, Any] = json.loads(line)
            if "error" in data and len(data) == 1:
                raise RuntimeError(f"{self.name}: {data['error']}")
            return data

    def ask(self, command: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self.next(timeout)


@dataclass
class Server:
    system: str
    proc: subprocess.Popen[str]
    port: int
    pid: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def proc_status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def rss_kib(pid: int) -> int:
    return proc_status(pid, "VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_servers(systems: Sequence[str], cpu: int | None, extra_env: dict[str, str] | None = None) -> list[Server]:
    started = []
    for system in systems:
        spec = SYSTEMS[system]
        proc = PROCS.start(spec["cmd"], cpu=cpu, env={**spec.get("env", {}), **(extra_env or {})})
        started.append((system, proc, Lines(proc, system)))
    servers = []
    for system, proc, lines in started:
        hello = lines.next(60)
        server = Server(system, proc, int(hello["port"]), int(hello["pid"]))
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{server.url}/bench/ping", timeout=5) as answer:
                    if json.load(answer).get("ok"):
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{system} did not start\n{stderr_tail(proc)}") from None
                time.sleep(0.1)
        servers.append(server)
    return servers


def post(url: str, timeout: float = 30) -> dict[str, Any]:
    request = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        data: dict[str, Any] = json.load(answer)
        return data


def harness(script: str, server: Server, cpu: int | None, **options: Any) -> Lines:
    cmd = ["node", f"bench/clients/{script}", "--url", server.url]
    for key, value in options.items():
        cmd += [f"--{key}", str(value)]
    return Lines(PROCS.start(cmd, cpu=cpu, stdin=True), f"{script} → {server.system}")


def rotated(items: Sequence[str], r: int) -> list[str]:
    """Alternate who goes first from round to round."""
    k = r % len(items)
    return [*items[k:], *items[:k]]


# -- results ------------------------------------------------------------------------------------------------------


@dataclass
class Measure:
    id: str
    scenario: str
    system: str
    metric: str
    unit: str
    better: str  # "higher" | "lower"
    rounds: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        r = self.rounds
        return {
            "id": self.id,
            "scenario": self.scenario,
            "system": self.system,
            "metric": self.metric,
            "unit": self.unit,
            "better": self.better,
            "rounds": [round(x, 6) for x in r],
            "n": len(r),
            "median": statistics.median(r) if r else None,
            "min": min(r) if r else None,
            "max": max(r) if r else None,
            **self.extra,
        }


class Results:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.measures: dict[str, Measure] = {}
        self.ratios: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.data: dict[str, Any] = {}

    def measure(self, id: str, scenario: str, system: str, metric: str, unit: str, better: str) -> Measure:
        if id not in self.measures:
            self.measures[id] = Measure(id, scenario, system, metric, unit, better)
        return self.measures[id]

    def add(self, id: str, value: float, **meta: Any) -> None:
        self.measures[id].rounds.append(value)
        for key, v in meta.items():
            self.measures[id].extra.setdefault(key, [])
            self.measures[id].extra[key].append(v)

    def median(self, id: str) -> float | None:
        m = self.measures.get(id)
        return statistics.median(m.rounds) if m and m.rounds else None

    def ratio(
        self,
        scenario: str,
        subject: str,
        anchor: str | float,
        *,
        label: str,
        target: str | None = None,
        met: Callable[[float], bool] | None = None,
        invert: bool = False,
        offset: float = 0.0,
    ) -> None:
        """subject/anchor of medians (anchor/subject when invert), plus offset, with the spread of the per-round
        ratios (paired by round: the systems ran alternately)."""
        a = self.measures.get(subject)
        if a is None or not a.rounds:
            return
        if isinstance(anchor, str):
            b = self.measures.get(anchor)
            if b is None or not b.rounds:
                return
            top, bottom = (b, a) if invert else (a, b)
            value = statistics.median(top.rounds) / statistics.median(bottom.rounds)
            paired = [x / y for x, y in zip(top.rounds, bottom.rounds, strict=False) if y]
            anchor_name = anchor
        else:
            value = statistics.median(a.rounds) / anchor
            paired = [x / anchor for x in a.rounds]
            anchor_name = f"{anchor:g} {a.unit}"
        value += offset
        paired = [p + offset for p in paired]
        self.ratios.append(
            {
                "scenario": scenario,
                "label": label,
                "subject": subject,
                "anchor": anchor_name,
                "ratio": value,
                "round_min": min(paired) if paired else None,
                "round_max": max(paired) if paired else None,
                "target": target,
                "met": None if met is None else bool(met(value)),
            }
        )


# -- machine ------------------------------------------------------------------------------------------------------


def run_text(cmd: Sequence[str]) -> str:
    try:
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def npm_version(package: str) -> str | None:
    with contextlib.suppress(OSError, ValueError):
        return str(json.loads((BENCH / "node_modules" / package / "package.json").read_text())["version"])
    return None


def machine(cpus: tuple[int | None, int | None]) -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = 0
    with contextlib.suppress(OSError, StopIteration):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        mem = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    dirty = run_text(["git", "status", "--porcelain", "--untracked-files=no"]).splitlines()
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu": model,
        "memory_gib": round(mem / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "node": run_text(["node", "--version"]),
        "pinning": {"server_cpu": cpus[0], "client_cpu": cpus[1]} if cpus[0] is not None else None,
        "open_files_limit": [soft, hard],
        "loadavg_start": list(os.getloadavg()),
        # BENCH_SOURCE describes a tree that is not a git checkout (e.g. a clean export of a commit).
        "source": os.environ.get("BENCH_SOURCE") or f"commit {run_text(['git', 'rev-parse', '--short', 'HEAD'])}",
        "git_modified_files": len(dirty),
        "versions": {
            "eventcat": version("eventcat"),
            "python-socketio": version("python-socketio"),
            "python-engineio": version("python-engineio"),
            "uvicorn": version("uvicorn"),
            "websockets": version("websockets"),
            "uvloop": version("uvloop"),
            "pydantic": version("pydantic"),
            "datamodel-code-generator": version("datamodel-code-generator"),
            "socket.io": npm_version("socket.io"),
            "socket.io-client": npm_version("socket.io-client"),
        },
    }


def pinning() -> tuple[int | None, int | None]:
    cpus = sorted(os.sched_getaffinity(0))
    if shutil.which("taskset") and len(cpus) >= 2:
        return cpus[0], cpus[1]
    return None, None


# -- 1. codegen ---------------------------------------------------------------------------------------------------


def timed(cmd: Sequence[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the process and what it waited for), stdout; raises on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=child_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    PROCS.children.append(proc)
    try:
        out, err = proc.communicate(timeout=timeout)
    finally:
        PROCS.stop(proc)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}\n{out[-2000:]}\n{err[-2000:]}")
    return wall, cpu, out


def outputs() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from generator.outputs import OUTPUTS

    return [o.name for o in OUTPUTS]


def codegen(plan: Plan, res: Results, work: Path) -> None:
    cache = work / "cache"
    warm = {"EVENTCAT_CACHE_DIR": str(cache)}
    cold = {"EVENTCAT_CACHE_DIR": "off"}
    rez = work / "rez"
    rez.mkdir(parents=True)
    shutil.copytree(ROOT / "catalog", rez / "catalog")  # events.yaml and whatever it refers to (releases/)
    gen = [str(EVENTCAT), "generate"]
    check = [str(EVENTCAT), "check", "--no-diff"]
    out_dir = rez / "generated"

    log("codegen: REZ catalog, priming the cache (not counted)")
    timed(gen, rez, warm)
    for cache_name, env, rounds in (("warm", warm, plan.codegen_rounds), ("off", cold, plan.codegen_cold_rounds)):
        for command in ("generate", "check"):
            res.measure(
                f"codegen.rez.{command}.cache-{cache_name}",
                "codegen",
                "eventcat",
                f"`eventcat {command}`, REZ catalog, cache {cache_name}",
                "s",
                "lower",
            )
        for r in range(rounds):
            for command in rotated(["generate", "check"], r):
                if command == "generate":
                    shutil.rmtree(out_dir)  # generate writes every file: the fresh-clone case
                    wall, cpu, _ = timed(gen, rez, env)
                else:
                    wall, cpu, _ = timed(check, rez, env)
                res.add(f"codegen.rez.{command}.cache-{cache_name}", wall, cpu_seconds=round(cpu, 3))
            log(
                f"codegen: REZ round {r + 1}/{rounds}, cache {cache_name}: "
                f"generate {res.measures[f'codegen.rez.generate.cache-{cache_name}'].rounds[-1]:.2f}s, "
                f"check {res.measures[f'codegen.rez.check.cache-{cache_name}'].rounds[-1]:.2f}s"
            )
    res.measure("codegen.rez.validate", "codegen", "eventcat", "`eventcat validate`, REZ catalog", "s", "lower")
    for name in outputs():
        res.measure(
            f"codegen.rez.only.{name}",
            "codegen",
            "eventcat",
            f"`eventcat check --only {name}`, REZ, cache warm",
            "s",
            "lower",
        )
    for r in range(plan.only_rounds):
        wall, cpu, _ = timed([str(EVENTCAT), "validate"], rez, warm)
        res.add("codegen.rez.validate", wall, cpu_seconds=round(cpu, 3))
        for name in rotated(outputs(), r):
            wall, cpu, _ = timed([*check, "--only", name], rez, warm)
            res.add(f"codegen.rez.only.{name}", wall, cpu_seconds=round(cpu, 3))
    log("codegen: REZ per output: " + ", ".join(f"{n} {res.median(f'codegen.rez.only.{n}'):.2f}s" for n in outputs()))
    _, _, text = timed([str(PYTHON), str(BENCH / "codegen_breakdown.py")], rez, warm)
    breakdowns: dict[str, Any] = {"rez": json.loads(text.strip().splitlines()[-1])}

    sys.path.insert(0, str(BENCH))
    import make_catalog

    for n in plan.sizes:
        folder = work / f"synthetic-{n}"
        (folder / "catalog").mkdir(parents=True)
        (folder / "catalog" / "events.yaml").write_text(make_catalog.catalog(n), encoding="utf-8")
        if n == plan.sizes[0]:
            timed([str(EVENTCAT), "validate"], folder, warm)  # the synthetic catalogs are valid catalogs
        gid = f"codegen.synthetic.{n}.generate.cache-empty"
        res.measure(gid, "codegen", "eventcat", f"`eventcat generate`, {n} events, empty cache", "s", "lower")
        wall, cpu, _ = timed(gen, folder, warm, timeout=1800)
        res.add(gid, wall, cpu_seconds=round(cpu, 3))
        log(f"codegen: {n} events: generate (empty cache) {wall:.1f}s")
        _, _, text = timed([str(PYTHON), str(BENCH / "codegen_breakdown.py")], folder, warm, timeout=1800)
        breakdowns[str(n)] = json.loads(text.strip().splitlines()[-1])
        log(f"codegen: {n} events: in-process check (cache warm) {breakdowns[str(n)]['total']:.1f}s")
        cid = f"codegen.synthetic.{n}.check.cache-warm"
        if plan.size_check_rounds.get(n, 0):
            res.measure(cid, "codegen", "eventcat", f"`eventcat check`, {n} events, cache warm", "s", "lower")
        for _ in range(plan.size_check_rounds.get(n, 0)):
            wall, cpu, _ = timed(check, folder, warm, timeout=1800)
            res.add(cid, wall, cpu_seconds=round(cpu, 3))
        with contextlib.suppress(OSError):
            shutil.rmtree(folder / "generated")
    res.data["codegen_breakdown"] = breakdowns
    res.data["codegen_scaling"] = scaling(plan, res, breakdowns)

    res.ratio(
        "codegen",
        "codegen.rez.generate.cache-warm",
        1.0,
        label="generate, REZ, cache warm, vs 1 s",
        target="< 1",
        met=lambda v: v < 1,
    )
    res.ratio(
        "codegen",
        "codegen.rez.check.cache-warm",
        1.0,
        label="check, REZ, cache warm, vs 1 s",
        target="< 1",
        met=lambda v: v < 1,
    )
    res.ratio(
        "codegen",
        "codegen.rez.generate.cache-off",
        1.0,
        label="generate, REZ, cache off, vs 1 s",
        target="< 1",
        met=lambda v: v < 1,
    )
    res.ratio(
        "codegen",
        "codegen.rez.check.cache-off",
        1.0,
        label="check, REZ, cache off, vs 1 s",
        target="< 1",
        met=lambda v: v < 1,
    )
    big = max(plan.sizes)
    res.ratio(
        "codegen",
        f"codegen.synthetic.{big}.generate.cache-empty",
        60.0,
        label=f"generate, {big} events, empty cache, vs 60 s",
        target="well under 1",
        met=lambda v: v < 0.5,
    )


def fit(xs: Sequence[float], ys: Sequence[float]) -> dict[str, float]:
    """Least-squares y = a + b·x, with R²."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    a = my - b * mx
    ss = sum((y - my) ** 2 for y in ys)
    r2 = 1 - sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True)) / ss if ss else 1.0
    return {"intercept_s": a, "per_event_ms": b * 1000, "r2": r2}


def scaling(plan: Plan, res: Results, breakdowns: dict[str, Any]) -> dict[str, Any]:
    """Is cost linear in the number of events? A fit over the synthetic sizes, and the marginal cost per event
    of each step up in size: equal steps mean linear, growing steps superlinear."""
    sizes = list(plan.sizes)
    series: dict[str, list[float]] = {
        "generate, empty cache (whole process)": [
            res.median(f"codegen.synthetic.{n}.generate.cache-empty") or math.nan for n in sizes
        ],
        "check, cache warm (in process)": [breakdowns[str(n)]["total"] for n in sizes],
        "load (YAML, format schema, checks)": [breakdowns[str(n)]["load"] for n in sizes],
    }
    for key in breakdowns[str(sizes[0])]:
        if key.startswith("render:"):
            series[key.replace("render:", "render ")] = [breakdowns[str(n)][key] for n in sizes]
    out: dict[str, Any] = {"sizes": sizes, "series": {}}
    for name, ys in series.items():
        steps = [
            (ys[i + 1] - ys[i]) / (sizes[i + 1] - sizes[i]) * 1000 for i in range(len(sizes) - 1)
        ]  # ms per added event
        out["series"][name] = {
            "seconds": ys,
            **fit(sizes, ys),
            "marginal_ms_per_event": steps,
            "marginal_growth": steps[-1] / steps[0] if len(steps) > 1 and steps[0] > 0 else None,
        }
    return out


# -- 2. fan-out ---------------------------------------------------------------------------------------------------


def fanout(
    plan: Plan,
    res: Results,
    cpus: tuple[int | None, int | None],
    systems: Sequence[str],
    rounds: int,
    size: int = 0,
) -> None:
    """size: the `message` field padded to this many bytes (0: the catalog's example, about 200 bytes in all)."""
    n, k = plan.fanout_clients, plan.fanout_events
    scenario = f"fanout{size // 1000}k" if size else "fanout"
    what = f"{size // 1000} KB events" if size else "events"
    log(f"{scenario}: {', '.join(systems)}: {n} clients, {k} {what}, {rounds} rounds")
    servers = start_servers(systems, cpus[0])
    clients = {}
    stamp = int(time.time())
    try:
        for server in servers:
            clients[server.system] = harness(
                "fanout.mjs", server, cpus[1], clients=n, prefix=f"f{stamp}{server.system.replace('-', '')}"
            )
        ready = {s: c.next(300) for s, c in clients.items()}
        for server in servers:
            mid = f"{scenario}.{server.system}"
            res.measure(
                mid, scenario, server.system, f"deliveries/s, {n} clients × {k} {what}", "deliveries/s", "higher"
            )
            res.measures[mid].extra["websocket_extensions"] = ready[server.system].get("extensions")
            res.measure(f"{mid}.cpu", scenario, server.system, "server CPU per delivery", "µs", "lower")
            clients[server.system].ask(
                {"cmd": "burst", "k": max(5, k // 10), "size": size}, 300
            )  # warm-up, not counted
        by = {s.system: s for s in servers}
        for r in range(rounds):
            for system in rotated(list(systems), r):
                server = by[system]
                cpu0 = cpu_seconds(server.pid)
                answer = clients[system].ask({"cmd": "burst", "k": k, "size": size}, 600)
                server_cpu = cpu_seconds(server.pid) - cpu0
                if answer.get("bad_counts") or answer.get("wrong_payloads"):
                    raise RuntimeError(f"{scenario} {system}: clients got the wrong events: {answer}")
                res.add(
                    f"{scenario}.{system}",
                    answer["rate"],
                    seconds=round(answer["seconds"], 4),
                    server_cpu_share=round(server_cpu / answer["seconds"], 3),
                    client_cpu_share=round(answer["client_cpu_seconds"] / answer["seconds"], 3),
                )
                res.add(f"{scenario}.{system}.cpu", server_cpu / answer["deliveries"] * 1e6)
                log(f"{scenario}: round {r + 1}/{rounds} {system}: {answer['rate']:,.0f} deliveries/s")
    finally:
        for lines in clients.values():
            PROCS.stop(lines.proc)
        for server in servers:
            PROCS.stop(server.proc)


def fanout_all(plan: Plan, res: Results, cpus: tuple[int | None, int | None], started: float) -> None:
    """Small events (under the 1 KB compression threshold) and 8 KB ones, each with permessage-deflate negotiated
    and without, beside raw python-socketio and Node socket.io with and without it; the issue's targets as ratios."""
    fanout(plan, res, cpus, ["eventcat", "raw", "node", "node-deflate"], plan.fanout_rounds)
    if plan.variants and time.time() - started < plan.optional_until:
        fanout(plan, res, cpus, ["eventcat-nodeflate", "raw-nodeflate"], 2)
    elif plan.variants:
        res.notes.append("fanout: the variants without permessage-deflate were skipped: the run was late.")
    for size in plan.fanout_sizes:
        systems = ["eventcat", "eventcat-once", "raw", "node-deflate", "eventcat-nodeflate", "node"]
        fanout(plan, res, cpus, systems, 2, size=size)
    for scenario in ("fanout", *(f"fanout{size // 1000}k" for size in plan.fanout_sizes)):
        at_least_node = {"target": "≥ 1", "met": lambda v: v >= 1}
        res.ratio(
            scenario,
            f"{scenario}.eventcat",
            f"{scenario}.node-deflate",
            label="eventcat / Node socket.io, deflate on both",
            **at_least_node,
        )
        res.ratio(
            scenario,
            f"{scenario}.eventcat-nodeflate",
            f"{scenario}.node",
            label="eventcat / Node socket.io, deflate off on both",
            **at_least_node,
        )
        res.ratio(
            scenario, f"{scenario}.eventcat", f"{scenario}.raw", label="eventcat / raw python-socketio", **at_least_node
        )
        res.ratio(scenario, f"{scenario}.raw", f"{scenario}.node-deflate", label="raw python-socketio / Node, deflate")
        res.ratio(
            scenario,
            f"{scenario}.eventcat-once",
            f"{scenario}.eventcat",
            label="eventcat compressing once / with each connection's context",
        )
        at_most_node = {"target": "≤ 1", "met": lambda v: v <= 1}
        res.ratio(
            scenario,
            f"{scenario}.eventcat.cpu",
            f"{scenario}.node-deflate.cpu",
            label="server CPU per delivery, eventcat / Node, deflate on both",
            **at_most_node,
        )
        res.ratio(
            scenario,
            f"{scenario}.eventcat-nodeflate.cpu",
            f"{scenario}.node.cpu",
            label="server CPU per delivery, eventcat / Node, deflate off on both",
            **at_most_node,
        )
        res.ratio(
            scenario,
            f"{scenario}.eventcat.cpu",
            f"{scenario}.raw.cpu",
            label="server CPU per delivery, eventcat / raw python-socketio",
            **at_most_node,
        )


# -- fan-out to many clients, to many rooms ----------------------------------------------------------------------------


def wide(plan: Plan, res: Results, cpus: tuple[int | None, int | None], scenarios: Sequence[str]) -> None:
    """fanout-big: many clients in one room, K events; rooms: the same clients also spread over many small rooms
    `order:bench_{i}` (client i in room i mod R), and K rounds of one event to each room. One set of connections for
    both (connecting them is most of the time); deliveries/s and server CPU per delivery, as fanout measures them."""
    n = plan.big_clients
    systems = ["eventcat", "raw", "node"]
    rooms = plan.rooms if "rooms" in scenarios else 0
    if rooms and n != rooms * plan.rooms_size:
        raise ValueError(f"{n} clients are not {rooms} rooms of {plan.rooms_size}")
    runs = {
        "fanout-big": (plan.big_events, f"{n} clients in one room × {plan.big_events} events"),
        "rooms": (plan.rooms_events, f"{rooms} rooms of {plan.rooms_size} clients × {plan.rooms_events} rounds"),
    }
    chosen = [s for s in runs if s in scenarios]
    rounds = max(plan.big_rounds if "fanout-big" in chosen else 0, plan.rooms_rounds if rooms else 0)
    log(f"{', '.join(chosen)}: {', '.join(systems)}: {'; '.join(runs[s][1] for s in chosen)}; {rounds} rounds")
    fd_room(n)
    servers = start_servers(systems, cpus[0])
    clients = {}
    stamp = int(time.time())
    try:
        for server in servers:
            clients[server.system] = harness(
                "fanout.mjs",
                server,
                cpus[1],
                clients=n,
                rooms=rooms,
                single=int("fanout-big" in chosen),
                prefix=f"w{stamp}{server.system.replace('-', '')}",
            )
        ready = {s: c.next(300 + n // 20) for s, c in clients.items()}
        for server in servers:
            for scenario in chosen:
                mid = f"{scenario}.{server.system}"
                metric = f"deliveries/s, {runs[scenario][1]}"
                res.measure(mid, scenario, server.system, metric, "deliveries/s", "higher")
                res.measures[mid].extra["websocket_extensions"] = ready[server.system].get("extensions")
                for key in ("connect_seconds", "subscribes", "subscribe_seconds"):
                    res.measures[mid].extra[key] = ready[server.system].get(key)
                res.measure(f"{mid}.cpu", scenario, server.system, "server CPU per delivery", "µs", "lower")
                warm = {"cmd": "burst", "k": 2, "rooms": scenario == "rooms"}
                clients[server.system].ask(warm, 300)  # warm-up, not counted
        by = {s.system: s for s in servers}
        for r in range(rounds):
            for system in rotated(systems, r):
                server = by[system]
                for scenario in chosen:
                    k = runs[scenario][0]
                    cpu0 = cpu_seconds(server.pid)
                    answer = clients[system].ask({"cmd": "burst", "k": k, "rooms": scenario == "rooms"}, 600)
                    server_cpu = cpu_seconds(server.pid) - cpu0
                    if answer.get("bad_counts") or answer.get("wrong_payloads"):
                        raise RuntimeError(f"{scenario} {system}: clients got the wrong events: {answer}")
                    res.add(
                        f"{scenario}.{system}",
                        answer["rate"],
                        seconds=round(answer["seconds"], 4),
                        emit_seconds=round(answer["emit_seconds"], 4),
                        server_cpu_share=round(server_cpu / answer["seconds"], 3),
                        client_cpu_share=round(answer["client_cpu_seconds"] / answer["seconds"], 3),
                    )
                    res.add(f"{scenario}.{system}.cpu", server_cpu / answer["deliveries"] * 1e6)
                    log(f"{scenario}: round {r + 1}/{rounds} {system}: {answer['rate']:,.0f} deliveries/s")
    finally:
        for lines in clients.values():
            PROCS.stop(lines.proc)
        for server in servers:
            PROCS.stop(server.proc)
    for scenario in chosen:
        res.ratio(scenario, f"{scenario}.eventcat", f"{scenario}.raw", label="eventcat / raw python-socketio")
        res.ratio(scenario, f"{scenario}.eventcat", f"{scenario}.node", label="eventcat / Node socket.io")
        res.ratio(
            scenario,
            f"{scenario}.eventcat.cpu",
            f"{scenario}.node.cpu",
            label="server CPU per delivery, eventcat / Node",
            target="≤ 1",
            met=lambda v: v <= 1,
        )
        res.ratio(
            scenario, f"{scenario}.eventcat.cpu", f"{scenario}.raw.cpu", label="server CPU per delivery, eventcat / raw"
        )


# -- latency, slow consumer --------------------------------------------------------------------------------------------


def get(url: str, timeout: float = 30) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as answer:
        data: dict[str, Any] = json.load(answer)
        return data


def latency(plan: Plan, res: Results, cpus: tuple[int | None, int | None], systems: Sequence[str]) -> None:
    """N clients in the room; the server emits at a steady rate (POST /bench/steady, a timer loop) with its send
    time in the payload; per delivery, receipt − send time (one clock): p50, p99, max. Every delivery must arrive."""
    n, rate, seconds, rounds = plan.latency_clients, plan.latency_rate, plan.latency_seconds, plan.latency_rounds
    log(f"latency: {', '.join(systems)}: {n} clients, {rate:g} events/s for {seconds:g}s, {rounds} rounds")
    fd_room(n)
    servers = start_servers(systems, cpus[0])
    clients = {}
    stamp = int(time.time())
    what = f"{n} clients, {rate:g} events/s"
    try:
        for server in servers:
            clients[server.system] = harness(
                "latency.mjs", server, cpus[1], clients=n, prefix=f"l{stamp}{server.system.replace('-', '')}"
            )
        ready = {s: c.next(300) for s, c in clients.items()}
        for server in servers:
            for key, label in (("p50", "p50"), ("p99", "p99"), ("max", "max")):
                mid = f"latency.{server.system}.{key}"
                res.measure(mid, "latency", server.system, f"{label} emit → receipt, {what}", "ms", "lower")
            res.measures[f"latency.{server.system}.p50"].extra["websocket_extensions"] = ready[server.system].get(
                "extensions"
            )
            clients[server.system].ask({"cmd": "steady", "rate": rate, "seconds": 1}, 120)  # warm-up, not counted
        by = {s.system: s for s in servers}
        for r in range(rounds):
            for system in rotated(list(systems), r):
                cpu0 = cpu_seconds(by[system].pid)
                answer = clients[system].ask({"cmd": "steady", "rate": rate, "seconds": seconds}, seconds + 120)
                server_cpu = cpu_seconds(by[system].pid) - cpu0
                if answer["received"] != answer["expected"] or answer["bad_counts"] or answer["unparsable"]:
                    raise RuntimeError(f"latency {system}: not every delivery arrived as sent: {answer}")
                late = answer["server"].get("max_late_ms")
                res.add(
                    f"latency.{system}.p50",
                    answer["p50_ms"],
                    deliveries=answer["received"],
                    server_max_late_ms=None if late is None else round(late, 2),
                    server_cpu_share=round(server_cpu / answer["seconds"], 3),
                    client_cpu_share=round(answer["client_cpu_seconds"] / answer["seconds"], 3),
                )
                res.add(f"latency.{system}.p99", answer["p99_ms"], p90_ms=round(answer["p90_ms"], 3))
                res.add(f"latency.{system}.max", answer["max_ms"], mean_ms=round(answer["mean_ms"], 3))
                log(
                    f"latency: round {r + 1}/{rounds} {system}: p50 {answer['p50_ms']:.2f} ms, "
                    f"p99 {answer['p99_ms']:.2f} ms, max {answer['max_ms']:.2f} ms, "
                    f"{answer['received']:,} of {answer['expected']:,}, the emit loop at most {late or 0:.1f} ms late"
                )
    finally:
        for lines in clients.values():
            PROCS.stop(lines.proc)
        for server in servers:
            PROCS.stop(server.proc)
    for key in ("p50", "p99"):
        res.ratio(
            "latency",
            f"latency.eventcat.{key}",
            f"latency.node.{key}",
            label=f"{key} latency, eventcat / Node socket.io",
            **({"target": "≤ 1", "met": lambda v: v <= 1} if key == "p99" else {}),
        )
    res.ratio("latency", "latency.eventcat.p99", "latency.raw.p99", label="p99 latency, eventcat / raw python-socketio")


class RssSampler:
    """The VmRSS of a process, read every 50 ms by a thread while the `with` block runs: the peak, and the samples
    (seconds since the start, KiB)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.started = time.monotonic()
        self.peak = rss_kib(pid)
        self.samples: list[tuple[float, int]] = [(0.0, self.peak)]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            with contextlib.suppress(OSError, KeyError, ValueError):
                kib = rss_kib(self.pid)
                self.peak = max(self.peak, kib)
                self.samples.append((time.monotonic() - self.started, kib))

    def at(self, seconds: float) -> int:
        """The last sample taken at or before `seconds` after the start."""
        return [kib for t, kib in self.samples if t <= seconds][-1]

    def __enter__(self) -> RssSampler:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        with contextlib.suppress(OSError, KeyError, ValueError):
            self.peak = max(self.peak, rss_kib(self.pid))


def slow(
    plan: Plan,
    res: Results,
    cpus: tuple[int | None, int | None],
    systems: Sequence[str],
    extra_rounds_until: float = math.inf,
) -> None:
    """N normal clients and a few that stop reading, in one room; the server emits large events at a steady rate.
    Server RSS growth (peak and at the end), the connections left, the normal clients' deliveries/s; a fresh server each
    round (what was buffered for the stalled clients would otherwise stay). extra_rounds_until: a wall-clock time
    after which no round but the first is run."""
    n, stalled, rate, seconds = plan.slow_clients, plan.slow_stalled, plan.slow_rate, plan.slow_seconds
    size, rounds = plan.slow_size, plan.slow_rounds
    kb = f"{size // 1000} KB"
    log(
        f"slow: {', '.join(systems)}: {n} clients + {stalled} that stop reading, {rate:g} {kb} events/s for "
        f"{seconds:g}s ({rate * seconds * size / 1e6:.1f} MB to each), {rounds} rounds"
    )
    for system in systems:
        res.measure(f"slow.{system}.rss", "slow", system, "server RSS growth, peak", "MiB", "lower")
        res.measure(f"slow.{system}.rss_end", "slow", system, "server RSS growth, at the end", "MiB", "lower")
        res.measure(
            f"slow.{system}.rss_tail",
            "slow",
            system,
            "server RSS growth over the last third of the emits",
            "MiB",
            "lower",
        )
        res.measure(
            f"slow.{system}.rate",
            "slow",
            system,
            f"deliveries/s to the {n} reading clients, {rate:g} {kb} events/s",
            "deliveries/s",
            "higher",
        )
    for r in range(rounds):
        if r > 0 and time.time() > extra_rounds_until:
            res.notes.append(f"slow: ran {r} of {rounds} rounds: the run was late (busy machine).")
            break
        for system in rotated(list(systems), r):
            (server,) = start_servers([system], cpus[0])
            lines = None
            try:
                lines = harness(
                    "slow.mjs",
                    server,
                    cpus[1],
                    clients=n,
                    slow=stalled,
                    prefix=f"s{int(time.time())}{r}{system.replace('-', '')}",
                )
                ready = lines.next(120)
                time.sleep(0.5)
                before = rss_kib(server.pid)
                cpu0 = cpu_seconds(server.pid)
                with RssSampler(server.pid) as sampler:
                    answer = lines.ask({"cmd": "run", "rate": rate, "seconds": seconds, "size": size}, seconds + 180)
                    time.sleep(0.5)
                server_cpu = cpu_seconds(server.pid) - cpu0
                after = rss_kib(server.pid)
                held = get(f"{server.url}/bench/stats")["connections"]
                if answer.get("bad_counts"):
                    raise RuntimeError(f"slow {system}: reading clients got the wrong events: {answer}")
                # A read in progress when the socket paused may still land (tens of KB); then nothing more.
                stopped = sum(1 for b in answer["slow_bytes_read_after_pause"] if b < 64 * 1024)
                res.add(
                    f"slow.{system}.rss",
                    (sampler.peak - before) / 1024,
                    rss_before_kib=before,
                    rss_peak_kib=sampler.peak,
                    connections_at_end=held,
                    stalled_that_read_nothing=stopped,
                    websocket_extensions=ready.get("extensions"),
                )
                res.add(f"slow.{system}.rss_end", (after - before) / 1024, rss_after_kib=after)
                # A bound shows as no growth once it is reached; a buffer without one keeps growing with the emits.
                tail = sampler.at(seconds) - sampler.at(seconds * 2 / 3)
                res.add(f"slow.{system}.rss_tail", tail / 1024)
                res.add(
                    f"slow.{system}.rate",
                    answer["rate"],
                    server_cpu_share=round(server_cpu / answer["seconds"], 3),
                    client_cpu_share=round(answer["client_cpu_seconds"] / answer["seconds"], 3),
                    server_max_late_ms=round(answer["server"].get("max_late_ms", 0), 2),
                    # Not a table measure: with deflate the one client core's inflating is most of it.
                    reading_p99_ms=round(answer["p99_ms"], 2),
                )
                log(
                    f"slow: round {r + 1}/{rounds} {system}: RSS +{(sampler.peak - before) / 1024:.1f} MiB at the "
                    f"peak, +{(after - before) / 1024:.1f} MiB at the end, +{tail / 1024:.1f} MiB over the last "
                    f"third of the emits; {held} of {n + stalled} connections left; {answer['rate']:,.0f} "
                    f"deliveries/s to the reading clients (p99 {answer['p99_ms']:.0f} ms)"
                )
            finally:
                if lines is not None:
                    PROCS.stop(lines.proc)
                PROCS.stop(server.proc)
    res.ratio("slow", "slow.eventcat.rss", "slow.raw.rss", label="server RSS growth, eventcat / raw python-socketio")
    res.ratio(
        "slow",
        "slow.eventcat.rss_tail",
        "slow.node.rss_tail",
        label="server RSS growth over the last third of the emits, eventcat / Node",
    )
    res.ratio("slow", "slow.eventcat.rss", "slow.node.rss", label="server RSS growth, eventcat / Node socket.io")
    res.ratio(
        "slow", "slow.eventcat.rate", "slow.node.rate", label="deliveries/s to the reading clients, eventcat / Node"
    )


# -- 3. inbound ---------------------------------------------------------------------------------------------------


def inbound(plan: Plan, res: Results, cpus: tuple[int | None, int | None], systems: Sequence[str], rounds: int) -> None:
    m, seconds = plan.inbound_clients, plan.inbound_seconds
    log(f"inbound: {', '.join(systems)}: {m} clients, {seconds:g}s windows, {rounds} rounds")
    servers = start_servers(systems, cpus[0])
    clients = {}
    stamp = int(time.time())
    try:
        for server in servers:
            clients[server.system] = harness(
                "inbound.mjs", server, cpus[1], clients=m, prefix=f"i{stamp}{server.system.replace('-', '')}"
            )
        for system, lines in clients.items():
            ready = lines.next(120)
            mid = f"inbound.{system}"
            res.measure(mid, "inbound", system, f"`message_read` events/s, {m} clients", "events/s", "higher")
            res.measures[mid].extra["websocket_extensions"] = ready.get("extensions")
            res.measure(f"{mid}.cpu", "inbound", system, "server CPU per `message_read`", "µs", "lower")
        by = {s.system: s for s in servers}
        for r in range(rounds):
            for system in rotated(list(systems), r):
                cpu0 = cpu_seconds(by[system].pid)
                answer = clients[system].ask({"cmd": "run", "seconds": seconds, "warmup": 0.5}, 120)
                server_cpu = cpu_seconds(by[system].pid) - cpu0
                if answer.get("refused"):
                    raise RuntimeError(f"inbound {system}: refused events: {answer}")
                res.add(
                    f"inbound.{system}",
                    answer["rate"],
                    server_cpu_share=round(server_cpu / (answer["seconds"] + 0.5), 3),
                    client_cpu_share=round(answer["client_cpu_seconds"] / answer["seconds"], 3),
                )
                res.add(f"inbound.{system}.cpu", server_cpu / answer["total_acks"] * 1e6)
                log(f"inbound: round {r + 1}/{rounds} {system}: {answer['rate']:,.0f} events/s")
    finally:
        for lines in clients.values():
            PROCS.stop(lines.proc)
        for server in servers:
            PROCS.stop(server.proc)


# -- 4. connections -----------------------------------------------------------------------------------------------


def fd_room(wanted: int) -> int:
    """Raise our soft open-files limit (children inherit it) as far as needed and allowed; the usable count."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + 500
    if soft < need:
        new = need if hard == resource.RLIM_INFINITY else min(need, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return max(0, soft - 500)


def connections(
    plan: Plan,
    res: Results,
    cpus: tuple[int | None, int | None],
    systems: Sequence[str],
    sizes: Sequence[int],
    rounds: dict[int, int],
    extra_rounds_until: float = math.inf,
) -> None:
    """extra_rounds_until: a wall-clock time after which a size gets no more than its first round."""
    for wanted in sizes:
        n = min(wanted, fd_room(wanted))
        if n < wanted:
            res.notes.append(
                f"connections: {wanted} connections need {wanted + 500} open files; the limit here allows {n}, "
                f"so that size was capped at {n}."
            )
        log(f"connections: {n} idle connections, {', '.join(systems)}, {rounds[wanted]} rounds")
        for system in systems:
            res.measure(
                f"connections.{n}.{system}.rss", "connections", system, f"RSS per connection, {n} idle", "KiB", "lower"
            )
            res.measure(
                f"connections.{n}.{system}.rate",
                "connections",
                system,
                f"connects/s, {n} connections",
                "connections/s",
                "higher",
            )
        for r in range(rounds[wanted]):
            if r > 0 and time.time() > extra_rounds_until:
                res.notes.append(
                    f"connections: {n} connections ran {r} of {rounds[wanted]} rounds: the run was late (busy machine)."
                )
                break
            for system in rotated(list(systems), r):
                (server,) = start_servers([system], cpus[0])
                lines = None
                try:
                    time.sleep(0.5)
                    before = rss_kib(server.pid)
                    lines = harness(
                        "connections.mjs",
                        server,
                        cpus[1],
                        clients=n,
                        prefix=f"c{int(time.time())}{r}{system.replace('-', '')}",
                        concurrency=100,
                    )
                    answer = lines.next(600)
                    time.sleep(1.0)
                    after = rss_kib(server.pid)
                    per = (after - before) / n
                    res.add(f"connections.{n}.{system}.rss", per, rss_before_kib=before, rss_after_kib=after)
                    res.add(
                        f"connections.{n}.{system}.rate",
                        answer["rate"],
                        client_cpu_share=round(answer["client_cpu_seconds"] / answer["seconds"], 3),
                    )
                    log(f"connections: {n} {system}: {per:.1f} KiB/connection, {answer['rate']:,.0f} connects/s")
                    with contextlib.suppress(RuntimeError):
                        lines.ask({"cmd": "close"}, 60)
                finally:
                    if lines is not None:
                        PROCS.stop(lines.proc)
                    PROCS.stop(server.proc)


# -- profile ------------------------------------------------------------------------------------------------------


def profile(plan: Plan, cpus: tuple[int | None, int | None]) -> None:
    """cProfile inside the eventcat server during one fan-out burst and one inbound window, and of one
    `eventcat check`; the top functions go to bench/results/profile-*.txt."""
    import pstats

    RESULTS.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="eventcat-bench-profile-"))
    try:
        (server,) = start_servers(["eventcat"], cpus[0], {"BENCH_PROFILE": "1"})
        try:
            fan = harness("fanout.mjs", server, cpus[1], clients=plan.fanout_clients, prefix=f"pf{int(time.time())}")
            fan.next(300)
            fan.ask({"cmd": "burst", "k": 20}, 300)
            post(f"{server.url}/bench/profile/start")
            answer = fan.ask({"cmd": "burst", "k": plan.fanout_events}, 900)
            post(f"{server.url}/bench/profile/stop?out={work / 'fanout.prof'}")
            log(f"profile: fanout under cProfile: {answer['rate']:,.0f} deliveries/s")
            PROCS.stop(fan.proc)
            inb = harness("inbound.mjs", server, cpus[1], clients=plan.inbound_clients, prefix=f"pi{int(time.time())}")
            inb.next(120)
            post(f"{server.url}/bench/profile/start")
            answer = inb.ask({"cmd": "run", "seconds": plan.inbound_seconds, "warmup": 0.5}, 120)
            post(f"{server.url}/bench/profile/stop?out={work / 'inbound.prof'}")
            log(f"profile: inbound under cProfile: {answer['rate']:,.0f} events/s")
            PROCS.stop(inb.proc)
        finally:
            PROCS.stop(server.proc)
        rez = work / "rez"
        rez.mkdir(parents=True)
        shutil.copytree(ROOT / "catalog", rez / "catalog")
        env = {"EVENTCAT_CACHE_DIR": str(work / "cache")}
        timed([str(EVENTCAT), "generate"], rez, env)
        script = work / "eventcat_main.py"
        script.write_text("from generator.cli import main\n\nmain()\n")
        for name, cache in (("check", env), ("check-nocache", {"EVENTCAT_CACHE_DIR": "off"})):
            timed([str(PYTHON), "-m", "cProfile", "-o", str(work / f"{name}.prof"), str(script), "check"], rez, cache)
        ours = "eventcat_runtime|server_stub|rez_realtime|generator"
        for name in ("fanout", "inbound", "check", "check-nocache"):
            target = RESULTS / f"profile-{name}.txt"
            with target.open("w") as stream:
                stream.write(f"# cProfile of {name} ({plan.mode} sizes)\n\n## eventcat's own functions, cumulative\n")
                mine = pstats.Stats(str(work / f"{name}.prof"), stream=stream)
                mine.sort_stats("cumulative").print_stats(ours, 30)
                stats = pstats.Stats(str(work / f"{name}.prof"), stream=stream)
                stats.strip_dirs()
                stream.write("\n## everything, cumulative\n")
                stats.sort_stats("cumulative").print_stats(45)
                stream.write("\n## everything, own time\n")
                stats.sort_stats("tottime").print_stats(30)
            text = target.read_text().replace(str(ROOT) + "/", "").replace(str(PYTHON.parent.parent) + "/", "")
            target.write_text(text.replace(str(work) + "/", ""))
            log(f"profile: wrote {target.relative_to(ROOT)}")
        _, _, text = timed([str(PYTHON), str(BENCH / "pipeline_micro.py")], ROOT, {}, timeout=300)
        micro = json.loads(text.strip().splitlines()[-1])
        (RESULTS / "profile-pipeline.json").write_text(json.dumps(micro, indent=2, ensure_ascii=False) + "\n")
        log(
            "profile: inbound pipeline, µs per event: "
            + ", ".join(f"{k.strip()} {v}" for k, v in micro["steps"].items())
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- report -------------------------------------------------------------------------------------------------------


def fmt(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "KiB":
        return f"{value:.1f} KiB"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def cpu_note(s: dict[str, Any]) -> str:
    """The CPU column: a codegen process's CPU seconds (itself and what it waited for), or how busy the server's and
    the client's cores were during a round (a server well under 100% was starved by other work on its core)."""

    def med(key: str) -> float | None:
        values = s.get(key)
        return statistics.median(values) if isinstance(values, list) and values else None

    cpu = med("cpu_seconds")
    if cpu is not None:
        return f"{cpu:.2f} s"
    server, client = med("server_cpu_share"), med("client_cpu_share")
    if server is None and client is None:
        return "–"
    return " / ".join("–" if x is None else f"{x:.0%}" for x in (server, client))


def table(result: dict[str, Any]) -> str:
    m = result["machine"]
    v = m["versions"]
    pin = m["pinning"]
    lines = [
        f"Run: **{result['mode']}**, {result['finished'][:16].replace('T', ' ')} UTC, "
        f"{result['duration_s'] / 60:.1f} min; "
        f"{m['cores']} cores ({m['cpu']}), Python {m['python']}, Node {m['node'].lstrip('v')}, "
        f"python-socketio {v['python-socketio']}, uvicorn {v['uvicorn']}, websockets {v['websockets']}, "
        f"socket.io {v['socket.io']}; "
        + (f"servers on CPU {pin['server_cpu']}, clients on CPU {pin['client_cpu']}" if pin else "no CPU pinning")
        + f"; {m['source']}"
        + (f" with {m['git_modified_files']} modified files in the working tree" if m["git_modified_files"] else "")
        + f"; load average {m['loadavg_start'][0]:.2f} at the start, {m.get('loadavg_end', [math.nan])[0]:.2f} "
        "at the end (other work shares this machine).",
        "",
        "**Ratios** (of medians; the range is the spread of the per-round ratios)",
        "",
        "| scenario | ratio | value | per-round range | target | met |",
        "|---|---|---:|---:|---|---|",
    ]
    for r in result["ratios"]:
        spread = f"{r['round_min']:.2f} – {r['round_max']:.2f}" if r["round_min"] is not None else "–"
        met = "–" if r["met"] is None else ("yes" if r["met"] else "**no**")
        lines.append(f"| {r['scenario']} | {r['label']} | {r['ratio']:.2f} | {spread} | {r['target'] or '–'} | {met} |")
    lines += [
        "",
        "**Figures**",
        "",
        "| scenario | system | measure | median | min | max | rounds | CPU: process time, or busy server / client |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    order = {name: i for i, name in reversed(list(enumerate(m["scenario"] for m in result["measures"])))}
    for s in sorted(result["measures"], key=lambda m: order[m["scenario"]]):
        if not s["n"]:
            continue
        label = SYSTEMS.get(s["system"], {}).get("label", s["system"])
        unit = s["unit"]
        suffix = "" if unit in ("s", "KiB") else f" {unit}"
        lines.append(
            f"| {s['scenario']} | {label} | {s['metric']} | {fmt(s['median'], unit)}{suffix} | "
            f"{fmt(s['min'], unit)} | {fmt(s['max'], unit)} | {s['n']} | {cpu_note(s)} |"
        )
    scaling_data = result.get("data", {}).get("codegen_scaling")
    if scaling_data:
        sizes = scaling_data["sizes"]
        lines += [
            "",
            "**Codegen scaling** (synthetic catalogs; seconds per size, least-squares fit, marginal cost per added "
            "event for each step up in size)",
            "",
            "| step | " + " | ".join(f"{n:,} events" for n in sizes) + " | fixed (fit) | per event (fit) | R² | "
            "marginal ms/event per step |",
            "|---|" + "---:|" * len(sizes) + "---:|---:|---:|---|",
        ]
        for name, s in scaling_data["series"].items():
            lines.append(
                f"| {name} | "
                + " | ".join(fmt(x, "s") for x in s["seconds"])
                + f" | {s['intercept_s']:.2f} s | {s['per_event_ms']:.2f} ms | {s['r2']:.3f} | "
                + " → ".join(f"{x:.2f}" for x in s["marginal_ms_per_event"])
                + " |"
            )
    if result["notes"]:
        lines += ["", *[f"- {note}" for note in result["notes"]]]
    return "\n".join(lines)


def write_readme(result: dict[str, Any]) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else f"# Benchmarks\n\n{TABLE_START}\n{TABLE_END}\n"
    if TABLE_START not in text or TABLE_END not in text:
        text += f"\n{TABLE_START}\n{TABLE_END}\n"
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    README.write_text(f"{head}{TABLE_START}\n{table(result)}\n{TABLE_END}{tail}", encoding="utf-8")


def plot(result: dict[str, Any], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measures = {m["id"]: m for m in result["measures"]}
    fig, axes = plt.subplots(2, 3, figsize=(18, 10))
    fig.suptitle(
        f"eventcat benchmarks ({result['mode']} run, {result['machine']['cores']} cores; medians, bars min–max)",
        fontsize=12,
    )

    ax = axes[0][0]
    sc = result.get("data", {}).get("codegen_scaling")
    if sc:
        sizes = sc["sizes"]
        for name, s in sc["series"].items():
            style = "-o" if not name.startswith("render") else "--."
            ax.plot(sizes, s["seconds"], style, label=name, linewidth=1.5 if style == "-o" else 1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        lo = min(sizes)
        ref = sc["series"]["check, cache warm (in process)"]["seconds"][0]
        ax.plot(sizes, [ref * n / lo for n in sizes], ":", color="grey", label="linear from the smallest")
        ax.axhline(60, color="red", linewidth=0.8, linestyle=":")
        ax.text(sizes[0], 62, "60 s", color="red", fontsize=8)
    ax.set_title("codegen: seconds vs catalog size (events)")
    ax.set_xlabel("events in the catalog")
    ax.set_ylabel("seconds")
    if sc:
        ax.legend(fontsize=6, loc="lower right", ncol=2)
    ax.grid(True, which="both", alpha=0.3)

    ax = axes[0][1]
    rez = [
        (label, measures.get(mid))
        for label, mid in (
            ("generate, cache warm", "codegen.rez.generate.cache-warm"),
            ("check, cache warm", "codegen.rez.check.cache-warm"),
            ("generate, cache off", "codegen.rez.generate.cache-off"),
            ("check, cache off", "codegen.rez.check.cache-off"),
            ("validate", "codegen.rez.validate"),
        )
        if measures.get(mid) and measures[mid]["n"]
    ]
    only = [
        (m["id"].rsplit(".", 1)[1], m) for m in result["measures"] if m["id"].startswith("codegen.rez.only.") and m["n"]
    ]
    bars = rez + [(f"check --only {name}", m) for name, m in only]
    if bars:
        xs = range(len(bars))
        med = [m["median"] for _, m in bars]
        err = [[m["median"] - m["min"] for _, m in bars], [m["max"] - m["median"] for _, m in bars]]
        ax.bar(xs, med, yerr=err, color=["#4c72b0"] * len(rez) + ["#8fa8d0"] * len(only), capsize=3)
        ax.set_xticks(list(xs), [label for label, _ in bars], fontsize=6, rotation=45, ha="right")
        ax.axhline(1.0, color="red", linewidth=0.8, linestyle=":")
        ax.text(len(bars) - 0.5, 1.02, "target 1 s", color="red", fontsize=8, ha="right")
    ax.set_title("codegen: REZ catalog, whole cold processes")
    ax.set_ylabel("seconds")
    ax.grid(True, axis="y", alpha=0.3)

    ax = axes[1][0]
    colors = {
        "eventcat": "#c44e52",
        "raw": "#4c72b0",
        "node": "#55a868",
        "eventcat-nodeflate": "#e8a0a2",
        "raw-nodeflate": "#9fb4d8",
    }
    sizes_by: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for m in result["measures"]:
        if m["id"].startswith("connections.") and m["id"].endswith(".rss") and m["n"]:
            n = int(m["id"].split(".")[1])
            sizes_by.setdefault(m["system"], []).append((n, m))
    for system, points in sizes_by.items():
        points.sort(key=lambda p: p[0])
        ax.errorbar(
            [p[0] for p in points],
            [p[1]["median"] for p in points],
            yerr=[[p[1]["median"] - p[1]["min"] for p in points], [p[1]["max"] - p[1]["median"] for p in points]],
            fmt="-o",
            capsize=3,
            color=colors.get(system),
            label=SYSTEMS.get(system, {}).get("label", system),
        )
    ax.set_title("connections: server RSS per idle connection")
    ax.set_xlabel("idle authenticated connections")
    ax.set_ylabel("KiB per connection")
    if sizes_by:
        ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)

    ax = axes[0][2]
    rates: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for m in result["measures"]:
        if m["id"].startswith("connections.") and m["id"].endswith(".rate") and m["n"]:
            rates.setdefault(m["system"], []).append((int(m["id"].split(".")[1]), m))
    for system, points in rates.items():
        points.sort(key=lambda p: p[0])
        ax.errorbar(
            [p[0] for p in points],
            [p[1]["median"] for p in points],
            yerr=[[p[1]["median"] - p[1]["min"] for p in points], [p[1]["max"] - p[1]["median"] for p in points]],
            fmt="-o",
            capsize=3,
            color=colors.get(system),
            label=SYSTEMS.get(system, {}).get("label", system),
        )
    ax.set_title("connections: connects/s (100 handshakes in flight, one client core)")
    ax.set_xlabel("idle authenticated connections")
    ax.set_ylabel("connections per second")
    if rates:
        ax.legend(fontsize=7)
    ax.grid(True, alpha=0.3)

    for ax, cpu, title, ylabel in (
        (axes[1][1], False, "throughput: fan-out deliveries/s and inbound events/s (log)", "per second"),
        (axes[1][2], True, "server CPU per delivery (fan-out) and per event (inbound)", "µs of server CPU"),
    ):
        groups = [
            (m["scenario"], m)
            for m in result["measures"]
            if m["scenario"] in ("fanout", "inbound") and m["n"] and (m["unit"] == "µs") == cpu
        ]
        if not groups:
            continue
        short = {
            "eventcat": "eventcat",
            "raw": "raw py-sio",
            "node": "Node",
            "eventcat-nodeflate": "eventcat\nno deflate",
            "raw-nodeflate": "raw py-sio\nno deflate",
        }
        labels = [f"{scen}\n{short.get(m['system'], m['system'])}" for scen, m in groups]
        med = [m["median"] for _, m in groups]
        err = [[m["median"] - m["min"] for _, m in groups], [m["max"] - m["median"] for _, m in groups]]
        ax.bar(range(len(groups)), med, yerr=err, capsize=3, color=[colors.get(m["system"], "grey") for _, m in groups])
        ax.set_xticks(range(len(groups)), labels, fontsize=6)
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(True, axis="y", which="both", alpha=0.3)

    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


# -- main ---------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def cleanup() -> Iterator[None]:
    def on_signal(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    atexit.register(PROCS.stop_all)
    try:
        yield
    finally:
        PROCS.stop_all()


def preflight() -> None:
    missing = [p for p in ("socket.io", "socket.io-client") if npm_version(p) is None]
    if missing:
        sys.exit(f"bench: {', '.join(missing)} not installed: run `npm ci` in bench/ (make bench does)")
    if not shutil.which("node"):
        sys.exit("bench: node not found")
    if not EVENTCAT.exists():
        sys.exit(f"bench: {EVENTCAT} not found: install eventcat in this venv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and fewer rounds (under 2 minutes)")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated subset of {','.join(SCENARIOS)} (connections10k: only the largest connections size, "
        "which `connections` runs too; full run only)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="results JSON (default: bench/results/latest.json; with --quick, bench/results/quick.json); "
        "the plot goes beside it (scaling.png for latest.json, else NAME.png)",
    )
    parser.add_argument(
        "--readme",
        action=argparse.BooleanOptionalAction,
        help="rewrite the table in bench/README.md (default: for the full run only, so that a quick smoke run "
        "never replaces the published figures)",
    )
    parser.add_argument("--no-plot", action="store_true", help="do not draw the PNG")
    parser.add_argument("--profile", action="store_true", help="profile the eventcat server and `check` instead")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="run nothing: draw the plot and (for a full run) the README table again from this results file",
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    out: Path = args.out or RESULTS / ("quick.json" if args.quick else "latest.json")
    readme = not args.quick if args.readme is None else args.readme
    if args.render:
        result = json.loads(args.render.read_text(encoding="utf-8"))
        readme = result["mode"] == "full" if args.readme is None else args.readme
        publish(result, args.render, readme=readme, draw=not args.no_plot, write=False)
        return
    preflight()
    cpus = pinning()
    with cleanup():
        if args.profile:
            profile(plan, cpus)
            return
        chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
        unknown = [s for s in chosen if s not in (*SCENARIOS, "connections10k")]
        if unknown:
            parser.error(f"unknown scenarios: {', '.join(unknown)}")
        started = time.time()
        res = Results(plan)
        info = machine(cpus)
        if cpus[0] is None:
            res.notes.append("No CPU pinning (taskset missing or a single core): servers and clients share cores.")
        work = Path(tempfile.mkdtemp(prefix="eventcat-bench-"))
        log(f"bench ({plan.mode}): {', '.join(chosen)}; work in {work}; logs in {PROCS.logdir}")
        try:
            if "codegen" in chosen:
                codegen(plan, res, work)
            if "fanout" in chosen:
                fanout_all(plan, res, cpus, started)
            if "inbound" in chosen:
                inbound(plan, res, cpus, ["eventcat", "raw", "node"], plan.inbound_rounds)
                res.ratio(
                    "inbound", "inbound.eventcat", "inbound.raw", label="eventcat / raw python-socketio (events/s)"
                )
                res.ratio(
                    "inbound",
                    "inbound.eventcat",
                    "inbound.raw",
                    label="validation overhead: time per event, eventcat / raw, minus 1",
                    target="< 0.15",
                    met=lambda v: v < 0.15,
                    invert=True,
                    offset=-1.0,
                )
                res.ratio(
                    "inbound",
                    "inbound.eventcat.cpu",
                    "inbound.raw.cpu",
                    label="validation overhead: server CPU per event, eventcat / raw, minus 1",
                    target="< 0.15",
                    met=lambda v: v < 0.15,
                    offset=-1.0,
                )
                res.ratio("inbound", "inbound.eventcat", "inbound.node", label="eventcat / Node socket.io (events/s)")
            if "connections" in chosen or "connections10k" in chosen:
                # The last size's extra rounds, then the variants, only while the run is on time.
                late = started + plan.optional_until + 3 * 60
                sizes = (*plan.connection_sizes, *plan.connection_big) if "connections" in chosen else ()
                if "connections" not in chosen:
                    sizes = plan.connection_big
                    if not sizes:
                        res.notes.append("connections10k: a full-run size; the quick run has none.")
                connections(
                    plan,
                    res,
                    cpus,
                    ["eventcat", "raw", "node"],
                    sizes,
                    plan.connection_rounds,
                    extra_rounds_until=late,
                )
                first = plan.connection_sizes[0]
                if "connections" in chosen and plan.variants and time.time() < late + 60:
                    connections(plan, res, cpus, ["eventcat-nodeflate", "raw-nodeflate"], [first], {first: 1})
                elif "connections" in chosen and plan.variants:
                    res.notes.append(
                        "connections: the variants without permessage-deflate were skipped: the run was late."
                    )
                for n in sorted({int(k.split(".")[1]) for k in res.measures if k.startswith("connections.")}):
                    res.ratio(
                        "connections",
                        f"connections.{n}.eventcat.rss",
                        f"connections.{n}.raw.rss",
                        label=f"RSS/connection at {n}, eventcat / raw",
                    )
                    res.ratio(
                        "connections",
                        f"connections.{n}.eventcat.rss",
                        f"connections.{n}.node.rss",
                        label=f"RSS/connection at {n}, eventcat / Node",
                    )
                    res.ratio(
                        "connections",
                        f"connections.{n}.eventcat.rate",
                        f"connections.{n}.raw.rate",
                        label=f"connect rate at {n}, eventcat / raw",
                    )
                    res.ratio(
                        "connections",
                        f"connections.{n}.eventcat.rate",
                        f"connections.{n}.node.rate",
                        label=f"connect rate at {n}, eventcat / Node",
                    )
            # After the published four, so that their optional work keeps its deadlines.
            if "fanout-big" in chosen or "rooms" in chosen:
                wide(plan, res, cpus, chosen)
            if "latency" in chosen:
                latency(plan, res, cpus, ["eventcat", "raw", "node"])
            if "slow" in chosen:
                slow(plan, res, cpus, ["eventcat", "raw", "node"], extra_rounds_until=started + plan.slow_until)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        info["loadavg_end"] = list(os.getloadavg())
        result = {
            "schema": 1,
            "mode": plan.mode,
            "scenarios": chosen,
            "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "duration_s": round(time.time() - started, 1),
            "machine": info,
            "settings": {
                "fanout": {"clients": plan.fanout_clients, "events": plan.fanout_events, "rounds": plan.fanout_rounds},
                "inbound": {
                    "clients": plan.inbound_clients,
                    "seconds": plan.inbound_seconds,
                    "rounds": plan.inbound_rounds,
                },
                "connections": {
                    "sizes": [*plan.connection_sizes, *plan.connection_big],
                    "rounds": {str(k): v for k, v in plan.connection_rounds.items()},
                },
                "latency": {
                    "clients": plan.latency_clients,
                    "rate": plan.latency_rate,
                    "seconds": plan.latency_seconds,
                    "rounds": plan.latency_rounds,
                },
                "fanout-big": {"clients": plan.big_clients, "events": plan.big_events, "rounds": plan.big_rounds},
                "rooms": {
                    "rooms": plan.rooms,
                    "clients_per_room": plan.rooms_size,
                    "events_per_room": plan.rooms_events,
                    "rounds": plan.rooms_rounds,
                },
                "slow": {
                    "clients": plan.slow_clients,
                    "stalled": plan.slow_stalled,
                    "rate": plan.slow_rate,
                    "seconds": plan.slow_seconds,
                    "size": plan.slow_size,
                    "rounds": plan.slow_rounds,
                },
                "codegen": {
                    "sizes": list(plan.sizes),
                    "rounds": plan.codegen_rounds,
                    "cold_rounds": plan.codegen_cold_rounds,
                },
            },
            "measures": [m.summary() for m in res.measures.values()],
            "ratios": res.ratios,
            "notes": res.notes,
            "data": res.data,
        }
        publish(result, out, readme=readme, draw=not args.no_plot)


def publish(result: dict[str, Any], out: Path, *, readme: bool, draw: bool, write: bool = True) -> None:
    """The results file, the plot beside it, the README table."""
    if write:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"wrote {out}")
    if draw:
        png = out.parent / ("scaling.png" if out.name == "latest.json" else f"{out.stem}.png")
        plot(result, png)
        log(f"wrote {png}")
    if readme:
        write_readme(result)
        log(f"wrote the table in {README}")
    print(table(result))


if __name__ == "__main__":
    main()
