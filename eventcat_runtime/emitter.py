"""The base of the generated `Events`: one method per server-to-client event, each calling `_emit`.

Every rule of the way out (validation, rooms, the replay log, delivery) lives in outbound.py, which the server uses
too; the emitter only hands a payload to a `Publisher` (the EventServer, or a RedisPublisher). The names below
from outbound.py are re-exported: generated packages and older code import them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from .outbound import (
    Delivered,
    Publisher,
    addresses,
    outbound_spec,
    resolve_rooms,
    targets,
    validate_outbound,
)

__all__ = [
    "Delivered",
    "Emitter",
    "Publisher",
    "addresses",
    "outbound_spec",
    "resolve_rooms",
    "targets",
    "validate_outbound",
]


class Emitter:
    """Base of the generated `Events`: over an EventServer, or a RedisPublisher."""

    def __init__(self, server: Publisher) -> None:
        self._server = server

    async def _emit(
        self,
        event: str,
        payload: BaseModel | Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
    ) -> Delivered:
        return await self._server.publish(event, payload, args=args or {}, to=to)

    async def emit_untyped(
        self,
        event: str,
        payload: Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
    ) -> Delivered:
        """Send a server-to-client event from a plain dict (a JSON literal, a payload read from elsewhere).

        The typed methods take models only, so that a type checker sees every field; this is the one way around
        them, by the event's wire name, and the payload is validated exactly as theirs is. `args` are the room
        parameters the catalog leaves to the publisher (wire names), `to` the socket of a `sender` event.
        """
        return await self._emit(event, payload, args=args, to=to)
