"""The REZ app: its handlers on the generated rez_realtime package, for the runtime to serve.

    eventcat serve --app server_stub.app:create --package rez_realtime

The runtime (eventcat_runtime.app.build) does all the wiring: auth, room policy, rate limits, recovery, metrics,
admin, compression, graceful stop. This module only makes the handlers.
"""

from __future__ import annotations

from rez_realtime import Events

from .handlers import RezHandlers
from .support import InMemorySupport


def create(events: Events) -> RezHandlers:
    """REZ's handlers, with the embedded support backend (in memory)."""
    return RezHandlers(events, InMemorySupport())
