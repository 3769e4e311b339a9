"""Rate limiting end to end (CF-RATE)."""

from __future__ import annotations

import logging
import threading

import pytest

from ..api import PACKAGE, Connector, bucket, errors, events, testing
from ..conftest import MakeDriver, settings_for
from ..server import FaultServer, Reply

spec = pytest.mark.spec


@spec("CF-RATE-1")
def test_the_bucket_holds_requests_back_instead_of_failing(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """Rate 2/s with burst 2: five calls all succeed, the last three after waits of 0.5 s each."""
    throttled: list[events.ThrottleEvent] = []
    api = make(rate_limit=2.0, rate_burst=2.0, hooks=events.Hooks(on_throttle=[throttled.append]))
    for _ in range(5):
        assert api("get", "r").status == 200
    assert clock.sleeps == [0.5, 0.5, 0.5]
    assert len(throttled) == 3


@spec("CF-RATE-2")
def test_a_daily_quota_spaces_calls_across_the_day(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """With 3 calls per day, the fourth waits until the first leaves the 24 h window."""
    api = make(quota_per_day=3, retry_budget=200_000.0)
    for _ in range(4):
        api("get", "q")
    assert clock.sleeps == [pytest.approx(86_400.0)]


@spec("CF-RATE-3")
def test_remaining_zero_in_headers_waits_for_the_reset(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """X-RateLimit-Remaining: 0 with Reset: 5 makes the next call wait 5 s; IETF headers too."""
    server.script("/a", Reply(200, {}, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "5"}))
    server.script("/b", Reply(200, {}, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": "3"}))
    api = make()
    api("get", "a")
    api("get", "a")
    api("get", "b")
    api("get", "b")
    assert clock.sleeps == [pytest.approx(5.0), pytest.approx(3.0)]


@spec("CF-RATE-4")
def test_a_429_pauses_every_call_of_the_connector(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """After 429 Retry-After: 4 on one path, a call to another path also waits."""
    server.script("/busy", Reply(429, headers={"Retry-After": "4"}))
    api = make(max_retries=0)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the 429 itself
        api("get", "busy")
    api("get", "other")
    assert clock.sleeps == [pytest.approx(4.0)]


@spec("CF-RATE-5")
def test_no_more_than_max_concurrency_requests_are_in_flight(server: FaultServer) -> None:
    """Eight threads, max_concurrency=3: the server never sees more than three at once."""
    for _ in range(8):
        server.script("/c", Reply(200, {}, delay=0.1))
    api = Connector(settings_for(server, max_concurrency=3))
    threads = [threading.Thread(target=api.get, args=("c",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    api.disconnect()
    assert len(server.requests_to("/c")) == 8
    assert server.peak_in_flight == 3


@spec("CF-RATE-6")
def test_api_specific_headers_and_costs_plug_in(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """A custom header parser drives the limiter, and a call can cost more than one token."""

    def parse(headers: object, wall: float) -> bucket.RateLimitStatus | None:
        value = headers.get("X-Acme-Calls-Left")  # type: ignore[attr-defined]
        return bucket.RateLimitStatus(remaining=float(value), reset_after=2.0) if value is not None else None

    server.script("/h", Reply(200, {}, headers={"X-Acme-Calls-Left": "0"}))
    api = make(rate_limit=1.0, rate_burst=10.0)
    api.connector.core.limiter.header_parser = parse
    api("get", "h")
    api("request", "GET", "h", cost=1.0)
    assert clock.sleeps == [pytest.approx(2.0)]
    clock.sleeps.clear()
    api("request", "GET", "costly", cost=9.0)  # the 9 tokens the bucket holds: no wait
    api("request", "GET", "costly", cost=3.0)  # 3 more at 1 a second
    assert clock.sleeps == [pytest.approx(3.0)]


@spec("CF-RATE-7")
def test_rate_limit_alone_never_sends_more_than_n_in_any_second(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """rate_limit=5: five calls at once, then each a second after the answer that freed its place."""
    sent: list[float] = []
    api = make(rate_limit=5.0, hooks=events.Hooks(before_request=[lambda request: sent.append(clock.now())]))
    for _ in range(12):
        api("get", "r")
    assert sent[4] == sent[0]  # no wait for the first five
    assert all(later - first >= 1.0 for first, later in zip(sent, sent[5:], strict=False))


@spec("CF-RATE-7")
def test_rate_burst_opts_into_a_bucket_that_starts_full(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """rate_limit=5 with rate_burst=5: the full bucket and its refill send nine calls within the first second."""
    sent: list[float] = []
    api = make(rate_limit=5.0, rate_burst=5.0, hooks=events.Hooks(before_request=[lambda r: sent.append(clock.now())]))
    for _ in range(9):
        api("get", "r")
    assert sent[8] - sent[0] == pytest.approx(0.8)


@spec("CF-RATE-8")
def test_concurrent_calls_share_the_remaining_count_the_api_reports(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """Remaining 3, reset beyond the budget: of six concurrent calls three are sent, three fail without sending."""

    def reply(left: int, delay: float = 0.3) -> Reply:
        return Reply(200, {}, headers={"X-RateLimit-Remaining": str(left), "X-RateLimit-Reset": "1000"}, delay=delay)

    server.script("/q", reply(3, delay=0.0), *(reply(left) for left in (2, 1, 0, 0, 0, 0)))
    api = make()
    api("get", "q")  # its answer reports the count
    refused: list[errors.RateLimitError] = []

    def call() -> None:
        try:
            api("get", "q")
        except errors.RateLimitError as error:
            refused.append(error)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.requests_to("/q")) == 1 + 3
    assert len(refused) == 3
    assert all(error.status is None and error.retry_after == pytest.approx(1000.0) for error in refused)


@spec("CF-RATE-9")
def test_resets_in_seconds_unix_seconds_and_unix_milliseconds_are_each_waited_for(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """Remaining 0 with a reset of 5 s given three ways: each next call waits 5 s."""
    wall = clock.wall()
    resets = ["5", f"{wall + 10:.0f}", f"{(wall + 15) * 1000:.0f}"]  # each answer comes 5 s after the last
    server.script(
        "/r", *(Reply(200, {}, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": r}) for r in resets)
    )
    api = make()
    for _ in range(4):
        api("get", "r")
    assert clock.sleeps == [pytest.approx(5.0)] * 3


@spec("CF-RATE-9")
def test_a_reset_that_makes_no_sense_is_ignored_with_one_warning(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A reset in microseconds (about 1.8e15) holds nothing, and the warning is logged once, not per call."""
    nonsense = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": f"{clock.wall() * 1e6:.0f}"}
    server.script("/r", *[Reply(200, {}, headers=nonsense)] * 3)
    api = make()
    with caplog.at_level(logging.WARNING, logger=PACKAGE):
        for _ in range(4):
            api("get", "r")
    assert clock.sleeps == []
    assert len([record for record in caplog.records if "rate-limit reset" in record.getMessage()]) == 1


@spec("CF-RATE-9")
def test_a_reset_beyond_the_retry_budget_fails_at_once_instead_of_waiting(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """Remaining 0 until a reset 3000 s away, with a 60 s budget: RateLimitError at once, nothing sent or slept."""
    server.script("/r", Reply(200, {}, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "3000"}))
    api = make()
    api("get", "r")
    with pytest.raises(errors.RateLimitError) as caught:
        api("get", "r")
    assert caught.value.retry_after == pytest.approx(3000.0)
    assert clock.sleeps == []
    assert len(server.requests_to("/r")) == 1
