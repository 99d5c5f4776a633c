"""The naming rules' vocabulary and word logic, the same for every catalog.

A server-to-client event reports something that happened, so its action part is a past participle
(`order_delivered`, `bidPlaced`, `bid:placed`) or a noun (`stock_update`, `auction:problem`). The past-tense rule
flags an action part that ends in the *base form* of a common action verb (`auction_start`, `bid:place`), and
suggests the participle. Which words count is a documented, generic list below, not a list tuned to one catalog;
a catalog adds its own words with `lint: {naming: {verbs: [...]}}`, and a word it lists is never flagged.

Deliberately absent from the list: words whose noun reading is the usual one in event names (`update`, `change`,
`sync`, `message`, `status`, `ack`), and verbs whose past participle is the base form (`read`, `bid`, `set`, `put`),
which no rule can tell apart. A base form after an `-ing` word names the edge of an ongoing activity and is a noun
there (`typing_start`, `typing_stop`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from .. import names

# A domain implies a prefix when at least this share of its events (and at least this many) start with one word.
PREFIX_SHARE = 0.75
PREFIX_MIN_EVENTS = 3

# Common action verbs of event-driven APIs in their base form: creating and removing things, lifecycles, access,
# commerce, messaging and social features.
ACTION_VERBS = frozenset(
    {
        *("accept", "activate", "add", "approve", "archive", "assign", "authorize", "ban", "begin", "block"),
        *("cancel", "capture", "charge", "close", "complete", "confirm", "connect", "create", "deactivate"),
        *("decline", "delete", "deliver", "deny", "deploy", "disable", "disconnect", "dispatch", "drop", "enable"),
        *("end", "enter", "expire", "fail", "finish", "follow", "freeze", "grant", "hide", "invite", "join", "kick"),
        *("launch", "leave", "like", "lock", "lose", "mute", "open", "pause", "pay", "pin", "place", "publish"),
        *("receive", "refresh", "refund", "register", "reject", "release", "remove", "rename", "reopen", "reserve"),
        *("resolve", "restore", "resume", "revoke", "save", "schedule", "send", "ship", "start", "stop", "submit"),
        *("subscribe", "suspend", "unblock", "unfollow", "unlock", "unmute", "unpin", "unsubscribe", "upload"),
        *("verify", "win", "withdraw"),
    }
)
_IRREGULAR = {
    "begin": "begun",
    "cancel": "cancelled",
    "freeze": "frozen",
    "hide": "hidden",
    "leave": "left",
    "lose": "lost",
    "pay": "paid",
    "send": "sent",
    "submit": "submitted",
    "unpin": "unpinned",
    "win": "won",
    "withdraw": "withdrawn",
}


def implied_prefix(event_names: Sequence[str]) -> str | None:
    """The first word (or `domain:` part) most of a domain's events share, when enough of them share it."""
    if len(event_names) < PREFIX_MIN_EVENTS:
        return None
    word, count = Counter(names.domain_word(name) for name in event_names).most_common(1)[0]
    return word if count / len(event_names) >= PREFIX_SHARE else None


def has_prefix(name: str, prefix: str) -> bool:
    return names.domain_word(name) == prefix


def past_tense_suggestion(name: str, accepted: Iterable[str] = ()) -> str | None:
    """`order_deliver` -> `order_delivered`, `bidPlace` -> `bidPlaced`, `bid:place` -> `bid:placed`; None when
    the action part does not end in a base-form action verb (or ends in a word the catalog accepts)."""
    found = names.action_words(name)
    if not found:
        return None
    last = found[-1]
    if last not in ACTION_VERBS or last in set(accepted):
        return None
    if len(found) > 1 and found[-2].endswith("ing"):
        return None  # typing_start: the start of an activity, a noun
    past = past_tense(last)
    written = name[-len(last) :]
    return name[: -len(last)] + (past if written[:1].islower() else past[:1].upper() + past[1:])


def past_tense(verb: str) -> str:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ied"
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", verb):
        return verb + verb[-1] + "ed"  # one syllable: ship -> shipped, ban -> banned (but open -> opened)
    return verb + "ed"
