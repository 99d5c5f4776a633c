# generated from catalog.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "place_bid": ({"auctionId": "auc_1", "amount": 10},),
    "problem": (
        {
            "code": "BID_TOO_LOW",
            "message": "Bid higher.",
            "traceId": "4bf92f3577b34da6a3ce929d0e0e4736",
            "at": 1764525600000,
        },
    ),
    "keep_alive": ({"sentAt": 1764525600000},),
    "keep_alive_ack": ({"sentAt": 1764525600000},),
    "closing": ({"reason": "server_shutdown", "at": 1764525600000},),
    "slow_down": ({"reason": "too_many_reconnects", "attempts": 6, "waitMs": 32000},),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {
    "place_bid": ({"ok": True, "bidId": "bid_1"},),
}
