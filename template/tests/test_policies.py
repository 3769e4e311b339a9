"""The sans-IO policies on their own: no sockets, no sleeps, a fake clock and seeded jitter."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from .api import breaker, bucket, errors, retry

B = breaker.BreakerState
E = breaker.BreakerEvent


# -- retry ----------------------------------------------------------------------------------------


def _policy(**options: float) -> retry.RetryPolicy:
    return retry.RetryPolicy(rng=random.Random(1), **options)  # type: ignore[arg-type]


def _status_error(status: int, retry_after: float | None = None) -> errors.ConnectorError:
    error_class = errors.error_for_status(status)
    return error_class("x", status=status, retryable=errors.is_retryable_status(status), retry_after=retry_after)


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(status: int) -> None:
    """The retryable statuses of SPEC CF-RETRY-1 are retried for a GET."""
    decision = _policy().decide(
        _status_error(status), attempt=1, method="GET", has_idempotency_key=False, sent=True, elapsed=0
    )
    assert decision.retry


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 410, 422, 501, 505])
def test_other_statuses_are_not_retried(status: int) -> None:
    """Every other 4xx, and 501/505, fail at once."""
    decision = _policy().decide(
        _status_error(status), attempt=1, method="GET", has_idempotency_key=False, sent=True, elapsed=0
    )
    assert not decision.retry


def test_backoff_grows_exponentially_within_equal_jitter_bounds() -> None:
    """Delay n lies in [cap/2, cap] with cap = min(30, 1 * 2 ** (n - 1))."""
    rng = random.Random(3)
    for attempt in range(1, 12):
        cap = min(30.0, 2.0 ** (attempt - 1))
        for _ in range(50):
            delay = retry.backoff_delay(attempt, initial=1.0, multiplier=2.0, maximum=30.0, rng=rng)
            assert cap / 2 <= delay <= cap


def test_backoff_is_jittered() -> None:
    """Two clients failing together do not retry together: delays differ between draws."""
    rng = random.Random(5)
    delays = {retry.backoff_delay(3, initial=1.0, multiplier=2.0, maximum=30.0, rng=rng) for _ in range(20)}
    assert len(delays) == 20


def test_backoff_survives_huge_attempt_numbers() -> None:
    """An enormous attempt number is capped, not an overflow."""
    delay = retry.backoff_delay(10_000, initial=1.0, multiplier=2.0, maximum=30.0, rng=random.Random(0))
    assert 15.0 <= delay <= 30.0


def test_retry_after_replaces_the_backoff() -> None:
    """A server's Retry-After is used as the delay."""
    decision = _policy().decide(
        _status_error(429, retry_after=7.0), attempt=1, method="GET", has_idempotency_key=False, sent=True, elapsed=0
    )
    assert decision.delay == 7.0


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    """Both forms of RFC 9110 Retry-After are read; junk is ignored."""
    wall = 1_700_000_000.0
    date = format_datetime(datetime.fromtimestamp(wall + 42, tz=timezone.utc), usegmt=True)
    assert retry.parse_retry_after("120", wall=wall) == 120.0
    assert retry.parse_retry_after(date, wall=wall) == pytest.approx(42.0)
    assert retry.parse_retry_after("soon", wall=wall) is None
    assert retry.parse_retry_after(None, wall=wall) is None


def test_attempts_are_bounded() -> None:
    """After max_retries retries, the next failure is final."""
    policy = _policy(max_retries=3)
    error = _status_error(503)
    outcomes = [
        policy.decide(error, attempt=n, method="GET", has_idempotency_key=False, sent=True, elapsed=0).retry
        for n in (1, 2, 3, 4)
    ]
    assert outcomes == [True, True, True, False]


def test_budget_ends_retries_before_the_attempt_limit() -> None:
    """A retry that would end beyond the budget is not made."""
    policy = _policy(budget=10.0)
    decision = policy.decide(
        _status_error(503, retry_after=5.0), attempt=1, method="GET", has_idempotency_key=False, sent=True, elapsed=6.0
    )
    assert not decision.retry
    assert decision.reason == "retry budget exhausted"


@pytest.mark.parametrize(
    ("method", "key", "sent", "expected"),
    [
        ("POST", False, True, False),
        ("PATCH", False, True, False),
        ("POST", True, True, True),
        ("POST", False, False, True),
        ("PUT", False, True, True),
        ("DELETE", False, True, True),
    ],
)
def test_unsafe_methods_need_a_key_or_an_unsent_request(method: str, key: bool, sent: bool, expected: bool) -> None:
    """POST and PATCH are retried only with an idempotency key or when nothing reached the server."""
    decision = _policy().decide(
        _status_error(503), attempt=1, method=method, has_idempotency_key=key, sent=sent, elapsed=0
    )
    assert decision.retry is expected


