# generated from catalog.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "openBoard": ({"boardId": "retro-42"},),
    "addNote": ({"boardId": "retro-42", "text": "More tests", "color": "pink"},),
    "noteAdded": ({"boardId": "retro-42", "note": {"noteId": "n2", "text": "More tests", "color": "pink"}},),
    "boardsReset": ({"resetBy": "ops"},),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {
    "openBoard": (
        {"ok": True, "boardId": "retro-42", "notes": [{"noteId": "n1", "text": "Ship it", "color": "yellow"}]},
    ),
    "addNote": ({"ok": True, "noteId": "n2"},),
}
