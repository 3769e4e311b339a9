"""Rate limiting end to end (CF-RATE)."""

from __future__ import annotations

import threading

import pytest

from ..api import Connector, bucket, events, testing
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
    api("request", "GET", "costly", cost=5.0)
    assert clock.sleeps
    assert clock.sleeps[0] > 0
