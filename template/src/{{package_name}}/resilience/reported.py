"""The limit an API reports about itself: reading rate-limit headers, and sharing what remains.

`parse_rate_limit_headers` reads ``X-RateLimit-*``, the IETF ``RateLimit-*`` fields and the
structured ``RateLimit`` field into a `RateLimitStatus`; `reset_delay` turns a reset value in any
of the forms servers use into seconds from now. `ReportedQuota` holds the remaining count the
API last reported and lets concurrent calls reserve from it before they are sent (CF-RATE-8).

Time is ``float`` seconds: monotonic ``now`` for intervals, Unix ``wall`` time for the absolute
times servers send.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = [
    "EPOCH_MILLISECONDS",
    "EPOCH_SECONDS",
    "MAX_RESET",
    "PROBE_CHECK_BACK",
    "HeaderParser",
    "QuotaState",
    "RateLimitStatus",
    "ReportedQuota",
    "parse_rate_limit_headers",
    "reset_delay",
]

#: Reset values from this on are Unix times in seconds (2001-09-09); below it, seconds from now.
EPOCH_SECONDS = 1e9
#: Reset values from this on are Unix times in milliseconds (1973-03-03 in ms; the year 5138 in s).
EPOCH_MILLISECONDS = 1e11
#: A reset further away than this (31 days, the longest monthly quota), in either direction, is not a reset.
MAX_RESET = 31 * 86_400.0
#: How soon a call held back by a probe in flight asks again: about one round trip to a nearby API.
PROBE_CHECK_BACK = 0.01
_EPSILON = 1e-9


@dataclass(frozen=True)
class RateLimitStatus:
    """What the API said about its limit in one response; None where it said nothing.

    ``ignored_reset`` holds a reset value that made no sense (not a number, negative, or more
    than `MAX_RESET` away); ``reset_after`` is then None and the connector warns once.
    """

    limit: float | None = None
    remaining: float | None = None
    reset_after: float | None = None
    ignored_reset: str | None = None


HeaderParser = Callable[[Mapping[str, str], float], "RateLimitStatus | None"]


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.split(",")[0].strip())
    except ValueError:
        return None


def reset_delay(value: float, wall: float) -> float | None:
    """Return the seconds until a reset sent as ``value``, or None when it makes no sense.

    Three forms are recognised by size: below 1e9, seconds from now; from 1e9, a Unix time in
    seconds; from 1e11, a Unix time in milliseconds, both measured against ``wall``. A time in the
    past gives 0 (the window has already reset). Anything not finite, negative, or more than
    `MAX_RESET` (31 days) away in either direction gives None.
    """
    if not math.isfinite(value) or value < 0:
        return None
    if value >= EPOCH_MILLISECONDS:
        seconds = value / 1000 - wall
    elif value >= EPOCH_SECONDS:
        seconds = value - wall
    else:
        seconds = value
    if abs(seconds) > MAX_RESET:
        return None
    return max(seconds, 0.0)


def _fields(headers: Mapping[str, str]) -> dict[str, str]:
    """Return the headers whose name contains "ratelimit", names in lower case, in one pass."""
    raw = getattr(headers, "raw", None)  # httpx.Headers: scan the bytes, decoding only the matches
    if isinstance(raw, list):
        return {
            name.lower().decode("latin-1"): value.decode("latin-1")
            for name, value in raw
            if b"ratelimit" in name.lower()
        }
    return {name.lower(): value for name, value in headers.items() if "ratelimit" in name.lower()}


def parse_rate_limit_headers(headers: Mapping[str, str], wall: float) -> RateLimitStatus | None:
    """Read ``X-RateLimit-Limit/Remaining/Reset`` or IETF ``RateLimit-Limit/Remaining/Reset``.

    Header names are matched case-insensitively. Also reads the structured IETF field,
    ``RateLimit: limit=100, remaining=5, reset=30`` or ``RateLimit: "default";r=5;t=30``. The
    reset may be seconds from now, a Unix time in seconds or one in milliseconds (`reset_delay`).
    """
    # One pass over the headers: this runs on every response, and most carry no such field.
    fields = _fields(headers)
    if not fields:
        return None
    limit = _number(fields.get("x-ratelimit-limit") or fields.get("ratelimit-limit"))
    remaining = _number(fields.get("x-ratelimit-remaining") or fields.get("ratelimit-remaining"))
    reset_text = fields.get("x-ratelimit-reset") or fields.get("ratelimit-reset")
    combined = fields.get("ratelimit")
    if combined and remaining is None:
        # Older drafts: "limit=100, remaining=5, reset=30"; newer: '"default";r=5;t=30'.
        parts = (part.strip().partition("=") for part in combined.replace(";", ",").split(","))
        items = {key.strip(): value.strip() for key, _, value in parts}
        limit = _number(items.get("limit"))
        remaining = _number(items.get("remaining") or items.get("r"))
        reset_text = items.get("reset") or items.get("t")
    reset = _number(reset_text)
    reset_after = None if reset is None else reset_delay(reset, wall)
    ignored = reset_text if reset_text is not None and reset_after is None else None
    if limit is None and remaining is None and reset_after is None and ignored is None:
        return None
    return RateLimitStatus(limit=limit, remaining=remaining, reset_after=reset_after, ignored_reset=ignored)


class QuotaState(enum.Enum):
    """What `ReportedQuota` knows: nothing yet, that the API reports no count, or a count."""

    UNKNOWN = "unknown"
    SILENT = "silent"
    KNOWN = "known"


class ReportedQuota:
    """The remaining count the API reports, shared by every call of one connector (CF-RATE-8).

    Rules:

    - A call reserves ``cost`` of the count before it is sent and holds it until its answer
      arrives (`take`, then `settle`): what may still be sent is the lowest count reported in
      the current window minus what unanswered calls hold. Concurrent calls therefore never
      spend the same unit twice, and an answer that overtakes an earlier one cannot raise the
      count (the lowest report is the newest state of the server's counter).
    - The count belongs to a window that ends at the earliest reset reported for it. At the
      reset, or before the API has reported anything (UNKNOWN), one call at a time goes out and
      its answer gives the new count; the others ask again shortly (`PROBE_CHECK_BACK`).
    - An answer without a count while UNKNOWN means the API reports none (SILENT): calls are
      neither held back nor counted, which keeps them cheap. A report moves any state to KNOWN;
      coming from SILENT, the other calls that may be in flight uncounted (``concurrency - 1``
      at most) are taken off the first count.
    - A call that ended without an answer, or whose answer said nothing, may still have been
      counted by the server: its cost comes off the count.
    - A count reported without a reset replaces the previous one (nothing says when it ends);
      when it runs out, calls go one at a time until the API says more.
    """

    def __init__(self, *, concurrency: int = 1) -> None:
        self.state = QuotaState.UNKNOWN
        self.remaining = math.inf
        self.until = math.inf
        self.outstanding = 0.0
        self.uncounted = max(concurrency - 1, 0)

    def _expire(self, now: float) -> None:
        if self.state is QuotaState.KNOWN and now >= self.until:
            self.state = QuotaState.UNKNOWN

    def earliest(self, now: float, cost: float) -> tuple[float, bool]:
        """Return ``(when, grantable)``: ``cost`` may be reserved at ``when``, or else asked for again then."""
        self._expire(now)
        if self.state is QuotaState.SILENT:
            return now, True
        if self.state is QuotaState.KNOWN:
            if self.remaining - self.outstanding >= cost - _EPSILON:
                return now, True
            if self.until < math.inf:
                return self.until, False
        # Nothing known, or a count without a reset has run out: one probe at a time.
        if self.outstanding <= _EPSILON:
            return now, True
        return now + PROBE_CHECK_BACK, False

    def take(self, cost: float) -> None:
        """Hold ``cost`` for a call about to be sent."""
        self.outstanding += cost

    def settle(self, cost: float, status: RateLimitStatus | None, *, now: float, answered: bool) -> None:
        """Release a call's ``cost`` and apply what its answer reported (None: no answer, or no count)."""
        self.outstanding = max(self.outstanding - cost, 0.0)
        self._expire(now)
        if status is not None and status.remaining is not None:
            self.observe(status, now=now)
        elif self.state is QuotaState.KNOWN:
            self.remaining -= cost
        elif answered and self.state is QuotaState.UNKNOWN:
            self.state = QuotaState.SILENT

    def observe(self, status: RateLimitStatus, *, now: float) -> None:
        """Apply one report of the remaining count (``status.remaining`` must be set)."""
        if status.remaining is None:
            return
        self._expire(now)
        reset = status.reset_after
        if self.state is not QuotaState.KNOWN or reset is None:
            self.remaining = status.remaining - (self.uncounted if self.state is QuotaState.SILENT else 0)
            self.until = math.inf if reset is None else now + reset
        else:
            self.remaining = min(self.remaining, status.remaining)
            self.until = min(self.until, now + reset)
        self.state = QuotaState.KNOWN
