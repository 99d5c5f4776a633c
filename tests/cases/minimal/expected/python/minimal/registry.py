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

ROOMS: dict[str, RoomSpec] = {}

# Most specific first: a name is matched against each pattern in this order.
CHANNELS: tuple[ChannelSpec, ...] = ()

EVENTS: dict[str, EventSpec] = {
    "headline_published": EventSpec(
        name="headline_published",
        direction="server_to_client",
        domain="news",
        model=models.HeadlinePublishedPayload,
        max_payload_bytes=10240,
        delivery="broadcast",
    ),
}

REGISTRY = Registry(
    catalog="minimal",
    version="0.1.0",
    namespace="/",
    auth=AuthSpec(
        scheme="none",
        algorithms=(),
        query_param="token",
        auth_field="token",
        user_claim="userId",
    ),
    rooms=ROOMS,
    channels=CHANNELS,
    events=EVENTS,
    conventions=Conventions(
        errors=ErrorContract(
            model=models.Error,
            codes=(
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
