"""The HTTP side of the server, on the same port as Socket.IO: health, the publish API, and room grants.

- `GET /healthz`: liveness and a few numbers.
- `POST /events/{name}` (service token): publish a server-to-client event. The body is the payload; the room
  parameters the catalog leaves to the publisher (`$arg`) are query parameters by their catalog name
  (`?userId=...`), and `?socketId=` addresses an event the catalog delivers to one connection. 202 when sent,
  401 without a valid token, 404 for an unknown or client-to-server event, 400 for a body that is not JSON or a
  missing parameter, 422 with every validation problem when the payload does not match the catalog.
- `POST /grants` and `DELETE /grants` (service token): `{userId, rooms}` lets a user enter member rooms, or takes
  them away (connections of that user leave them at once).

Operations routes (`/metrics` from metrics.py, `/admin` from admin.py) and middleware (gzip) are passed in.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import ErrorCode, OutboundValidationError, now_iso
from .policy import GrantPolicy
from .server import EventServer

# The largest body the publish API and /grants read: far above any catalog payload, far below what hurts.
MAX_BODY_BYTES = 1024 * 1024


def _error(status: int, code: ErrorCode | str, message: str, **details: Any) -> JSONResponse:
    body: dict[str, Any] = {"code": str(code), "message": message, "timestamp": now_iso()}
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def create_http_app(
    server: EventServer,
    service_token: str | None,
    routes: Sequence[BaseRoute] = (),
    middleware: Sequence[Middleware] = (),
) -> Starlette:
    """The routes above, then `routes` (operations: /metrics, /admin), all behind `middleware` (compression)."""

    def authorised(request: Request) -> JSONResponse | None:
        if not service_token:
            return _error(503, ErrorCode.AUTH_REQUIRED, "the publish API is disabled: set SERVICE_TOKEN")
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return _error(401, ErrorCode.AUTH_REQUIRED, "send the service token as 'Authorization: Bearer <token>'")
        if not hmac.compare_digest(header[7:].strip().encode(), service_token.encode()):
            return _error(401, ErrorCode.AUTH_INVALID, "the service token is not valid")
        return None

    async def body_of(request: Request) -> tuple[Any, JSONResponse | None]:
        """The JSON body, read up to MAX_BODY_BYTES and checked against the JSON limits before it is decoded."""
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    break
        except ClientDisconnect:  # the backend went away mid-upload: nobody to answer
            return None, _error(400, ErrorCode.VALIDATION_ERROR, "the body was cut short")
        if len(body) > MAX_BODY_BYTES:
            return None, _error(
                413, ErrorCode.PAYLOAD_TOO_LARGE, f"the body is over {MAX_BODY_BYTES} bytes", limit=MAX_BODY_BYTES
            )
        try:
            text = body.decode()
            problem = server.sio.json_limits.problem(text)
            if problem is not None:
                return None, _error(400, ErrorCode.VALIDATION_ERROR, f"the body is {problem}")
            return json.loads(text, parse_constant=_no_constant), None
        except (ValueError, RecursionError) as exc:
            return None, _error(400, ErrorCode.VALIDATION_ERROR, f"the body is not JSON: {exc}")

    async def healthz(request: Request) -> Response:
        registry = server.registry
        return JSONResponse(
            {
                "status": "ok",
                "catalog": registry.catalog,
                "version": registry.version,
                "connections": len(server.connections),
                "state": await server.state(),
            }
        )

    async def publish(request: Request) -> Response:
        refused = authorised(request)
        if refused:
            return refused
        name = request.path_params["name"]
        spec = server.registry.events.get(name)
        if spec is None or spec.inbound:
            return _error(404, ErrorCode.UNKNOWN_EVENT, f"'{name}' is not a server-to-client event of this API")
        payload, bad = await body_of(request)
        if bad:
            return bad
        args = {key: value for key, value in request.query_params.items() if key != "socketId"}
        missing = [wire for wire in spec.args if not args.get(wire)]
        if missing:
            listed = ", ".join(f"?{wire}=" for wire in missing)
            return _error(
                400, ErrorCode.VALIDATION_ERROR, f"{name} needs {listed} (the room it goes to)", missing=missing
            )
        if spec.delivery == "sender" and not request.query_params.get("socketId"):
            return _error(400, ErrorCode.VALIDATION_ERROR, f"{name} goes to one connection: pass ?socketId=")
        try:
            delivered = await server.publish(
                name, payload, args=args, to=request.query_params.get("socketId"), strict=True
            )
        except OutboundValidationError as exc:
            return _error(
                422, ErrorCode.VALIDATION_ERROR, f"the payload does not match {name}", event=name, errors=exc.problems
            )
        except ValueError as exc:
            return _error(400, ErrorCode.VALIDATION_ERROR, str(exc), event=name)
        return JSONResponse(
            {"event": name, "rooms": list(delivered.rooms), "broadcast": delivered.broadcast}, status_code=202
        )

    async def grants(request: Request) -> Response:
        refused = authorised(request)
        if refused:
            return refused
        body, bad = await body_of(request)
        if bad:
            return bad
        user = body.get("userId") if isinstance(body, dict) else None
        rooms = body.get("rooms") if isinstance(body, dict) else None
        if not isinstance(user, str) or not user or not isinstance(rooms, list):
            return _error(422, ErrorCode.VALIDATION_ERROR, "expected {userId: string, rooms: [room, ...]}")
        unknown = [r for r in rooms if not isinstance(r, str) or server.registry.room_of(r) is None]
        if unknown:
            return _error(422, ErrorCode.VALIDATION_ERROR, "not rooms of this API", rooms=unknown)
        policy = server.policy
        if not isinstance(policy, GrantPolicy):
            return _error(501, ErrorCode.INTERNAL_ERROR, "grants are managed by the configured room policy")
        if request.method == "POST":
            await policy.add_grants(user, rooms)
        else:
            await policy.remove_grants(user, rooms)
        if request.method == "DELETE":
            await server.revoke(user, rooms)
        return Response(status_code=204)

    return Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/events/{name}", publish, methods=["POST"]),
            Route("/grants", grants, methods=["POST", "DELETE"]),
            *routes,
        ],
        middleware=list(middleware),
    )
