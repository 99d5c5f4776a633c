"""The event server: python-socketio's AsyncServer driven by the registry.

Inbound, every client event goes through one pipeline: known client-to-server event, one argument, size limit,
strict validation, `caller` fields equal to the user, the rooms it `enters` allowed by the policy, then the typed
handler, then its ack validated. Any refusal answers the error contract: `{ok: false, error}` to the ack callback
when the client passed one, the `error` event otherwise. The server never lets a handler's exception escape.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

import socketio
from pydantic import BaseModel, ValidationError
from socketio import packet

from .auth import JwtVerifier, token_from
from .emitter import Delivered, resolve_rooms, validate_outbound
from .errors import ErrorCode, EventError
from .handlers import Connection, EventContext, HandlerBase
from .policy import InMemoryPolicy, RoomPolicy
from .registry import EventSpec, Registry, RoomTarget
from .validation import parse_inbound, problems, to_wire

log = logging.getLogger("eventcat.server")

Mode = Literal["development", "production"]
AUTH_HOLDER = "auth"


class _SocketServer(socketio.AsyncServer):  # type: ignore[misc]
    """python-socketio's server with the two hooks the contract needs and it does not offer.

    - An event handler cannot tell whether the client passed an ack callback; the packet id says so, so event
      dispatch is taken over here (python-socketio's private `_handle_event_internal`, pinned < 6).
    - Events emitted from the connect handler would reach the client before its CONNECT; `after_connect` runs
      once the CONNECT has been sent.
    """

    def __init__(self, owner: EventServer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._owner = owner

    async def _handle_event_internal(
        self, server: socketio.AsyncServer, sid: str, eio_sid: str, data: list[Any], namespace: str, id: int | None
    ) -> None:
        answer = await self._owner.dispatch(sid, str(data[0]), tuple(data[1:]), wants_ack=id is not None)
        if id is not None:
            await server._send_packet(eio_sid, self.packet_class(packet.ACK, namespace=namespace, id=id, data=answer))

    async def _handle_connect(self, eio_sid: str, namespace: str | None, data: Any) -> None:
        await super()._handle_connect(eio_sid, namespace, data)
        namespace = namespace or "/"
        sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
        if sid is not None and self.manager.is_connected(sid, namespace):
            await self._owner.after_connect(sid)


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
        verifier: JwtVerifier,
        policy: RoomPolicy | None = None,
        mode: Mode = "development",
        client_manager: socketio.AsyncManager | None = None,
        cors_allowed_origins: str | list[str] = "*",
        max_http_buffer_size: int = 1_000_000,
    ) -> None:
        self.registry = registry
        self.verifier = verifier
        self.policy: RoomPolicy = policy if policy is not None else InMemoryPolicy()
        self.mode = mode
        self.namespace = registry.namespace
        self.connections: dict[str, Connection] = {}
        self.stats: Counter[str] = Counter()
        self.handlers: HandlerBase | None = None
        self.sio = _SocketServer(
            self,
            async_mode="asgi",
            client_manager=client_manager,
            namespaces=[self.namespace],
            cors_allowed_origins=cors_allowed_origins,
            max_http_buffer_size=max_http_buffer_size,
            logger=False,
            engineio_logger=False,
        )
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
            if spec.inbound and (spec.handler is None or not callable(getattr(handlers, spec.handler, None)))
        ]
        if missing:
            raise TypeError(f"{type(handlers).__name__} has no handler for: {', '.join(str(m) for m in missing)}")
        self.handlers = handlers

    def asgi_app(self, other: Any = None) -> socketio.ASGIApp:
        return socketio.ASGIApp(self.sio, other_asgi_app=other)

    # -- connections ----------------------------------------------------------------------------------------------

    async def _on_connect(self, sid: str, environ: Mapping[str, Any], auth: Any) -> bool:
        auth_spec = self.registry.auth
        try:
            token = token_from(environ, auth, auth_spec.query_param, auth_spec.auth_field)
            user = self.verifier.verify(token)
        except EventError as exc:
            self.stats[f"auth_refused:{exc.code}"] += 1
            log.info("connection refused", extra={"sid": sid, "code": str(exc.code), "reason": exc.message})
            raise socketio.exceptions.ConnectionRefusedError(str(exc.code), exc.payload()) from None
        self.connections[sid] = Connection(sid, user)
        self.stats["connects"] += 1
        return True

    async def after_connect(self, sid: str) -> None:
        conn = self.connections.get(sid)
        if conn is None:
            return
        join = self.registry.auth.join
        if join is not None:
            for room in await self._target_rooms(join, conn, {}, {}):
                await self._enter(conn, room, AUTH_HOLDER)
        log.info("connected", extra={"sid": sid, "user": conn.user.user_id})
        if self.handlers is not None:
            await self._guarded(self.handlers.on_connect(self.context(conn, "connect")), conn, "connect")

    async def _on_disconnect(self, sid: str, reason: str) -> None:
        conn = self.connections.pop(sid, None)
        if conn is None:
            return
        self.stats["disconnects"] += 1
        log.info("disconnected", extra={"sid": sid, "user": conn.user.user_id, "reason": str(reason)})
        if self.handlers is not None:
            await self._guarded(self.handlers.on_disconnect(self.context(conn, "disconnect"), str(reason)), conn, "")

    async def shutdown(self) -> None:
        """Tell every connection (handlers' `on_shutdown`) and close it: the graceful part of stopping."""
        for conn in list(self.connections.values()):
            if self.handlers is not None:
                await self._guarded(self.handlers.on_shutdown(self.context(conn, "shutdown")), conn, "shutdown")
        await asyncio.gather(
            *(self.sio.disconnect(sid, namespace=self.namespace) for sid in list(self.connections)),
            return_exceptions=True,
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

    async def dispatch(self, sid: str, event: str, args: tuple[Any, ...], wants_ack: bool) -> list[Any]:
        """Run one client event through the pipeline; returns the ack's arguments."""
        conn = self.connections.get(sid)
        if conn is None:
            return []
        started = time.perf_counter()
        try:
            ack = await self._handle(conn, event, args, wants_ack)
            self.stats[f"in:{event}"] += 1
            log.debug(
                "handled",
                extra={
                    "sid": sid,
                    "user": conn.user.user_id,
                    "event": event,
                    "ms": round((time.perf_counter() - started) * 1000, 3),
                },
            )
            return [] if ack is None else [ack]
        except EventError as exc:
            return await self._refuse(conn, event, exc, wants_ack)
        except Exception:
            log.exception("handler failed", extra={"sid": sid, "user": conn.user.user_id, "event": event})
            error = EventError(ErrorCode.INTERNAL_ERROR, f"{event}: the server failed; the event was not processed")
            return await self._refuse(conn, event, error, wants_ack)

    async def _handle(self, conn: Connection, event: str, args: tuple[Any, ...], wants_ack: bool) -> Any:
        spec = self.registry.events.get(event)
        if spec is None or not spec.inbound or spec.handler is None:
            raise EventError(
                ErrorCode.UNKNOWN_EVENT,
                f"'{event}' is not a client-to-server event of this API",
                {"event": event},
            )
        payload = parse_inbound(event, args, spec.model, spec.max_payload_bytes)
        self._check_caller(spec, payload, conn)
        entering = []
        for target in spec.enters:
            entering.extend(await self._target_rooms(target, conn, payload.model_dump(by_alias=True), {}, check=True))
        leaving = []
        for target in spec.leaves:
            leaving.extend(await self._target_rooms(target, conn, payload.model_dump(by_alias=True), {}))
        if self.handlers is None:
            raise EventError(ErrorCode.INTERNAL_ERROR, "the server has no handlers attached")
        result = await getattr(self.handlers, spec.handler)(payload, self.context(conn, event, wants_ack))
        for room in entering:
            await self._enter(conn, room, f"event:{event}")
        for room in leaving:
            await self.leave(conn, room)
        return self._ack(spec, result)

    def _check_caller(self, spec: EventSpec, payload: BaseModel, conn: Connection) -> None:
        if not spec.caller_fields:
            return
        data = payload.model_dump(by_alias=True)
        for path in spec.caller_fields:
            value: Any = data
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
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
        self.stats[f"refused:{exc.code}"] += 1
        log.info(
            "event refused",
            extra={"sid": conn.sid, "user": conn.user.user_id, "event": event, "code": str(exc.code)},
        )
        error = exc.payload()
        if wants_ack:
            return [{"ok": False, "error": error}]
        await self.send_error(conn.sid, error)
        return []

    async def send_error(self, sid: str, error: dict[str, Any]) -> None:
        """The `error` event to one connection, through the catalog's own `error` event when it declares one."""
        if "error" in self.registry.events and not self.registry.events["error"].inbound:
            await self.publish("error", error, to=sid)
        else:
            await self.sio.emit("error", error, to=sid, namespace=self.namespace)

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

    async def subscribe(self, conn: Connection, channel: str) -> list[str]:
        found = self.registry.channel(channel)
        if found is None:
            raise EventError(ErrorCode.VALIDATION_ERROR, f"unknown channel '{channel}'", {"channel": channel})
        spec, params = found
        rooms: list[str] = []
        for target in spec.rooms:
            rooms.extend(await self._target_rooms(target, conn, {}, params, check=True))
        rooms = list(dict.fromkeys(rooms))
        holder = f"channel:{channel}"
        for room in rooms:
            await self._enter(conn, room, holder)
        # Subscribing again refreshes a $lookup channel: rooms it no longer lists are released.
        for room in conn.subscriptions.get(channel, ()):
            if room not in rooms:
                await self._release(conn, room, holder)
        conn.subscriptions[channel] = tuple(rooms)
        return rooms

    async def unsubscribe(self, conn: Connection, channel: str) -> list[str]:
        rooms = conn.subscriptions.pop(channel, ())
        for room in rooms:
            await self._release(conn, room, f"channel:{channel}")
        return list(rooms)

    async def revoke(self, user_id: str, rooms: list[str]) -> None:
        """Take rooms away from every connection of a user (after the backend revoked a grant)."""
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
        spec = self.registry.events.get(event)
        if spec is None or spec.inbound:
            raise KeyError(f"'{event}' is not a server-to-client event of this catalog")
        wire = validate_outbound(spec, payload, self.strict_outbound if strict is None else strict)
        if wire is None:
            self.stats[f"dropped:{event}"] += 1
            return Delivered(event, (), sent=False)
        if spec.delivery == "broadcast":
            await self.sio.emit(event, wire, namespace=self.namespace)
            self.stats[f"out:{event}"] += 1
            return Delivered(event, (), broadcast=True)
        if spec.delivery == "sender" and to and to not in self.connections:
            # Socket.IO would treat a room name as a target too: a sender event must never fan out.
            raise ValueError(f"{event} goes to one connection, and '{to}' is not a connected socket id")
        rooms = resolve_rooms(spec, self.registry.rooms, wire, args or {}, to)
        if rooms:
            await self.sio.emit(event, wire, to=list(rooms), namespace=self.namespace)
        self.stats[f"out:{event}"] += 1
        return Delivered(event, rooms)
