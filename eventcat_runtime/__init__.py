"""The hand-written runtime under every generated Python package: validation, routing, dispatch, auth, rooms.

Generated code stays declarations only (models, a registry, typed method stubs); the behaviour lives here, once.
"""

# The runtime's API version: generated packages require `eventcat-runtime>=A.B,<A+1` of it and check it at import;
# the compiler knows the same number (generator/outputs/python_package.py), a test keeps the two equal.
__version__ = "0.14.0"

from .emitter import Delivered, Emitter
from .errors import ErrorCode, EventError, OutboundValidationError
from .handlers import EventContext, HandlerBase
from .models import CatalogModel, EmailStr, IsoDateTime, JsonFalse, JsonInt, JsonTrue, UriStr, UuidStr
from .policy import InMemoryPolicy, Principal, RoomPolicy
from .registry import (
    AuthSpec,
    Binding,
    ChannelSpec,
    Conventions,
    ErrorContract,
    EventFill,
    EventSpec,
    Heartbeat,
    Registry,
    RoomSpec,
    RoomTarget,
)

__all__ = [
    "AuthSpec",
    "Binding",
    "CatalogModel",
    "ChannelSpec",
    "Conventions",
    "Delivered",
    "EmailStr",
    "Emitter",
    "ErrorCode",
    "ErrorContract",
    "EventContext",
    "EventError",
    "EventFill",
    "EventSpec",
    "HandlerBase",
    "Heartbeat",
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
    "__version__",
]
