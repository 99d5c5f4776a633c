"""Prometheus metrics of one EventServer, in a registry of its own (several servers in a process never collide).

Served at `GET /metrics` in the Prometheus text format. Every name starts with `eventcat_`:

| metric | type | labels |
|---|---|---|
| `eventcat_connections` | gauge | |
| `eventcat_rooms` | gauge | (rooms with at least one connection, a connection's own room left out) |
| `eventcat_connects_total` | counter | |
| `eventcat_disconnects_total` | counter | `reason`: python-socketio's (`client_disconnect`, ...) or `rate_limited` |
| `eventcat_auth_failures_total` | counter | `code` (`AUTH_REQUIRED`, `AUTH_INVALID`, `TOKEN_EXPIRED`) |
| `eventcat_events_in_total` | counter | `event`: client events accepted and handled |
| `eventcat_events_refused_total` | counter | `event`, `code`: validation errors and every other refusal |
| `eventcat_rate_limited_total` | counter | `event`, `scope` (`event` or `connection`) |
| `eventcat_events_out_total` | counter | `event`: server events sent (one per publish, whatever the fan-out) |
| `eventcat_outbound_dropped_total` | counter | `event`: invalid outbound payloads dropped (production mode) |
| `eventcat_handler_seconds` | histogram | `event`: the inbound pipeline and handler, validation included |
| `eventcat_recovered_total` | counter | sessions recovered within the window |
| `eventcat_replayed_events_total` | counter | events replayed to reconnecting clients |
| `eventcat_replay_expired_total` | counter | reconnections too late to replay |
| `eventcat_reconnect_throttled_total` | counter | connections told to back off (reconnection storms) |
| `eventcat_replay_log_entries` | gauge | |
| `eventcat_admin_auth_failures_total` | counter | wrong Admin UI or `/admin` credentials |
| `eventcat_protocol_errors_total` | counter | `kind`: input refused below the catalog (protocol.PROTOCOL_ERROR_KINDS) |
| `eventcat_websocket_sessions_total` | counter | `path`: `fast` (wire.py's sender) or `stock` (engine.io's writer) |

plus the process collector's `process_cpu_seconds_total`, `process_resident_memory_bytes` and so on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .monitor import Monitor, Total
from .protocol import PROTOCOL_ERROR_KINDS

if TYPE_CHECKING:
    from .server import EventServer

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # what Prometheus scrapes by default
OTHER = "(other)"
# Handler latency, in seconds: a validated event with an in-memory handler takes well under a millisecond.
BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
# Totals the server already keeps (monitor.Counts): total -> (metric name, help).
_PLAIN: dict[Total, tuple[str, str]] = {
    "connects": ("eventcat_connects", "Connections accepted (authenticated)."),
    "recovered": ("eventcat_recovered", "Sessions recovered within the recovery window."),
    "replayed": ("eventcat_replayed_events", "Events replayed to reconnecting clients."),
    "replay_expired": ("eventcat_replay_expired", "Reconnections that came too late for a replay."),
    "throttled": ("eventcat_reconnect_throttled", "Connections told to back off for reconnecting too often."),
}
_IN = ("eventcat_events_in", "Client events accepted and handled, by event.")
_OUT = ("eventcat_events_out", "Server events sent, by event (once per publish, whatever the fan-out).")
_DROPPED = ("eventcat_outbound_dropped", "Outbound events dropped because the payload did not match the catalog.")


class _StatsCollector:
    """Reads the server's own counters and sizes when scraped: nothing on the hot path."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterable[Metric]:
        server = self.metrics.server
        counts = server.counts
        yield GaugeMetricFamily("eventcat_connections", "Open connections.", value=len(server.connections))
        yield GaugeMetricFamily("eventcat_rooms", "Rooms with at least one connection.", value=self.metrics.rooms())
        yield GaugeMetricFamily(
            "eventcat_replay_log_entries", "Events in the replay log.", value=max(self.metrics.log_size, 0)
        )
        for key, (name, help_text) in _PLAIN.items():
            yield CounterMetricFamily(name, help_text, value=counts.total(key))
        auth = CounterMetricFamily("eventcat_auth_failures", "Connections refused at authentication.", labels=["code"])
        for code, count in counts.auth_refusals().items():
            auth.add_metric([code], count)
        yield auth
        protocol = CounterMetricFamily(
            "eventcat_protocol_errors", "Client input refused by the protocol layer, by kind.", labels=["kind"]
        )
        protocol_errors = counts.protocol_errors()
        for kind in PROTOCOL_ERROR_KINDS:
            protocol.add_metric([kind], protocol_errors.get(kind, 0))
        for kind, count in protocol_errors.items():
            if kind not in PROTOCOL_ERROR_KINDS:
                protocol.add_metric([kind], count)
        yield protocol
        paths = CounterMetricFamily(
            "eventcat_websocket_sessions", "WebSocket sessions served, by delivery path.", labels=["path"]
        )
        for path, count in sorted(server.sio.eio.websocket_paths.items()):
            paths.add_metric([path], count)
        yield paths
        outbound = [name for name, spec in server.registry.events.items() if not spec.inbound]
        inbound = [name for name, spec in server.registry.events.items() if spec.inbound]
        by_event = (
            (_IN, counts.events("in"), inbound),
            (_OUT, counts.events("out"), outbound),
            (_DROPPED, counts.dropped_events(), outbound),
        )
        for (name, help_text), totals, catalog_events in by_event:
            family = CounterMetricFamily(name, help_text, labels=["event"])
            # Every catalog event, 0 until it happens; then any other name counted (none, for a valid catalog).
            for event in catalog_events:
                family.add_metric([event], totals.pop(event, 0))
            for event, count in totals.items():
                family.add_metric([event], count)
            yield family


