"""Heuristics for event names, calibrated on the REZ catalog: they flag what the spec's own advice rules out and
stay quiet on the spec's own names (a rule that flags half of a good catalog gets switched off, not followed)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

# A domain implies a prefix when at least this share of its events (and at least this many) start with one word.
PREFIX_SHARE = 0.75
PREFIX_MIN_EVENTS = 3

# Verbs in the base form that name a completed action when they end an event name (`order_deliver`). Nouns of
# state change the spec itself uses (`update`, `sync`, `change`) and the present continuous pairs
# (`typing_start`/`typing_stop`) are deliberately absent.
ACTION_VERBS = frozenset(
    {
        *("accept", "add", "approve", "archive", "assign", "block", "cancel", "close", "comment", "complete"),
        *("confirm", "connect", "create", "decline", "delete", "deliver", "disconnect", "dispatch", "expire"),
        *("finish", "follow", "invite", "join", "leave", "like", "pay", "publish", "receive", "refresh", "refund"),
        *("register", "reject", "release", "remove", "reserve", "restore", "send", "ship", "submit", "unblock"),
        *("unfollow", "upload", "verify"),
    }
)
_IRREGULAR = {"leave": "left", "pay": "paid", "send": "sent", "read": "read"}


def implied_prefix(names: Sequence[str]) -> str | None:
    """The first word most of a domain's events share, when enough of them share it to call it a convention."""
    if len(names) < PREFIX_MIN_EVENTS:
        return None
    word, count = Counter(name.split("_")[0] for name in names).most_common(1)[0]
    return word if count / len(names) >= PREFIX_SHARE else None


def has_prefix(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + "_")


def past_tense_suggestion(name: str) -> str | None:
    """`order_deliver` -> `order_delivered`; None when the name does not end in a base-form action verb."""
    *head, last = name.split("_")
    if last not in ACTION_VERBS:
        return None
    return "_".join([*head, past_tense(last)])


def past_tense(verb: str) -> str:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ied"
    if re.search(r"[^aeiou][aeiou][bdgmnpt]$", verb):
        return verb + verb[-1] + "ed"  # ship -> shipped
    return verb + "ed"
