# generated from catalog.yaml by eventcat — do not edit
"""Board notes 1.0.0: typed Socket.IO events for python-socketio, generated from the catalog.

- `models`: a pydantic model per payload and per named type.
- `REGISTRY`: every event's direction, model, delivery and limits, as the runtime reads them.
- `Events`: the typed emitter, one method per server-to-client event.
- `EventHandlers`: the handler base, one abstract method per client-to-server event.
- `ErrorCode`: the codes of the catalog's error contract, for `EventError(ErrorCode.X, message)`.
"""

from . import models
from .codes import ErrorCode
from .emitter import Events
from .handlers import EventHandlers
from .registry import REGISTRY

__all__ = ["REGISTRY", "ErrorCode", "EventHandlers", "Events", "models"]