class Metrics(Monitor):
    """The server's Prometheus registry; installs itself as `server.monitor`."""

    def __init__(self, server: EventServer, *, process: bool = True) -> None:
        self.server = server
        self.registry = CollectorRegistry(auto_describe=True)
        self.log_size = 0
        self._closing: dict[str, str] = {}
        # Labelled children, looked up once: `labels()` takes a lock and builds a key on every call.
        self._timers: dict[str, Any] = {}
        self._refusals: dict[tuple[str, str], Any] = {}
        self._limited: dict[tuple[str, str], Any] = {}
        self.handler_seconds = Histogram(
            "eventcat_handler_seconds",
            "Time in the inbound pipeline (validation, policy, handler, ack), by event.",
            ["event"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.refused_total = Counter(
            "eventcat_events_refused",
            "Client events refused, by event and error code (VALIDATION_ERROR, PAYLOAD_TOO_LARGE, RATE_LIMITED, ...).",
            ["event", "code"],
            registry=self.registry,
        )
        self.rate_limited_total = Counter(
            "eventcat_rate_limited",
            "Client events over a rate limit: the event's own (scope=event) or the connection's (scope=connection).",
            ["event", "scope"],
            registry=self.registry,
        )
        self.disconnects_total = Counter(
            "eventcat_disconnects", "Connections closed, by reason.", ["reason"], registry=self.registry
        )
        self.admin_auth_failures = Counter(
            "eventcat_admin_auth_failures", "Admin UI and /admin logins refused.", registry=self.registry
        )
        self.registry.register(_StatsCollector(self))
        if process:
            ProcessCollector(registry=self.registry)
        server.monitor = self

    def _event(self, event: str) -> str:
        """Label values only from the catalog: a client cannot grow the series with made-up names."""
        return event if event in self.server.registry.events else OTHER

    def handled(self, event: str, seconds: float) -> None:
        timer = self._timers.get(event)
        if timer is None:
            timer = self._timers[event] = self.handler_seconds.labels(self._event(event))
        timer.observe(seconds)

    def refused(self, event: str, code: str) -> None:
        key = (self._event(event), code)
        counter = self._refusals.get(key)
        if counter is None:
            counter = self._refusals[key] = self.refused_total.labels(*key)
        counter.inc()

    def rate_limited(self, event: str, scope: str) -> None:
        key = (self._event(event), scope)
        counter = self._limited.get(key)
        if counter is None:
            counter = self._limited[key] = self.rate_limited_total.labels(*key)
        counter.inc()

    def closing(self, sid: str, reason: str) -> None:
        self._closing[sid] = reason

    def disconnected(self, sid: str, reason: str) -> None:
        reason = self._closing.pop(sid, reason)
        self.disconnects_total.labels(reason.strip().replace(" ", "_").lower() or "unknown").inc()

    def rooms(self) -> int:
        server = self.server
        rooms = server.sio.manager.rooms.get(server.namespace, {})
        return sum(1 for name in rooms if name is not None and name not in server.connections)

    async def refresh(self) -> None:
        """What needs awaiting (the replay log's size), read before a scrape."""
        try:
            self.log_size = await self.server.recovery.log.size()
        except Exception:
            self.log_size = -1

    async def render(self) -> bytes:
        await self.refresh()
        return generate_latest(self.registry)


def metrics_route(metrics: Metrics) -> Route:
    """`GET /metrics`: the Prometheus text format (unauthenticated, like most scrape targets: see the README)."""

    async def scrape(request: Request) -> Response:
        return Response(await metrics.render(), media_type=CONTENT_TYPE)

    return Route("/metrics", scrape, methods=["GET"])
