"""The event server: python-socketio's AsyncServer driven by the registry.

Inbound, every client event goes through one pipeline: known client-to-server event, one argument, size limit,
strict validation, `caller` fields equal to the user, the rooms it `enters` allowed by the policy, then the typed
handler, then its ack validated. Any refusal answers the catalog's error contract (refusals.py): `{ok: false,
error}` to the ack callback when the client passed one, else the contract's error event when the catalog names one
(otherwise it is only logged). The catalog's heartbeat is answered here, without a handler. The server never lets a
handler's exception escape.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

import socketio
from pydantic import BaseModel, ValidationError

from . import logs
from .auth import Verifier, token_from
from .connection import AUTH_HOLDER, Connection, Connections, Throttle, event_holder
from .errors import ErrorCode, EventError
from .handlers import EventContext, HandlerBase
from .limits import JsonLimits
from .monitor import Counts, Monitor
from .notices import notify
from .outbound import Delivered, Outbound, outbound_spec
from .policy import InMemoryPolicy, RoomPolicy
from .protocol import GuardedASGIApp, SocketIOServer
from .ratelimit import RateDecision, RateLimiter
from .recovery import Recovery
from .refusals import ErrorWriter
from .registry import EventSpec, Registry
from .replay import LogEntry
from .rooms import RoomKeeper, require_ids
from .validation import parse_inbound, problems, to_wire

# Moved to rooms.py and connection.py; importable from here as before.
__all__ = ["AUTH_HOLDER", "EventServer", "Mode", "require_ids"]

log = logging.getLogger("eventcat.server")
# The rate limiter decides (ratelimit.py); its refusals are carried out here, and logged under its name as before.
limits_log = logging.getLogger("eventcat.ratelimit")

Mode = Literal["development", "production"]


def _field_of(model: Any, wire_name: str) -> Any:
    """A field of a validated model by its wire name (alias), or None."""
    if not isinstance(model, BaseModel):
        return None
    name = _attributes(type(model)).get(wire_name)
    return getattr(model, name) if name is not None else None


@functools.cache
def _attributes(model: type[BaseModel]) -> dict[str, str]:
    """A model's attribute names by wire name: looked up once per model, not per event."""
    return {info.alias or name: name for name, info in model.model_fields.items()}


