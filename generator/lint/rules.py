"""The spec's "Best Practices", as lint rules: each with a stable id, a level and the reason it exists.

A catalog waives a rule for one event or room with `lint: {waive: {rule-id: reason}}`; the reason is printed
in every report, so a waiver is a documented decision rather than a silenced warning.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..compat.findings import Level
from ..compat.rules import Rule

# Lint rules do not depend on direction; their one context is this.
CONTEXT = "lint"


def _rule(id: str, level: Level, title: str, reason: str) -> Rule:
    return Rule(id, title, {CONTEXT: level}, {CONTEXT: reason})


_RULES: tuple[Rule, ...] = (
    _rule(
        "event-name-style",
        Level.WARN,
        "event names follow the catalog's naming style",
        "one style (lint.naming.style: snake_case, camelCase or domain:action; snake_case unless set) makes names "
        "guessable; a mix makes clients look every one up",
    ),
    _rule(
        "event-name-domain-prefix",
        Level.WARN,
        "event names start with their domain's prefix",
        "most events of this domain share a prefix; one without it is hard to find and to route on",
    ),
    _rule(
        "event-name-past-tense",
        Level.WARN,
        "server→client events name completed actions in the past tense",
        "an event reports what happened: `order_delivered`, not `order_deliver` (a command); nouns such as "
        "`stock_update` name state changes. Words a catalog uses otherwise go in lint.naming.verbs",
    ),
    _rule(
        "payload-timestamp",
        Level.WARN,
        "server→client payloads carry a timestamp",
        "the spec: always include a timestamp, so clients can order events and drop stale ones",
    ),
    _rule(
        "payload-ids",
        Level.WARN,
        "server→client payloads carry the ids they concern",
        "the spec: include the ids for filtering; a client in several rooms must tell which one an event is about",
    ),
    _rule(
        "event-summary",
        Level.WARN,
        "every event has a one-sentence summary",
        "the summary is the first line of the docs, JSDoc and docstrings: a sentence, not a repeat of the name",
    ),
    _rule(
        "ack-example",
        Level.WARN,
        "every acknowledgement has an example",
        "ack examples are validated like payload examples and shown in the docs",
    ),
    _rule(
        "example-size",
        Level.WARN,
        "examples leave headroom under the payload limit",
        "the spec: keep payloads small (<10 KB); an example near the limit means real payloads will cross it",
    ),
    _rule(
        "optional-field-in-examples",
        Level.INFO,
        "every optional field appears in at least one example",
        "examples are the docs' and the tests' sample data; a field never shown is never tried",
    ),
    _rule(
        "any-without-description",
        Level.ERR,
        "a field typed `any` says what it holds",
        "`any` is a hole in the contract; its description is the only contract left",
    ),
    _rule(
        "room-unused",
        Level.WARN,
        "every room receives at least one event",
        "the spec: clean up rooms; a room no event is delivered to costs joins and authorisation for nothing",
    ),
    _rule(
        "waiver-unknown-rule",
        Level.WARN,
        "a waiver names a lint rule that exists",
        "a misspelt waiver waives nothing",
    ),
    _rule(
        "waiver-unused",
        Level.INFO,
        "a waiver still waives something",
        "the problem it excused is gone; remove the waiver so it cannot hide the next one",
    ),
)

LINT_RULES: Mapping[str, Rule] = {rule.id: rule for rule in _RULES}
