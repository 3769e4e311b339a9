"""Goal 2: what a rendered connector adds to each request, against raw httpx with the same pool.

Each round times four loops of ``requests`` sequential GETs to ``/ping`` on the local server:
raw `httpx.Client`, the sync connector, raw `httpx.AsyncClient`, the async connector. Raw loops
call ``raise_for_status()`` and ``.json()``, as a caller would; the connector decodes JSON itself.
Both sides use the same pool (10 connections, kept alive), timeouts and headers. The order of
each pair alternates between rounds. Ratios are connector time over raw time within one round.

The same loops then run over `httpx.MockTransport` (no sockets, no server), which isolates the
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
_BODY = b'{"ok":true}'


def _pool() -> dict[str, object]:
    """The connector's default pool, timeouts and headers, for the raw clients."""
    return {
        "limits": httpx.Limits(max_connections=10, max_keepalive_connections=10),
        "timeout": httpx.Timeout(30.0),
        "headers": {"User-Agent": "benchmark-connector", "Accept": "application/json"},
    }


def _mock_handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=_BODY, headers={"Content-Type": "application/json"})


def _sync_raw(base_url: str, transport: httpx.BaseTransport | None) -> Callable[[int], float]:
    def loop(count: int) -> float:
        with httpx.Client(base_url=base_url, transport=transport, **_pool()) as client:  # type: ignore[arg-type]
            for _ in range(min(WARMUP, count)):
                client.get("ping").json()
            watch = Stopwatch()
            for _ in range(count):
                response = client.get("ping")
                response.raise_for_status()
                response.json()
            return watch.elapsed

    return loop


def _sync_connector(rendered: Rendered, base_url: str, transport: httpx.BaseTransport | None) -> Callable[[int], float]:
    def loop(count: int) -> float:
        with rendered.Connector(rendered.Config(base_url=base_url), transport=transport) as api:
            for _ in range(min(WARMUP, count)):
                api.get("ping")
            watch = Stopwatch()
            for _ in range(count):
                api.get("ping").data  # noqa: B018 - read what the caller reads
            return watch.elapsed

    return loop


def _async_raw(base_url: str, transport: httpx.AsyncBaseTransport | None) -> Callable[[int], Awaitable[float]]:
    async def loop(count: int) -> float:
        async with httpx.AsyncClient(base_url=base_url, transport=transport, **_pool()) as client:  # type: ignore[arg-type]
            for _ in range(min(WARMUP, count)):
                (await client.get("ping")).json()
            watch = Stopwatch()
            for _ in range(count):
                response = await client.get("ping")
                response.raise_for_status()
                response.json()
            return watch.elapsed

    return loop


def _async_connector(
    rendered: Rendered, base_url: str, transport: httpx.AsyncBaseTransport | None
) -> Callable[[int], Awaitable[float]]:
    async def loop(count: int) -> float:
        async with rendered.AsyncConnector(rendered.Config(base_url=base_url), transport=transport) as api:
            for _ in range(min(WARMUP, count)):
                await api.get("ping")
            watch = Stopwatch()
            for _ in range(count):
                (await api.get("ping")).data  # noqa: B018 - read what the caller reads
            return watch.elapsed

    return loop


def _pairs(rendered: Rendered, base_url: str, mock: bool) -> dict[str, tuple[Callable[[int], float], ...]]:
    sync_transport = httpx.MockTransport(_mock_handler) if mock else None
    async_transport = httpx.MockTransport(_mock_handler) if mock else None
    async_raw = _async_raw(base_url, async_transport)
    async_connector = _async_connector(rendered, base_url, async_transport)
    return {
        "sync": (_sync_raw(base_url, sync_transport), _sync_connector(rendered, base_url, sync_transport)),
        "async": (lambda n: asyncio.run(async_raw(n)), lambda n: asyncio.run(async_connector(n))),  # type: ignore[arg-type]
    }


def run(server: LocalServer, rendered: Rendered, *, requests: int, rounds: int) -> Section:
    """Time ``rounds`` rounds of ``requests`` GETs per loop, over the server and over MockTransport."""
    section = Section(
        "overhead",
        "Per-request overhead against raw httpx",
        setup=(
            f"{requests:,} sequential GETs per loop after {WARMUP} warm-up GETs, {rounds} rounds; "
            "same pool (10 keep-alive connections), timeouts and headers on both sides; raw loops call "
            "`raise_for_status()` and `.json()`. MockTransport loops send nothing over a socket."
        ),
    )
    for transport, base_url in (("local server", server.url), ("MockTransport", "http://mock.invalid")):
        pairs = _pairs(rendered, base_url, mock=transport == "MockTransport")
        for round_number in range(rounds):
            for shell, (raw, connector) in pairs.items():
                raw_name = f"raw httpx.{'Client' if shell == 'sync' else 'AsyncClient'}, {transport}"
                ours_name = f"{shell} connector, {transport}"
                raw_row = section.row(raw_name, "µs/request")
                ours_row = section.row(ours_name, "µs/request", baseline=raw_name)
                order = [(raw_row, raw), (ours_row, connector)]
                if round_number % 2:
                    order.reverse()
                seconds = {}
                for row, loop in order:
                    seconds[row.name] = loop(requests)
                    row.runs.append(seconds[row.name] / requests * 1e6)
                ours_row.ratios.append(seconds[ours_name] / seconds[raw_name])
    for shell in ("sync", "async"):
        network = section.find(f"{shell} connector, local server")
        mock = section.find(f"{shell} connector, MockTransport")
        mock_raw = section.find(f"raw httpx.{'Client' if shell == 'sync' else 'AsyncClient'}, MockTransport")
        if network is None or mock is None or mock_raw is None or network.ratio is None:
            continue
        own_cost = mock.value - mock_raw.value
        met = network.ratio <= GOAL
        why = (
            f"{network.ratio - GOAL:.2f}x over: the connector's own work costs {own_cost:.0f} µs per call "
            f"(MockTransport: {mock.value:.0f} µs against {mock_raw.value:.0f} µs for raw httpx) on top of "
            f"a {network.value - own_cost:.0f} µs round trip to a local server, where no network latency "
            "hides it"
        )
        section.goals.append(
            Goal(f"{shell} overhead per request", f"≤ {GOAL:.2f}x raw httpx", f"{network.ratio:.2f}x", met, why)
        )
    return section
