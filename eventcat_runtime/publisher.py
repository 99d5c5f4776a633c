"""Publishing from another process: a backend validates an event and appends it to the shared log in Redis;
every node of the scale-out delivers it to its own connections, with its offset, as if it had been published there.

    from my_catalog import REGISTRY, Events      # the generated package
    events = Events(RedisPublisher(REGISTRY, "redis://localhost:6379/0"))
    await events.order_status_update(payload)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redis.asyncio as aioredis
from pydantic import BaseModel

from .outbound import Delivered, outbound_spec, targets, validate_outbound
from .registry import Registry
from .replay import RedisLog


def log_key(registry: Registry) -> str:
    """The stream every node of one catalog reads."""
    return f"eventcat:{registry.catalog}:log"


class RedisPublisher:
    """What `Events` needs (a `publish` method), without a server: validation is strict, delivery through Redis."""

    def __init__(self, registry: Registry, redis_url: str, window_seconds: float = 300.0) -> None:
        self.registry = registry
        self.redis = aioredis.from_url(redis_url)
        self.log = RedisLog(self.redis, log_key(registry), window_seconds)

    async def publish(
        self,
        event: str,
        payload: BaseModel | Mapping[str, Any],
        *,
        args: Mapping[str, str] | None = None,
        to: str | None = None,
        strict: bool | None = None,
    ) -> Delivered:
        spec = outbound_spec(self.registry, event)
        if spec.delivery == "sender":
            raise ValueError(f"{event} goes to one connection: publish it from the server that holds it")
        wire = validate_outbound(spec, payload, strict=True)
        assert wire is not None
        rooms, broadcast = targets(spec, self.registry, wire, args, to)
        if rooms or broadcast:
            await self.log.append(event, wire, rooms)
        return Delivered(event, rooms, broadcast=broadcast)

    async def close(self) -> None:
        await self.redis.aclose()
