"""paginate_concurrently: every record once and in order, pages in flight together, errors kept."""

from __future__ import annotations

from typing import Any

import pytest

from .api import errors, events, testing
from .conftest import Driver, MakeDriver
from .server import FaultServer, Reply

KINDS = {
    "offset": {"page_param": "offset", "page_size_param": "limit"},
    "page": {"page_param": "page", "page_size_param": "per_page"},
}


def _paged(make: MakeDriver, kind: str, **overrides: Any) -> Driver:
    settings: dict[str, Any] = {"pagination": kind, "records_path": "data", "page_size": 10, "total_path": "total"}
    return make(**{**settings, **KINDS[kind], **overrides})


def _ids(pages: list[list[dict[str, Any]]]) -> list[int]:
    return [record["id"] for page in pages for record in page]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_record_arrives_once_and_in_order(make: MakeDriver, server: FaultServer, kind: str) -> None:
    """45 records in pages of 10, three pages at a time: five pages, in order, one request each."""
    pages = _paged(make, kind).collect("paginate_concurrently", f"{kind}/items", concurrency=3)
    assert [len(page) for page in pages] == [10, 10, 10, 10, 5]
    assert _ids(pages) == list(range(45))
    assert len(server.requests_to(f"/{kind}/items")) == 5


def test_planned_pages_are_in_flight_together(make: MakeDriver, server: FaultServer) -> None:
    """With a slow server, several pages after the first are fetched at the same time."""
    server.collection_delay = 0.2
    pages = _paged(make, "page").collect("paginate_concurrently", "page/items", concurrency=4)
    assert _ids(pages) == list(range(45))
    assert server.peak_in_flight >= 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"total_path": ""},
        {"pagination": "cursor", "page_param": "cursor", "page_size_param": "limit", "next_path": "next_cursor"},
    ],
    ids=["no total_path", "cursor kind"],
)
def test_without_a_plan_it_pages_one_by_one(make: MakeDriver, server: FaultServer, overrides: dict[str, str]) -> None:
    """No total to plan from: the same pages as paginate, never two requests at once."""
    server.collection_delay = 0.02
    api = _paged(make, "page", **overrides)
    path = f"{overrides.get('pagination', 'page')}/items"
    assert api.collect("paginate_concurrently", path, concurrency=4) == api.collect("paginate", path)
    assert server.peak_in_flight == 1


def test_max_pages_counts_the_first_page(make: MakeDriver, server: FaultServer) -> None:
    """max_pages=3 fetches three pages, however many the total promises."""
    pages = _paged(make, "offset", max_pages=3).collect("paginate_concurrently", "offset/items")
    assert _ids(pages) == list(range(30))
    assert len(server.requests_to("/offset/items")) == 3


@pytest.mark.parametrize(("records", "expected"), [(7, [7]), (0, [])])
def test_a_short_or_empty_first_page_ends_the_walk(
    make: MakeDriver, server: FaultServer, records: int, expected: list[int]
) -> None:
    """A first page shorter than the page size is the only page; an empty one yields nothing."""
    server.records = server.records[:records]
    pages = _paged(make, "page").collect("paginate_concurrently", "page/items")
    assert [len(page) for page in pages] == expected
    assert len(server.requests_to("/page/items")) == 1


def test_a_total_that_is_not_a_number_falls_back_to_paging_one_by_one(make: MakeDriver, server: FaultServer) -> None:
    """A total of "many" cannot plan pages: the walk goes on page by page and still ends."""
    first = Reply(200, {"data": [{"id": n} for n in range(10)], "total": "many"})
    server.script("/page/items", first)
    pages = _paged(make, "page").collect("paginate_concurrently", "page/items")
    assert _ids(pages) == list(range(10)) + list(range(10, 45))


def test_a_failed_page_raises_its_error(make: MakeDriver, server: FaultServer) -> None:
    """A planned page answered with 404 raises NotFoundError, as paginate would."""
    first = Reply(200, {"data": [{"id": n} for n in range(10)], "total": 45})
    server.script("/page/items", first, Reply(404, {"message": "gone"}))
    with pytest.raises(errors.NotFoundError):
        _paged(make, "page").collect("paginate_concurrently", "page/items", concurrency=4)


def test_the_rate_limiter_holds_the_planned_pages(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """At 1 request/s with a burst of 1, five pages cannot all go out before 4 s have passed."""
    throttled: list[events.ThrottleEvent] = []
    hooks = events.Hooks(on_throttle=[throttled.append])
    started = clock.now()
    api = _paged(make, "page", rate_limit=1.0, rate_burst=1.0, hooks=hooks)
    pages = api.collect("paginate_concurrently", "page/items", concurrency=4)
    assert _ids(pages) == list(range(45))
    assert throttled
    assert clock.now() - started >= 4.0


def test_a_concurrency_below_one_is_refused_before_sending(make: MakeDriver, server: FaultServer) -> None:
    """concurrency=0 raises ValidationError and sends nothing."""
    with pytest.raises(errors.ValidationError, match="concurrency"):
        _paged(make, "page").collect("paginate_concurrently", "page/items", concurrency=0)
    assert server.requests_to("/page/items") == []
