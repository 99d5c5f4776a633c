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
    "board": RoomSpec(
        name="board",
        pattern="board:{boardId}",
        params=("boardId",),
        access="public",
        roles=(),
        visibility="public",
    ),
}

# Most specific first: a name is matched against each pattern in this order.
CHANNELS: tuple[ChannelSpec, ...] = ()

EVENTS: dict[str, EventSpec] = {
    "open_board": EventSpec(
        name="open_board",
        direction="client_to_server",
        domain="boards",
        model=models.OpenBoardPayload,
        max_payload_bytes=10240,
        ack_model=models.BoardOpened,
        caller_fields=(),
        enters=(RoomTarget("board", (Binding("boardId", "field", ("boardId",)),)),),
        handler="on_open_board",
    ),
    "note_added": EventSpec(
        name="note_added",
        direction="server_to_client",
        domain="boards",
        model=models.NoteAddedPayload,
        max_payload_bytes=10240,
        delivery="rooms",
        rooms=(RoomTarget("board", (Binding("boardId", "field", ("boardId",)),)),),
    ),
}

REGISTRY = Registry(
    catalog="board-notes",
    version="1.0.0",
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
