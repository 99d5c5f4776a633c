# generated from catalog.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "profile_updated": (
        {
            "userId": "u_1",
            "address": {"city": "Pune", "country": "IN"},
            "prefs": {"theme": "dark", "fontSize": 14},
            "secret": {"hint": "pet"},
            "source": "web",
        },
    ),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {}
