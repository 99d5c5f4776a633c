"""What the server tells an observer about its traffic: the hook points metrics hang on.

`EventServer.monitor` is a `Monitor`, whose methods do nothing; `metrics.Metrics` is the one that counts. Counts the
server already keeps in `EventServer.stats` (connects, events handled and sent, recoveries, replays) are read from
there when scraped, so the hooks below are only for what `stats` cannot say: which event a refusal was for, why a
connection closed, and how long handlers took.
"""

from __future__ import annotations


class Monitor:
    def handled(self, event: str, seconds: float) -> None:
        """A client event went through the pipeline and its handler in `seconds`."""

    def refused(self, event: str, code: str) -> None:
        """A client event was refused with an error code (event is `(other)` for names the catalog lacks)."""

    def rate_limited(self, event: str, scope: str) -> None:
        """A client event was over its own limit (`event`) or the connection's (`connection`)."""

    def closing(self, sid: str, reason: str) -> None:
        """The server is about to close this connection, for this reason (`rate_limited`, ...)."""

    def disconnected(self, sid: str, reason: str) -> None:
        """A connection closed; reason as python-socketio gives it unless `closing` said otherwise."""