def _declared_fields(model: Any) -> frozenset[str] | None:
    """The wire names of a model's fields; None for a union (a TypeAliasType), whose validation picks a branch."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    return frozenset(info.alias or name for name, info in model.model_fields.items())


class EventServer:
    """One catalog's Socket.IO server. Build it, attach the handlers, serve `asgi_app()`."""

    def __init__(
        self,
        registry: Registry,
        *,
        verifier: Verifier,
        policy: RoomPolicy | None = None,
        mode: Mode = "development",
        client_manager: socketio.AsyncManager | None = None,
        cors_allowed_origins: str | list[str] = "*",
        max_http_buffer_size: int = 1_000_000,
        recovery: Recovery | None = None,
        handshake_timeout: float = 10.0,
        max_pending_per_address: int = 128,
        json_limits: JsonLimits | None = None,
        max_subscriptions: int = 100,
        max_outbound_bytes: int = 4 * 1024 * 1024,
    ) -> None:
        self.registry = registry
        self.conventions = registry.conventions
        self.errors = ErrorWriter(self.conventions.errors)
        # The catalog's heartbeat, answered here: its name, and the reply's fields (None: a union reply).
        heartbeat = self.conventions.heartbeat
        self._heartbeat = heartbeat.event if heartbeat is not None else None
        self._heartbeat_fields = _declared_fields(outbound_spec(registry, heartbeat.reply).model) if heartbeat else None
        self.recovery = recovery if recovery is not None else Recovery(enabled=registry.recovery_window is not None)
        self.verifier = verifier
        self.policy: RoomPolicy = policy if policy is not None else InMemoryPolicy()
        self.mode = mode
        self.namespace = registry.namespace
        self.connections = Connections()
        # Channel subscriptions one connection, and one user across connections and restores, may hold.
        # Connections not yet in their rooms (between the handshake and the end of their catch-up).
        self._settling: set[str] = set()
        # Every running total (monitor.Counts): metrics and the admin views read them.
        self.counts = Counts()
        self.handlers: HandlerBase | None = None
        # Operations hooks (see ratelimit.py, monitor.py, metrics.py): no limits and a silent monitor until set.
        self.limiter: RateLimiter | None = None
        self.monitor = Monitor()
        self.sio = SocketIOServer(
            self,
            json_limits=json_limits or JsonLimits(),
            stats=self.counts.raw,  # protocol.py's ClientErrors counts client errors there itself
            async_mode="asgi",
            client_manager=client_manager,
            namespaces=[self.namespace],
            cors_allowed_origins=cors_allowed_origins,
            max_http_buffer_size=max_http_buffer_size,
            secret_params=[registry.auth.query_param],
        )
        # uvicorn logs each WebSocket's path with its query string, `?token=` included: redacted where it is made.
        logs.redact_at_source([registry.auth.query_param])
        # Sessions that have not authenticated: closed after the deadline, and only so many per client address.
        self.sio.eio.handshake_timeout = handshake_timeout
        self.sio.eio.max_pending_per_address = max_pending_per_address
        # A client that does not read is closed once this much waits for it (it recovers from the replay log).
        self.sio.eio.max_queued_bytes = max_outbound_bytes
        self.sio.on("connect", self._on_connect, namespace=self.namespace)
        self.sio.on("disconnect", self._on_disconnect, namespace=self.namespace)
        self.rooms = RoomKeeper(
            registry, self.policy, self.sio, self.recovery, self.counts, self.connections, max_subscriptions
        )
        self.outbound = Outbound(
            registry,
            self.sio,
            self.recovery,
            self.counts,
            strict=lambda: self.strict_outbound,
            connected=self.connections,
            settling=self._settling,
            on_control=self._control,
        )
        # Connections closed for abuse, until the close has gone out (see _close_for_abuse).
        self._closing: set[asyncio.Task[Any]] = set()

    @property
    def stats(self) -> Counter[str]:
        """The running totals by their keys (`connects`, `refused:CODE`, ...): what `counts` reads and writes."""
        return self.counts.raw

    @property
    def max_subscriptions(self) -> int:
        return self.rooms.max_subscriptions

    @property
    def strict_outbound(self) -> bool:
        return self.mode == "development"

    def attach(self, handlers: HandlerBase) -> None:
        """Use these handlers; every client-to-server event of the catalog must have its method."""
        missing = [
            spec.handler
            for spec in self.registry.events.values()
            if spec.inbound
            and spec.name != self._heartbeat
            and (spec.handler is None or not callable(getattr(handlers, spec.handler, None)))
        ]
        if missing:
            raise TypeError(f"{type(handlers).__name__} has no handler for: {', '.join(str(m) for m in missing)}")
        self.handlers = handlers

    def asgi_app(self, other: Any = None) -> socketio.ASGIApp:
        return GuardedASGIApp(self.sio, other_asgi_app=other, on_startup=self.start, on_shutdown=self.stop)

    async def start(self) -> None:
        """Start the loops: cleanup on a schedule and, in scale-out mode, delivery from the shared log."""
        self.recovery.start(self.outbound.deliver, self.cleanup)

    async def stop(self) -> None:
        await self.recovery.stop()

    def pid_of(self, sid: str) -> str | None:
        conn = self.connections.get(sid)
        return conn.pid if conn is not None else None

    async def cleanup(self) -> dict[str, int]:
        """Trim the replay log to the window, drop expired sessions and idle reconnection counters."""
        for conn in list(self.connections.values()):
            await self.rooms.persist(conn)  # keeps live sessions from expiring in a shared store
        removed = {
            "log": await self.recovery.log.trim(),
            "sessions": await self.recovery.sessions.cleanup(),
            "reconnect_counters": self.recovery.guard.cleanup(),
        }
        self.counts.add("cleanup_runs")
        return removed

    async def state(self) -> dict[str, Any]:
        """How big the server's state is: connections, rooms, replay log, sessions, counters."""
        rooms = self.sio.manager.rooms.get(self.namespace, {})
        try:
            log_size = await self.recovery.log.size()
            sessions = await self.recovery.sessions.size()
        except Exception:
            log_size, sessions = -1, {}
        return {
            "connections": len(self.connections),
            "rooms": sum(1 for name in rooms if name is not None and name not in self.connections),
            "replay_log": log_size,
            **sessions,
            "reconnect_counters": self.recovery.guard.size(),
            # "off" for one process with everything in memory (no --redis-url): nothing is up or down then.
            "redis": ("up" if self.recovery.redis_up else "down") if self.recovery.shared else "off",
        }

    # -- connections ----------------------------------------------------------------------------------------------

    async def _on_connect(self, sid: str, environ: Mapping[str, Any], auth: Any) -> bool:
        try:
            return await self._accept(sid, environ, auth)
        except socketio.exceptions.ConnectionRefusedError:
            raise
        except Exception:
            # A bug, or a store that failed: the client is told (never left waiting for a CONNECT reply).
            log.exception("connect handler failed", extra={"sid": sid})
            error = EventError(ErrorCode.INTERNAL_ERROR, "the server failed to accept the connection; retry later")
            raise socketio.exceptions.ConnectionRefusedError(error.code, self.errors.error(error)) from None

    async def _accept(self, sid: str, environ: Mapping[str, Any], auth: Any) -> bool:
        auth_spec = self.registry.auth
        try:
            token = (
                token_from(environ, auth, auth_spec.query_param, auth_spec.auth_field)
                if self.verifier.needs_token
                else None
            )
            user = await self.verifier.principal(token, sid)
        except EventError as exc:
            self.counts.auth_refused(str(exc.code))
            if self.sio.refusals(self.sio.manager.eio_sid_from_sid(sid, self.namespace)) == 0:
                # Once per session: a client retrying CONNECT on one socket does not write a line per attempt.
                log.info("connection refused", extra={"sid": sid, "code": str(exc.code), "reason": exc.message})
            raise socketio.exceptions.ConnectionRefusedError(exc.code, self.errors.error(exc)) from None
        attempts, backoff = self.recovery.guard.attempt(user.user_id)
        # A throttled attempt is closed at once: it must not take (and so spend) the session it names.
        pid, plan = await self.recovery.plan(user.user_id, auth if backoff is None else None)
        conn = Connection(sid, user, pid=pid, plan=plan)
        if backoff is not None:
            conn.throttled = Throttle(attempts, backoff)
        self.connections[sid] = conn
        self._settling.add(sid)
        self.counts.add("connects")
        return True

    async def after_connect(self, sid: str) -> None:
        """Put the connection in its rooms (recovered, or auth room plus restored subscriptions), tell it
        (`on_connect`), then replay what it missed and enter the rooms with nothing lost or doubled."""
        conn = self.connections.get(sid)
        if conn is None:
            return
        if conn.throttled is not None:
            await self._throttle(conn)
            return
        plan = conn.plan
        conn.plan = None
        assert plan is not None  # set by _accept, taken once here
        since = plan.since
        replayable = await self.recovery.replayable(since)
        if plan.session is not None and replayable:
            await self.rooms.recovered_rooms(conn, plan.session.holds, plan.session.subscriptions)
            conn.recovered = True
            self.counts.add("recovered")
        else:
            await self.rooms.fresh_rooms(conn)
            if not replayable:
                since = self.recovery.dispatched  # too old: events were lost, replay nothing
                self.counts.add("replay_expired")
        conn.restored_channels = tuple(conn.subscriptions)
        log.info(
            "connected",
            extra={
                "sid": sid,
                "user": conn.user.user_id,
                "recovered": conn.recovered,
                "channels": len(conn.subscriptions),
            },
        )
        if self.handlers is not None:
            await self._guarded(self.handlers.on_connect(self.context(conn, "connect")), conn, "connect")
        if sid not in self.connections:
            return
        self.sio.replaying(sid, self.namespace, True)
        try:
            sent = await self.recovery.catch_up(
                since, set(conn.holds), lambda e: self.outbound.replay(conn.sid, e), lambda: self._enter_now(conn)
            )
        finally:
            self.sio.replaying(sid, self.namespace, False)
        self.counts.add("replayed", sent)
        await self.rooms.persist(conn)

    def _enter_now(self, conn: Connection) -> None:
        """Enter every held room in one synchronous step (see Recovery.catch_up)."""
        if conn.sid not in self.connections:
            return
        for room in conn.holds:
            self.sio.manager.basic_enter_room(conn.sid, self.namespace, room)
        self._settling.discard(conn.sid)

    async def _throttle(self, conn: Connection) -> None:
        attempts, backoff = conn.throttled or Throttle(0, 0)
        self.counts.add("throttled")
        log.warning("reconnecting too often", extra={"sid": conn.sid, "user": conn.user.user_id, "attempts": attempts})
        await notify(
            self,
            conn.sid,
            self.conventions.throttle,
            reason="too_many_reconnects",
            attempts=attempts,
            retry_after_ms=backoff,
        )
        await self.sio.disconnect_and_close(conn.sid, self.namespace)

    async def _on_disconnect(self, sid: str, reason: str) -> None:
        conn = self.connections.pop(sid, None)
        self._settling.discard(sid)
        if conn is None:
            return
        self.counts.add("disconnects")
        self.monitor.disconnected(sid, str(reason))
        if self.limiter is not None:
            self.limiter.forget(sid)
        if conn.throttled is None:
            await self.recovery.save(conn)
        log.info("disconnected", extra={"sid": sid, "user": conn.user.user_id, "reason": str(reason)})
        if self.handlers is not None:
            await self._guarded(self.handlers.on_disconnect(self.context(conn, "disconnect"), str(reason)), conn, "")

    async def shutdown(self) -> None:
        """Tell every connection (the catalog's close event, then handlers' `on_shutdown`) and close it: the
        graceful part of stopping."""
        for conn in list(self.connections.values()):
            await notify(self, conn.sid, self.conventions.close, reason="server_shutdown")
            if self.handlers is not None:
                await self._guarded(self.handlers.on_shutdown(self.context(conn, "shutdown")), conn, "shutdown")
        # The Engine.IO sessions are closed, not the namespace disconnected: socket.io-client takes a server-side
        # DISCONNECT for "io server disconnect" and never reconnects; a closed transport it reconnects after, as
        # Node's socket.io does on io.close(). A recovery window lets it come back with nothing lost.
        await asyncio.gather(
            *(self.sio.close_session(eio) for eio in list(self.sio.eio.sockets)), return_exceptions=True
        )
        # The close packets are queued, not sent: give them a moment to leave before the web server cuts the sockets.
        deadline = time.monotonic() + 1.0
        while self.sio.eio.sockets and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def context(self, conn: Connection, event: str, wants_ack: bool = False) -> EventContext:
        return EventContext(self, conn, event, wants_ack)

    async def _guarded(self, work: Any, conn: Connection, event: str) -> None:
        try:
            await work
        except Exception:
            log.exception("hook failed", extra={"sid": conn.sid, "user": conn.user.user_id, "event": event})

    # -- inbound --------------------------------------------------------------------------------------------------

    async def dispatch(
        self, sid: str, event: str, args: tuple[Any, ...], wants_ack: bool, refused: EventError | None = None
    ) -> list[Any]:
        """Run one client event through the pipeline; returns the ack's arguments. `refused`: an event the protocol
        layer refused before decoding it (refuse_limits), answered like any other refusal once rate-limited."""
        conn = self.connections.get(sid)
        if conn is None:
            return []
        if self.limiter is not None:
            decision = self.limiter.decide(sid, event, wants_ack=wants_ack, known=event in self.registry.events)
            if not decision.allowed:
                return await self._rate_limited(conn, event, decision, wants_ack)
        started = time.perf_counter()
        try:
            if refused is not None:
                raise refused
            ack = await self._handle(conn, event, args, wants_ack)
            self.counts.handled(event)
            self.monitor.handled(event, time.perf_counter() - started)
            if log.isEnabledFor(logging.DEBUG):  # the record is not free: build it only when it is logged
                elapsed = round((time.perf_counter() - started) * 1000, 3)
                log.debug("handled", extra={"sid": sid, "user": conn.user.user_id, "event": event, "ms": elapsed})
            return [] if ack is None else [ack]
        except EventError as exc:
            return await self._refuse(conn, event, exc, wants_ack)
        except Exception:
            log.exception("handler failed", extra={"sid": sid, "user": conn.user.user_id, "event": event})
            error = EventError(ErrorCode.INTERNAL_ERROR, f"{event}: the server failed; the event was not processed")
            return await self._refuse(conn, event, error, wants_ack)

    async def refuse_limits(self, sid: str, event: str, problem: str, wants_ack: bool) -> list[Any]:
        """An event whose JSON is nested too deep or holds too long a number, refused before it is decoded."""
        error = EventError(
            ErrorCode.VALIDATION_ERROR,
            f"{event or 'the event'}: the payload is {problem}",
            {"errors": [{"path": "", "message": problem}]},
        )
        return await self.dispatch(sid, event, (), wants_ack, refused=error)

    async def _handle(self, conn: Connection, event: str, args: tuple[Any, ...], wants_ack: bool) -> Any:
        spec = self.registry.events.get(event)
        answered_here = event == self._heartbeat
        if spec is None or not spec.inbound or (spec.handler is None and not answered_here):
            shown = event if len(event) <= 100 else event[:100] + "…"  # a made-up name is echoed, not amplified
            raise EventError(
                ErrorCode.UNKNOWN_EVENT,
                f"'{shown}' is not a client-to-server event of this API",
                {"event": shown},
            )
        payload = parse_inbound(event, args, spec.model, spec.max_payload_bytes)
        if answered_here:
            await self._answer_heartbeat(conn, payload)
            return None
        self._check_caller(spec, payload, conn)
        entering = []
        for target in spec.enters:
            entering.extend(
                await self.rooms.target_rooms(target, conn, payload.model_dump(by_alias=True), {}, check=True)
            )
        leaving = []
        for target in spec.leaves:
            leaving.extend(await self.rooms.target_rooms(target, conn, payload.model_dump(by_alias=True), {}))
        if self.handlers is None or spec.handler is None:
            raise EventError(ErrorCode.INTERNAL_ERROR, "the server has no handlers attached")
        result = await getattr(self.handlers, spec.handler)(payload, self.context(conn, event, wants_ack))
        for room in entering:
            await self.rooms.enter(conn, room, event_holder(event))
        for room in leaving:
            await self.rooms.leave(conn, room)
        if entering or leaving:
            await self.rooms.persist(conn)
        return self._ack(spec, result)

    async def _answer_heartbeat(self, conn: Connection, payload: BaseModel) -> None:
        """The catalog's heartbeat reply: the request's fields that the reply declares (all of them for a union)."""
        assert self.conventions.heartbeat is not None
        wire = payload.model_dump(by_alias=True, exclude_unset=True, mode="json")
        if self._heartbeat_fields is not None:
            wire = {k: v for k, v in wire.items() if k in self._heartbeat_fields}
        await self.publish(self.conventions.heartbeat.reply, wire, to=conn.sid)

    def _check_caller(self, spec: EventSpec, payload: BaseModel, conn: Connection) -> None:
        if not spec.caller_fields:
            return
        for path in spec.caller_fields:
            value: Any = payload
            for part in path:  # attribute access: no dump of the whole payload for one field
                value = _field_of(value, part)
            if value is not None and value != conn.user.user_id:
                raise EventError(
                    ErrorCode.FORBIDDEN,
                    f"{spec.name}: {'.'.join(path)} must be the authenticated user",
                    {"event": spec.name, "path": ".".join(path)},
                )

    def _ack(self, spec: EventSpec, result: Any) -> Any:
        if spec.ack_model is None:
            return None
        try:
            wire, _ = to_wire(result, spec.ack_model)
        except (ValidationError, TypeError, ValueError) as exc:
            detail = problems(exc) if isinstance(exc, ValidationError) else str(exc)
            log.error("handler returned an invalid ack", extra={"event": spec.name, "errors": detail})
            raise EventError(ErrorCode.INTERNAL_ERROR, f"{spec.name}: the server failed to answer") from None
        return wire

    async def _refuse(self, conn: Connection, event: str, exc: EventError, wants_ack: bool) -> list[Any]:
        error = self.errors.error(exc)
        code = str(error.get(self._code_field, exc.code))
        self.counts.refused(code)
        self.monitor.refused(event, code)
        log.info(
            "event refused",
            # A name the catalog does not know is the client's text: logged cut, not at whatever length it chose.
            extra={"sid": conn.sid, "user": conn.user.user_id, "event": event[:100], "code": code},
        )
        if wants_ack:
            return [{"ok": False, "error": error}]
        await self.send_error(conn.sid, error)
        return []

    @property
    def _code_field(self) -> str:
        contract = self.conventions.errors
        return contract.fields.get("code", "code") if contract is not None else "code"

    async def send_error(self, sid: str, error: dict[str, Any]) -> None:
        """A refusal of an event sent without an ack: the catalog's error event, when its contract names one."""
        contract = self.conventions.errors
        if contract is None or contract.event is None:
            log.info("refusal not sent: the catalog has no error event", extra={"sid": sid})
            return
        await self.publish(contract.event, error, to=sid, strict=False)

    async def _rate_limited(self, conn: Connection, event: str, decision: RateDecision, wants_ack: bool) -> list[Any]:
        """Carry out the rate limiter's refusal: count it, answer it (or not: see ratelimit.py), close for abuse."""
        error = decision.error
        assert error is not None
        self.counts.refused(str(error.code))
        self.monitor.refused(decision.label, str(error.code))
        self.monitor.rate_limited(decision.label, decision.scope)
        if decision.first:
            limits_log.warning(
                "rate limited",
                extra={
                    "sid": conn.sid,
                    "user": conn.user.user_id,
                    "event": event,
                    "code": str(error.code),
                    "scope": decision.scope,
                },
            )
        answer: list[Any] = []
        # The refusal is written (a trace id, a timestamp, the contract's check) only when it is sent: a flood of
        # events without acks costs a look-up and a little arithmetic each.
        if wants_ack:
            answer = [{"ok": False, "error": self.errors.error(error)}]
        elif decision.tell:
            await self.send_error(conn.sid, self.errors.error(error))
        if decision.disconnect:
            await self._close_for_abuse(conn, "rate_limited")
        return answer

    async def _close_for_abuse(self, conn: Connection, reason: str) -> None:
        """Tell the connection why (the catalog's close event, when it has one) and close it once that has left."""
        limits_log.warning(
            "disconnecting: too many refused events",
            extra={"sid": conn.sid, "user": conn.user.user_id, "code": str(ErrorCode.RATE_LIMITED), "reason": reason},
        )
        self.monitor.closing(conn.sid, reason)
        await notify(self, conn.sid, self.conventions.close, reason=reason)
        # After this event's answer (queued by the caller) has gone out.
        task = asyncio.get_running_loop().create_task(self.sio.disconnect_and_close(conn.sid, self.namespace))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    # -- rooms (rooms.py) -----------------------------------------------------------------------------------------

    async def _enter(self, conn: Connection, room: str, holder: str) -> None:
        await self.rooms.enter(conn, room, holder)

    async def may_enter(self, conn: Connection, room: str) -> bool:
        return await self.rooms.may_enter(conn, room)

    async def enter_checked(self, conn: Connection, room: str, holder: str) -> None:
        await self.rooms.enter_checked(conn, room, holder)

    async def leave(self, conn: Connection, room: str) -> None:
        """Leave a room whatever entered it, except the auth room the connection lives in."""
        await self.rooms.leave(conn, room)

    async def subscribe(self, conn: Connection, channel: str) -> list[str]:
        return await self.rooms.subscribe(conn, channel)

    async def unsubscribe(self, conn: Connection, channel: str) -> list[str]:
        return await self.rooms.unsubscribe(conn, channel)

    async def revoke(self, user_id: str, rooms: list[str], share: bool = True) -> None:
        """Take rooms away from every connection of a user (after the backend revoked a grant), on every node."""
        await self.rooms.revoke(user_id, rooms, share)

    async def _control(self, entry: LogEntry) -> None:
        """A control entry of the log, read on this node: a grant revoked on some node."""
        if entry.control == "revoke":
            await self.rooms.revoke(entry.data["userId"], list(entry.data["rooms"]), share=False)

    # -- outbound (outbound.py) -----------------------------------------------------------------------------------

    async def publish(
        self,
        event: str,
        payload: BaseModel | Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
        strict: bool | None = None,
    ) -> Delivered:
        """Outbound.publish (outbound.py), for the emitter, the publish API and the app."""
        return await self.outbound.publish(event, payload, args=args, to=to, strict=strict)
