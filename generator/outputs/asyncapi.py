"""generated/asyncapi.yaml: the catalog as an AsyncAPI 3.0.0 document, from the server's point of view.

Mapping: each room is a channel whose address is its pattern (`order:{orderId}`) with parameters; two address-less
channels stand for the client's own connection (client-to-server events, events to the sender, acks) and for
broadcasts. A message's `name` is the Socket.IO event name. Server-to-client events are `send` operations, one per
room they go to; client-to-server events are `receive` operations; acknowledgements are operation replies.
Socket.IO specifics that AsyncAPI has no field for are `x-socketio-*` extensions.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .. import ir
from ..conventions import ack_refusal
from ..schemas import SchemaBuilder
from .serialize import header_text, to_yaml

FILE = "asyncapi.yaml"
CONNECTION = "connection"
BROADCAST = "broadcast"
# The message of a refused acknowledgement: a key no event's identifier can take (those are snake_case).
ACK_ERROR = "ack-refusal"


def _message_ref(channel: str, key: str) -> dict[str, str]:
    return {"$ref": f"#/channels/{channel}/messages/{key}"}


def _channel_ref(channel: str) -> dict[str, str]:
    return {"$ref": f"#/channels/{channel}"}


def _servers(catalog: ir.Catalog) -> dict[str, Any]:
    servers: dict[str, Any] = {}
    for server in catalog.servers:
        url = urlsplit(server.url)
        entry: dict[str, Any] = {"host": url.netloc, "protocol": url.scheme}
        if url.path and url.path != "/":
            entry["pathname"] = url.path
        if server.description:
            entry["description"] = server.description
        if catalog.auth.scheme == "jwt":
            entry["security"] = [{"$ref": "#/components/securitySchemes/token"}]
        servers[server.name] = entry
    return servers


def _delivery_extension(catalog: ir.Catalog, event: ir.Event) -> dict[str, Any]:
    assert event.delivery is not None
    if event.delivery.kind != "rooms":
        return {"kind": event.delivery.kind}
    rooms = []
    for target in event.delivery.rooms:
        entry = _target(target)
        rooms.append({"room": entry["room"], "pattern": catalog.rooms[target.room].pattern, "bind": entry["bind"]})
    return {"kind": "rooms", "rooms": rooms}


def _limits(limits: ir.Limits) -> dict[str, Any]:
    out: dict[str, Any] = {"maxPayloadBytes": limits.max_payload_bytes}
    if limits.rate:
        out["rate"] = {"count": limits.rate.count, "periodSeconds": limits.rate.period_seconds}
    return out


def _message(catalog: ir.Catalog, event: ir.Event, payload_ref: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"name": event.name, "title": event.name, "summary": event.summary}
    if event.description:
        message["description"] = event.description
    message["contentType"] = "application/json"
    message["payload"] = payload_ref
    message["examples"] = [{"name": f"example_{i + 1}", "payload": example} for i, example in enumerate(event.examples)]
    message["tags"] = [{"name": tag} for tag in (event.domain, *event.tags)]
    message["x-socketio-direction"] = event.direction
    if event.delivery is not None:
        message["x-socketio-delivery"] = _delivery_extension(catalog, event)
    for key, targets in (("x-socketio-enters", event.enters), ("x-socketio-leaves", event.leaves)):
        if targets:
            message[key] = [_target(t) for t in targets]
    if event.triggers:
        message["x-socketio-triggers"] = list(event.triggers)
    message["x-socketio-limits"] = _limits(event.limits)
    if event.volatile:
        message["x-socketio-volatile"] = True
    if event.deprecated:
        message["x-socketio-deprecated"] = {
            k: v
            for k, v in (
                ("since", event.deprecated.since),
                ("reason", event.deprecated.reason),
                ("replacement", event.deprecated.replacement),
            )
            if v
        } or True
    message.update(event.extensions)
    return message


def _ack_message(event: ir.Event, payload_ref: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {
        # Not an event name: an ack travels in the callback of the event it answers.
        "name": f"{event.name}.ack",
        "title": f"{event.name} acknowledgement",
        "summary": f"What the receiver of {event.name} answers through the acknowledgement callback.",
        "contentType": "application/json",
        "payload": payload_ref,
    }
    if event.ack_examples:
        message["examples"] = [{"name": f"example_{i + 1}", "payload": ex} for i, ex in enumerate(event.ack_examples)]
    message["x-socketio-ack"] = True
    return message


def _parameters(room: ir.Room, builder: SchemaBuilder) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for param in room.params:
        resolved = builder.catalog.resolve(param.type)
        entry: dict[str, Any] = {}
        if isinstance(resolved, ir.Enum):
            entry["enum"] = [str(v.value) for v in resolved.values]
        description = resolved.meta.description or f"The {param.name} the room is for."
        entry["description"] = description
        params[param.name] = entry
    return params


def _target(target: ir.RoomTarget) -> dict[str, Any]:
    return {"room": target.room, "bind": {b.param: b.text for b in target.bindings}}


def _auth_extension(auth: ir.Auth) -> dict[str, Any]:
    if auth.scheme == "none":
        return {"scheme": "none"}
    out: dict[str, Any] = {"scheme": auth.scheme, "algorithms": list(auth.algorithms)}
    for key, value in (("jwksUrl", auth.jwks_url), ("issuer", auth.issuer), ("audience", auth.audience)):
        if value:
            out[key] = value
    out.update({"queryParam": auth.query_param, "authField": auth.auth_field, "userClaim": auth.user_claim})
    if auth.join is not None:
        out["join"] = _target(auth.join)
    return out


def _security_schemes(auth: ir.Auth) -> dict[str, Any]:
    """The token, for a catalog with auth; none at all without."""
    if auth.scheme == "none":
        return {}
    algorithms = ", ".join(auth.algorithms)
    description = (auth.description or f"A JWT ({algorithms}).") + (
        f" May also be given as `auth.{auth.auth_field}` in the Socket.IO handshake."
    )
    return {
        "securitySchemes": {
            "token": {"type": "httpApiKey", "in": "query", "name": auth.query_param, "description": description}
        }
    }


def _conventions_extension(conventions: ir.Conventions) -> dict[str, Any]:
    """x-socketio-conventions: what the server sends or answers by itself, as the catalog's `server:` declares."""
    out: dict[str, Any] = {}
    errors = conventions.errors
    if errors is not None:
        out["errors"] = {
            "type": errors.type,
            "ackError": errors.ack_error,
            "fields": dict(errors.fields),
            "timestamp": errors.timestamp,
        }
        if errors.event:
            out["errors"]["event"] = errors.event
    for key, fill in (("close", conventions.close), ("throttle", conventions.throttle)):
        if fill is not None:
            out[key] = {"event": fill.event, "fields": dict(fill.fields), "timestamp": fill.timestamp}
    if conventions.heartbeat is not None:
        out["heartbeat"] = {"event": conventions.heartbeat.event, "reply": conventions.heartbeat.reply}
    return out


