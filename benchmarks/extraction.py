"""Goal 4: records per second through cursor and page-number pagination from the local server.

Every client reads the same ``records`` records, 100 per page, and the count is checked. Clients:
the sync connector (``items``), the async connector (``items``), both connectors fetching
numbered pages concurrently when the total is known (``paginate_concurrently``, page kind only,
when the rendered connector has it), dlt's `RESTClient` and a Singer SDK `RESTStream` (see
``comparators.py`` for how each is configured). Ratios are dlt's time over the client's time in
the same round: above 1 is faster than dlt. Before timing, every client reads a few pages once
and the server renders every page once, so neither imports nor the server's first pass are timed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from . import comparators
from .project import Rendered
from .results import Goal, Section, Stopwatch
from .server import LocalServer

__all__ = ["run"]

GOAL = 1.5
PAGE_SIZE = 100
DLT = "dlt RESTClient"

_SETTINGS: dict[str, dict[str, Any]] = {
    "cursor": {"page_size_param": "limit", "page_param": "cursor", "next_path": "next_cursor"},
    "page": {"page_size_param": "per_page", "page_param": "page", "total_path": "total"},
}


def _config(rendered: Rendered, base_url: str, kind: str) -> Any:
    settings = {
        "base_url": base_url,
        "pagination": kind,
        "records_path": "data",
        "page_size": PAGE_SIZE,
        "max_pages": 1_000_000,
        **_SETTINGS[kind],
    }
    return rendered.Config(**settings)


def _sync_items(rendered: Rendered, base_url: str, kind: str) -> int:
    with rendered.Connector(_config(rendered, base_url, kind)) as api:
        return sum(1 for _ in api.items(f"{kind}/items"))


def _async_items(rendered: Rendered, base_url: str, kind: str) -> int:
    async def read() -> int:
        count = 0
        async with rendered.AsyncConnector(_config(rendered, base_url, kind)) as api:
            async for _ in api.items(f"{kind}/items"):
                count += 1
        return count

    return asyncio.run(read())


def _async_concurrent(rendered: Rendered, base_url: str, kind: str) -> int:
    async def read() -> int:
        count = 0
        async with rendered.AsyncConnector(_config(rendered, base_url, kind)) as api:
            async for page in api.paginate_concurrently(f"{kind}/items"):
                count += len(page)
        return count

    return asyncio.run(read())


def _sync_concurrent(rendered: Rendered, base_url: str, kind: str) -> int:
    with rendered.Connector(_config(rendered, base_url, kind)) as api:
        return sum(len(page) for page in api.paginate_concurrently(f"{kind}/items"))


def _dlt(base_url: str, kind: str) -> int:
    client = comparators.dlt_client(base_url, kind)
    params = {"limit": PAGE_SIZE} if kind == "cursor" else {"per_page": PAGE_SIZE}
    return sum(1 for _ in comparators.dlt_records(client, f"{kind}/items", params))


def _singer(base_url: str, kind: str) -> int:
    return sum(1 for _ in comparators.singer_records(base_url, kind, PAGE_SIZE))


def _warm_server(base_url: str, records: int) -> None:
    with httpx.Client(base_url=base_url) as client:
        for start in range(0, records, PAGE_SIZE):
            client.get("cursor/items", params={"limit": PAGE_SIZE, "cursor": start})
            client.get("page/items", params={"per_page": PAGE_SIZE, "page": start // PAGE_SIZE + 1})


def _clients(rendered: Rendered, base_url: str, kind: str, section: Section) -> dict[str, Callable[[], int]]:
    clients: dict[str, Callable[[], int]] = {
        "sync connector": lambda: _sync_items(rendered, base_url, kind),
        "async connector": lambda: _async_items(rendered, base_url, kind),
    }
    if kind == "page":
        clients["sync connector, concurrent pages"] = lambda: _sync_concurrent(rendered, base_url, kind)
        clients["async connector, concurrent pages"] = lambda: _async_concurrent(rendered, base_url, kind)
    if comparators.available("dlt"):
        clients[DLT] = lambda: _dlt(base_url, kind)
    elif kind == "cursor":
        section.skipped.append("dlt is not installed: no dlt figures, no ratios")
    if comparators.available("singer_sdk"):
        clients["Singer SDK RESTStream"] = lambda: _singer(base_url, kind)
    elif kind == "cursor":
        section.skipped.append("singer-sdk is not installed: no Singer figures")
    return clients


def _measure(
    section: Section,
    clients_by_kind: dict[str, dict[str, Callable[[], int]]],
    *,
    records: int,
    rounds: int,
    suffix: str,
) -> None:
    """Time every client ``rounds`` times over ``records`` records; name rows ``client, kind`` + ``suffix``."""
    for kind, clients in clients_by_kind.items():
        baseline = f"{DLT}, {kind}{suffix}" if DLT in clients else ""
        for _ in range(rounds):
            seconds: dict[str, float] = {}
            for name, read in clients.items():
                watch = Stopwatch()
                count = read()
                seconds[name] = watch.elapsed
                if count != records:
                    raise RuntimeError(f"{name} read {count} records by {kind}, expected {records}")
                row = section.row(f"{name}, {kind}{suffix}", "records/s", baseline=baseline)
                row.runs.append(records / seconds[name])
            if DLT in seconds:
                for name, value in seconds.items():
                    if name != DLT:
                        section.row(f"{name}, {kind}{suffix}", "records/s").ratios.append(seconds[DLT] / value)


def run(
    server: LocalServer, rendered: Rendered, *, records: int, rounds: int, latency: float, latency_records: int
) -> Section:
    """Read ``records`` records ``rounds`` times per client and kind; then ``latency_records`` with ``latency``."""
    section = Section(
        "extraction",
        "Extraction throughput",
        setup=(
            f"{records:,} records of about 130 bytes, {PAGE_SIZE} per page, from the local server; every "
            f"client's count is checked; {rounds} rounds, clients in the same order each round. Ratio: dlt's "
            "time over the client's time in the same round. With no latency the client is CPU-bound (decoding "
            f"JSON); the second table adds {latency * 1000:g} ms to every answer ({latency_records:,} records), "
            "which is where fetching pages concurrently pays off."
        ),
    )
    clients_by_kind = {kind: _clients(rendered, server.url, kind, section) for kind in ("cursor", "page")}
    # Warm up: every client reads a few pages once (imports, first connections), then the
    # server renders every page of the full collection once, so no timed client pays for it.
    server.control("reset", records=3 * PAGE_SIZE)
    for clients in clients_by_kind.values():
        for read in clients.values():
            read()
    server.control("reset", records=records)
    _warm_server(server.url, records)
    _measure(section, clients_by_kind, records=records, rounds=rounds, suffix="")
    server.control("reset", records=latency_records, latency=latency)
    suffix = f", +{latency * 1000:g} ms"
    _measure(section, clients_by_kind, records=latency_records, rounds=rounds, suffix=suffix)
    server.control("reset", records=records)
    for kind in ("cursor", "page"):
        candidates = [row for row in section.rows if row.name.endswith(kind) and "connector" in row.name and row.ratios]
        if not candidates:
            section.goals.append(
                Goal(
                    f"extraction by {kind} against dlt",
                    f"≥ {GOAL:.1f}x dlt",
                    "not measured",
                    False,
                    "because dlt is not installed (the bench extra), so there is nothing to compare with",
                )
            )
            continue
        best = max(candidates, key=lambda row: row.ratio or 0.0)
        ratio = best.ratio or 0.0
        dlt_row = section.find(f"{DLT}, {kind}")
        dlt_rate = dlt_row.value if dlt_row is not None else float("nan")
        section.goals.append(
            Goal(
                f"extraction by {kind}, best connector client against dlt",
                f"≥ {GOAL:.1f}x dlt",
                f"{ratio:.2f}x ({best.name.removesuffix(', ' + kind)})",
                ratio >= GOAL,
                f"by {GOAL - ratio:.2f}x because this client read {best.value:,.0f} records/s against dlt's "
                f"{dlt_rate:,.0f}"
                + (
                    f" (with only {records:,} records, building each client weighs on the time)"
                    if records < 10_000
                    else ""
                ),
            )
        )
    return section
