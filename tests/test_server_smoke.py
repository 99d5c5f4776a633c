"""The live-server harness itself: a client connects, gets `connected`, and a heartbeat is answered."""

from __future__ import annotations

from typing import Any


async def test_connect_and_heartbeat(server: Any) -> None:
    client = await server.connect()
    [connected] = client.payloads("connected")
    assert connected["userId"] == client.user
    assert connected["socketId"] == client.sid
    await client.emit("heartbeat", {"timestamp": 1761575400000})
    assert await client.wait_for("heartbeat_ack") == [{"timestamp": 1761575400000}]