# -- circuit breaker ------------------------------------------------------------------------------

ALL_PAIRS = [(state, event) for state in B for event in E]


@pytest.mark.parametrize(("state", "event"), ALL_PAIRS)
def test_transition_table_covers_exactly_the_legal_moves(
    state: breaker.BreakerState, event: breaker.BreakerEvent
) -> None:
    """Every (state, event) pair is either in the table or illegal, and illegal ones name both."""
    machine = breaker.CircuitBreaker()
    machine._state = state
    if (state, event) in breaker.TRANSITIONS:
        machine._move(event)
        assert machine.state is breaker.TRANSITIONS[(state, event)]
    else:
        with pytest.raises(breaker.BreakerTransitionError, match=f"{event.name}.*{state.name}"):
            machine._move(event)


def test_breaker_opens_after_five_consecutive_failures() -> None:
    """Four failures leave it closed; the fifth opens it."""
    machine = breaker.CircuitBreaker()
    for _ in range(4):
        machine.record_failure(now=0.0)
    assert machine.state is B.CLOSED
    machine.record_failure(now=0.0)
    assert machine.state is B.OPEN
    assert not machine.allow(now=1.0)


def test_a_success_resets_the_failure_count() -> None:
    """Failures must be consecutive."""
    machine = breaker.CircuitBreaker()
    for _ in range(4):
        machine.record_failure(now=0.0)
    machine.record_success()
    for _ in range(4):
        machine.record_failure(now=0.0)
    assert machine.state is B.CLOSED


def test_breaker_half_opens_after_the_cooldown_and_admits_one_probe() -> None:
    """After 60 s one probe goes through; a second concurrent call is refused."""
    machine = breaker.CircuitBreaker(threshold=1)
    machine.record_failure(now=100.0)
    assert not machine.allow(now=159.9)
    assert machine.retry_in(now=130.0) == pytest.approx(30.0)
    assert machine.allow(now=160.0)
    assert machine.state is B.HALF_OPEN
    assert not machine.allow(now=160.0)


def test_probe_success_closes_and_probe_failure_reopens() -> None:
    """A good probe closes the circuit; a bad one opens it for another cool-down."""
    machine = breaker.CircuitBreaker(threshold=1, cooldown=10.0)
    machine.record_failure(now=0.0)
    assert machine.allow(now=10.0)
    machine.record_failure(now=10.0)
    assert machine.state is B.OPEN
    assert not machine.allow(now=19.0)
    assert machine.allow(now=20.0)
    machine.record_success()
    assert machine.state is B.CLOSED


def test_released_probe_lets_the_next_call_probe() -> None:
    """A cancelled probe frees its slot."""
    machine = breaker.CircuitBreaker(threshold=1, cooldown=1.0)
    machine.record_failure(now=0.0)
    assert machine.allow(now=1.0)
    machine.release()
    assert machine.allow(now=1.0)


def test_state_changes_are_reported() -> None:
    """The listener hears every change, and only changes."""
    changes: list[tuple[breaker.BreakerState, breaker.BreakerState]] = []
    machine = breaker.CircuitBreaker(threshold=2, cooldown=5.0, on_change=lambda old, new: changes.append((old, new)))
    machine.record_failure(now=0.0)
    machine.record_failure(now=0.0)
    machine.allow(now=5.0)
    machine.record_success()
    assert changes == [(B.CLOSED, B.OPEN), (B.OPEN, B.HALF_OPEN), (B.HALF_OPEN, B.CLOSED)]


# -- rate limiting --------------------------------------------------------------------------------


def test_bucket_allows_a_burst_then_spaces_requests_at_the_rate() -> None:
    """Burst 3 at 2/s: three immediate tokens, then one every half second."""
    tokens = bucket.TokenBucket(rate=2.0, burst=3.0, now=0.0)
    waits = [tokens.reserve(now=0.0) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 0.5, 1.0]


def test_bucket_refills_over_time_up_to_the_burst() -> None:
    """Idle time refills the bucket, never beyond its size."""
    tokens = bucket.TokenBucket(rate=1.0, burst=2.0, now=0.0)
    tokens.reserve(now=0.0)
    tokens.reserve(now=0.0)
    assert tokens.reserve(now=100.0) == 0.0
    assert tokens.tokens == pytest.approx(1.0)


