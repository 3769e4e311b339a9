"""The comparators, configured as their documentation shows: dlt's RESTClient and a Singer SDK RESTStream.

Both are optional (the ``bench`` extra): `available` says whether one is installed, and the
benchmarks skip it, saying so in the report, when it is not.

dlt (``dlt.sources.helpers.rest_client``): a `RESTClient` with ``base_url``, a ``data_selector``
and the paginator its docs give for the scheme: `JSONResponseCursorPaginator(cursor_path=...,
cursor_param=...)` for a cursor in the body, `PageNumberPaginator(base_page=1, page_param=...,
total_path=...)` for numbered pages with a total. Its default session retries 429 and 5xx and
waits as ``Retry-After`` says. dlt's anonymous telemetry is switched off here
(``RUNTIME__DLTHUB_TELEMETRY=false``); the benchmarks use no pipeline.

Singer SDK (``singer_sdk``): a `Tap` with one `RESTStream` subclass that sets ``url_base``,
``path``, ``records_jsonpath``, ``schema``, returns its paginator from ``get_new_paginator``
(`JSONPathPaginator` for a cursor in the body; `PageNumberPaginator` for numbered pages, with
``has_more`` overridden to read the total, the override its docstring asks for) and passes the page size and
token in ``get_url_params``. Records are read with ``stream.get_records(None)``, the generator the
SDK's sync loop consumes, so Singer message serialisation to stdout is not included.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from typing import Any, cast

__all__ = ["available", "dlt_client", "singer_records"]


def available(name: str) -> bool:
    """Whether the comparator package ``name`` (``dlt`` or ``singer_sdk``) is installed."""
    return importlib.util.find_spec(name) is not None


def dlt_client(base_url: str, pagination: str = "none") -> Any:
    """Return a dlt `RESTClient` for the benchmark server, paging by ``pagination``."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    from dlt.sources.helpers.rest_client.client import RESTClient
    from dlt.sources.helpers.rest_client.paginators import (
        JSONResponseCursorPaginator,
        PageNumberPaginator,
        SinglePagePaginator,
    )

    paginator: Any
    if pagination == "cursor":
        paginator = JSONResponseCursorPaginator(cursor_path="next_cursor", cursor_param="cursor")
    elif pagination == "page":
        paginator = PageNumberPaginator(base_page=1, page_param="page", total_path="total_pages")
    else:
        paginator = SinglePagePaginator()
    return RESTClient(base_url=base_url, paginator=paginator, data_selector="data")


def dlt_records(client: Any, path: str, params: dict[str, Any]) -> Iterator[Any]:
    """Yield every record dlt's `RESTClient.paginate` returns for ``path``."""
    for page in client.paginate(path, params=params):
        yield from page


def singer_records(base_url: str, pagination: str, page_size: int = 100) -> Iterator[dict[str, Any]]:
    """Yield every record a Singer SDK `RESTStream` reads from the benchmark server."""
    from singer_sdk import RESTStream, Tap
    from singer_sdk import typing as th
    from singer_sdk.pagination import JSONPathPaginator, PageNumberPaginator

    class TotalPagesPaginator(PageNumberPaginator):
        """Numbered pages that stop at the ``total_pages`` the API reports."""

        def has_more(self, response: Any) -> bool:
            return bool(self.current_value < response.json()["total_pages"])

    schema = th.PropertiesList(
        th.Property("id", th.IntegerType),
        th.Property("name", th.StringType),
        th.Property("email", th.StringType),
        th.Property("amount", th.NumberType),
        th.Property("active", th.BooleanType),
        th.Property("updated_at", th.DateTimeType),
    ).to_dict()

    class ItemsStream(RESTStream[Any]):
        name = "items"
        url_base = base_url
        path = f"/{pagination}/items"
        records_jsonpath = "$.data[*]"
        primary_keys = ("id",)

        def get_new_paginator(self) -> Any:
            if pagination == "cursor":
                return JSONPathPaginator("$.next_cursor")
            return TotalPagesPaginator(start_value=1)

        def get_url_params(self, context: Any, next_page_token: Any) -> dict[str, Any]:
            if pagination == "cursor":
                params: dict[str, Any] = {"limit": page_size}
                if next_page_token:
                    params["cursor"] = next_page_token
                return params
            return {"per_page": page_size, "page": next_page_token}

    ItemsStream.schema = schema  # type: ignore[assignment]

    class BenchmarkTap(Tap):
        name = "tap-benchmark"
        config_jsonschema = th.PropertiesList().to_dict()

        def discover_streams(self) -> list[Any]:
            return [ItemsStream(self)]

    tap = BenchmarkTap(config={}, parse_env_config=False, validate_config=False)
    stream = tap.streams["items"]
    for record in stream.get_records(None):
        yield cast("dict[str, Any]", record)
