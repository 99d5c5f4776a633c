# generated from catalog.yaml by eventcat — do not edit
"""What the catalog declares, as the runtime reads it: events, rooms, subscribe channels, auth and the runtime's
conventions (the error contract, the events it sends by itself, the heartbeat it answers)."""

from eventcat_runtime.registry import (
    AuthSpec,
    Binding,
    ChannelSpec,
    Conventions,
    ErrorContract,
    EventFill,
    EventSpec,
    Heartbeat,
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
}

# Most specific first: a name is matched against each pattern in this order.
CHANNELS: tuple[ChannelSpec, ...] = ()

EVENTS: dict[str, EventSpec] = {
    "place_bid": EventSpec(
        name="place_bid",
        direction="client_to_server",
        domain="bidding",
        model=models.PlaceBidPayload,
        max_payload_bytes=10240,
        ack_model=models.BidAccepted,
        caller_fields=(),
        handler="on_place_bid",
    ),
    "problem": EventSpec(
        name="problem",
        direction="server_to_client",
        domain="bidding",
        model=models.Problem,
        max_payload_bytes=10240,
        delivery="sender",
    ),
    "keep_alive": EventSpec(
        name="keep_alive",
        direction="client_to_server",
        domain="session",
        model=models.KeepAlivePayload,
        max_payload_bytes=10240,
        caller_fields=(),
    ),
    "keep_alive_ack": EventSpec(
        name="keep_alive_ack",
        direction="server_to_client",
        domain="session",
        model=models.KeepAliveAckPayload,
        max_payload_bytes=10240,
        delivery="sender",
    ),
    "closing": EventSpec(
        name="closing",
        direction="server_to_client",
        domain="session",
        model=models.ClosingPayload,
        max_payload_bytes=10240,
        delivery="sender",
    ),
    "slow_down": EventSpec(
        name="slow_down",
        direction="server_to_client",
        domain="session",
        model=models.SlowDownPayload,
        max_payload_bytes=10240,
        delivery="sender",
    ),
}

REGISTRY = Registry(
    catalog="auction-house",
    version="2.0.0",
    namespace="/",
    auth=AuthSpec(
        scheme="jwt",
        algorithms=("RS256", "ES256"),
        jwks_url="https://id.example.com/.well-known/jwks.json",
        issuer="https://id.example.com",
        audience="auction-api",
        query_param="token",
        auth_field="token",
        user_claim="sub",
        join=RoomTarget("bidder", (Binding("bidderId", "user"),)),
        user_schema={"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"},
    ),
    rooms=ROOMS,
    channels=CHANNELS,
    events=EVENTS,
    conventions=Conventions(
        errors=ErrorContract(
            model=models.Problem,
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
                "BID_TOO_LOW",
                "auction-closed",
            ),
            fields={
                "code": "code",
                "message": "message",
                "details": "details",
                "timestamp": "at",
                "trace_id": "traceId",
            },
            timestamp="epoch_ms",
            event="problem",
        ),
        close=EventFill(
            event="closing",
            fields={"reason": "reason", "timestamp": "at"},
            timestamp="epoch_ms",
        ),
        throttle=EventFill(
            event="slow_down",
            fields={"reason": "reason", "attempts": "attempts", "retry_after_ms": "waitMs", "timestamp": "timestamp"},
            timestamp="iso",
        ),
        heartbeat=Heartbeat(event="keep_alive", reply="keep_alive_ack"),
    ),
)
