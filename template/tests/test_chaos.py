"""Extraction under faults: 20 % random 503s, 5 % connection resets and a 429 storm lose nothing."""

from __future__ import annotations

import random

from .api import Connector, errors, pagination, testing
from .conftest import settings_for
from .server import FaultServer, Reply


def test_a_faulty_api_yields_every_record_exactly_once(server: FaultServer) -> None:
    """10 000 records in pages of 100 come through intact, resuming from the last page state on failure."""
    server.records = [{"id": n, "name": f"record {n}"} for n in range(10_000)]
    server.chaos(server_errors=0.20, resets=0.05, seed=11)
    storm = Reply(429, {"message": "slow down"}, headers={"Retry-After": "2"})
    server.script("/cursor/items", *[storm] * 3)  # a 429 storm on the first page
    clock = testing.FakeClock()
    settings = settings_for(
        server,
        pagination="cursor",
        records_path="data",
        page_size=100,
        page_param="cursor",
        page_size_param="limit",
        next_path="next_cursor",
        max_retries=6,
        retry_budget=3600.0,
    )
    seen: list[int] = []
    state: pagination.PageState | None = None
    restarts = 0
    with Connector(settings, clock=clock, rng=random.Random(3)) as api:
        while True:
            try:
                for page in api.pages("cursor/items", resume=state):
                    seen.extend(record["id"] for record in page.records)  # type: ignore[index]
                    state = page.next
                break
            except errors.ConnectorError:
                restarts += 1
                assert restarts < 20
                clock.advance(api.core.breaker.retry_in(clock.now()))
    assert len(seen) == 10_000
    assert sorted(seen) == list(range(10_000))
    faults = [r for r in server.received if r.path == "/cursor/items"]
    assert len(faults) > 110  # the faults really happened: 100 pages took many more requests
    assert 2.0 in clock.sleeps  # and the storm's Retry-After was honoured
