"""Changes to the catalog as a whole that installed clients depend on: subscribe channels and how they connect."""

from __future__ import annotations

import re

from .. import ir
from .collect import Collector


def compare_catalog(old: ir.Catalog, new: ir.Catalog, out: Collector) -> None:
    # Clients name channels in `subscribe`, so the channel list is part of what they send (client→server). A
    # channel is known by the names it accepts: renaming its parameter ({orderId} -> {id}) changes nothing.
    old_channels = {_accepts(name): name for name in old.channels}
    new_channels = {_accepts(name): name for name in new.channels}
    for key, name in old_channels.items():
        if key not in new_channels:
            out.emit(
                "channel-removed",
                "c2s",
                f"channel {name} removed",
                subject=f"channels.{name}",
                flow="c2s",
                old=name,
                pos=new.positions.get("channels") or new.positions.get("catalog"),
            )
    for key, name in new_channels.items():
        if key not in old_channels:
            out.emit(
                "channel-added",
                "c2s",
                f"channel {name} added",
                subject=f"channels.{name}",
                flow="c2s",
                new=name,
                pos=new.channels[name].pos,
            )
    # How a client connects and what it listens for by convention: a client built for the old values sends no
    # token (or one the server no longer accepts), or waits for a refusal or close event that never comes.
    connection = (
        ("namespace", old.namespace, new.namespace, "namespace"),
        ("auth.scheme", old.auth.scheme, new.auth.scheme, "auth"),
        # Under another scheme the algorithms say nothing more than the scheme's own finding.
        ("auth.algorithms", _algorithms(old, new.auth.scheme), _algorithms(new, old.auth.scheme), "auth"),
        ("auth.query_param", old.auth.query_param, new.auth.query_param, "auth"),
        ("auth.auth_field", old.auth.auth_field, new.auth.auth_field, "auth"),
        ("server.errors.event", _error_event(old), _error_event(new), "server"),
        ("server.close.event", _fill_event(old.conventions.close), _fill_event(new.conventions.close), "server"),
        (
            "server.throttle.event",
            _fill_event(old.conventions.throttle),
            _fill_event(new.conventions.throttle),
            "server",
        ),
    )
    for path, before, after, key in connection:
        # A convention event where there was none is one more event old clients ignore; a removed or renamed one
        # is what they wait for in vain.
        if path.startswith("server.") and before == NO_EVENT:
            continue
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


def _algorithms(catalog: ir.Catalog, other_scheme: str) -> str:
    return ",".join(catalog.auth.algorithms) if catalog.auth.scheme == other_scheme == "jwt" else ""


NO_EVENT = "(none)"


def _error_event(catalog: ir.Catalog) -> str:
    errors = catalog.conventions.errors
    return (errors.event if errors is not None else None) or NO_EVENT


def _fill_event(fill: ir.EventFill | None) -> str:
    return fill.event if fill is not None else NO_EVENT


def _accepts(channel: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", channel)
