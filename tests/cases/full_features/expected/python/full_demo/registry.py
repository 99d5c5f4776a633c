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
    "user": RoomSpec(
        name="user",
        pattern="user:{userId}",
        params=("userId",),
        access="self",
        roles=(),
        visibility="private",
    ),
    "board": RoomSpec(
        name="board",
        pattern="board:{period}",
        params=("period",),
        access="public",
        roles=(),
        visibility="public",
        param_values={"period": ("daily", "weekly")},
    ),
}

# Most specific first: a name is matched against each pattern in this order.
CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        name="board_{period}",
        regex="^board_(?P<period>daily|weekly)$",
        rooms=(RoomTarget("board", (Binding("period", "channel", ("period",)),)),),
    ),
)

EVENTS: dict[str, EventSpec] = {
    "open_ticket": EventSpec(
        name="open_ticket",
        direction="client_to_server",
        domain="tickets",
        model=models.OpenTicketPayload,
        max_payload_bytes=4096,
        ack_model=models.OpenTicketAck,
        rate=(5, 10),
        caller_fields=(("userId",),),
        enters=(RoomTarget("board", (Binding("period", "lookup"),)),),
        leaves=(RoomTarget("user", (Binding("userId", "field", ("userId",)),)),),
        triggers=("ticket_updated",),
        handler="on_open_ticket",
    ),
    "ticket_updated": EventSpec(
        name="ticket_updated",
        direction="server_to_client",
        domain="tickets",
        model=models.TicketUpdatedPayload,
        max_payload_bytes=4096,
        delivery="rooms",
        rooms=(RoomTarget("user", (Binding("userId", "arg"),)),),
        args={"userId": "user_id"},
        volatile=True,
    ),
}

REGISTRY = Registry(
    catalog="full-demo",
    version="1.2.0",
    namespace="/",
    auth=AuthSpec(
        scheme="jwt",
        algorithms=("HS256",),
        query_param="token",
        auth_field="token",
        user_claim="userId",
        join=RoomTarget("user", (Binding("userId", "user"),)),
        user_schema={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "string",
            "pattern": "^u_[a-z0-9]+$",
            "minLength": 1,
            "maxLength": 64,
        },
    ),
    rooms=ROOMS,
    channels=CHANNELS,
    events=EVENTS,
    recovery_window=90,
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
