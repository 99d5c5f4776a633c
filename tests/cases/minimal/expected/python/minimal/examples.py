# generated from catalog.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "headline_published": ({"title": "Rain tomorrow"},),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {}
