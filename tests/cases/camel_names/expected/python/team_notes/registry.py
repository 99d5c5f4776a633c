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
    "openBoard": EventSpec(
        name="openBoard",
        direction="client_to_server",
        domain="boards",
        model=models.OpenBoardPayload,
        max_payload_bytes=2048,
        ack_model=models.BoardOpened,
        rate=(5, 1),
        caller_fields=(),
        enters=(RoomTarget("board", (Binding("boardId", "field", ("boardId",)),)),),
        handler="on_open_board",
    ),
    "addNote": EventSpec(
        name="addNote",
        direction="client_to_server",
        domain="boards",
        model=models.AddNotePayload,
        max_payload_bytes=2048,
        ack_model=models.NoteAdded,
        rate=(3, 1),
        caller_fields=(),
        triggers=("noteAdded",),
        handler="on_add_note",
    ),
    "noteAdded": EventSpec(
        name="noteAdded",
        direction="server_to_client",
        domain="boards",
        model=models.NoteAddedPayload,
        max_payload_bytes=2048,
        delivery="rooms",
        rooms=(RoomTarget("board", (Binding("boardId", "field", ("boardId",)),)),),
    ),
    "boardsReset": EventSpec(
        name="boardsReset",
        direction="server_to_client",
        domain="boards",
        model=models.BoardsResetPayload,
        max_payload_bytes=2048,
        delivery="broadcast",
    ),
}

REGISTRY = Registry(
    catalog="team-notes",
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
