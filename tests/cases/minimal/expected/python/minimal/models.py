# generated from catalog.yaml by eventcat — do not edit

from __future__ import annotations

from typing import Any

from eventcat_runtime import CatalogModel
from pydantic import ConfigDict
from typing_extensions import TypeAliasType


class HeadlinePublishedPayload(CatalogModel):
    model_config = ConfigDict(
        extra="forbid",
    )
    title: str
