# generated from catalog.yaml by eventcat — do not edit
"""What the catalog declares, as the runtime reads it: events, rooms, subscribe channels, auth and the runtime's
conventions (the error contract, the events it sends by itself, the heartbeat it answers)."""

from eventcat_runtime.registry import (
    AuthSpec,
    Binding,
    ChannelSpec,
    Conventions,
    ErrorContract,
    EventSpec,
    Registry,
    RoomSpec,
    RoomTarget,
)

from . import models

ROOMS: dict[str, RoomSpec] = {
    "bidder": RoomSpec(
        name="bidder",
        pattern="bidder:{bidderId}",
        params=("bidderId",),
        access="self",
        roles=(),
        visibility="private",
    ),
    "auction": RoomSpec(
        name="auction",
        pattern="auction:{auctionId}",
        params=("auctionId",),
        access="public",
        roles=(),
        visibility="public",
    ),
}

# Most specific first: a name is matched against each pattern in this order.
CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        name="auction_{auctionId}",
        regex="^auction_(?P<auctionId>[A-Za-z0-9_-]+)$",
        rooms=(RoomTarget("auction", (Binding("auctionId", "channel", ("auctionId",)),)),),
    ),
)

EVENTS: dict[str, EventSpec] = {
    "auction:watch": EventSpec(
        name="auction:watch",
        direction="client_to_server",
        domain="bidding",
        model=models.AuctionWatchPayload,
        max_payload_bytes=4096,
        ack_model=models.WatchAck,
        rate=(10, 1),
        caller_fields=(),
        enters=(RoomTarget("auction", (Binding("auctionId", "field", ("auctionId",)),)),),
        handler="on_auction_watch",
    ),
    "auction:unwatch": EventSpec(
        name="auction:unwatch",
        direction="client_to_server",
        domain="bidding",
        model=models.AuctionUnwatchPayload,
        max_payload_bytes=4096,
        rate=(10, 1),
        caller_fields=(),
        leaves=(RoomTarget("auction", (Binding("auctionId", "field", ("auctionId",)),)),),
        handler="on_auction_unwatch",
    ),
    "bid:place": EventSpec(
        name="bid:place",
        direction="client_to_server",
        domain="bidding",
        model=models.BidPlacePayload,
        max_payload_bytes=4096,
        ack_model=models.BidOutcome,
        rate=(2, 1),
        caller_fields=(),
        triggers=("bid:placed",),
        handler="on_bid_place",
    ),
    "bid:placed": EventSpec(
        name="bid:placed",
        direction="server_to_client",
        domain="bidding",
        model=models.BidPlacedPayload,
        max_payload_bytes=4096,
        delivery="rooms",
        rooms=(RoomTarget("auction", (Binding("auctionId", "field", ("auctionId",)),)),),
    ),
    "bid:outbid": EventSpec(
        name="bid:outbid",
        direction="server_to_client",
        domain="bidding",
        model=models.BidOutbidPayload,
        max_payload_bytes=4096,
        delivery="rooms",
        rooms=(RoomTarget("bidder", (Binding("bidderId", "arg"),)),),
        args={"bidderId": "bidder_id"},
    ),
    "auction:closed": EventSpec(
        name="auction:closed",
        direction="server_to_client",
        domain="bidding",
        model=models.AuctionClosedPayload,
        max_payload_bytes=4096,
        delivery="rooms",
        rooms=(RoomTarget("auction", (Binding("auctionId", "field", ("auctionId",)),)),),
    ),
    "auction:problem": EventSpec(
        name="auction:problem",
        direction="server_to_client",
        domain="session",
        model=models.Problem,
        max_payload_bytes=4096,
        delivery="sender",
    ),
    "session:closing": EventSpec(
        name="session:closing",
        direction="server_to_client",
        domain="session",
        model=models.SessionClosingPayload,
        max_payload_bytes=4096,
        delivery="sender",
    ),
}

REGISTRY = Registry(
    catalog="live-auction",
    version="0.3.0",
    namespace="/",
    auth=AuthSpec(
        scheme="jwt",
        algorithms=("HS256",),
        query_param="token",
        auth_field="token",
        user_claim="sub",
        join=RoomTarget("bidder", (Binding("bidderId", "user"),)),
        user_schema={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "string",
            "pattern": "^bidder_[a-z0-9]+$",
        },
    ),
    rooms=ROOMS,
    channels=CHANNELS,
    events=EVENTS,
    recovery_window=120,
    conventions=Conventions(
        errors=ErrorContract(
            model=models.Error,
            codes=(
                "AUTH_REQUIRED",
                "AUTH_INVALID",
                "TOKEN_EXPIRED",
                "VALIDATION_ERROR",
                "UNKNOWN_EVENT",
                "FORBIDDEN",
                "RATE_LIMITED",
                "PAYLOAD_TOO_LARGE",
                "INTERNAL_ERROR",
            ),
            fields={"code": "code", "message": "message", "details": "details"},
            timestamp="iso",
        ),
    ),
)
