"""Pagination (CF-PAGE): every kind, laziness, the loop guard, and the origin check."""

from __future__ import annotations

import json

import pytest

from ..api import errors
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec

KINDS = {
    "offset": {"page_param": "offset", "page_size_param": "limit"},
    "page": {"page_param": "page", "page_size_param": "per_page"},
    "cursor": {"page_param": "cursor", "page_size_param": "limit", "next_path": "next_cursor"},
    "next_url": {"page_size_param": "limit", "next_path": "next"},
    "link_header": {"page_size_param": "limit"},
}


def _paged(make: MakeDriver, kind: str, **overrides: object):  # type: ignore[no-untyped-def]
    return make(pagination=kind, records_path="data", page_size=10, **{**KINDS[kind], **overrides})


@spec("CF-PAGE-1", "CF-PAGE-2")
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_reads_every_record_exactly_once(make: MakeDriver, server: FaultServer, kind: str) -> None:
    """45 records in pages of 10: five pages, each record once, in order."""
    api = _paged(make, kind)
    pages = api.collect("paginate", f"{kind}/items")
    assert [len(page) for page in pages] == [10, 10, 10, 10, 5]
    assert [record["id"] for record in api.collect("items", f"{kind}/items")] == list(range(45))


@spec("CF-PAGE-1")
def test_pages_are_fetched_lazily(server: FaultServer) -> None:
    """Taking the first page sends one request."""
    from ..api import Connector
    from ..conftest import settings_for

    settings = settings_for(server, pagination="cursor", records_path="data", page_size=10, **KINDS["cursor"])
    with Connector(settings) as api:
        first = next(iter(api.paginate("cursor/items")))
    assert len(first) == 10
    assert len(server.requests_to("/cursor/items")) == 1


@spec("CF-PAGE-3", "CF-PAGE-5")
def test_a_repeated_cursor_ends_pagination(make: MakeDriver, server: FaultServer) -> None:
    """A server that ignores the cursor and sends the first page again: its records come once, then it stops."""
    server.repeat_cursor = True
    pages = _paged(make, "cursor").collect("paginate", "cursor/items")
    assert [[record["id"] for record in page] for page in pages] == [list(range(10))]


@spec("CF-PAGE-5")
@pytest.mark.parametrize("kind", ["next_url", "link_header"])
def test_a_next_link_to_the_page_itself_is_a_cycle(make: MakeDriver, server: FaultServer, kind: str) -> None:
    """The first page's own URL counts as seen: a link back to it ends the walk after one request."""
    api = _paged(make, kind)
    url = f"{server.url}/{kind}/items?limit=10"
    if kind == "next_url":
        server.script("/next_url/items", Reply(200, {"data": [{"id": 1}], "next": url}))
    else:
        server.script("/link_header/items", Reply(200, {"data": [{"id": 1}]}, headers={"Link": f'<{url}>; rel="next"'}))
    assert api.collect("items", f"{kind}/items") == [{"id": 1}]
    assert len(server.requests_to(f"/{kind}/items")) == 1


def _alternating(server: FaultServer, *, honoured: bool) -> None:
    """Cursors A, B, A, ...: pages of their own when the API honours them, the first page again when not."""
    chunks = [list(range(0, 10)), list(range(10, 20)), list(range(20, 30)), list(range(30, 40))]
    replies = []
    for number, cursor in enumerate(["A", "B", "A", "B"]):
        ids = chunks[number] if honoured else chunks[0]
        replies.append(Reply(200, {"data": [{"id": n} for n in ids], "next_cursor": cursor}))
    server.script("/cursor/items", *replies)


@spec("CF-PAGE-5")
@pytest.mark.parametrize("honoured", [True, False], ids=["pages differ", "cursor ignored"])
def test_cursors_alternating_between_two_values_are_a_cycle(
    make: MakeDriver, server: FaultServer, honoured: bool
) -> None:
    """A, B, A: the walk stops at the first cursor seen before, and a page sent again is not read twice."""
    _alternating(server, honoured=honoured)
    ids = [record["id"] for record in _paged(make, "cursor").collect("items", "cursor/items")]
    assert ids == (list(range(30)) if honoured else list(range(10)))
    assert len(server.requests_to("/cursor/items")) == (3 if honoured else 2)


