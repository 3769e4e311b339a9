"""The circuit breaker end to end (CF-BREAK)."""

from __future__ import annotations

import pytest

from ..api import errors, events, testing
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec


@spec("CF-BREAK-1", "CF-BREAK-2")
def test_five_unhealthy_failures_open_the_circuit_and_calls_fail_fast(make: MakeDriver, server: FaultServer) -> None:
    """After 5 consecutive 5xx the next call raises CIRCUIT_OPEN without touching the network."""
    server.script("/x", *[Reply(500)] * 5)
    api = make(max_retries=0)
    for _ in range(5):
        with pytest.raises(errors.ServerError):
            api("get", "x")
    sent = len(server.received)
    with pytest.raises(errors.CircuitOpenError) as caught:
        api("get", "x")
    assert caught.value.code is errors.ErrorCode.CIRCUIT_OPEN
    assert caught.value.retry_after == pytest.approx(60.0)
    assert len(server.received) == sent


@spec("CF-BREAK-1")
def test_client_errors_and_429_do_not_open_the_circuit(make: MakeDriver, server: FaultServer) -> None:
    """404s and 429s show the API is up: they never count toward the threshold."""
    server.script("/y", *[Reply(404)] * 3, *[Reply(429)] * 3, Reply(500), Reply(500))
    api = make(max_retries=0)
    for _ in range(8):
        with pytest.raises(errors.HTTPStatusError):
            api("get", "y")
    assert api("get", "y").status == 200


@spec("CF-BREAK-3")
def test_after_the_cooldown_one_probe_decides(make: MakeDriver, server: FaultServer, clock: testing.FakeClock) -> None:
    """60 s later a probe goes out: a failure reopens the circuit, a success closes it."""
    server.script("/p", *[Reply(503)] * 6)
    api = make(max_retries=0)
    for _ in range(5):
        with pytest.raises(errors.ServerError):
            api("get", "p")
    clock.advance(60)
    with pytest.raises(errors.ServerError):
        api("get", "p")  # the probe fails: open again
    with pytest.raises(errors.CircuitOpenError):
        api("get", "p")
    clock.advance(60)
    assert api("get", "p").status == 200  # the probe succeeds: closed
    assert api("get", "p").status == 200


@spec("CF-BREAK-4")
def test_state_changes_are_logged_and_reported(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Hooks, metrics and the log hear closed->open->half_open->closed."""
    changes: list[events.BreakerChange] = []
    metrics = testing.InMemoryMetrics()
    server.script("/s", *[Reply(500)] * 5)
    api = make(max_retries=0, hooks=events.Hooks(on_breaker_change=[changes.append], metrics=metrics))
    caplog.set_level("WARNING")
    for _ in range(5):
        with pytest.raises(errors.ServerError):
            api("get", "s")
    clock.advance(61)
    api("get", "s")
    assert [(c.old, c.new) for c in changes] == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]
    assert metrics.counters["breaker_transitions"] == 3
    assert sum("circuit breaker" in r.getMessage() for r in caplog.records) == 3
