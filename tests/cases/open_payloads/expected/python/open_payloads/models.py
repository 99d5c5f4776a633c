# generated from catalog.yaml by eventcat — do not edit

from __future__ import annotations

from typing import Any, Literal

from eventcat_runtime import CatalogModel
from pydantic import ConfigDict
from typing_extensions import TypeAliasType


class Address(CatalogModel):
    model_config = ConfigDict(
        extra="allow",
    )
    city: str
    zip: str | None = None


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


class ProfileUpdatedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="allow",
    )
    userId: str
    address: Address
    prefs: ProfileUpdatedPrefs
    secret: ProfileUpdatedSecret
