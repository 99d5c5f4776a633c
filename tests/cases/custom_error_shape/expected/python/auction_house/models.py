# generated from catalog.yaml by eventcat — do not edit

from __future__ import annotations

from typing import Annotated, Any, Literal

from eventcat_runtime import CatalogModel, IsoDateTime, JsonFalse, JsonInt, JsonTrue
from pydantic import ConfigDict, Field
from typing_extensions import TypeAliasType


class BidAccepted(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    bidId: str


class ClosingPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    reason: Literal["server_shutdown", "rate_limited", "auction_house_closed"]
    at: Annotated[JsonInt, Field(ge=0)]


class KeepAliveAckPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    sentAt: Annotated[JsonInt, Field(ge=0)]


class KeepAlivePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    sentAt: Annotated[JsonInt, Field(ge=0)]
    note: str | None = None


class PlaceBidPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    auctionId: str
    amount: Annotated[float, Field(ge=1.0)]


ProblemCode = TypeAliasType(
    "ProblemCode",
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
            "BID_TOO_LOW",
            "auction-closed",
        ],
        Field(title="ProblemCode"),
    ],
)
"""
Codes a client branches on.
"""


class SlowDownPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    reason: str
    attempts: JsonInt
    waitMs: Annotated[JsonInt, Field(ge=0)]
    """
    Unit: milliseconds.
    """
    timestamp: IsoDateTime | None = None


class Problem(CatalogModel):
    """
    Why the server refused an event.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    code: ProblemCode
    message: str
    details: Annotated[Any | None, Field(json_schema_extra={"x-nullable": True})] = None
    traceId: str
    """
    Correlates the refusal with the server's logs.
    """
    at: Annotated[JsonInt, Field(ge=0)]
    """
    Unit: milliseconds since the Unix epoch.
    """


class AckError(CatalogModel):
    """
    What every acknowledgement carries when the server refused the event.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonFalse
    error: Problem
