"""Paginators: small state machines that say which page to ask for next, with the loop guard.

A paginator never sends anything. The connector asks `Paginator.first`, sends it, passes the
response to `Paginator.advance` (`records`, then `next`), and stops when no next request comes.

Every paginator terminates (CF-PAGE-3): on an empty page, on a short page (offset and page
kinds), on a cursor or next URL seen before, when there is no next link, or after ``max_pages``.
Next URLs on another origin than the base URL are refused, so credentials never leave the API.

Cycles (CF-PAGE-5): every cursor and next URL read is kept (at most ``max_pages``), the first
page's own URL or starting cursor included, and one seen before ends the walk. A page whose
records equal the previous page's also ends it, unread: the API ignored the cursor or offset.

Credentials (CF-SEC-7): an API may echo the key in the next links it sends. The credential
parameter, and any parameter holding a secret, is stripped from every URL a paginator keeps, so
that `Page`, `PageState` and checkpoints never hold it; the auth flow adds it again when sending.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass, field

import httpx

from .errors import ParsingError, ValidationError
from .observability import logger
from .redaction import Redactor
from .response import JSONValue, Response
from .settings import ConnectorSettings, PaginationKind
from .transport import ParamValue, QueryParams

__all__ = ["Page", "PageRequest", "PageSpec", "PageState", "Paginator", "dig"]


@dataclass(frozen=True)
class PageSpec:
    """How one list endpoint pages, when it differs from the connector's pagination settings.

    Generated ``iter_*`` methods pass the one their operation's description implies; any call of
    `Connector.pages`, ``paginate``, ``items`` or ``paginate_concurrently`` may pass one. Fields
    mean what the settings of the same names mean (CF-PAGE-2); ``max_pages`` still comes from the
    settings.

    Args:
        kind: How the endpoint pages: none, offset, page, cursor, next_url or link_header.
        records_path: Dotted path to the list of records in a page (``""``: the body is the list).
        page_param: Query parameter of the offset, page number or cursor.
        page_size_param: Query parameter of the page size (``""``: none is sent).
        page_size: Records per page asked for.
        next_path: Dotted path to the next cursor (cursor) or next page's URL (next_url).
        total_path: Dotted path to the total number of records (offset and page), or ``""``.
        start: The first offset or page number (``None``: 0 for offset, 1 for page).
    """

    kind: PaginationKind
    records_path: str = ""
    page_param: str = ""
    page_size_param: str = ""
    page_size: int = 100
    next_path: str = ""
    total_path: str = ""
    start: int | None = None

    @classmethod
    def of(cls, settings: ConnectorSettings) -> PageSpec:
        """Return the spec the connector's settings describe."""
        return cls(
            kind=settings.pagination,
            records_path=settings.records_path,
            page_param=settings.page_param,
            page_size_param=settings.page_size_param,
            page_size=settings.page_size,
            next_path=settings.next_path,
            total_path=settings.total_path,
        )


@dataclass(frozen=True)
class PageRequest:
    """One page to fetch: a path (or absolute URL on the API's origin) and its query parameters."""

    path: str
    params: dict[str, ParamValue] = field(default_factory=dict)


@dataclass(frozen=True)
class PageState:
    """Where a walk through pages stands, as plain data: save it to resume after an interruption."""

    request: PageRequest
    position: int
    pages: int
    seen: tuple[str, ...] = ()

    def to_json(self) -> dict[str, JSONValue]:
        """Return the state as JSON-ready data."""
        params = {key: _json_param(value) for key, value in self.request.params.items()}
        return {
            "path": self.request.path,
            "params": params,
            "position": self.position,
            "pages": self.pages,
            "seen": list(self.seen),
        }

    @classmethod
    def from_json(cls, data: JSONValue) -> PageState:
        """Read a state written by `to_json`; raise `ParsingError` if it is not one."""
        if not isinstance(data, dict):
            raise ParsingError("a page state must be a JSON object")
        try:
            params = data["params"]
            seen = data["seen"]
            if not isinstance(params, dict) or not isinstance(seen, list):
                raise TypeError("params must be an object and seen a list")
            request = PageRequest(str(data["path"]), {str(k): _param(v) for k, v in params.items()})
            return cls(request, int(str(data["position"])), int(str(data["pages"])), tuple(str(s) for s in seen))
        except (KeyError, TypeError, ValueError) as exc:
            raise ParsingError(f"not a page state: {exc}") from exc


@dataclass(frozen=True)
class Page:
    """One page: its records, and the state to resume from after it (None after the last page)."""

    records: list[JSONValue]
    next: PageState | None


