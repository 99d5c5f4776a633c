# generated from catalog.yaml by eventcat — do not edit

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from eventcat_runtime import CatalogModel, EmailStr, IsoDateTime, JsonFalse, JsonInt, JsonTrue, UriStr, UuidStr
from pydantic import ConfigDict, Field, StringConstraints
from typing_extensions import TypeAliasType

ErrorCode = TypeAliasType(
    "ErrorCode",
    Annotated[
        Literal[
            "AUTH_REQUIRED",
            "AUTH_INVALID",
            "TOKEN_EXPIRED",
            "VALIDATION_ERROR",
            "UNKNOWN_EVENT",
            "FORBIDDEN",
            "RATE_LIMITED",
            "PAYLOAD_TOO_LARGE",
            "INTERNAL_ERROR",
        ],
        Field(title="ErrorCode"),
    ],
)
"""
Stable error codes; clients branch on these, never on the message.
"""


class Money(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    amount: Annotated[float, Field(ge=0.0, multiple_of=0.01)]
    """
    Unit: euros.
    """
    currency: Literal["EUR"]


class OpenTicketContact(CatalogModel):
    model_config = ConfigDict(
        extra="allow",
    )
    email: EmailStr
    website: UriStr | None = None


Priority = TypeAliasType("Priority", Annotated[Literal["low", "high"], Field(title="Priority")])
"""
How urgent a ticket is.
"""


TicketState = TypeAliasType("TicketState", Annotated[Literal["open", "closed"], Field(title="TicketState")])


class TicketUpdatedLinesItem(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    text: str
    cost: Money


Actor = TypeAliasType("Actor", Annotated[str, Field(max_length=64, min_length=1, pattern="^u_[a-z0-9]+$")])


class TicketUpdatedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ticketId: UuidStr
    at: IsoDateTime
    lines: list[TicketUpdatedLinesItem]
    extra: Annotated[Any, Field(json_schema_extra={"x-nullable": True})]
    meta: dict[Annotated[str, StringConstraints(pattern=r"^[a-z]+$")], Any]
    actor: Actor | Literal["system"]
    priority: Annotated[Priority, Field(deprecated=True)]
    secondsLeft: Annotated[JsonInt | None, Field(json_schema_extra={"x-nullable": True})]


class Error(CatalogModel):
    """
    Why the server refused an event.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    code: ErrorCode
    message: str
    """
    Human-readable explanation.
    """
    details: Annotated[Any | None, Field(json_schema_extra={"x-nullable": True})] = None
    """
    Machine-readable context, e.g. the validation problems.
    """


class OpenTicketAck(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    ticketId: UuidStr
    state: TicketState


class OpenTicketPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    userId: Annotated[str, Field(max_length=64, min_length=1, pattern="^u_[a-z0-9]+$")]
    priority: Priority
    subject: Annotated[str, Field(max_length=120)]
    contact: OpenTicketContact | None = None
    tags: Annotated[list[str] | None, Field(max_length=5)] = None
    due: Annotated[date | None, Field(json_schema_extra={"x-nullable": True})] = None


class AckError(CatalogModel):
    """
    What every acknowledgement carries when the server refused the event.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonFalse
    error: Error
