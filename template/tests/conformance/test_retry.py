"""Retries and timeouts end to end (CF-RETRY, CF-TIME), against the fault server with a fake clock."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from ..api import errors, events, testing
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec


@spec("CF-RETRY-1")
@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(make: MakeDriver, server: FaultServer, status: int) -> None:
    """A retryable status followed by a success returns the success."""
    server.script("/r", Reply(status, {"message": "again"}))
    assert make()("get", "r").status == 200
    assert len(server.requests_to("/r")) == 2


@spec("CF-RETRY-1")
@pytest.mark.parametrize("status", [400, 404, 409, 422, 501])
def test_other_statuses_fail_at_once(make: MakeDriver, server: FaultServer, status: int) -> None:
    """Any other 4xx (and 501) is raised after a single attempt."""
    server.script("/r", Reply(status, {"message": "no"}))
    with pytest.raises(errors.HTTPStatusError) as caught:
        make()("get", "r")
    assert caught.value.status == status
    assert len(server.requests_to("/r")) == 1


@spec("CF-RETRY-1")
def test_connection_resets_are_retried(make: MakeDriver, server: FaultServer) -> None:
    """A reset connection is a NetworkError and is retried."""
    server.script("/reset", Reply(reset=True), Reply(reset=True))
    assert make()("get", "reset").status == 200


@spec("CF-RETRY-2", "CF-RETRY-8")
def test_three_retries_then_the_last_error_with_its_attempts(make: MakeDriver, server: FaultServer) -> None:
    """Four attempts by default; the last error propagates with attempts=4."""
    server.script("/down", *[Reply(502)] * 3, Reply(503))
    with pytest.raises(errors.ServerError) as caught:
        make()("get", "down")
    assert caught.value.status == 503
    assert caught.value.attempts == 4
    assert len(server.requests_to("/down")) == 4


@spec("CF-RETRY-3")
def test_backoff_waits_grow_exponentially_with_jitter(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """The waits before retries 1..3 lie in [0.5, 1], [1, 2], [2, 4] seconds, and are not all the cap."""
    server.script("/b", Reply(500), Reply(500), Reply(500))
    make()("get", "b")
    assert len(clock.sleeps) == 3
    for wait, cap in zip(clock.sleeps, (1.0, 2.0, 4.0), strict=True):
        assert cap / 2 <= wait <= cap
    assert clock.sleeps != [1.0, 2.0, 4.0]


@spec("CF-RETRY-4")
def test_retry_after_seconds_and_dates_are_honoured(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """The wait is exactly what Retry-After asked for, in either form (a date is 9 s after the first try)."""
    date = format_datetime(datetime.fromtimestamp(clock.wall() + 9, tz=timezone.utc), usegmt=True)
    server.script("/ra", Reply(429, headers={"Retry-After": "3"}), Reply(503, headers={"Retry-After": date}))
    make()("get", "ra")
    assert clock.sleeps[0] == 3.0
    assert clock.sleeps[1] == pytest.approx(9.0 - 3.0)


@spec("CF-RETRY-5")
def test_retry_budget_ends_retries_early(make: MakeDriver, server: FaultServer, clock: testing.FakeClock) -> None:
    """With a 10 s budget, a 30 s Retry-After is not waited for."""
    server.script("/slow-down", Reply(429, headers={"Retry-After": "30"}))
    with pytest.raises(errors.RateLimitError) as caught:
        make(retry_budget=10.0)("get", "slow-down")
    assert caught.value.retry_after == 30.0
    assert clock.sleeps == []


@spec("CF-RETRY-5")
def test_rate_limit_waits_count_against_the_budget(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """A token that would come after the budget is not waited for."""
    api = make(rate_limit=0.01, rate_burst=1, retry_budget=5.0)
    api("get", "one")
    with pytest.raises(errors.RateLimitError, match="budget"):
        api("get", "two")
    assert clock.sleeps == []


@spec("CF-RETRY-6")
def test_post_is_retried_only_with_an_idempotency_key(make: MakeDriver, server: FaultServer) -> None:
    """Without a key a 503 to POST is final; with Idempotency-Key it is retried."""
    server.script("/orders", Reply(503), Reply(503))
    api = make()
    with pytest.raises(errors.ServerError):
        api("post", "orders", json={"n": 1})
    assert api("post", "orders", json={"n": 1}, headers={"Idempotency-Key": "abc"}).status == 200
    assert len(server.requests_to("/orders")) == 3


@spec("CF-RETRY-6")
def test_post_is_retried_when_it_never_reached_the_server(make: MakeDriver) -> None:
    """A refused connection means nothing was sent: POST is retried (and fails again here)."""
    api = make(base_url="http://127.0.0.1:9", max_retries=2)
    with pytest.raises(errors.NetworkError) as caught:
        api("post", "orders", json={})
    assert caught.value.attempts == 3


@spec("CF-RETRY-7")
def test_each_retry_fires_on_retry_and_logs(
    make: MakeDriver, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    """on_retry receives a RetryEvent per retry, and a warning is logged for each."""
    seen: list[events.RetryEvent] = []
    hooks = events.Hooks(on_retry=[seen.append])
    server.script("/h", Reply(500), Reply(503))
    caplog.set_level("WARNING")
    make(hooks=hooks)("get", "h")
    assert [(e.attempt, e.status, e.code) for e in seen] == [(1, 500, "SERVER_ERROR"), (2, 503, "SERVER_ERROR")]
    assert len([r for r in caplog.records if r.getMessage().startswith("retrying")]) == 2


@spec("CF-TIME-1", "CF-TIME-2")
def test_a_slow_answer_times_out_and_is_retried(make: MakeDriver, server: FaultServer) -> None:
    """A read timeout raises TIMEOUT (retryable); the per-call timeout overrides the settings."""
    server.script("/slow", Reply(200, {}, delay=0.3), Reply(200, {}, delay=0.3))
    api = make(max_retries=1)
    with pytest.raises(errors.RequestTimeoutError) as caught:
        api("request", "GET", "slow", timeout=0.05)
    assert caught.value.code is errors.ErrorCode.TIMEOUT
    assert caught.value.retryable
    assert caught.value.attempts == 2


@spec("CF-TIME-1")
def test_timeouts_default_to_thirty_seconds() -> None:
    """connect, read, write and pool timeouts are 30 s unless configured."""
    from ..api import Config

    config = Config()
    assert (config.timeout_connect, config.timeout_read, config.timeout_write, config.timeout_pool) == (30.0,) * 4