def _json_param(value: ParamValue) -> JSONValue:
    if isinstance(value, (list, tuple)):
        return [item for item in value]
    return value  # type: ignore[return-value]  # scalars are JSON values


def _param(value: JSONValue) -> ParamValue:
    if isinstance(value, list):
        return [item if isinstance(item, (str, int, float, bool)) or item is None else str(item) for item in value]
    if isinstance(value, dict):
        return str(value)
    return value


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


#: Stop reasons that mean the API misbehaved or the walk was cut short: logged at WARNING.
_WARNINGS = ("cycle", "repeated page", "max_pages")


class Paginator:
    """Walks the pages of one list endpoint.

    Args:
        kind: How the API pages: none, offset, page, cursor, next_url or link_header.
        path: The list endpoint.
        params: Query parameters of the first request.
        settings: Field and parameter names, page size and ``max_pages``.
        redactor: Knows the secrets (tokens fetched at run time included): a query parameter
            holding one is stripped from kept URLs, like the ``api_key_query`` parameter.
        spec: This endpoint's own way of paging; when given, it replaces ``kind`` and the
            settings' field and parameter names and page size (not ``max_pages``).
    """

    def __init__(
        self,
        kind: PaginationKind,
        path: str,
        params: QueryParams | None,
        settings: ConnectorSettings,
        *,
        redactor: Redactor | None = None,
        spec: PageSpec | None = None,
    ) -> None:
        self.spec = spec if spec is not None else dataclasses.replace(PageSpec.of(settings), kind=kind)
        self.kind = self.spec.kind
        self.path = path
        self.settings = settings
        self.pages = 0
        self.stop_reason = ""
        self._credential = settings.auth_param_name if settings.auth == "api_key_query" else None
        self._redactor = redactor
        self.params = self._without_credentials(dict(params or {}))
        self._position = 0
        self._seen: set[str] = set()
        self._previous: list[JSONValue] | None = None
        self._origin = httpx.URL(settings.base_url)

    def first(self) -> PageRequest:
        """Return the request for the first page."""
        params = dict(self.params)
        if self.kind != "none" and self.spec.page_size_param:
            params.setdefault(self.spec.page_size_param, self.spec.page_size)
        if self.kind in ("offset", "page"):
            given = params.get(self.spec.page_param)
            start = self.spec.start if self.spec.start is not None else (0 if self.kind == "offset" else 1)
            self._position = start if given is None else int(str(given))
            params[self.spec.page_param] = self._position
        elif self.kind == "cursor" and params.get(self.spec.page_param) not in (None, ""):
            self._seen.add(str(params[self.spec.page_param]))  # a walk back to its start is a cycle
        self.params = params
        return PageRequest(self.path, params)

    def state(self, request: PageRequest) -> PageState:
        """Return the resumable state for ``request``, the next page to fetch."""
        return PageState(request, self._position, self.pages, tuple(sorted(self._seen)))

    def restore(self, state: PageState) -> PageRequest:
        """Continue from a saved `PageState`; return the request to send next."""
        params = {k: v for k, v in state.request.params.items() if k != self.spec.page_param}
        self.params = self._without_credentials(params)
        self._position, self.pages, self._seen = state.position, state.pages, set(state.seen)
        path = state.request.path
        if "?" in path:  # a next URL from a state written before credentials were stripped
            path = str(self._strip_url(httpx.URL(path)))
        return PageRequest(path, self._without_credentials(dict(state.request.params)))

    def advance(self, response: Response) -> tuple[list[JSONValue], PageRequest | None]:
        """Return a page's records and the request for the page after it (None after the last).

        A page whose records equal the previous page's ends the walk and gives no records: the
        API sent the same page again, so its records were read already.
        """
        records = self.records(response)
        request = self.next(response, records)
        return ([] if self.stop_reason == "repeated page" else records), request

    def records(self, response: Response) -> list[JSONValue]:
        """Return the records of a page; raise `ParsingError` if they are not a list."""
        found = dig(response.data, self.spec.records_path)
        if not isinstance(found, list):
            where = self.spec.records_path or "the body"
            raise ParsingError(f"expected a list of records at {where!r}, got {type(found).__name__}")
        return found

    def next(self, response: Response, records: list[JSONValue]) -> PageRequest | None:
        """Return the request for the page after ``response``, or None when there is none."""
        self.pages += 1
        if self.kind == "none":
            return self._stop("single page")
        if not records:
            return self._stop("empty page")
        if records == self._previous:  # cheap: distinct pages differ at their first record
            return self._stop("repeated page")
        self._previous = records
        if self.pages >= self.settings.max_pages:
            return self._stop("max_pages reached")
        if self.kind in ("offset", "page"):
            if self.spec.page_size_param and len(records) < self.spec.page_size:
                return self._stop("short page")
            self._position += len(records) if self.kind == "offset" else 1
            return PageRequest(self.path, {**self.params, self.spec.page_param: self._position})
        if self.kind == "cursor":
            cursor = dig(response.data, self.spec.next_path)
            if cursor in (None, "") or isinstance(cursor, (dict, list)):
                return self._stop("no cursor")
            return self._once(str(cursor), PageRequest(self.path, {**self.params, self.spec.page_param: cursor}))
        if self.kind == "next_url":
            url = dig(response.data, self.spec.next_path)
            if not isinstance(url, str) or not url:
                return self._stop("no next URL")
        else:
            link = response.headers.get("link")
            url = httpx.Response(200, headers={"link": link}).links.get("next", {}).get("url") if link else None
            if not url:
                return self._stop("no next link")
        if self.pages == 1 and response.url:  # the first page's own URL counts: a link to itself is a cycle
            self._seen.add(_url_key(self._strip_url(httpx.URL(response.url))))
        target = self._same_origin(url, response.url)
        return self._once(_url_key(target), PageRequest(str(target)))

    def remaining(self, response: Response, records: list[JSONValue]) -> list[PageRequest] | None:
        """Return the requests for every page after the first, planned from the total it reports.

        Only for the offset and page kinds with ``total_path`` and ``page_size_param`` set: the
        total and the page size then say where each page starts. Returns None when the walk cannot
        be planned (another kind, or no whole-number total at ``total_path``), and the caller pages
        one by one with `next`. A short first page means there is nothing more. ``max_pages``
        counts the first page. Call it with the first page's response, instead of `next`.
        """
        settings, spec = self.settings, self.spec
        if self.kind not in ("offset", "page") or not spec.total_path or not spec.page_size_param:
            return None
        total = dig(response.data, spec.total_path)
        if isinstance(total, str) and total.isdigit():
            total = int(total)
        if isinstance(total, bool) or not isinstance(total, int):
            return None
        self.pages = 1
        size = int(str(self.params.get(spec.page_size_param) or spec.page_size))
        if len(records) < size:
            self.stop_reason = "short page"
            return []
        if self.kind == "offset":
            starts = range(self._position + size, total, size)
        else:  # pages are numbered from `first`'s page; page n holds records (n - 1) * size onwards
            starts = range(self._position + 1, math.ceil(total / size) + 1)
        planned = [
            PageRequest(self.path, {**self.params, spec.page_param: start})
            for start in starts[: settings.max_pages - 1]
        ]
        self.pages += len(planned)
        self.stop_reason = "max_pages reached" if len(starts) > len(planned) else "total reached"
        return planned

    def _once(self, key: str, request: PageRequest) -> PageRequest | None:
        if key in self._seen:
            what = "cursor" if self.kind == "cursor" else "next URL"
            return self._stop(f"cycle: the {what} points to a page already read")
        self._seen.add(key)
        return request

    def _same_origin(self, url: str, current: str) -> httpx.URL:
        absolute = httpx.URL(current).join(url) if current else httpx.URL(url)
        origin = (absolute.scheme, absolute.host, absolute.port)
        if origin != (self._origin.scheme, self._origin.host, self._origin.port):
            raise ValidationError(f"next page is on another origin ({absolute.host}); refusing to follow it")
        return self._strip_url(absolute)

    def _is_credential(self, name: str, value: object) -> bool:
        if name == self._credential:
            return True
        text = str(value)
        return self._redactor is not None and bool(text) and self._redactor.text(text) != text

    def _without_credentials(self, params: dict[str, ParamValue]) -> dict[str, ParamValue]:
        return {name: value for name, value in params.items() if not self._is_credential(name, value)}

    def _strip_url(self, url: httpx.URL) -> httpx.URL:
        """Return ``url`` without credential parameters; the auth flow adds its own when sending."""
        for name, value in url.params.multi_items():
            if self._is_credential(name, value):
                url = url.copy_remove_param(name)
        return url

    def _stop(self, reason: str) -> PageRequest | None:
        self.stop_reason = reason
        level = logging.WARNING if reason.startswith(_WARNINGS) else logging.DEBUG
        if logger.isEnabledFor(level):
            path = self.path.split("?")[0]  # a query may hold anything: keep it out of logs
            logger.log(level, "pagination of %s stopped after %d pages: %s", path, self.pages, reason)
        return None


def _url_key(url: httpx.URL) -> str:
    """Return ``url`` with its query parameters sorted: the same page however the API orders them."""
    if not url.query:
        return str(url)
    return str(url.copy_with(query=str(httpx.QueryParams(sorted(url.params.multi_items()))).encode()))
