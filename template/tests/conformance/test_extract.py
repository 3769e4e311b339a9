"""Long walks (CF-PAGE-6): faults lose nothing."""

from __future__ import annotations

from typing import Any

import pytest

from ..api import errors, testing
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec

CURSOR = {
    "pagination": "cursor",
    "records_path": "data",
    "page_size": 100,
    "page_param": "cursor",
    "page_size_param": "limit",
    "next_path": "next_cursor",
}


def _chaos(server: FaultServer) -> None:
    """10 000 records; 20 % 503s, 5 % resets, 5 % 429s; after 40 pages, seven 503s in a row."""
    server.records = [{"id": n} for n in range(10_000)]
    server.chaos(server_errors=0.20, resets=0.05, rate_limits=0.05, seed=11)
    server.script_after("/cursor/items", 40, *[Reply(503, {"message": "down"})] * 7)


def _breaker_opened(events: list[Any]) -> bool:
    return any(change.new == "open" for change in events)


@spec("CF-PAGE-6")
def test_a_walk_under_faults_with_default_settings_reads_every_record_once(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """10 000 records through 5xx, resets, 429s and a burst that opens the breaker: none lost, none twice."""
    from ..api import events

    _chaos(server)
    changes: list[Any] = []
    api = make(hooks=events.Hooks(on_breaker_change=[changes.append]), **CURSOR)  # every other setting: default
    ids = [record["id"] for record in api.collect("items", "cursor/items")]
    assert len(ids) == 10_000
    assert sorted(ids) == list(range(10_000))
    assert _breaker_opened(changes)  # the burst really opened the circuit, and the walk waited it out
    assert len(server.requests_to("/cursor/items")) > 130  # the faults happened: 100 pages took many more calls
    assert any(wait >= 59 for wait in clock.sleeps)  # it slept until the circuit half-opened (cool-down 60 s)


@spec("CF-PAGE-6")
def test_single_calls_still_fail_fast_while_the_circuit_is_open(make: MakeDriver, server: FaultServer) -> None:
    """Only walks wait out an open circuit: a plain call raises CircuitOpenError at once."""
    server.script("/down", *[Reply(503)] * 5)
    api = make(max_retries=4)
    with pytest.raises(errors.ServerError):
        api("get", "down")
    before = len(server.received)
    with pytest.raises(errors.CircuitOpenError):
        api("get", "down")
    assert len(server.received) == before
