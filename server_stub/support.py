"""Where the REZ server hands support-chat signals that have no Socket.IO event of their own.

Typing indicators and read receipts from the user go to the support backend (the agents' tool), not to other
app users. `SupportBackend` is that seam; the embedded default keeps the latest state in memory, so it can be
inspected and tested, and a deployment plugs in its own (an HTTP call, a queue).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol


class SupportBackend(Protocol):
    async def typing(self, ticket_id: str, user_id: str, *, active: bool) -> None: ...

    async def message_read(self, ticket_id: str, message_id: str, user_id: str, read_at: str) -> None: ...


@dataclass
class InMemorySupport:
    # ticket -> users typing now
    typing_now: dict[str, set[str]] = field(default_factory=dict)
    # the latest read receipts, newest last: (ticket, message, user, read at)
    receipts: deque[tuple[str, str, str, str]] = field(default_factory=lambda: deque(maxlen=1000))

    async def typing(self, ticket_id: str, user_id: str, *, active: bool) -> None:
        users = self.typing_now.setdefault(ticket_id, set())
        if active:
            users.add(user_id)
        else:
            users.discard(user_id)
            if not users:
                del self.typing_now[ticket_id]

    async def message_read(self, ticket_id: str, message_id: str, user_id: str, read_at: str) -> None:
        self.receipts.append((ticket_id, message_id, user_id, read_at))
