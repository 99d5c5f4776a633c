"""The hand-written runtime under every generated Python package: validation, routing, dispatch, auth, rooms.

Generated code stays declarations only (models, a registry, typed method stubs); the behaviour lives here, once.
"""

from .emitter import Delivered, Emitter
from .errors import ErrorCode, EventError, OutboundValidationError
from .handlers import EventContext, HandlerBase
from .models import CatalogModel, EmailStr, IsoDateTime, JsonFalse, JsonInt, JsonTrue, UriStr, UuidStr
from .policy import InMemoryPolicy, Principal, RoomPolicy
from .registry import Binding, ChannelSpec, EventSpec, Registry, RoomSpec, RoomTarget

__all__ = [
    "Binding",
    "CatalogModel",
    "ChannelSpec",
    "Delivered",
    "EmailStr",
    "Emitter",
    "ErrorCode",
    "EventContext",
    "EventError",
    "EventSpec",
    "HandlerBase",
    "InMemoryPolicy",
    "IsoDateTime",
    "JsonFalse",
    "JsonInt",
    "JsonTrue",
    "OutboundValidationError",
    "Principal",
    "Registry",
    "RoomPolicy",
    "RoomSpec",
    "RoomTarget",
    "UriStr",
    "UuidStr",
]
