"""Changes to the catalog as a whole that installed clients depend on: subscribe channels and how they connect."""

from __future__ import annotations

from .. import ir
from .collect import Collector


def compare_catalog(old: ir.Catalog, new: ir.Catalog, out: Collector) -> None:
    # Clients name channels in `subscribe`, so the channel list is part of what they send (client→server).
    for name in old.channels:
        if name not in new.channels:
            out.emit(
                "channel-removed",
                "c2s",
                f"channel {name} removed",
                subject=f"channels.{name}",
                flow="c2s",
                old=name,
                pos=new.positions.get("channels") or new.positions.get("catalog"),
            )
    for name, channel in new.channels.items():
        if name not in old.channels:
            out.emit(
                "channel-added",
                "c2s",
                f"channel {name} added",
                subject=f"channels.{name}",
                flow="c2s",
                new=name,
                pos=channel.pos,
            )
    connection = (
        ("namespace", old.namespace, new.namespace, "namespace"),
        ("auth.query_param", old.auth.query_param, new.auth.query_param, "auth"),
        ("auth.auth_field", old.auth.auth_field, new.auth.auth_field, "auth"),
    )
    for path, before, after, key in connection:
        if before != after:
            out.emit(
                "connection-changed",
                "catalog",
                f"{path} {before} → {after}",
                subject="catalog",
                path=path,
                old=before,
                new=after,
                pos=new.positions.get(key) or new.positions.get("catalog"),
            )
