"""The compatibility rules of DESIGN.md §6: one entry per kind of change, with a stable id.

What breaks depends on who reads the payload. Server→client payloads are read by clients already installed (like
an API response); client→server payloads are read by the server (like a request), and old clients keep sending
what they always sent. Acks are read by the side that emitted the event, so an ack flows the other way. Each rule
therefore has a level per *context* it covers:

- `s2c` / `c2s`: the flow of the payload (or event) the change is in;
- `catalog`: changes to the catalog as a whole (namespace, version);
- `major` / `minor` / `patch`: semver rules, by the bump the other findings require.

A rule lists only the contexts it can occur in; the fixture tests (tests/compat/<rule>/<context>/) check that
every one of them has a fixture, the way oasdiff's symmetry test does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .findings import Level

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
Bump = Literal["major", "minor", "patch"]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    # Level per context (see the module docstring).
    levels: Mapping[str, Level]
    # Per context: who breaks and why, one line. Shown after what changed.
    why: Mapping[str, str]
    # The version bump the change calls for when it is not ERR or WARN: new things are minor, the rest patch.
    bump: Bump = "patch"

    @property
    def contexts(self) -> tuple[str, ...]:
        return tuple(self.levels)


def _rule(
    id: str,
    title: str,
    *,
    s2c: tuple[Level, str] | None = None,
    c2s: tuple[Level, str] | None = None,
    catalog: tuple[Level, str] | None = None,
    bump: Bump = "patch",
) -> Rule:
    sides = {"s2c": s2c, "c2s": c2s, "catalog": catalog}
    levels = {ctx: spec[0] for ctx, spec in sides.items() if spec}
    why = {ctx: spec[1] for ctx, spec in sides.items() if spec}
    return Rule(id, title, levels, why, bump)


def _semver(id: str, title: str, why: str, contexts: tuple[Bump, ...] = ("major", "minor", "patch")) -> Rule:
    # A missing major bump lets `^x.y` ranges pull in a break; a missing minor or patch bump only misleads.
    levels = {"major": ERR, "minor": WARN, "patch": INFO}
    return Rule(id, title, {c: levels[c] for c in contexts}, {c: why for c in contexts})


_RULES: tuple[Rule, ...] = (
    # -- events ---------------------------------------------------------------------------------------------------
    _rule(
        "event-removed",
        "event removed without being deprecated first",
        s2c=(ERR, "clients listening for it never hear from it again"),
        c2s=(ERR, "clients still emit it and the server refuses it as UNKNOWN_EVENT"),
    ),
    _rule(
        "deprecated-event-removed",
        "deprecated event removed",
        s2c=(WARN, "it was deprecated first, but clients that still listen for it stop hearing it"),
        c2s=(WARN, "it was deprecated first, but clients that still emit it are refused"),
    ),
    _rule(
        "event-added",
        "event added",
        s2c=(INFO, "old clients ignore events they do not listen for"),
        c2s=(INFO, "old clients never emit it"),
        bump="minor",
    ),
    _rule(
        "event-direction-changed",
        "event direction swapped",
        s2c=(ERR, "clients that listened for it must now emit it, and the server no longer sends it"),
        c2s=(ERR, "clients that emitted it are refused, and nothing listens for what the server now sends"),
    ),
    _rule(
        "payload-type-changed",
        "payload replaced by a different kind of type",
        s2c=(ERR, "clients parse the payload as the old type"),
        c2s=(ERR, "the server refuses what old clients send"),
    ),
    _rule(
        "event-moved",
        "event moved to another domain",
        s2c=(INFO, "the wire is unchanged; docs and the generated per-domain event unions change"),
        c2s=(INFO, "the wire is unchanged; docs and the generated per-domain event unions change"),
    ),
    _rule(
        "event-deprecated",
        "event deprecated (or no longer deprecated)",
        s2c=(INFO, "nothing breaks yet; clients should stop relying on it before it is removed"),
        c2s=(INFO, "nothing breaks yet; clients should stop emitting it before it is removed"),
        bump="minor",
    ),
    _rule(
        "event-behaviour-changed",
        "volatile, triggers, enters or leaves changed",
        s2c=(INFO, "the payload is unchanged; check that clients do not depend on the old behaviour"),
        c2s=(INFO, "the payload is unchanged; check that clients do not depend on the old behaviour"),
        bump="minor",
    ),
    _rule(
        "ack-added",
        "acknowledgement added",
        s2c=(INFO, "old clients pass no callback and the server answers nothing"),
        c2s=(WARN, "old clients never answer it: the server must not wait for their acks"),
        bump="minor",
    ),
    _rule(
        "ack-removed",
        "acknowledgement removed",
        s2c=(ERR, "clients waiting on the ack callback time out"),
        c2s=(INFO, "the server stops asking; old clients' answers are ignored"),
    ),
    _rule(
        "delivery-changed",
        "delivery changed (rooms, sender or broadcast)",
        s2c=(ERR, "clients in the old rooms stop receiving it, or receive it where they did not expect it"),
    ),
    _rule(
        "room-pattern-changed",
        "the name pattern of a room the event is delivered to changed",
        s2c=(ERR, "clients that enter or match rooms by name stop receiving it"),
    ),
    _rule(
        "limit-tightened",
        "size or rate limit lowered",
        s2c=(INFO, "the server sends less or less often; clients do not notice"),
        c2s=(WARN, "clients that send bigger payloads or send faster are now refused"),
    ),
    _rule(
        "limit-loosened",
        "size or rate limit raised",
        s2c=(INFO, "the server may send bigger payloads or send more often"),
        c2s=(INFO, "the server accepts more than before"),
    ),
    # -- fields ---------------------------------------------------------------------------------------------------
    _rule(
        "optional-field-added",
        "optional field added",
        s2c=(INFO, "clients ignore keys they do not know (unless they validate closed payloads strictly)"),
        c2s=(INFO, "old clients never send it, which the server accepts"),
        bump="minor",
    ),
    _rule(
        "required-field-added",
        "required field added",
        s2c=(INFO, "clients ignore keys they do not know (unless they validate closed payloads strictly)"),
        c2s=(ERR, "old clients do not send it, and the server refuses their payloads"),
        bump="minor",
    ),
    _rule(
        "field-added-to-closed-payload",
        "field added to a closed payload while compatibility.strict_clients is true",
        s2c=(ERR, "strict clients reject keys the payload did not name"),
    ),
    _rule(
        "required-field-removed",
        "required field removed",
        s2c=(ERR, "clients that read it get undefined"),
        c2s=(WARN, "old clients still send it; the payload is open, so the server ignores it"),
    ),
    _rule(
        "optional-field-removed",
        "optional field removed",
        s2c=(WARN, "clients that used it when present never see it again"),
        c2s=(WARN, "old clients may still send it; the payload is open, so the server ignores it"),
    ),
    _rule(
        "deprecated-field-removed",
        "deprecated field removed",
        s2c=(WARN, "it was deprecated first, but clients that still read it get undefined"),
        c2s=(WARN, "it was deprecated first, but clients that still send it may be refused"),
    ),
    _rule(
        "field-removed-from-closed-payload",
        "field removed from a closed client→server payload",
        c2s=(ERR, "old clients still send it, and the server refuses keys a closed payload does not name"),
    ),
    _rule(
        "field-became-required",
        "optional field made required",
        s2c=(INFO, "clients that handled its absence still work"),
        c2s=(ERR, "old clients that leave it out are refused"),
    ),
    _rule(
        "field-became-optional",
        "required field made optional",
        s2c=(ERR, "clients that rely on it get undefined when it is left out"),
        c2s=(INFO, "the server accepts payloads with or without it"),
    ),
    _rule(
        "field-renamed",
        "required field renamed (removed and added with the same type)",
        s2c=(ERR, "clients read the old name and get undefined"),
        c2s=(ERR, "old clients send the old name and miss the new required one"),
    ),
    _rule(
        "field-deprecated",
        "field or type deprecated (or no longer deprecated)",
        s2c=(INFO, "nothing breaks yet; clients should stop relying on it"),
        c2s=(INFO, "nothing breaks yet; clients should stop sending it"),
        bump="minor",
    ),
    # -- types ----------------------------------------------------------------------------------------------------
    _rule(
        "type-changed",
        "type changed",
        s2c=(ERR, "clients parse the value as the old type"),
        c2s=(ERR, "the server refuses values of the old type"),
    ),
    _rule(
        "const-changed",
        "constant value changed",
        s2c=(ERR, "clients compare it with the old value (it is often a discriminator)"),
        c2s=(ERR, "old clients send the old value and are refused"),
    ),
    _rule(
        "enum-value-added",
        "enum value added",
        s2c=(WARN, "clients meet a value their code has no branch for"),
        c2s=(INFO, "old clients never send it"),
        bump="minor",
    ),
    _rule(
        "enum-value-removed",
        "enum value removed",
        s2c=(INFO, "the server stops sending it; clients' branch for it goes unused"),
        c2s=(ERR, "old clients that send it are refused"),
    ),
    _rule(
        "union-branch-added",
        "union branch added",
        s2c=(ERR, "clients meet a shape they cannot parse"),
        c2s=(INFO, "old clients never send it"),
        bump="minor",
    ),
    _rule(
        "union-branch-removed",
        "union branch removed",
        s2c=(INFO, "the server stops sending that shape"),
        c2s=(ERR, "old clients that send that shape are refused"),
    ),
    _rule(
        "constraint-tightened",
        "constraint tightened (less is valid than before)",
        s2c=(INFO, "the server sends a subset of what clients accept"),
        c2s=(ERR, "old clients' values that were valid are now refused"),
    ),
    _rule(
        "constraint-loosened",
        "constraint loosened (more is valid than before)",
        s2c=(ERR, "clients meet values outside what they validate or expect"),
        c2s=(INFO, "the server accepts everything it accepted before"),
        bump="minor",
    ),
    _rule(
        "constraint-changed",
        "constraint changed both ways (a different pattern, format or multiple)",
        s2c=(ERR, "clients meet values outside what they validate or expect"),
        c2s=(ERR, "old clients' values that were valid may now be refused"),
    ),
    _rule(
        "unit-changed",
        "unit changed",
        s2c=(WARN, "clients read the same number in the old unit"),
        c2s=(WARN, "old clients send the number in the old unit"),
    ),
    _rule(
        "type-name-changed",
        "generated type name changed",
        s2c=(INFO, "the wire is unchanged; code that names the generated type must follow"),
        c2s=(INFO, "the wire is unchanged; code that names the generated type must follow"),
    ),
    _rule(
        "default-changed",
        "default value changed",
        s2c=(INFO, "clients that fill in the default see a different value"),
        c2s=(INFO, "the server fills in a different value when old clients leave the field out"),
    ),
    _rule(
        "description-changed",
        "summary, description or title changed",
        s2c=(INFO, "documentation only"),
        c2s=(INFO, "documentation only"),
    ),
    _rule(
        "examples-changed",
        "examples changed",
        s2c=(INFO, "documentation only"),
        c2s=(INFO, "documentation only"),
    ),
    # -- catalog --------------------------------------------------------------------------------------------------
    _rule(
        "channel-removed",
        "subscribe channel removed",
        c2s=(ERR, "clients that subscribe to it are refused"),
    ),
    _rule(
        "channel-added",
        "subscribe channel added",
        c2s=(INFO, "old clients never subscribe to it"),
        bump="minor",
    ),
    _rule(
        "connection-changed",
        "namespace, authentication, or the events the server sends by convention changed",
        catalog=(ERR, "every installed client connects the old way"),
    ),
    _semver(
        "version-unchanged",
        "the catalog changed but its version did not",
        "consumers cannot tell the two catalogs apart",
    ),
    _semver(
        "version-bump-too-small",
        "the version grew less than the changes require",
        "a version range such as ^1.2 accepts a change it should not",
        # Any growth is a patch at least (growth within a pre-release's own version allows anything).
        contexts=("major", "minor"),
    ),
    _rule(
        "version-decreased",
        "the version went down",
        catalog=(ERR, "versions must only grow; consumers would see an older catalog as newer"),
    ),
)

RULES: Mapping[str, Rule] = {rule.id: rule for rule in _RULES}
