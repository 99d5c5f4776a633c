# generated from catalog.yaml by eventcat — do not edit
"""The typed emitter: one method per server-to-client event. Each validates its payload against the catalog and
delivers it to the rooms the catalog names; the behaviour is the runtime's (`eventcat_runtime.emitter`)."""

from eventcat_runtime.emitter import Delivered, Emitter

from . import models


class Events(Emitter):
    """`await events.<event>(payload, ...)` for every server-to-client event of Auction house.

    Each method takes the event's model; to send a plain dict, use `emit_untyped(event, payload, ...)`.
    """

    async def problem(self, payload: models.Problem, *, to: str) -> Delivered:
        """An event sent without an ack callback was refused.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("problem", payload, to=to)

    async def keep_alive_ack(self, payload: models.KeepAliveAckPayload, *, to: str) -> Delivered:
        """The answer to a keep_alive.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("keep_alive_ack", payload, to=to)

    async def closing(self, payload: models.ClosingPayload, *, to: str) -> Delivered:
        """The server is about to close this connection.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("closing", payload, to=to)

    async def slow_down(self, payload: models.SlowDownPayload, *, to: str) -> Delivered:
        """This client reconnects too often.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("slow_down", payload, to=to)
