"""The paginator alone (CF-PAGE-5, CF-SEC-7): cycles, stop reasons and stripped credentials, no server."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from .api import Config, pagination, redaction, response

BASE = "https://api.example.com"
KEY = "key-0a9f-PLANTED"


def _settings(**overrides: Any) -> Config:
    values: dict[str, Any] = {"base_url": BASE, "records_path": "data", "page_size": 2, "next_path": "next"}
    values.update({"page_param": "cursor", "page_size_param": "limit"})
    return Config(**{**values, **overrides})


def _answer(data: Any, url: str = "", link: str | None = None) -> response.Response:
    headers = httpx.Headers({"link": link} if link else {})
    return response.Response(200, headers, data, response.ResponseMeta(0.0, 1, "c"), url)


def _walk(pager: pagination.Paginator, answers: list[response.Response]) -> list[Any]:
    """Feed ``answers`` in turn; return the records read, stopping where the paginator stops."""
    read: list[Any] = []
    for answer in answers:
        records, request = pager.advance(answer)
        read += records
        if request is None:
            break
    return read


def test_the_key_is_dropped_from_the_callers_params_and_a_saved_state() -> None:
    """api_key_query: the parameter never enters a PageRequest; the auth flow adds it when sending."""
    settings = _settings(auth="api_key_query", auth_param_name="api_key", api_key=KEY, pagination="cursor")
    pager = pagination.Paginator("cursor", "items", {"api_key": KEY, "q": "x"}, settings)
    assert pager.first().params == {"q": "x", "limit": 2}
    old = pagination.PageState(pagination.PageRequest(f"{BASE}/items?cursor=2&api_key={KEY}"), 0, 1)
    restored = pagination.Paginator("next_url", "items", None, settings).restore(old)
    assert restored.path == f"{BASE}/items?cursor=2"


def test_a_parameter_holding_any_known_secret_is_stripped_from_next_urls() -> None:
    """A bearer token echoed as ?access_token= is removed too: the redactor knows it."""
    settings = _settings(auth="bearer", token=KEY, pagination="next_url")
    pager = pagination.Paginator("next_url", "items", None, settings, redactor=redaction.Redactor([KEY]))
    pager.first()
    _, request = pager.advance(_answer({"data": [1, 2], "next": f"{BASE}/items?page=2&access_token={KEY}"}))
    assert request is not None
    assert request.path == f"{BASE}/items?page=2"
    assert KEY not in repr(pager.state(request))


@pytest.mark.parametrize(
    ("kind", "answers", "read", "reason"),
    [
        (
            "next_url",
            [_answer({"data": [1, 2], "next": "items?limit=2"}, f"{BASE}/items?limit=2")],
            [1, 2],
            "cycle: the next URL points to a page already read",
        ),
        (
            "link_header",  # the same page, its parameters in another order
            [
                _answer({"data": [1, 2]}, f"{BASE}/items?a=1&limit=2", f'<{BASE}/items?b=2>; rel="next"'),
                _answer({"data": [3, 4]}, f"{BASE}/items?b=2", f'<{BASE}/items?limit=2&a=1>; rel="next"'),
            ],
            [1, 2, 3, 4],
            "cycle: the next URL points to a page already read",
        ),
        (
            "cursor",
            [_answer({"data": [n, n + 1], "next": c}) for n, c in ((1, "A"), (3, "B"), (5, "A"))],
            [1, 2, 3, 4, 5, 6],
            "cycle: the cursor points to a page already read",
        ),
        ("cursor", [_answer({"data": [1, 2], "next": c}) for c in "AB"], [1, 2], "repeated page"),
        ("offset", [_answer({"data": [1, 2]}), _answer({"data": [1, 2]})], [1, 2], "repeated page"),
        ("cursor", [_answer({"data": [1, 2], "next": None})], [1, 2], "no cursor"),
    ],
    ids=["link to itself", "same page reordered", "cursor A-B-A", "cursor ignored", "offset ignored", "last page"],
)
def test_each_way_a_walk_ends_has_its_stop_reason(
    kind: str, answers: list[response.Response], read: list[int], reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Cycles and repeated pages stop the walk without reading a page twice, and say so at WARNING."""
    caplog.set_level(logging.DEBUG)
    pager = pagination.Paginator(kind, "items", None, _settings(pagination=kind))  # type: ignore[arg-type]
    pager.first()
    assert _walk(pager, answers) == read
    assert pager.stop_reason == reason
    warned = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    expected = [] if reason == "no cursor" else [f"pagination of items stopped after {len(answers)} pages: {reason}"]
    assert warned == expected


def test_a_starting_cursor_counts_as_seen() -> None:
    """A walk that starts at cursor A and is sent back to A stops there."""
    pager = pagination.Paginator("cursor", "items", {"cursor": "A"}, _settings(pagination="cursor"))
    pager.first()
    assert _walk(pager, [_answer({"data": [1, 2], "next": "A"})]) == [1, 2]
    assert pager.stop_reason.startswith("cycle")


def test_seen_is_bounded_by_max_pages() -> None:
    """Every cursor is kept, but a walk never reads more than max_pages pages, so seen stays that small."""
    pager = pagination.Paginator("cursor", "items", None, _settings(pagination="cursor", max_pages=5))
    pager.first()
    answers = [_answer({"data": [n, -n], "next": f"c{n}"}) for n in range(1, 20)]
    assert len(_walk(pager, answers)) == 10
    assert pager.stop_reason == "max_pages reached"
    assert len(pager.state(pagination.PageRequest("items")).seen) <= 5
