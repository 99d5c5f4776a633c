# generated from catalog.yaml by eventcat — do not edit
"""The typed emitter: one method per server-to-client event. Each validates its payload against the catalog and
delivers it to the rooms the catalog names; the behaviour is the runtime's (`eventcat_runtime.emitter`)."""

from eventcat_runtime.emitter import Delivered, Emitter

from . import models


class Events(Emitter):
    """`await events.<event>(payload, ...)` for every server-to-client event of Live auctions.

    Each method takes the event's model; to send a plain dict, use `emit_untyped(event, payload, ...)`.
    """

    async def bid_placed(self, payload: models.BidPlacedPayload) -> Delivered:
        """A bid was placed on an auction.

        Delivered to `auction:{auctionId}` (auctionId from the payload's auctionId).
        """
        return await self._emit("bid:placed", payload)

    async def bid_outbid(self, payload: models.BidOutbidPayload, *, bidder_id: str) -> Delivered:
        """Someone bid above you.

        Delivered to `bidder:{bidderId}` (bidderId from the `bidder_id` argument).
        """
        return await self._emit("bid:outbid", payload, args={"bidderId": bidder_id})

    async def auction_closed(self, payload: models.AuctionClosedPayload) -> Delivered:
        """The auction ended.

        Delivered to `auction:{auctionId}` (auctionId from the payload's auctionId).
        """
        return await self._emit("auction:closed", payload)

    async def auction_problem(self, payload: models.Problem, *, to: str) -> Delivered:
        """An event was refused.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("auction:problem", payload, to=to)

    async def session_closing(self, payload: models.SessionClosingPayload, *, to: str) -> Delivered:
        """The server is about to close this connection.

        Delivered to one connection: pass its socket id as `to`.
        """
        return await self._emit("session:closing", payload, to=to)