def test_window_quota_is_never_exceeded_in_any_window() -> None:
    """At most `limit` sends fall in any period-long window, however the calls arrive."""
    quota = bucket.WindowQuota(limit=5, period=60.0)
    rng = random.Random(9)
    now, sends = 0.0, []
    for _ in range(200):
        now += rng.uniform(0, 10)
        sends.append(now + quota.reserve(now))
    sends.sort()
    for index in range(len(sends) - 5):
        assert sends[index + 5] - sends[index] >= 60.0 - 1e-9


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "30"}, (100, 7, 30)),
        ({"RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "5"}, (10, 0, 5)),
        ({"RateLimit": "limit=50, remaining=3, reset=12"}, (50, 3, 12)),
        ({"RateLimit": '"default";r=4;t=9'}, (None, 4, 9)),
        ({"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "1700000060"}, (None, 2, 60)),
    ],
)
def test_rate_limit_headers_are_read(headers: dict[str, str], expected: tuple[float | None, ...]) -> None:
    """X-RateLimit-*, IETF RateLimit-* and the structured field; an epoch reset becomes a delay."""
    import httpx

    status = bucket.parse_rate_limit_headers(httpx.Headers(headers), wall=1_700_000_000.0)
    assert status is not None
    assert (status.limit, status.remaining, status.reset_after) == expected


def test_no_rate_limit_headers_means_no_status() -> None:
    """Responses without such headers change nothing."""
    import httpx

    assert bucket.parse_rate_limit_headers(httpx.Headers({"Content-Type": "a/b"}), wall=0.0) is None


def test_remaining_zero_holds_requests_until_the_reset() -> None:
    """With nothing remaining, the next request waits for the reset."""
    import httpx

    limiter = bucket.RateLimiter(now=0.0)
    limiter.observe(httpx.Headers({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "8"}), now=0.0, wall=0.0)
    assert limiter.reserve(now=2.0) == pytest.approx(6.0)
    assert limiter.reserve(now=9.0) == 0.0


def test_blocking_after_a_429_holds_every_request() -> None:
    """A 429's Retry-After pauses the whole limiter."""
    limiter = bucket.RateLimiter(now=0.0, rate=100.0)
    limiter.block(now=0.0, seconds=3.0)
    assert limiter.reserve(now=1.0) == pytest.approx(2.0)


def test_cost_based_limits_count_points() -> None:
    """A limiter following a points budget makes an expensive query wait for its points."""
    limiter = bucket.RateLimiter(now=0.0)
    limiter.observe_points(maximum=1000.0, available=10.0, restore_rate=50.0, now=0.0)
    assert limiter.reserve(now=0.0, cost=60.0) == pytest.approx(1.0)


def test_custom_header_parsers_plug_in() -> None:
    """An API with its own header names passes its own parser."""
    import httpx

    def parse(headers: object, wall: float) -> bucket.RateLimitStatus | None:
        return bucket.RateLimitStatus(remaining=0.0, reset_after=4.0)

    limiter = bucket.RateLimiter(now=0.0, header_parser=parse)
    limiter.observe(httpx.Headers({}), now=0.0, wall=0.0)
    assert limiter.reserve(now=0.0) == pytest.approx(4.0)


def test_several_quotas_together_never_exceed_any_of_them() -> None:
    """Per-minute and per-hour quotas combined: neither window ever holds more than its limit."""
    limiter = bucket.RateLimiter(now=0.0, quotas=((3, 60.0), (5, 3600.0)))
    sends = sorted(limiter.reserve(now=0.0) for _ in range(12))
    for window, limit in ((60.0, 3), (3600.0, 5)):
        for index in range(len(sends) - limit):
            assert sends[index + limit] - sends[index] >= window - 1e-9


def test_a_reservation_refused_for_its_wait_books_nothing() -> None:
    """With ``within``, a wait too long for the caller takes no token and no quota slot."""
    limiter = bucket.RateLimiter(now=0.0, rate=1.0, burst=1.0, quotas=((2, 3600.0),))
    assert limiter.reserve(now=0.0) == 0.0
    assert limiter.reserve(now=0.0, within=0.5) == pytest.approx(1.0)  # refused: a token is 1 s away
    assert limiter.reserve(now=1.0) == 0.0  # so the token and the second quota slot are still there
    assert limiter.reserve(now=1.0, within=60.0) == pytest.approx(3599.0)  # the quota is full: refused
    assert limiter.reserve(now=3600.0) == 0.0  # the first slot has aged out, and the refusal booked none


def test_looking_ahead_never_forgets_booked_calls() -> None:
    """`earliest` changes nothing: a question about a far later time keeps today's calls counted."""
    quota = bucket.WindowQuota(limit=2, period=100.0)
    quota.book(0.0)
    quota.book(0.0)
    assert quota.earliest(500.0) == 500.0
    assert quota.earliest(0.0) == 100.0
