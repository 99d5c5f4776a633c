"""Scaffolded by `eventcat scaffold`, then filled in by the team: prices in memory, bids refused with the
catalog's own codes (BID_TOO_LOW, AUCTION_CLOSED), every accepted bid announced to the auction's room."""

from __future__ import annotations

from datetime import UTC, datetime

from eventcat_runtime import EventContext, EventError
from live_auction import ErrorCode, EventHandlers, Events, models

# An auction closes when a bid reaches this amount (the tests' way to close one).
CLOSING_AMOUNT = 1000.0
OPENING_PRICE = 100.0


class AuctionHandlers(EventHandlers):
    def __init__(self, events: Events) -> None:
        super().__init__(events)
        self.prices: dict[str, float] = {}
        self.leaders: dict[str, str] = {}
        self.closed: set[str] = set()
        self.bids = 0

    async def on_auction_watch(self, payload: models.AuctionWatchPayload, ctx: EventContext) -> models.WatchAck:
        # The runtime enters `auction:{auctionId}` once this returns (the catalog's `enters`).
        price = self.prices.get(payload.auctionId, OPENING_PRICE)
        return models.WatchAck(ok=True, auctionId=payload.auctionId, currentPrice=price)

    async def on_auction_unwatch(self, payload: models.AuctionUnwatchPayload, ctx: EventContext) -> None:
        return None

    async def on_bid_place(self, payload: models.BidPlacePayload, ctx: EventContext) -> models.BidOutcome:
        auction = payload.auctionId
        if auction in self.closed:
            raise EventError(ErrorCode.AUCTION_CLOSED, f"auction {auction} has ended", {"auctionId": auction})
        price = self.prices.get(auction, OPENING_PRICE)
        if payload.amount <= price:
            raise EventError(ErrorCode.BID_TOO_LOW, f"the bid must be above {price:g}", {"currentPrice": price})
        outbid = self.leaders.get(auction)
        self.prices[auction] = payload.amount
        self.leaders[auction] = ctx.user_id
        self.bids += 1
        bid_id = f"bid_{self.bids}"
        placed = models.BidPlacedPayload(
            auctionId=auction, bidId=bid_id, amount=payload.amount, bidder=ctx.user_id, placedAt=datetime.now(UTC)
        )
        await self.events.bid_placed(placed)
        if outbid is not None and outbid != ctx.user_id:
            await self.events.bid_outbid(
                models.BidOutbidPayload(auctionId=auction, amount=payload.amount), bidder_id=outbid
            )
        if payload.amount >= CLOSING_AMOUNT:
            self.closed.add(auction)
            closed = models.AuctionClosedPayload(auctionId=auction, finalAmount=payload.amount, winner=ctx.user_id)
            await self.events.auction_closed(closed)
        return models.BidAccepted(ok=True, bidId=bid_id, amount=payload.amount)
