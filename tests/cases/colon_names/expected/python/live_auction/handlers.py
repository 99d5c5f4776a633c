# generated from catalog.yaml by eventcat — do not edit
"""The handler base: one method per client-to-server event, called only with a validated payload.

Subclass `EventHandlers` and implement every method; the server refuses to start while one is missing. Raise
`eventcat_runtime.EventError` to refuse an event with a stable code.
"""

from abc import ABC, abstractmethod

from eventcat_runtime.handlers import EventContext, HandlerBase

from . import models
from .emitter import Events


class EventHandlers(HandlerBase, ABC):
    """Client-to-server events of Live auctions. `self.events` is the typed emitter."""

    def __init__(self, events: Events) -> None:
        self.events = events

    @abstractmethod
    async def on_auction_watch(self, payload: models.AuctionWatchPayload, ctx: EventContext) -> models.WatchAck:
        """Start receiving an auction's bids.

        Return the acknowledgement model; it is validated before it is sent.
        """

    @abstractmethod
    async def on_auction_unwatch(self, payload: models.AuctionUnwatchPayload, ctx: EventContext) -> None:
        """Stop receiving an auction's bids."""

    @abstractmethod
    async def on_bid_place(self, payload: models.BidPlacePayload, ctx: EventContext) -> models.BidOutcome:
        """Place a bid on an auction.

        Return the acknowledgement model; it is validated before it is sent.
        """
