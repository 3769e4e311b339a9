"""The rate limiter against strict servers, simulated: virtual time, no sockets, no sleeps.

Each virtual caller admits, waits, sends; the request reaches the server somewhere within one
trip and the answer comes back within another, both drawn from a seeded generator, so late and
early arrivals both happen. The servers count by arrival time, as real ones do: a sliding window
(at most N in any second) and a fixed one (at most N per calendar second). They answer with
``X-RateLimit-Remaining`` and a fractional ``X-RateLimit-Reset``.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from dataclasses import dataclass, field

import pytest

from .api import bucket

RATE = 50
SECONDS = 10.0


@dataclass
class _Server:
    """Counts arrivals; 429 above ``rate`` per window; reports what remains and when it resets."""

    kind: str  # "sliding" or "fixed"
    rate: int = RATE
    accepted: list[float] = field(default_factory=list)
    refused: int = 0
    _recent: deque[float] = field(default_factory=deque)

    def arrive(self, now: float) -> dict[str, str]:
        recent = self._recent  # sliding: the accepted arrivals of the last second; fixed: of this second
        start = now - 1.0 if self.kind == "sliding" else math.floor(now) - 1e-12
        while recent and recent[0] <= start:
            recent.popleft()
        accepted = len(recent) < self.rate
        if accepted:
            self.accepted.append(now)
            recent.append(now)
        else:
            self.refused += 1
        reset = recent[0] + 1.0 - now if self.kind == "sliding" else math.floor(now) + 1.0 - now
        # Rounded up to the millisecond: a reset rounded down would send the next request early.
        reset = math.ceil(reset * 1000) / 1000
        return {"X-RateLimit-Remaining": str(self.rate - len(recent)), "X-RateLimit-Reset": f"{reset:.3f}"}


def _run(limiter: bucket.RateLimiter, server: _Server, *, callers: int, trip: float, seed: int = 7) -> None:
    """Drive ``callers`` virtual callers for `SECONDS` through ``limiter`` against ``server``."""
    rng = random.Random(seed)
    events: list[tuple[float, int, int, str, object]] = [(0.0, n, n, "admit", None) for n in range(callers)]
    order = callers
    while events:
        now, _, caller, step, data = heapq.heappop(events)
        order += 1
        if step == "admit":
            if now >= SECONDS:
                continue
            ticket = limiter.admit(now)
            later = "send" if ticket.granted else "admit"
            heapq.heappush(events, (now + ticket.wait, order, caller, later, ticket if ticket.granted else None))
        elif step == "send":
            heapq.heappush(events, (now + rng.uniform(0, trip), order, caller, "arrive", data))
        elif step == "arrive":
            headers = server.arrive(now)
            heapq.heappush(events, (now + rng.uniform(0, trip), order, caller, "answer", (data, headers)))
        else:
            ticket, headers = data  # type: ignore[misc]
            limiter.settle(ticket, now=now, headers=headers, wall=0.0)
            heapq.heappush(events, (now, order, caller, "admit", None))


@pytest.mark.parametrize("callers", [1, 10])
@pytest.mark.parametrize("kind", ["sliding", "fixed"])
@pytest.mark.parametrize("configured", [True, False], ids=["rate_limit", "headers_only"])
def test_strict_servers_refuse_nothing_and_most_of_the_quota_is_used(configured: bool, kind: str, callers: int) -> None:
    """With rate_limit=N, or from the headers alone: no 429, at least 95 % of N, for 1 and 10 callers."""
    limiter = bucket.RateLimiter(now=0.0, rate=RATE if configured else None)
    server = _Server(kind)
    _run(limiter, server, callers=callers, trip=0.002)
    assert server.refused == 0
    assert len(server.accepted) >= 0.95 * RATE * SECONDS


@pytest.mark.parametrize("trip", [0.0005, 0.05, 0.3])
def test_no_second_at_the_server_holds_more_than_n_however_late_requests_arrive(trip: float) -> None:
    """rate_limit=N: N + 1 arrivals are always more than a second apart, at any latency (CF-RATE-7)."""
    limiter = bucket.RateLimiter(now=0.0, rate=RATE, adaptive=False)
    server = _Server("sliding", rate=10**6)  # counts everything, refuses nothing
    _run(limiter, server, callers=10, trip=trip, seed=3)
    arrivals = sorted(server.accepted)
    assert all(later - first > 1.0 for first, later in zip(arrivals, arrivals[RATE:], strict=False))
    # Each unit comes back one period after its answer: throughput is N / (1 s + a round trip).
    assert len(arrivals) >= 0.95 * RATE * SECONDS / (1.0 + 2 * trip)


def test_a_full_bucket_overruns_a_strict_window_which_is_why_bursts_are_opt_in() -> None:
    """rate_burst=N: the bucket starts full and refills, so a sliding window sees nearly 2N in its first second."""
    limiter = bucket.RateLimiter(now=0.0, rate=RATE, burst=RATE, adaptive=False)
    server = _Server("sliding")
    _run(limiter, server, callers=1, trip=0.002)
    assert server.refused > 0.5 * RATE


@pytest.mark.parametrize(
    ("rate", "limit", "period"),
    [(100.0, 100, 1.0), (1.0, 1, 1.0), (2.5, 2, 0.8), (0.5, 1, 2.0)],
)
def test_a_rate_becomes_a_whole_number_of_requests_per_window(rate: float, limit: int, period: float) -> None:
    """N per second for a whole N; floor(N) requests in floor(N)/N seconds otherwise."""
    window = bucket.StrictWindow.per_second(rate)
    assert (window.limit, window.period) == (limit, pytest.approx(period))


def test_strict_window_units_come_back_a_period_after_the_answer() -> None:
    """Two units: both taken at once; the third call waits until a period after the first answer."""
    window = bucket.StrictWindow(limit=2, period=1.0)
    window.take(0.0)
    window.take(0.0)
    assert window.earliest(0.1) == (pytest.approx(1.1), False)  # held by unanswered calls: ask again a period on
    window.give_back(0.3)
    window.give_back(0.2)  # answers settled out of order stay sorted
    assert window.earliest(0.5) == (pytest.approx(1.2), True)
    window.take(0.5)
    assert window.earliest(0.5) == (pytest.approx(1.3), True)
    assert window.earliest(1.3) == (1.3, True)
    window.take(1.3, cost=5.0)  # a cost above the limit takes the whole window
    assert window.earliest(1.3) == (pytest.approx(2.3), False)


def test_strict_window_admissions_never_book_beyond_what_the_caller_will_wait() -> None:
    """A refused admission (too long a wait) takes nothing: the next caller still gets the unit."""
    limiter = bucket.RateLimiter(now=0.0, rate=1.0, adaptive=False)
    first = limiter.admit(0.0)
    limiter.settle(first, now=0.1)
    assert limiter.admit(0.2, within=0.5) == bucket.Ticket(pytest.approx(0.9), granted=False)
    ticket = limiter.admit(0.2)
    assert (ticket.granted, ticket.wait) == (True, pytest.approx(0.9))


# -- the count the API reports, shared across concurrent calls (CF-RATE-8) ------------------------


def _reported(remaining: float, reset: float | None = 30.0) -> bucket.RateLimiter:
    """A limiter that has been told ``remaining`` (and the reset, in seconds) at time 0."""
    limiter = bucket.RateLimiter(now=0.0)
    headers = {"X-RateLimit-Remaining": str(remaining)}
    if reset is not None:
        headers["X-RateLimit-Reset"] = str(reset)
    limiter.observe(headers, now=0.0, wall=0.0)
    return limiter


def test_concurrent_calls_reserve_the_reported_remaining_count_before_sending() -> None:
    """Remaining 3: three calls in flight at once are granted, the fourth waits for the reset."""
    limiter = _reported(3)
    tickets = [limiter.admit(1.0) for _ in range(4)]
    assert [t.granted for t in tickets] == [True, True, True, False]
    assert tickets[3].wait == pytest.approx(29.0)


def test_an_answer_that_overtakes_an_earlier_one_cannot_raise_the_count() -> None:
    """The lowest report in a window wins; each answer frees only its own reservation."""
    limiter = _reported(4)
    first, second = limiter.admit(0.0), limiter.admit(0.0)
    limiter.settle(second, now=0.1, headers={"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "29.9"})
    limiter.settle(first, now=0.2, headers={"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "29.8"})
    assert [limiter.admit(0.3).granted for _ in range(3)] == [True, True, False]


def test_before_any_report_and_after_each_reset_one_probe_goes_out_at_a_time() -> None:
    """Unknown count: one call; the rest ask again shortly. The answer's count then frees them."""
    limiter = bucket.RateLimiter(now=0.0)
    probe = limiter.admit(0.0)
    waiting = limiter.admit(0.0)
    assert probe.granted
    assert (waiting.granted, waiting.wait) == (False, pytest.approx(0.01))
    limiter.settle(probe, now=0.05, headers={"X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "1"})
    tickets = [limiter.admit(0.06) for _ in range(6)]
    assert [ticket.granted for ticket in tickets] == [True] * 5 + [False]
    for left, ticket in zip(range(4, -1, -1), tickets[:5], strict=True):
        limiter.settle(ticket, now=0.5, headers={"X-RateLimit-Remaining": str(left), "X-RateLimit-Reset": "0.55"})
    assert limiter.admit(1.05).granted  # the window reset: a new probe
    assert not limiter.admit(1.05).granted


def test_an_api_that_reports_no_count_is_not_held_back() -> None:
    """After one answer without rate-limit headers, calls go out at once, however many are in flight."""
    limiter = bucket.RateLimiter(now=0.0)
    limiter.settle(limiter.admit(0.0), now=0.01, headers={"Content-Type": "application/json"})
    assert all(ticket.granted and ticket.wait == 0 for ticket in (limiter.admit(0.02) for _ in range(20)))


def test_calls_that_may_be_in_flight_when_the_api_starts_reporting_a_count_are_taken_off_it() -> None:
    """Calls to an API that reported no count are not counted; its first count assumes the others are in flight."""
    limiter = bucket.RateLimiter(now=0.0, concurrency=3)
    limiter.settle(limiter.admit(0.0), now=0.01, headers={})
    first = limiter.admit(0.02)
    limiter.settle(first, now=0.03, headers={"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "30"})
    assert [limiter.admit(0.04).granted for _ in range(2)] == [True, False]  # 3 - (3 - 1)


def test_a_call_that_ended_without_an_answer_still_counts_against_the_reported_count() -> None:
    """A reset connection may have reached the server: its unit is spent."""
    limiter = _reported(2)
    limiter.settle(limiter.admit(0.0), now=0.1)  # no answer
    assert [limiter.admit(0.2).granted for _ in range(2)] == [True, False]


def test_a_count_without_a_reset_is_replaced_by_the_next_one_and_probes_when_spent() -> None:
    """Without a reset nothing says when the count ends: the latest report holds; at 0, one call at a time."""
    limiter = _reported(1, reset=None)
    limiter.settle(limiter.admit(0.0), now=0.1, headers={"X-RateLimit-Remaining": "0"})
    probe = limiter.admit(0.2)
    assert probe.granted
    assert not limiter.admit(0.2).granted


# -- reset values (CF-RATE-9) ---------------------------------------------------------------------

WALL = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (30.0, 30.0),  # seconds from now
        (0.0, 0.0),
        (WALL + 45.0, 45.0),  # Unix time in seconds
        ((WALL + 45.5) * 1000, 45.5),  # Unix time in milliseconds
        (WALL - 10.0, 0.0),  # in the past: the window already reset
        (WALL * 1000 - 10_000, 0.0),
        (86_400.0 * 31, 86_400.0 * 31),  # a monthly quota
        (86_400.0 * 32, None),  # more than 31 days away
        (WALL + 86_400.0 * 40, None),
        (WALL - 86_400.0 * 40, None),
        (1.8e12 * 1000, None),  # microseconds, or nonsense
        (-5.0, None),
        (math.nan, None),
        (math.inf, None),
    ],
)
def test_reset_values_are_read_in_each_form_and_bounded(value: float, expected: float | None) -> None:
    """Seconds from now, Unix seconds and Unix milliseconds; past is 0; beyond 31 days or not finite is None."""
    result = bucket.reset_delay(value, WALL)
    assert result == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize("value", ["soon", "-3", "1e20", "nan"])
def test_a_reset_that_makes_no_sense_is_ignored_and_reported(value: str) -> None:
    """The status keeps the remaining count, drops the reset and names the ignored value."""
    status = bucket.parse_rate_limit_headers({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": value}, wall=WALL)
    assert status == bucket.RateLimitStatus(remaining=0.0, ignored_reset=value)
