"""Client-side rate limiting: a token bucket, sliding-window quotas, and adaptation from headers.

`RateLimiter.reserve` takes a token (or ``cost`` tokens, for APIs that count query points) and
returns how long the caller must wait before sending; the connector does the waiting. Tokens
may go negative: each caller reserves its place in line, so concurrent callers are spaced out
instead of all waking at once.

`RateLimiter.observe` reads what the API says about its own limits (``X-RateLimit-*``, the IETF
``RateLimit-*`` fields, ``Retry-After``) and stops sending before the server has to refuse. An
API with its own header names passes a different ``header_parser`` (see `parse_rate_limit_headers`).

Written by hand: no maintained library offers a sans-IO limiter shared by sync and async code
that also adapts from response headers. Time is ``float`` seconds.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["RateLimitStatus", "RateLimiter", "TokenBucket", "WindowQuota", "parse_rate_limit_headers"]

#: X-RateLimit-Reset values above this are Unix times, not delays (about 2001-09-09).
_EPOCH_THRESHOLD = 1_000_000_000


@dataclass(frozen=True)
class RateLimitStatus:
    """What the API said about its limit in one response; None where it said nothing."""

    limit: float | None = None
    remaining: float | None = None
    reset_after: float | None = None


HeaderParser = Callable[[Mapping[str, str], float], "RateLimitStatus | None"]


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.split(",")[0].strip())
    except ValueError:
        return None


def parse_rate_limit_headers(headers: Mapping[str, str], wall: float) -> RateLimitStatus | None:
    """Read ``X-RateLimit-Limit/Remaining/Reset`` or IETF ``RateLimit-Limit/Remaining/Reset``.

    Header names are matched case-insensitively. A reset above 1e9 is taken as Unix time and
    measured against ``wall``; smaller values are seconds from now. Also reads the structured IETF
    field, ``RateLimit: limit=100, remaining=5, reset=30`` or ``RateLimit: "default";r=5;t=30``.
    """
    # One pass over the headers: this runs on every response, and most carry no such field.
    fields = {name.lower(): value for name, value in headers.items() if "ratelimit" in name.lower()}
    if not fields:
        return None
    limit = _number(fields.get("x-ratelimit-limit") or fields.get("ratelimit-limit"))
    remaining = _number(fields.get("x-ratelimit-remaining") or fields.get("ratelimit-remaining"))
    reset = _number(fields.get("x-ratelimit-reset") or fields.get("ratelimit-reset"))
    combined = fields.get("ratelimit")
    if combined and remaining is None:
        # Older drafts: "limit=100, remaining=5, reset=30"; newer: '"default";r=5;t=30'.
        parts = (part.strip().partition("=") for part in combined.replace(";", ",").split(","))
        items = {key.strip(): value.strip() for key, _, value in parts}
        limit = _number(items.get("limit"))
        remaining = _number(items.get("remaining") or items.get("r"))
        reset = _number(items.get("reset") or items.get("t"))
    if limit is None and remaining is None and reset is None:
        return None
    if reset is not None and reset > _EPOCH_THRESHOLD:
        reset = max(reset - wall, 0.0)
    return RateLimitStatus(limit=limit, remaining=remaining, reset_after=reset)


class TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``; starts full.

    Args:
        rate: Tokens added per second.
        burst: Largest number of tokens held, so the largest burst sent at once.
        now: Current time, from the connector's clock.
    """

    def __init__(self, *, rate: float, burst: float, now: float) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError("rate and burst must be positive")
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self._updated = now

    def _refill(self, now: float) -> None:
        elapsed = max(now - self._updated, 0.0)
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self._updated = max(now, self._updated)

    def wait_for(self, now: float, cost: float = 1.0) -> float:
        """Return the seconds until ``cost`` tokens would be covered, taking nothing."""
        self._refill(now)
        return max(cost - self.tokens, 0.0) / self.rate

    def reserve(self, now: float, cost: float = 1.0) -> float:
        """Take ``cost`` tokens and return the seconds to wait until they are covered."""
        self._refill(now)
        self.tokens -= cost
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def reset(self, now: float, tokens: float) -> None:
        """Hold exactly ``tokens`` (capped at ``burst``): the API reported its own count."""
        self._refill(now)
        self.tokens = min(tokens, self.burst)

    def clamp(self, now: float, tokens: float) -> None:
        """Hold no more than ``tokens`` (the API says fewer remain than we thought)."""
        self._refill(now)
        self.tokens = min(self.tokens, tokens)


