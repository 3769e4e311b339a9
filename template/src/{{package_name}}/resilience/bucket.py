"""Client-side rate limiting: a strict window or a token bucket, quotas, and the limit the API reports.

`RateLimiter.admit` books room for one request (or ``cost`` units, for APIs that count query
points) and returns a `Ticket` saying how long the caller must wait before sending; the
connector does the waiting, and hands the ticket back with `RateLimiter.settle` once the answer
is in (or the call ended without one). Concurrent callers each book their own place, so they
are spaced out instead of all waking at once.

``rate_limit`` alone is a `StrictWindow`: never more than N requests in any second, as the
server counts them, however late a request arrives. With ``rate_burst`` it is a `TokenBucket`
instead, for APIs that allow bursts. What the API reports in its headers (``X-RateLimit-*``,
the IETF ``RateLimit-*`` fields, ``Retry-After``) is followed as well (`reported.ReportedQuota`).

Written by hand: no maintained library offers a sans-IO limiter shared by sync and async code
that also adapts from response headers. Time is ``float`` seconds.
"""

from __future__ import annotations

import bisect
import math
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from .reported import (
    HeaderParser,
    QuotaState,
    RateLimitStatus,
    ReportedQuota,
    parse_rate_limit_headers,
    reset_delay,
)

__all__ = [
    "FREE",
    "RateLimitStatus",
    "RateLimiter",
    "StrictWindow",
    "Ticket",
    "TokenBucket",
    "WindowQuota",
    "parse_rate_limit_headers",
    "reset_delay",
]

_EPSILON = 1e-9


