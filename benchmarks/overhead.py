"""Goal 2: what a rendered connector adds to each request, against raw httpx with the same pool.

Each round sends ``requests`` sequential GETs to ``/ping`` on the local server through raw
`httpx.Client` and as many through the sync connector, then the same with raw `httpx.AsyncClient`
and the async connector. Both clients of a pair stay open side by side and take turns in blocks
of ``BLOCK`` requests (the first turn alternates between blocks), so a busy moment on the shared
machine lands on both sides alike. Raw loops call ``raise_for_status()`` and ``.json()``, as a
caller would; the connector decodes JSON itself. Both sides use the same pool (10 connections,
kept alive), timeouts and headers. Ratios are connector time over raw time within one round.

The same pairs then run over `httpx.MockTransport` (no sockets, no server), which isolates the
connector's own CPU cost per call in microseconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from .project import Rendered
from .results import Goal, Section, Stopwatch
from .server import LocalServer

__all__ = ["run"]

GOAL = 1.05
WARMUP = 200
BLOCK = 1000
_BODY = b'{"ok":true}'

#: Sends ``n`` requests and returns the seconds they took.
Block = Callable[[int], float]
AsyncBlock = Callable[[int], Awaitable[float]]


def _pool() -> dict[str, object]:
    """The connector's default pool, timeouts and headers, for the raw clients."""
    return {
        "limits": httpx.Limits(max_connections=10, max_keepalive_connections=10),
        "timeout": httpx.Timeout(30.0),
        "headers": {"User-Agent": "benchmark-connector", "Accept": "application/json"},
    }


def _mock_handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=_BODY, headers={"Content-Type": "application/json"})


def _blocks(requests: int) -> list[int]:
    """Split ``requests`` into turns of at most ``BLOCK``."""
    return [min(BLOCK, requests - start) for start in range(0, requests, BLOCK)]


def _take_turns(raw: Block, ours: Block, requests: int) -> tuple[float, float]:
    """Run both block functions over ``requests`` requests each, in alternating turns."""
    totals = [0.0, 0.0]
    for index, size in enumerate(_blocks(requests)):
        turns = ((0, raw), (1, ours)) if index % 2 == 0 else ((1, ours), (0, raw))
        for side, block in turns:
            totals[side] += block(size)
    return totals[0], totals[1]


async def _take_turns_async(raw: AsyncBlock, ours: AsyncBlock, requests: int) -> tuple[float, float]:
    totals = [0.0, 0.0]
    for index, size in enumerate(_blocks(requests)):
        turns = ((0, raw), (1, ours)) if index % 2 == 0 else ((1, ours), (0, raw))
        for side, block in turns:
            totals[side] += await block(size)
    return totals[0], totals[1]


def _sync_pair(rendered: Rendered, base_url: str, mock: bool, requests: int) -> tuple[float, float]:
    transport = httpx.MockTransport(_mock_handler) if mock else None
    config = rendered.Config(base_url=base_url)
    with (
        httpx.Client(base_url=base_url, transport=transport, **_pool()) as client,  # type: ignore[arg-type]
        rendered.Connector(config, transport=transport) as api,
    ):

        def raw(count: int) -> float:
            watch = Stopwatch()
            for _ in range(count):
                response = client.get("ping")
                response.raise_for_status()
                response.json()
            return watch.elapsed

        def ours(count: int) -> float:
            watch = Stopwatch()
            for _ in range(count):
                api.get("ping").data  # noqa: B018 - read what the caller reads
            return watch.elapsed

        raw(min(WARMUP, requests))
        ours(min(WARMUP, requests))
        return _take_turns(raw, ours, requests)


async def _async_pair(rendered: Rendered, base_url: str, mock: bool, requests: int) -> tuple[float, float]:
    transport = httpx.MockTransport(_mock_handler) if mock else None
    config = rendered.Config(base_url=base_url)
    async with (
        httpx.AsyncClient(base_url=base_url, transport=transport, **_pool()) as client,  # type: ignore[arg-type]
        rendered.AsyncConnector(config, transport=transport) as api,
    ):

        async def raw(count: int) -> float:
            watch = Stopwatch()
            for _ in range(count):
                response = await client.get("ping")
                response.raise_for_status()
                response.json()
            return watch.elapsed

        async def ours(count: int) -> float:
            watch = Stopwatch()
            for _ in range(count):
                (await api.get("ping")).data  # noqa: B018 - read what the caller reads
            return watch.elapsed

        await raw(min(WARMUP, requests))
        await ours(min(WARMUP, requests))
        return await _take_turns_async(raw, ours, requests)


def run(server: LocalServer, rendered: Rendered, *, requests: int, rounds: int) -> Section:
    """Time ``rounds`` rounds of ``requests`` GETs per client, over the server and over MockTransport."""
    section = Section(
        "overhead",
        "Per-request overhead against raw httpx",
        setup=(
            f"{requests:,} sequential GETs per client and round after {WARMUP} warm-up GETs, {rounds} rounds; "
            f"raw client and connector open side by side, taking turns in blocks of {BLOCK}; same pool "
            "(10 keep-alive connections), timeouts and headers on both sides; raw loops call "
            "`raise_for_status()` and `.json()`. MockTransport pairs send nothing over a socket."
        ),
    )
    for transport, base_url in (("local server", server.url), ("MockTransport", "http://mock.invalid")):
        mock = transport == "MockTransport"
        for _ in range(rounds):
            for shell in ("sync", "async"):
                if shell == "sync":
                    raw_seconds, our_seconds = _sync_pair(rendered, base_url, mock, requests)
                else:
                    raw_seconds, our_seconds = asyncio.run(_async_pair(rendered, base_url, mock, requests))
                raw_name = f"raw httpx.{'Client' if shell == 'sync' else 'AsyncClient'}, {transport}"
                ours_name = f"{shell} connector, {transport}"
                section.row(raw_name, "µs/request").runs.append(raw_seconds / requests * 1e6)
                ours = section.row(ours_name, "µs/request", baseline=raw_name)
                ours.runs.append(our_seconds / requests * 1e6)
                ours.ratios.append(our_seconds / raw_seconds)
    section.notes.append(
        "The MockTransport rows isolate each side's CPU cost per call; their difference is the connector's own "
        "work, which the local-server ratio compares with a round trip that has no network latency at all."
    )
    for shell in ("sync", "async"):
        raw_class = "Client" if shell == "sync" else "AsyncClient"
        network = section.find(f"{shell} connector, local server")
        mock_ours = section.find(f"{shell} connector, MockTransport")
        mock_raw = section.find(f"raw httpx.{raw_class}, MockTransport")
        if network is None or mock_ours is None or mock_raw is None or network.ratio is None:
            continue
        own_cost = mock_ours.value - mock_raw.value
        why = (
            f"by {network.ratio - GOAL:.2f}x because the connector's own work (rate limiter, breaker, retry "
            f"bookkeeping, hooks, correlation ID, response checks) costs {own_cost:.0f} µs per call: "
            f"MockTransport takes {mock_ours.value:.0f} µs against {mock_raw.value:.0f} µs for raw httpx. A local "
            f"round trip of {network.value - own_cost:.0f} µs is too short to hide it; it is "
            f"{100 * own_cost / 10_000:.1f} % of a 10 ms round trip (arithmetic, not measured here)"
        )
        section.goals.append(
            Goal(
                f"{shell} overhead per request, local server",
                f"≤ {GOAL:.2f}x raw httpx",
                f"{network.ratio:.2f}x ({own_cost:.0f} µs of the connector's own work per call)",
                network.ratio <= GOAL,
                why,
            )
        )
    return section
