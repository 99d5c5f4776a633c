# generated from catalog.yaml by eventcat — do not edit

from __future__ import annotations

from typing import Annotated, Any, Literal

from eventcat_runtime import CatalogModel, JsonFalse
from pydantic import ConfigDict, Field
from typing_extensions import TypeAliasType


class Address(CatalogModel):
    model_config = ConfigDict(
        extra="allow",
    )
    city: str
    zip: str | None = None


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


class ProfileUpdatedPrefs(CatalogModel):
    model_config = ConfigDict(
        extra="allow",
    )
    theme: Literal["light", "dark"]


class ProfileUpdatedSecret(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    hint: str


class Error(CatalogModel):
    """
    Why the server refused an event.
    """

    model_config = ConfigDict(
        extra="allow",
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


class ProfileUpdatedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="allow",
    )
    userId: str
    address: Address
    prefs: ProfileUpdatedPrefs
    secret: ProfileUpdatedSecret


class AckError(CatalogModel):
    """
    What every acknowledgement carries when the server refused the event.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    ok: JsonFalse
    error: Error
