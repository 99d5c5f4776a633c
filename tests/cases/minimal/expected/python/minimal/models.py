# generated from catalog.yaml by eventcat — do not edit

from __future__ import annotations

from typing import Annotated, Any, Literal

from eventcat_runtime import CatalogModel, JsonFalse
from pydantic import ConfigDict, Field
from typing_extensions import TypeAliasType

ErrorCode = TypeAliasType(
    "ErrorCode",
    Annotated[
        Literal[
            "VALIDATION_ERROR", "UNKNOWN_EVENT", "FORBIDDEN", "RATE_LIMITED", "PAYLOAD_TOO_LARGE", "INTERNAL_ERROR"
        ],
        Field(title="ErrorCode"),
    ],
)
"""
Stable error codes; clients branch on these, never on the message.
"""


class HeadlinePublishedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    title: str


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


class AckError(CatalogModel):
    """
    What every acknowledgement carries when the server refused the event.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    ok: JsonFalse
    error: Error