@spec("CF-PAGE-5")
def test_seen_cursors_survive_a_saved_state(make: MakeDriver, server: FaultServer) -> None:
    """PageState keeps every cursor seen: a walk resumed from JSON still stops at a cycle."""
    from ..api import pagination

    page = [Reply(200, {"data": [{"id": n}], "next_cursor": cursor}) for n, cursor in enumerate("ABA")]
    server.script("/cursor/items", *page)
    api = _paged(make, "cursor")
    second = api.collect("pages", "cursor/items")[1]
    state = pagination.PageState.from_json(json.loads(json.dumps(second.next.to_json())))
    assert state == second.next
    assert set(state.seen) == {"A", "B"}
    server.script("/cursor/items", Reply(200, {"data": [{"id": 2}], "next_cursor": "A"}))
    rest = api.collect("pages", "cursor/items", resume=state)
    assert [record["id"] for done in rest for record in done.records] == [2]
    assert server.requests_to("/cursor/items")[-1].query["cursor"] == ["B"]


@spec("CF-PAGE-3")
def test_max_pages_and_empty_pages_end_pagination(make: MakeDriver, server: FaultServer) -> None:
    """max_pages caps the walk; an empty page ends it."""
    assert len(_paged(make, "cursor", max_pages=2).collect("paginate", "cursor/items")) == 2
    server.records = []
    assert _paged(make, "offset").collect("paginate", "offset/items") == []


@spec("CF-PAGE-4")
def test_next_urls_on_another_origin_are_refused(make: MakeDriver, server: FaultServer) -> None:
    """A next link to another host raises before anything is sent there."""
    server.script("/next_url/items", Reply(200, {"data": [{"id": 1}], "next": "https://evil.example.com/steal"}))
    with pytest.raises(errors.ValidationError, match="another origin"):
        _paged(make, "next_url").collect("paginate", "next_url/items")


@spec("CF-PAGE-1")
def test_pages_can_resume_from_a_saved_state(make: MakeDriver, server: FaultServer) -> None:
    """pages() yields the state after each page; resuming from it continues where it stopped."""
    from ..api import pagination

    api = _paged(make, "cursor")
    first = api.collect("pages", "cursor/items")[1]
    state = pagination.PageState.from_json(first.next.to_json())
    rest = api.collect("pages", "cursor/items", resume=state)
    assert [record["id"] for page in rest for record in page.records] == list(range(20, 45))


@spec("CF-PAGE-8")
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_page_spec_pages_one_endpoint_its_own_way(make: MakeDriver, server: FaultServer, kind: str) -> None:
    """With pagination off in the settings, a PageSpec pages one endpoint by its own kind, fields and headers."""
    from ..api import pagination

    api = make(records_path="elsewhere", page_size=3)  # the settings say: one page, records elsewhere
    page_spec = pagination.PageSpec(kind=kind, records_path="data", page_size=10, **KINDS[kind])  # type: ignore[arg-type]
    pages = api.collect("paginate", f"{kind}/items", spec=page_spec, headers={"X-Tenant": "t-1"})
    assert [len(page) for page in pages] == [10, 10, 10, 10, 5]
    received = server.requests_to(f"/{kind}/items")
    assert len(received) == 5
    assert {request.headers.get("X-Tenant") for request in received} == {"t-1"}


@spec("CF-PAGE-8")
def test_a_page_spec_sets_where_numbering_starts(make: MakeDriver, server: FaultServer) -> None:
    """A PageSpec's start is the first page asked for (APIs number pages from 0 or 1), then 3, 4..."""
    from ..api import pagination

    server.records = [{"id": number} for number in range(25)]
    page_spec = pagination.PageSpec(kind="page", records_path="data", page_param="page", page_size_param="per_page",
                                    page_size=10, start=2)  # fmt: skip
    api = make(pagination="page", page_param="p", page_size=5)
    pages = api.collect("paginate", "page/items", spec=page_spec)
    assert [request.query["page"] for request in server.requests_to("/page/items")] == [["2"], ["3"]]
    assert [record["id"] for page in pages for record in page] == list(range(10, 25))