class TokenBucket:
    """``rate`` tokens a second, holding at most ``burst``; starts full.

    A server that counts requests in windows of one second can see ``burst + rate`` of them in
    its first second (the full bucket, then the refill): use it only for APIs that allow bursts.

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


class StrictWindow:
    """At most ``limit`` units in any ``period`` seconds, as the server counts them (CF-RATE-7).

    A unit is held from the moment a call takes it until ``period`` seconds after that call's
    answer. The server counted the call before the answer came back, so whoever takes the unit
    next arrives more than ``period`` after it: no window of ``period`` seconds at the server
    holds more than ``limit`` units, whatever the latency or its jitter. The price is one round
    trip per unit and period: throughput is ``limit / (period + round trip)``, 99.9 % of
    ``limit`` per second at 1 ms, 91 % at 100 ms.

    Args:
        limit: Units per window (requests, or points with ``cost``).
        period: Window length in seconds.
    """

    def __init__(self, *, limit: float, period: float) -> None:
        if limit <= 0 or period <= 0:
            raise ValueError("limit and period must be positive")
        self.limit = limit
        self.period = period
        self._held = 0.0  # taken by calls that have not been answered yet
        self._returning: list[list[float]] = []  # [time, units]: back at time, sorted by time
        self._pending = 0.0  # the units in _returning
        self._first = 0  # _returning[:_first] are back already (trimmed in batches)

    @classmethod
    def per_second(cls, rate: float) -> StrictWindow:
        """Return the window for ``rate`` requests a second: N in any second for a whole N.

        A fractional rate becomes ``floor(rate)`` requests (at least 1) in ``floor(rate) / rate``
        seconds: 2.5/s is 2 in any 0.8 s, 0.5/s is 1 in any 2 s.
        """
        limit = max(1.0, math.floor(rate))
        return cls(limit=limit, period=limit / rate)

    def _collect(self, now: float) -> None:
        returning, first = self._returning, self._first
        while first < len(returning) and returning[first][0] <= now:
            self._pending -= returning[first][1]
            first += 1
        if first == len(returning):
            returning.clear()
            self._pending, first = 0.0, 0  # no float drift survives an empty list
        elif first > 64:
            del returning[:first]
            first = 0
        self._first = first

    def _free(self) -> float:
        return self.limit - self._held - self._pending

    def earliest(self, now: float, cost: float = 1.0) -> tuple[float, bool]:
        """Return ``(when, grantable)``: ``cost`` units are free at ``when``, or else ask again then.

        Not grantable when the units are held by calls still waiting for their answer: they
        come back ``period`` after those answers at the earliest, so ask again then.
        """
        self._collect(now)
        need = min(cost, self.limit) - self._free()
        if need <= _EPSILON:
            return now, True
        for index in range(self._first, len(self._returning)):
            when, units = self._returning[index]
            need -= units
            if need <= _EPSILON:
                return when, True
        return now + self.period, False

    def take(self, now: float, cost: float = 1.0) -> None:
        """Hold ``cost`` units for a call (sent at the time `earliest` gave, or later)."""
        self._collect(now)
        cost = min(cost, self.limit)
        need = cost - max(self._free(), 0.0)
        returning = self._returning
        while need > _EPSILON and self._first < len(returning):  # units on their way back pass to this call
            entry = returning[self._first]
            used = min(entry[1], need)
            entry[1] -= used
            self._pending -= used
            need -= used
            if entry[1] <= _EPSILON:
                self._pending -= entry[1]
                self._first += 1
        self._held += cost

    def give_back(self, now: float, cost: float = 1.0) -> None:
        """The call holding ``cost`` units was answered (or ended) at ``now``: they are free ``period`` later."""
        cost = min(cost, self.limit)
        self._held = max(self._held - cost, 0.0)
        entry = [now + self.period, cost]
        # Answers are settled in time order, so appending keeps the list sorted; `reserve` settles ahead.
        if self._first < len(self._returning) and self._returning[-1][0] > entry[0]:
            bisect.insort(self._returning, entry, lo=self._first)
        else:
            self._returning.append(entry)
        self._pending += cost


@dataclass(frozen=True)
class Ticket:
    """A booking by `RateLimiter.admit`: wait ``wait`` seconds, then send (``granted``), or ask again.

    A granted ticket goes back to `RateLimiter.settle` exactly once, whatever happens to the call.
    """

    wait: float
    granted: bool = True
    cost: float = 0.0
    window: bool = False
    reported: bool = False


#: The ticket of a call nothing holds back: no configured limit, and an API that reports no count.
FREE = Ticket(0.0)


class RateLimiter:
    """Combines a strict window or token bucket, quotas and what the API's headers say; all optional.

    Args:
        now: Current time, from the connector's clock.
        rate: Requests (or points) per second; None for no client-side rate.
        burst: With ``rate``: a token bucket of this size, for APIs that allow bursts. None (the
            default): a `StrictWindow` of ``rate`` per second, which never exceeds it in any second.
        quotas: Longer limits as ``(limit, period_seconds)``, e.g. ``(1000, 86400)``.
        adaptive: Follow the API's rate-limit headers.
        header_parser: Reads a `RateLimitStatus` from headers; replace it for API-specific names.
        concurrency: The most requests in flight at once (``max_concurrency``), see `ReportedQuota`.
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
        concurrency: int = 1,
    ) -> None:
        self.bucket = TokenBucket(rate=rate, burst=burst, now=now) if rate and burst else None
        self.window = StrictWindow.per_second(rate) if rate and not burst else None
        self.quotas = [WindowQuota(limit=limit, period=period) for limit, period in quotas]
        self.adaptive = adaptive
        self.reported = ReportedQuota(concurrency=concurrency)
        self.header_parser = header_parser
        self.last_status: RateLimitStatus | None = None
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def admit(self, now: float, cost: float = 1.0, *, within: float = math.inf) -> Ticket:
        """Book room for one request and return its `Ticket`: how long to wait before sending it.

        A ticket that is not granted books nothing: either the wait would be longer than
        ``within`` seconds (the caller gives up rather than wait, and a call that is never sent
        must not use anything up), or the room depends on answers still to come, and ``wait``
        says when to ask again.
        """
        if (  # the common case, decided without the lock: nothing configured, and no count reported
            self.window is None
            and self.bucket is None
            and not self.quotas
            and (not self.adaptive or self.reported.state is QuotaState.SILENT)
            and now >= self._blocked_until
        ):
            return FREE
        with self._lock:
            when, grantable = max(self._blocked_until, now), True
            if self.bucket is not None:
                when = max(when, now + self.bucket.wait_for(now, cost))
            if self.window is not None:
                at, ok = self.window.earliest(now, cost)
                when, grantable = max(when, at), grantable and ok
            if self.adaptive:
                at, ok = self.reported.earliest(now, cost)
                when, grantable = max(when, at), grantable and ok
            # Each quota may push the send later; book every quota only at the final time, so an
            # earlier quota never records a slot before the call really goes out.
            for _ in range(len(self.quotas) + 1):
                later = max((quota.earliest(when) for quota in self.quotas), default=when)
                if later == when:
                    break
                when = later
            wait = when - now
            if not grantable or wait > within:
                return Ticket(wait, granted=False)
            if self.bucket is not None:
                self.bucket.reserve(now, cost)
            if self.window is not None:
                self.window.take(now, cost)
            if self.adaptive:
                self.reported.take(cost)
            for quota in self.quotas:
                quota.book(when)
            return Ticket(wait, cost=cost, window=self.window is not None, reported=self.adaptive)

    def settle(
        self, ticket: Ticket, *, now: float, headers: Mapping[str, str] | None = None, wall: float = 0.0
    ) -> RateLimitStatus | None:
        """Hand back a granted ticket: the call was answered at ``now`` with ``headers``, or ended without an answer.

        Returns what the answer's headers said about the limit (None without headers, or when
        they said nothing), after adapting to it.
        """
        status = self.header_parser(headers, wall) if headers is not None else None
        if status is None and ticket is FREE:
            return None  # nothing to hand back and nothing to learn
        with self._lock:
            if status is not None:
                self.last_status = status
            if ticket.window and self.window is not None:
                self.window.give_back(now, ticket.cost)
            if not self.adaptive:
                return status
            if ticket.reported:
                self.reported.settle(ticket.cost, status, now=now, answered=headers is not None)
            elif status is not None and status.remaining is not None:
                self.reported.observe(status, now=now)
        return status

    def reserve(self, now: float, cost: float = 1.0, *, within: float = math.inf) -> float:
        """Book room for a request sent at the returned wait and never answered; return the wait.

        For callers without an answer to report (a planner, a test): `admit`, then `settle` at
        the send time. When the wait would be longer than ``within``, nothing is booked.
        """
        ticket = self.admit(now, cost, within=within)
        if ticket.granted and ticket is not FREE:
            self.settle(ticket, now=now + ticket.wait)
        return ticket.wait

    def observe_points(self, *, maximum: float, available: float, restore_rate: float, now: float) -> None:
        """Follow a cost-based API's own bucket: ``available`` of ``maximum`` points, refilled at ``restore_rate``/s.

        Used for GraphQL query cost (e.g. ``extensions.cost.throttleStatus``); `admit` is then
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
        """Adapt to the limit the API reports in headers not tied to a ticket; return what it said."""
        status = self.header_parser(headers, wall)
        if status is None:
            return None
        with self._lock:
            self.last_status = status
            if self.adaptive and status.remaining is not None:
                self.reported.observe(status, now=now)
        return status
