# generated from catalog.yaml by eventcat — do not edit
"""Every example of the catalog, by event name: payloads and acknowledgements, as JSON values.

The demo server publishes them; the tests round-trip each one through its model.
"""

from typing import Any

EXAMPLES: dict[str, tuple[dict[str, Any], ...]] = {
    "open_board": ({"boardId": "retro"},),
    "note_added": ({"boardId": "retro", "note": {"noteId": "n2", "text": "More tests"}},),
}

ACK_EXAMPLES: dict[str, tuple[Any, ...]] = {
    "open_board": ({"ok": True, "notes": [{"noteId": "n1", "text": "Ship it"}]},),
}
