"""What the generated handler base asks of an app: one method per client-to-server event, and its signature."""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..conventions import answered_by_runtime

# HandlerBase's optional lifecycle hooks (eventcat_runtime/handlers.py): methods an app may define that no event
# names. Copied, not imported: the compiler imports nothing of the runtime.
LIFECYCLE_HOOKS = frozenset({"on_connect", "on_disconnect", "on_shutdown"})


@dataclass(frozen=True)
class HandlerSpec:
    """One abstract method of the generated `EventHandlers`."""

    event: str
    method: str
    payload: str
    ack: str | None

    def signature(self) -> str:
        returns = f"models.{self.ack}" if self.ack else "None"
        return f"async def {self.method}(self, payload: models.{self.payload}, ctx: EventContext) -> {returns}"


def handler_specs(catalog: ir.Catalog) -> list[HandlerSpec]:
    """The methods, in catalog order: every client-to-server event's.

    The catalog's heartbeat is left out: the runtime answers it, and the generated base has no method for it.
    """
    return [
        HandlerSpec(event.name, f"on_{event.ident}", event.payload_name, event.ack_name)
        for event in catalog.events.values()
        if not event.server_to_client and not answered_by_runtime(catalog, event)
    ]