def _channel_extension(channel: ir.Channel, builder: SchemaBuilder) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if channel.summary:
        out["summary"] = channel.summary
    if channel.description:
        out["description"] = channel.description
    if channel.params:
        out["parameters"] = {p.name: builder.schema(p.type) for p in channel.params}
    out["rooms"] = [_target(t) for t in channel.rooms]
    if channel.deprecated:
        out["deprecated"] = True
    out.update(channel.extensions)
    return out


def _lifecycle_extension(event: ir.LifecycleEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"side": event.side, "summary": event.summary}
    if event.description:
        out["description"] = event.description
    if event.arguments:
        out["arguments"] = [
            {"name": a.name, "type": a.type, **({"description": a.description} if a.description else {})}
            for a in event.arguments
        ]
    return out


def render(catalog: ir.Catalog) -> dict[str, str]:
    builder = SchemaBuilder(catalog, ref=lambda name: f"#/components/schemas/{name}")
    messages: dict[str, Any] = {}
    channel_messages: dict[str, dict[str, Any]] = {CONNECTION: {}, BROADCAST: {}}
    channel_messages.update({room: {} for room in catalog.rooms})
    operations: dict[str, Any] = {}
    errors = catalog.conventions.errors
    if errors is not None and any(ack_refusal(catalog, e) for e in catalog.events.values()):
        messages[ACK_ERROR] = {
            "name": errors.ack_error,
            "title": "Refused acknowledgement",
            "summary": "What any acknowledgement carries when the server refused the event: {ok: false, error}.",
            "contentType": "application/json",
            "payload": builder.named_ref(ir.Ref(errors.ack_error), errors.ack_error),
            "x-socketio-ack": True,
        }

    for event in catalog.events.values():
        # Component keys and operation ids are the event's identifier (AsyncAPI allows no `:` in them); the
        # message's `name` is the wire name.
        messages[event.ident] = _message(catalog, event, builder.named_ref(event.payload, event.payload_name))
        reply = None
        if event.ack is not None and event.ack_name is not None:
            ack_key = f"{event.ident}.ack"
            messages[ack_key] = _ack_message(event, builder.named_ref(event.ack, event.ack_name))
            channel_messages[CONNECTION][ack_key] = {"$ref": f"#/components/messages/{ack_key}"}
            reply_messages = [_message_ref(CONNECTION, ack_key)]
            if ack_refusal(catalog, event):
                channel_messages[CONNECTION][ACK_ERROR] = {"$ref": f"#/components/messages/{ACK_ERROR}"}
                reply_messages.append(_message_ref(CONNECTION, ACK_ERROR))
            reply = {"channel": _channel_ref(CONNECTION), "messages": reply_messages}
        message_ref = {"$ref": f"#/components/messages/{event.ident}"}
        if not event.server_to_client or event.delivery is None or event.delivery.kind == "sender":
            channels = [CONNECTION]
        elif event.delivery.kind == "broadcast":
            channels = [BROADCAST]
        else:
            channels = list(dict.fromkeys(t.room for t in event.delivery.rooms))
        for channel in channels:
            channel_messages[channel][event.ident] = message_ref
            action = "send" if event.server_to_client else "receive"
            key = f"{action}_{event.ident}" if len(channels) == 1 else f"{action}_{event.ident}_via_{channel}"
            operation: dict[str, Any] = {
                "action": action,
                "channel": _channel_ref(channel),
                "messages": [_message_ref(channel, event.ident)],
                "summary": event.summary,
                "tags": [{"name": event.domain}],
            }
            if reply is not None:
                operation["reply"] = reply
            operations[key] = operation

    channel_objects: dict[str, Any] = {
        CONNECTION: {
            "address": None,
            "title": "The client's own connection",
            "description": "Client-to-server events, events sent to one connection only, and acknowledgements.",
            "messages": channel_messages[CONNECTION],
        },
        BROADCAST: {
            "address": None,
            "title": "Every connection",
            "description": "Events broadcast to every connected client.",
            "messages": channel_messages[BROADCAST],
        },
    }
    for room in catalog.rooms.values():
        room_channel: dict[str, Any] = {"address": room.pattern, "title": room.summary or room.name}
        if room.description:
            room_channel["description"] = room.description
        if room.params:
            room_channel["parameters"] = _parameters(room, builder)
        room_channel["messages"] = channel_messages[room.name]
        room_channel["x-socketio-room"] = {
            "visibility": room.visibility,
            "access": room.access,
            "roles": list(room.roles),
        }
        room_channel.update(room.extensions)
        channel_objects[room.name] = room_channel

    for shared in catalog.types.values():
        if not isinstance(shared.type, ir.Scalar | ir.Const):
            builder.schema(ir.Ref(shared.name))

    info: dict[str, Any] = {"title": catalog.title, "version": catalog.version}
    if catalog.description:
        info["description"] = catalog.description
    info["tags"] = [
        {"name": d.name, "description": d.title + (f": {d.description}" if d.description else "")}
        for d in catalog.domains
    ]
    document: dict[str, Any] = {
        "asyncapi": "3.0.0",
        "id": f"urn:{catalog.name}",
        "info": info,
        "servers": _servers(catalog),
        "defaultContentType": "application/json",
        "channels": channel_objects,
        "operations": operations,
        "components": {
            "schemas": builder.sorted_defs(),
            "messages": messages,
            **_security_schemes(catalog.auth),
        },
        "x-socketio": {
            "namespace": catalog.namespace,
            "auth": _auth_extension(catalog.auth),
            "conventions": _conventions_extension(catalog.conventions),
            "channels": {
                ch.name: {
                    "summary": ch.summary,
                    "rooms": [{"room": t.room, "bind": {b.param: b.text for b in t.bindings}} for t in ch.rooms],
                }
                for ch in catalog.channels.values()
            },
            "lifecycle": {
                lc.name: {
                    "side": lc.side,
                    "summary": lc.summary,
                    **({"description": lc.description} if lc.description else {}),
                }
                for lc in catalog.lifecycle
            },
        },
    }
    return {FILE: to_yaml(document, header_text(catalog))}
