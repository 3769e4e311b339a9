"""Page recovery (CF-PAGE-6): the policy alone, then walks against the fault server when it runs out.

The 10 000-record walks under faults are in ``conformance/test_extract.py``.
"""

from __future__ import annotations

import random

import pytest

from .api import errors, resilience, testing
from .conftest import MakeDriver
from .server import FaultServer, Reply

CURSOR = {"pagination": "cursor", "records_path": "data", "page_size": 10, "next_path": "next_cursor"}
CURSOR.update({"page_param": "cursor", "page_size_param": "limit"})


def _recovery(budget: float = 900.0) -> resilience.PageRecovery:
    retry = resilience.RetryPolicy(max_retries=3, initial=1.0, multiplier=2.0, maximum=30.0, rng=random.Random(1))
    return resilience.PageRecovery(budget=budget, retry=retry)


@pytest.mark.parametrize(
    ("error", "circuit_wait", "low", "high"),
    [
        (errors.ServerError("503", status=503, retryable=True), 0.0, 4.0, 8.0),  # backoff of retry 4: cap 8
        (errors.NetworkError("reset"), 0.0, 4.0, 8.0),
        (errors.ServerError("503", status=503, retryable=True), 42.0, 42.0, 42.0),  # until the circuit half-opens
        (errors.CircuitOpenError("open", retry_after=60.0), 60.0, 60.0, 60.0),
        (errors.RateLimitError("429", status=429, retry_after=120.0), 0.0, 120.0, 120.0),
        (errors.RateLimitError("local quota", retryable=False, retry_after=30.0), 0.0, 30.0, 30.0),
    ],
    ids=["5xx", "network", "5xx, circuit open", "circuit open", "429", "local limiter"],
)
def test_recovery_waits_for_the_longest_of_backoff_circuit_and_retry_after(
    error: errors.ConnectorError, circuit_wait: float, low: float, high: float
) -> None:
    """The wait continues the call's backoff, and is never shorter than the circuit or Retry-After asks."""
    delay = _recovery().after_failure(error, now=0.0, circuit_wait=circuit_wait)
    assert delay is not None
    assert low <= delay <= high


@pytest.mark.parametrize(
    "error",
    [
        errors.AuthError("401", status=401),
        errors.NotFoundError("404", status=404),
        errors.InvalidRequestError("400", status=400),
        errors.ServerError("501", status=501, retryable=False),
        errors.ParsingError("bad JSON"),
        errors.ValidationError("another origin"),
        errors.CancelledError("hook"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_recovery_gives_up_at_once_on_errors_that_waiting_cannot_fix(error: errors.ConnectorError) -> None:
    """A request that must change, or a page that cannot be read, ends the walk with its error."""
    assert _recovery().after_failure(error, now=0.0, circuit_wait=60.0) is None


def test_recovery_time_is_summed_over_the_walk_until_the_budget_is_spent() -> None:
    """Each page's time from first failure to success is spent; a wait past the budget is refused."""
    recovery = _recovery(budget=100.0)
    outage = errors.CircuitOpenError("open", retry_after=60.0)
    assert recovery.after_failure(outage, now=0.0, circuit_wait=60.0) == 60.0
    recovery.succeeded(now=61.0)
    recovery.succeeded(now=500.0)  # a page read with no failure spends nothing
    assert recovery.spent == 61.0
    assert recovery.left(now=500.0) == 39.0
    again = errors.CircuitOpenError("open")
    assert recovery.after_failure(again, now=600.0, circuit_wait=30.0) == 30.0  # 61 + 30 <= 100
    assert recovery.left(now=610.0) == 29.0  # the current recovery counts too
    assert recovery.after_failure(again, now=630.0, circuit_wait=20.0) is None  # 61 + 30 + 20 > 100
    assert _recovery(budget=0.0).after_failure(outage, now=0.0, circuit_wait=1.0) is None


def test_a_page_down_longer_than_the_budget_ends_the_walk_with_its_error(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """Page 2 answers 503 for good: the walk waits about its budget, then raises the page's error."""
    server.script_after("/cursor/items", 1, *[Reply(503)] * 500)
    api = make(page_recovery_budget=300.0, **CURSOR)
    started = clock.now()
    with pytest.raises(errors.ServerError):
        api.collect("items", "cursor/items")
    assert 200.0 < clock.now() - started <= 300.0 + 60.0  # the budget, plus the last call's own retries
    assert server.requests_to("/cursor/items")[-1].query["cursor"] == ["10"]


def test_a_budget_of_zero_makes_a_walk_fail_like_a_single_call(make: MakeDriver, server: FaultServer) -> None:
    """page_recovery_budget=0: the page's retries run out and the error is raised; nothing is fetched again."""
    server.script("/cursor/items", *[Reply(503)] * 4)
    with pytest.raises(errors.ServerError):
        make(page_recovery_budget=0.0, **CURSOR).collect("items", "cursor/items")
    assert len(server.requests_to("/cursor/items")) == 4


def test_a_walk_does_not_wait_on_an_error_it_cannot_outlast(make: MakeDriver, server: FaultServer) -> None:
    """A 404 in the middle of a walk is raised at once, after one request."""
    server.script_after("/cursor/items", 1, Reply(404, {"message": "gone"}))
    with pytest.raises(errors.NotFoundError):
        make(**CURSOR).collect("items", "cursor/items")
    assert len(server.requests_to("/cursor/items")) == 2


def test_concurrent_pages_recover_too(make: MakeDriver, server: FaultServer, clock: testing.FakeClock) -> None:
    """paginate_concurrently fetches a planned page again after its retries ran out."""
    server.script_after("/offset/items", 1, *[Reply(503)] * 4)
    settings = {"pagination": "offset", "records_path": "data", "page_size": 10, "page_param": "offset"}
    api = make(total_path="total", page_size_param="limit", **settings)
    pages = api.collect("paginate_concurrently", "offset/items", concurrency=1)
    assert sorted(record["id"] for page in pages for record in page) == list(range(45))
    assert len(server.requests_to("/offset/items")) == 5 + 4
