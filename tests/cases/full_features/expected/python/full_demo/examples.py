# generated from catalog.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "open_ticket": (
        {"userId": "u_1", "priority": "high", "subject": "Broken", "contact": {"email": "a@b.co"}, "due": None},
    ),
    "ticket_updated": (
        {
            "ticketId": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "at": "2025-10-27T14:30:00Z",
            "lines": [{"text": "Call-out", "cost": {"amount": 12.5, "currency": "EUR"}}],
            "extra": {"any": [1, "two"]},
            "meta": {"source": "web"},
            "actor": "system",
            "priority": "low",
            "secondsLeft": 300,
        },
    ),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {
    "open_ticket": ({"ok": True, "ticketId": "0f8fad5b-d9cb-469f-a165-70867728950e", "state": "open"},),
}
