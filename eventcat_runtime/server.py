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
from .emitter import Delivered, outbound_spec, targets, validate_outbound
from .errors import ErrorCode, EventError
from .handlers import Connection, EventContext, HandlerBase
from .limits import JsonLimits
from .monitor import Monitor
from .notices import notify
from .policy import InMemoryPolicy, RoomPolicy
from .protocol import GuardedASGIApp, SocketIOServer
from .ratelimit import RateLimiter
from .recovery import Recovery
from .refusals import ErrorWriter
from .registry import EventSpec, Registry, RoomTarget
from .replay import LogEntry, MemoryLog
from .validation import parse_inbound, problems, to_wire

log = logging.getLogger("eventcat.server")

Mode = Literal["development", "production"]
AUTH_HOLDER = "auth"


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


def require_ids(room: str, params: Mapping[str, str]) -> None:
    """A room is named by its ids: an empty one would name no room (or every one), so it is a validation error."""
    empty = [name for name, value in params.items() if value == ""]
    if empty:
        raise EventError(
            ErrorCode.VALIDATION_ERROR,
            f"{', '.join(empty)} cannot be empty: it names a {room} room",
            {"errors": [{"path": name, "message": "must not be empty"} for name in empty]},
        )


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
        self.connections: dict[str, Connection] = {}
        # Channel subscriptions one connection, and one user across connections and restores, may hold.
        self.max_subscriptions = max_subscriptions
        # Connections not yet in their rooms (between the handshake and the end of their catch-up).
        self._settling: set[str] = set()
        self.stats: Counter[str] = Counter()
        self.handlers: HandlerBase | None = None
        # Operations hooks (see ratelimit.py, monitor.py, metrics.py): no limits and a silent monitor until set.
        self.limiter: RateLimiter | None = None
        self.monitor = Monitor()
        self.sio = SocketIOServer(
            self,
            json_limits=json_limits or JsonLimits(),
            stats=self.stats,
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
        self.recovery.start(self._deliver, self.cleanup)

    async def stop(self) -> None:
        await self.recovery.stop()

    def pid_of(self, sid: str) -> str | None:
        conn = self.connections.get(sid)
        return conn.pid if conn is not None else None

    async def cleanup(self) -> dict[str, int]:
        """Trim the replay log to the window, drop expired sessions and idle reconnection counters."""
        for conn in list(self.connections.values()):
            await self._persist(conn)  # keeps live sessions from expiring in a shared store
        removed = {
            "log": await self.recovery.log.trim(),
            "sessions": await self.recovery.sessions.cleanup(),
            "reconnect_counters": self.recovery.guard.cleanup(),
        }
        self.stats["cleanup_runs"] += 1
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
            self.stats[f"auth_refused:{exc.code}"] += 1
            if self.sio.refusals(self.sio.manager.eio_sid_from_sid(sid, self.namespace)) == 0:
                # Once per session: a client retrying CONNECT on one socket does not write a line per attempt.
                log.info("connection refused", extra={"sid": sid, "code": str(exc.code), "reason": exc.message})
            raise socketio.exceptions.ConnectionRefusedError(exc.code, self.errors.error(exc)) from None
        attempts, backoff = self.recovery.guard.attempt(user.user_id)
        # A throttled attempt is closed at once: it must not take (and so spend) the session it names.
        pid, plan = await self.recovery.plan(user.user_id, auth if backoff is None else None)
        conn = Connection(sid, user, pid=pid, plan=plan)
        if backoff is not None:
            conn.throttled = (attempts, backoff)
        self.connections[sid] = conn
        self._settling.add(sid)
        self.stats["connects"] += 1
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
        since = plan.since
        replayable = await self.recovery.replayable(since)
        if plan.session is not None and replayable:
            await self._recovered_rooms(conn, plan.session.holds, plan.session.subscriptions)
            conn.recovered = True
            self.stats["recovered"] += 1
        else:
            await self._fresh_rooms(conn)
            if not replayable:
                since = self.recovery.dispatched  # too old: events were lost, replay nothing
                self.stats["replay_expired"] += 1
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
                since, set(conn.holds), lambda e: self._replay(conn, e), lambda: self._enter_now(conn)
            )
        finally:
            self.sio.replaying(sid, self.namespace, False)
        self.stats["replayed"] += sent
        await self._persist(conn)

    async def _recovered_rooms(
        self, conn: Connection, holds: Mapping[str, Any], subscriptions: Mapping[str, Any]
    ) -> None:
        """A recovered session's rooms, each asked of the room policy again with the token the client came back with:
        a grant revoked, or a role or `rooms` claim the new token no longer has, while it was away loses the room
        (and the events sent to it meanwhile), as a fresh connection would."""
        allowed = {room for room in holds if await self.may_enter(conn, room)}
        conn.holds = {room: set(holders) for room, holders in holds.items() if room in allowed}
        conn.subscriptions = {}
        for channel, rooms in subscriptions.items():
            kept = tuple(room for room in rooms if room in allowed)
            if kept:
                conn.subscriptions[channel] = kept
        lost = set(holds) - allowed
        if lost:
            self.stats["recovery_rooms_refused"] += len(lost)
            log.info("recovered without rooms it may no longer enter", extra={"sid": conn.sid, "rooms": len(lost)})

    async def _persist(self, conn: Connection) -> None:
        """Save the session as it is now, so that a node that dies without a clean disconnect (SIGKILL, power) still
        leaves it for another node to recover; refreshed on every change and by the cleanup loop."""
        if self.recovery.shared and conn.sid in self.connections and conn.throttled is None:
            await self.recovery.save(conn)

    async def _fresh_rooms(self, conn: Connection) -> None:
        """The auth room, and every channel the user is subscribed to (re-checked by the policy; refused ones are
        forgotten), recorded on the connection but not entered yet."""
        join = self.registry.auth.join
        if join is not None:
            for room in await self._target_rooms(join, conn, {}, {}):
                conn.holds.setdefault(room, set()).add(AUTH_HOLDER)
        try:
            stored = await self.recovery.sessions.subscriptions(conn.user.user_id)
        except Exception:
            log.warning("subscription store unavailable: nothing restored", exc_info=True)
            stored = {}
        for channel in list(stored)[: self.max_subscriptions]:
            try:
                rooms = await self._channel_rooms(conn, channel)
            except EventError:
                await self._remember(conn, channel, None)
                continue
            for room in rooms:
                conn.holds.setdefault(room, set()).add(f"channel:{channel}")
            conn.subscriptions[channel] = tuple(rooms)

    def _enter_now(self, conn: Connection) -> None:
        """Enter every held room in one synchronous step (see Recovery.catch_up)."""
        if conn.sid not in self.connections:
            return
        for room in conn.holds:
            self.sio.manager.basic_enter_room(conn.sid, self.namespace, room)
        self._settling.discard(conn.sid)

    async def _replay(self, conn: Connection, entry: LogEntry) -> None:
        await self.sio.drained(conn.sid, self.namespace)
        await self.sio.emit(entry.event, self._args(entry), to=conn.sid, namespace=self.namespace)

    def _args(self, entry: LogEntry) -> Any:
        """A logged event's arguments: its payload, and its offset when the catalog promises recovery."""
        return (entry.data, entry.offset) if self.recovery.enabled else entry.data

    async def _throttle(self, conn: Connection) -> None:
        attempts, backoff = conn.throttled or (0, 0)
        self.stats["throttled"] += 1
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
        self.stats["disconnects"] += 1
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
            limited = self.limiter.check(sid, event)
            if limited is not None:
                return await self.limiter.refuse(self, conn, event, limited, wants_ack)
        started = time.perf_counter()
        try:
            if refused is not None:
                raise refused
            ack = await self._handle(conn, event, args, wants_ack)
            self.stats[f"in:{event}"] += 1
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
            entering.extend(await self._target_rooms(target, conn, payload.model_dump(by_alias=True), {}, check=True))
        leaving = []
        for target in spec.leaves:
            leaving.extend(await self._target_rooms(target, conn, payload.model_dump(by_alias=True), {}))
        if self.handlers is None or spec.handler is None:
            raise EventError(ErrorCode.INTERNAL_ERROR, "the server has no handlers attached")
        result = await getattr(self.handlers, spec.handler)(payload, self.context(conn, event, wants_ack))
        for room in entering:
            await self._enter(conn, room, f"event:{event}")
        for room in leaving:
            await self.leave(conn, room)
        if entering or leaving:
            await self._persist(conn)
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
        self.stats[f"refused:{code}"] += 1
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

    # -- rooms ----------------------------------------------------------------------------------------------------

    async def _target_rooms(
        self,
        target: RoomTarget,
        conn: Connection,
        payload: Mapping[str, Any],
        channel: Mapping[str, str],
        check: bool = False,
    ) -> list[str]:
        room = self.registry.rooms[target.room]
        combos: list[dict[str, str]] = [{}]
        for binding in target.bindings:
            if binding.source == "user":
                values = [conn.user.user_id]
            elif binding.source == "channel":
                values = [channel[binding.path[0]]]
            elif binding.source == "field":
                value: Any = payload
                for part in binding.path:
                    value = value.get(part) if isinstance(value, dict) else None
                values = [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]
            elif binding.source == "lookup":
                values = await self.policy.lookup(conn.user, room, binding.param)
            else:
                raise ValueError(f"{target.room}: {binding.source} bindings need a publisher")
            combos = [{**c, binding.param: v} for c in combos for v in values]
        addresses = []
        for params in combos:
            require_ids(room.name, params)
            if check and not await self.policy.may_enter(conn.user, room, params):
                raise EventError(
                    ErrorCode.FORBIDDEN, f"not allowed to enter {room.address(params)}", {"room": room.address(params)}
                )
            addresses.append(room.address(params))
        return addresses

    async def _enter(self, conn: Connection, room: str, holder: str) -> None:
        if room not in conn.holds:
            conn.holds[room] = set()
            await self.sio.enter_room(conn.sid, room, namespace=self.namespace)
        conn.holds[room].add(holder)

    async def may_enter(self, conn: Connection, room: str) -> bool:
        found = self.registry.room_of(room)
        return found is not None and await self.policy.may_enter(conn.user, found[0], found[1])

    async def enter_checked(self, conn: Connection, room: str, holder: str) -> None:
        if not await self.may_enter(conn, room):
            raise EventError(ErrorCode.FORBIDDEN, f"not allowed to enter {room}", {"room": room})
        await self._enter(conn, room, holder)

    async def _release(self, conn: Connection, room: str, holder: str) -> None:
        holders = conn.holds.get(room)
        if holders is None:
            return
        holders.discard(holder)
        if not holders:
            del conn.holds[room]
            await self.sio.leave_room(conn.sid, room, namespace=self.namespace)

    async def leave(self, conn: Connection, room: str) -> None:
        """Leave a room whatever entered it, except the auth room the connection lives in."""
        holders = conn.holds.get(room)
        if holders is None or holders == {AUTH_HOLDER}:
            return
        for holder in list(holders - {AUTH_HOLDER}):
            await self._release(conn, room, holder)

    async def _channel_rooms(self, conn: Connection, channel: str) -> list[str]:
        """The rooms a channel enters for this user, every one allowed by the policy (FORBIDDEN otherwise)."""
        found = self.registry.channel(channel)
        if found is None:
            raise EventError(ErrorCode.VALIDATION_ERROR, f"unknown channel '{channel}'", {"channel": channel})
        spec, params = found
        rooms: list[str] = []
        for target in spec.rooms:
            rooms.extend(await self._target_rooms(target, conn, {}, params, check=True))
        return list(dict.fromkeys(rooms))

    async def _remember(self, conn: Connection, channel: str, rooms: list[str] | None) -> None:
        try:
            await self.recovery.sessions.set_subscription(conn.user.user_id, channel, rooms)
        except Exception:
            log.warning("subscription store unavailable", extra={"user": conn.user.user_id, "channel": channel})

    async def subscribe(self, conn: Connection, channel: str) -> list[str]:
        if channel not in conn.subscriptions:
            await self._subscription_allowed(conn, channel)
        rooms = await self._channel_rooms(conn, channel)
        holder = f"channel:{channel}"
        for room in rooms:
            await self._enter(conn, room, holder)
        # Subscribing again refreshes a $lookup channel: rooms it no longer lists are released.
        for room in conn.subscriptions.get(channel, ()):
            if room not in rooms:
                await self._release(conn, room, holder)
        conn.subscriptions[channel] = tuple(rooms)
        await self._remember(conn, channel, rooms)
        await self._persist(conn)
        return rooms

    async def _subscription_allowed(self, conn: Connection, channel: str) -> None:
        """One more channel for this user, within the caps: each is rooms held in memory and a subscription restored
        into every later connection of the user (a public channel family such as `store_{id}` has no end)."""
        cap = self.max_subscriptions  # a channel name itself is bounded by the catalog's max_payload_bytes
        if len(conn.subscriptions) >= cap:
            raise EventError(
                ErrorCode.FORBIDDEN,
                f"at most {cap} channels per connection: unsubscribe from one first",
                {"limit": cap},
            )
        try:
            stored = await self.recovery.sessions.subscriptions(conn.user.user_id)
        except Exception:
            return  # the store is down: the connection's own cap still holds
        # The user's channels: stored ones, and those its connections here hold (one may have been unsubscribed
        # from the store by another connection while this one keeps its rooms).
        user = conn.user.user_id
        held = set(stored).union(*(c.subscriptions for c in self.connections.values() if c.user.user_id == user))
        if channel not in held and len(held) >= cap:
            raise EventError(
                ErrorCode.FORBIDDEN, f"at most {cap} channels per user: unsubscribe from one first", {"limit": cap}
            )

    async def unsubscribe(self, conn: Connection, channel: str) -> list[str]:
        rooms = conn.subscriptions.pop(channel, ())
        for room in rooms:
            await self._release(conn, room, f"channel:{channel}")
        await self._remember(conn, channel, None)
        await self._persist(conn)
        return list(rooms)

    async def revoke(self, user_id: str, rooms: list[str], share: bool = True) -> None:
        """Take rooms away from every connection of a user (after the backend revoked a grant), on every node."""
        if share and self.recovery.shared:
            await self.recovery.log.append("", {"userId": user_id, "rooms": rooms}, (), control="revoke")
            return
        for conn in [c for c in self.connections.values() if c.user.user_id == user_id]:
            for room in rooms:
                await self.leave(conn, room)

    # -- outbound -------------------------------------------------------------------------------------------------

    async def publish(
        self,
        event: str,
        payload: BaseModel | Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
        strict: bool | None = None,
    ) -> Delivered:
        """Validate a server-to-client event and deliver it to the rooms the catalog names.

        `strict` overrides the mode: True raises OutboundValidationError for an invalid payload, False drops it.
        """
        spec = outbound_spec(self.registry, event)
        wire = validate_outbound(spec, payload, self.strict_outbound if strict is None else strict)
        if wire is None:
            self.stats[f"dropped:{event}"] += 1
            return Delivered(event, (), sent=False)
        if spec.delivery == "sender" and to and to not in self.connections:
            # Socket.IO would treat a room name as a target too: a sender event must never fan out.
            raise ValueError(f"{event} goes to one connection, and '{to}' is not a connected socket id")
        rooms, broadcast = targets(spec, self.registry, wire, args, to)
        self.stats[f"out:{event}"] += 1
        unlogged = not (self.recovery.enabled or self.recovery.shared)
        if spec.delivery == "sender" or spec.volatile or unlogged:
            # Like Socket.IO: events to one socket and volatile events carry no offset and are never replayed; nor
            # does anything on one node of a catalog without recovery (no log at all).
            if rooms:
                await self.sio.emit(event, wire, to=list(rooms), namespace=self.namespace)
            elif broadcast:
                await self._broadcast(event, wire)
            return Delivered(event, rooms, broadcast=broadcast)
        if not rooms and not broadcast:
            return Delivered(event, rooms)
        await self._log_and_deliver(event, wire, rooms)
        return Delivered(event, rooms, broadcast=broadcast)

    async def _log_and_deliver(self, event: str, wire: Any, rooms: tuple[str, ...]) -> None:
        log_store = self.recovery.log
        if isinstance(log_store, MemoryLog):
            # One step of the event loop: the entry is logged, marked delivered and its recipients chosen together.
            entry = log_store.append_now(event, wire, rooms)
            self.recovery.dispatched = entry.offset
            await self._deliver(entry)
            return
        try:
            await log_store.append(event, wire, rooms)  # every node, this one included, delivers it from the log
        except Exception as exc:
            self.stats["log_unavailable"] += 1
            log.warning(
                "replay log unavailable: delivered to this node only", extra={"event": event, "error": str(exc)}
            )
            if rooms:
                await self.sio.emit(event, wire, to=list(rooms), namespace=self.namespace)
            else:
                await self._broadcast(event, wire)

    async def _deliver(self, entry: LogEntry) -> None:
        """Send a logged event to this node's connections in its rooms, with its offset as the last argument."""
        if entry.control == "revoke":
            await self.revoke(entry.data["userId"], list(entry.data["rooms"]), share=False)
            return
        if entry.control is not None:
            return
        if entry.rooms:
            await self.sio.emit(entry.event, self._args(entry), to=list(entry.rooms), namespace=self.namespace)
        else:
            await self._broadcast(entry.event, self._args(entry))

    async def _broadcast(self, event: str, data: Any) -> None:
        """To every connection except those still catching up on missed events: they get it once, by replay."""
        await self.sio.emit(event, data, namespace=self.namespace, skip_sid=list(self._settling) or None)
