# generated from catalog.yaml by eventcat — do not edit

from __future__ import annotations

from typing import Annotated, Any, Literal

from eventcat_runtime import CatalogModel, IsoDateTime, JsonFalse, JsonInt, JsonTrue
from pydantic import ConfigDict, Field
from typing_extensions import TypeAliasType


class AuctionClosedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    auctionId: Annotated[str, Field(pattern="^auc_[a-z0-9]+$")]
    finalAmount: Annotated[float, Field(ge=1.0)]
    """
    Unit: euros.
    """
    winner: Annotated[str | None, Field(pattern="^bidder_[a-z0-9]+$")] = None
    """
    Identifier of a bidder.
    """


class AuctionUnwatchPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    auctionId: Annotated[str, Field(pattern="^auc_[a-z0-9]+$")]


class AuctionWatchPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    auctionId: Annotated[str, Field(pattern="^auc_[a-z0-9]+$")]


class BidAccepted(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    bidId: str
    amount: Annotated[float, Field(ge=1.0)]
    """
    Unit: euros.
    """


class BidOutbidPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    auctionId: Annotated[str, Field(pattern="^auc_[a-z0-9]+$")]
    amount: Annotated[float, Field(ge=1.0)]
    """
    Unit: euros.
    """


class BidPlacePayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    auctionId: Annotated[str, Field(pattern="^auc_[a-z0-9]+$")]
    amount: Annotated[float, Field(ge=1.0)]
    """
    Unit: euros.
    """


class BidPlacedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    auctionId: Annotated[str, Field(pattern="^auc_[a-z0-9]+$")]
    bidId: str
    amount: Annotated[float, Field(ge=1.0)]
    """
    Unit: euros.
    """
    bidder: Annotated[str, Field(pattern="^bidder_[a-z0-9]+$")]
    """
    Identifier of a bidder.
    """
    placedAt: IsoDateTime


class BidQueued(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    queuedBehind: Annotated[JsonInt, Field(ge=1)]


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
            "AUCTION_CLOSED",
        ],
        Field(title="ProblemCode"),
    ],
)
"""
Codes a client branches on.
"""


SessionCloseReason = TypeAliasType(
    "SessionCloseReason",
    Annotated[Literal["server_shutdown", "rate_limited", "auction_house_closed"], Field(title="SessionCloseReason")],
)


class SessionClosingPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    reason: SessionCloseReason
    at: Annotated[JsonInt, Field(ge=0)]
    """
    Unit: milliseconds since the Unix epoch.
    """


class WatchAck(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonTrue
    auctionId: Annotated[str, Field(pattern="^auc_[a-z0-9]+$")]
    currentPrice: Annotated[float, Field(ge=1.0)]
    """
    Unit: euros.
    """


BidOutcome = TypeAliasType("BidOutcome", Annotated[BidAccepted | BidQueued, Field(title="BidOutcome")])


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


class AckError(CatalogModel):
    """
    What every acknowledgement carries when the server refused the event.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonFalse
    error: Error
