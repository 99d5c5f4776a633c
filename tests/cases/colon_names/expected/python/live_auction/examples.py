# generated from catalog.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "auction:watch": ({"auctionId": "auc_7f3"},),
    "auction:unwatch": ({"auctionId": "auc_7f3"},),
    "bid:place": ({"auctionId": "auc_7f3", "amount": 125},),
    "bid:placed": (
        {
            "auctionId": "auc_7f3",
            "bidId": "bid_91",
            "amount": 125,
            "bidder": "bidder_ann",
            "placedAt": "2026-11-30T18:00:00Z",
        },
    ),
    "bid:outbid": ({"auctionId": "auc_7f3", "amount": 130},),
    "auction:closed": ({"auctionId": "auc_7f3", "finalAmount": 130, "winner": "bidder_bob"},),
    "auction:problem": (
        {"code": "BID_TOO_LOW", "message": "the bid must be above 130", "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"},
    ),
    "session:closing": ({"reason": "server_shutdown", "at": 1764525600000},),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {
    "auction:watch": ({"ok": True, "auctionId": "auc_7f3", "currentPrice": 120},),
    "bid:place": (
        {"ok": True, "bidId": "bid_91", "amount": 125},
        {"ok": True, "queuedBehind": 2},
    ),
}
