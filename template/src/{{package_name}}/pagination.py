"""Paginators: small state machines that say which page to ask for next, with the loop guard.

A paginator never sends anything. The connector asks `Paginator.first`, sends it, passes the
response to `Paginator.records` and `Paginator.next`, and stops when `next` returns None.

Every paginator terminates (CF-PAGE-3): on an empty page, on a short page (offset and page
kinds), on a cursor or next URL seen before, when there is no next link, or after ``max_pages``.
Next URLs on another origin than the base URL are refused, so credentials never leave the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from .errors import ParsingError, ValidationError
from .response import JSONValue, Response
from .settings import ConnectorSettings, PaginationKind
from .transport import ParamValue, QueryParams

__all__ = ["PageRequest", "Paginator", "dig"]


@dataclass(frozen=True)
class PageRequest:
    """One page to fetch: a path (or absolute URL on the API's origin) and its query parameters."""

    path: str
    params: dict[str, ParamValue] = field(default_factory=dict)


def dig(data: JSONValue, path: str) -> JSONValue:
    """Return the value at a dotted ``path`` in decoded JSON (``""`` is the whole body), or None."""
    if not path:
        return data
    current = data
    for key in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(key)
    return current


class Paginator:
    """Walks the pages of one list endpoint.

    Args:
        kind: How the API pages: none, offset, page, cursor, next_url or link_header.
        path: The list endpoint.
        params: Query parameters of the first request.
        settings: Field and parameter names, page size and ``max_pages``.
    """

    def __init__(
        self, kind: PaginationKind, path: str, params: QueryParams | None, settings: ConnectorSettings
    ) -> None:
        self.kind = kind
        self.path = path
        self.params = dict(params or {})
        self.settings = settings
        self.pages = 0
        self.stop_reason = ""
        self._position = 0
        self._seen: set[str] = set()
        self._origin = httpx.URL(settings.base_url)

    def first(self) -> PageRequest:
        """Return the request for the first page."""
        params = dict(self.params)
        if self.kind != "none" and self.settings.page_size_param:
            params.setdefault(self.settings.page_size_param, self.settings.page_size)
        if self.kind == "offset":
            self._position = int(str(params.get(self.settings.page_param) or 0))
            params[self.settings.page_param] = self._position
        elif self.kind == "page":
            self._position = int(str(params.get(self.settings.page_param) or 1))
            params[self.settings.page_param] = self._position
        self.params = params
        return PageRequest(self.path, params)

    def records(self, response: Response) -> list[JSONValue]:
        """Return the records of a page; raise `ParsingError` if they are not a list."""
        found = dig(response.data, self.settings.records_path)
        if not isinstance(found, list):
            where = self.settings.records_path or "the body"
            raise ParsingError(f"expected a list of records at {where!r}, got {type(found).__name__}")
        return found

    def next(self, response: Response, records: list[JSONValue]) -> PageRequest | None:
        """Return the request for the page after ``response``, or None when there is none."""
        self.pages += 1
        if self.kind == "none":
            return self._stop("single page")
        if not records:
            return self._stop("empty page")
        if self.pages >= self.settings.max_pages:
            return self._stop("max_pages reached")
        if self.kind in ("offset", "page"):
            if self.settings.page_size_param and len(records) < self.settings.page_size:
                return self._stop("short page")
            self._position += len(records) if self.kind == "offset" else 1
            return PageRequest(self.path, {**self.params, self.settings.page_param: self._position})
        if self.kind == "cursor":
            cursor = dig(response.data, self.settings.next_path)
            if cursor in (None, "") or isinstance(cursor, (dict, list)):
                return self._stop("no cursor")
            return self._once(str(cursor), PageRequest(self.path, {**self.params, self.settings.page_param: cursor}))
        if self.kind == "next_url":
            url = dig(response.data, self.settings.next_path)
            if not isinstance(url, str) or not url:
                return self._stop("no next URL")
            return self._once(url, PageRequest(self._same_origin(url, response.url)))
        link = response.headers.get("link")
        url = httpx.Response(200, headers={"link": link}).links.get("next", {}).get("url") if link else None
        if not url:
            return self._stop("no next link")
        return self._once(url, PageRequest(self._same_origin(url, response.url)))

    def _once(self, key: str, request: PageRequest) -> PageRequest | None:
        if key in self._seen:
            return self._stop("repeated cursor")
        self._seen.add(key)
        return request

    def _same_origin(self, url: str, current: str) -> str:
        absolute = httpx.URL(current).join(url) if current else httpx.URL(url)
        origin = (absolute.scheme, absolute.host, absolute.port)
        if origin != (self._origin.scheme, self._origin.host, self._origin.port):
            raise ValidationError(f"next page is on another origin ({absolute.host}); refusing to follow it")
        return str(absolute)

    def _stop(self, reason: str) -> PageRequest | None:
        self.stop_reason = reason
        return None