class WindowQuota:
    """At most ``limit`` calls in any ``period`` seconds (a sliding log of ``limit`` times).

    Exact for any window, unlike a bucket refilled at ``limit / period``, which can let
    ``2 * limit`` through in one period. Memory is bounded by ``limit``.
    """

    def __init__(self, *, limit: int, period: float) -> None:
        if limit <= 0 or period <= 0:
            raise ValueError("limit and period must be positive")
        self.limit = limit
        self.period = period
        self._sent: deque[float] = deque()

    def earliest(self, when: float) -> float:
        """Return the first time at or after ``when`` that a call fits in every window (changes nothing).

        Calls are booked in order (never before the last booked one), which keeps the log sorted
        and makes "the ``limit``-th latest call is a period ago" the whole check. It must not
        forget old calls here: the caller may look ahead and then not book at all.
        """
        if self._sent:
            when = max(when, self._sent[-1])
        if len(self._sent) < self.limit:
            return when
        return max(when, self._sent[-self.limit] + self.period)

    def book(self, when: float) -> None:
        """Record a call at ``when``, a time returned by `earliest`."""
        self._sent.append(when)
        while len(self._sent) > self.limit:
            self._sent.popleft()

    def reserve(self, now: float) -> float:
        """Book the next free slot at or after ``now`` and return the seconds until it."""
        when = self.earliest(now)
        self.book(when)
        return when - now


class RateLimiter:
    """Combines a token bucket, quotas and what the API's headers say; all optional.

    Args:
        now: Current time, from the connector's clock.
        rate: Requests (or points) per second; None for no client-side rate.
        burst: Bucket size; defaults to ``max(rate, 1)``.
        quotas: Longer limits as ``(limit, period_seconds)``, e.g. ``(1000, 86400)``.
        adaptive: Follow the API's rate-limit headers.
        header_parser: Reads a `RateLimitStatus` from headers; replace it for API-specific names.
    """

    def __init__(
        self,
        *,
        now: float,
        rate: float | None = None,
        burst: float | None = None,
        quotas: tuple[tuple[int, float], ...] = (),
        adaptive: bool = True,
        header_parser: HeaderParser = parse_rate_limit_headers,
    ) -> None:
        self.bucket = TokenBucket(rate=rate, burst=burst or max(rate, 1.0), now=now) if rate else None
        self.quotas = [WindowQuota(limit=limit, period=period) for limit, period in quotas]
        self.adaptive = adaptive
        self.header_parser = header_parser
        self.last_status: RateLimitStatus | None = None
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def reserve(self, now: float, cost: float = 1.0, *, within: float = math.inf) -> float:
        """Reserve capacity for one request and return the seconds to wait before sending it.

        When the wait would be longer than ``within`` seconds, nothing is reserved: the caller
        gives up rather than wait, and a call that is never sent must not use up a token or quota.
        """
        with self._lock:
            wait = max(self._blocked_until - now, 0.0)
            if self.bucket is not None:
                wait = max(wait, self.bucket.wait_for(now, cost))
            # Each quota may push the send later; book every quota only at the final time, so an
            # earlier quota never records a slot before the call really goes out.
            when = now + wait
            for _ in range(len(self.quotas) + 1):
                later = max((quota.earliest(when) for quota in self.quotas), default=when)
                if later == when:
                    break
                when = later
            if when - now > within:
                return when - now
            if self.bucket is not None:
                self.bucket.reserve(now, cost)
            for quota in self.quotas:
                quota.book(when)
            return when - now

    def observe_points(self, *, maximum: float, available: float, restore_rate: float, now: float) -> None:
        """Follow a cost-based API's own bucket: ``available`` of ``maximum`` points, refilled at ``restore_rate``/s.

        Used for GraphQL query cost (e.g. ``extensions.cost.throttleStatus``); `reserve` is then
        called with each query's expected cost, so the client waits before the server throttles.
        """
        if maximum <= 0 or restore_rate <= 0:
            return
        with self._lock:
            bucket = self.bucket
            if bucket is None or bucket.rate != restore_rate or bucket.burst != maximum:
                bucket = self.bucket = TokenBucket(rate=restore_rate, burst=maximum, now=now)
            bucket.reset(now, available)

    def block(self, now: float, seconds: float) -> None:
        """Send nothing for ``seconds`` (the API answered 429 with ``Retry-After``)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, now + seconds)

    def observe(self, headers: Mapping[str, str], *, now: float, wall: float) -> RateLimitStatus | None:
        """Adapt to the limit the API reports in a response's headers; return what it said."""
        status = self.header_parser(headers, wall)
        if status is None:
            return None
        with self._lock:
            self.last_status = status
            if not self.adaptive or status.remaining is None:
                return status
            if self.bucket is not None:
                self.bucket.clamp(now, status.remaining)
            if status.remaining <= 0 and status.reset_after is not None:
                self._blocked_until = max(self._blocked_until, now + status.reset_after)
        return status
