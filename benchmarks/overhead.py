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

Then the connector's own work is taken apart, step by step, on MockTransport objects: building
the request, the core up to the send (correlation ID, limiter, breaker), the shell's send
(concurrency slot, in-flight count, error translation), the core after the answer (limiter,
request ID, breaker, metrics, decoding, the `Response`), and the driver loop with the rest. Each
step is timed in short blocks that alternate with the raw httpx work it stands in for (nothing,
`build_request`, `send`, `raise_for_status()` and `.json()`), and the median over blocks of the
difference is reported: a busy moment of the shared machine lands on both sides of a pair.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from .project import Rendered
from .results import Goal, Section, Stopwatch
from .server import LocalServer

__all__ = ["run"]

GOAL = 1.05
#: The connector's own work per call, MockTransport, in microseconds.
OWN_GOAL = 30.0
WARMUP = 200
BLOCK = 1000
#: Pairs of alternating blocks per step of the breakdown.
STEP_PAIRS = 20
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


def _paired(raw: Callable[[], object], ours: Callable[[], object], size: int) -> float:
    """Return the median over alternating blocks of ``size`` calls of (ours - raw), in µs per call."""
    clock = time.perf_counter
    differences = []
    for pair in range(STEP_PAIRS):
        seconds = [0.0, 0.0]
        for side in (0, 1) if pair % 2 == 0 else (1, 0):
            work = raw if side == 0 else ours
            started = clock()
            for _ in range(size):
                work()
            seconds[side] = clock() - started
        differences.append((seconds[1] - seconds[0]) / size * 1e6)
    return statistics.median(differences)


async def _paired_async(
    raw: Callable[[], Awaitable[object]], ours: Callable[[], Awaitable[object]], size: int
) -> float:
    """`_paired` for coroutines."""
    clock = time.perf_counter
    differences = []
    for pair in range(STEP_PAIRS):
        seconds = [0.0, 0.0]
        for side in (0, 1) if pair % 2 == 0 else (1, 0):
            work = raw if side == 0 else ours
            started = clock()
            for _ in range(size):
                await work()
            seconds[side] = clock() - started
        differences.append((seconds[1] - seconds[0]) / size * 1e6)
    return statistics.median(differences)


def _nothing() -> None:
    return None


def _core_steps(api: Any, client: httpx.Client | httpx.AsyncClient, size: int) -> dict[str, float]:
    """The steps both shells share, in µs per call: building the request, the core before and after the send."""
    core = api.core
    request = api._build(client, "GET", "ping", None, None, None, None)
    answer = httpx.Response(200, content=_BODY, headers={"Content-Type": "application/json"}, request=request)
    started: list[Any] = []

    def build() -> None:
        api._build(client, "GET", "ping", None, None, None, None)
        core.caller_correlation_id(None)

    def start() -> None:
        flow = core.call(request)
        next(flow)
        started.append(flow)

    def whole() -> None:
        flow = core.call(request)
        next(flow)
        with contextlib.suppress(StopIteration):
            flow.send(answer)

    def check() -> None:
        answer.raise_for_status()
        answer.json()

    steps = {"build the request": _paired(lambda: client.build_request("GET", "ping"), build, size)}
    before = _paired(_nothing, start, size)
    for flow in started:  # finish the calls started above, untimed
        with contextlib.suppress(StopIteration):
            flow.send(answer)
    steps["core, up to the send"] = before
    steps["core, after the answer"] = _paired(check, whole, size) - before
    return steps


def _sync_steps(rendered: Rendered, requests: int) -> dict[str, float]:
    """The sync connector's own work per step and in all, in µs per call (MockTransport)."""
    size = _step_size(requests)
    transport = httpx.MockTransport(_mock_handler)
    base_url = "http://mock.invalid"
    with (
        httpx.Client(base_url=base_url, transport=transport, **_pool()) as client,  # type: ignore[arg-type]
        rendered.Connector(rendered.Config(base_url=base_url), transport=transport) as api,
    ):
        api.get("ping")
        ours_client = api._client
        steps = _core_steps(api, ours_client, size)
        request = ours_client.build_request("GET", "ping")
        send_action = rendered.package.core.Send(request)
        steps["shell, send"] = _paired(
            lambda: ours_client.send(request), lambda: api._send(ours_client, send_action, api._auth_for(None)), size
        )

        def raw_call() -> None:
            response = client.get("ping")
            response.raise_for_status()
            response.json()

        total = _paired(raw_call, lambda: api.get("ping").data, size)
    steps["driver loop and the rest"] = total - sum(steps.values())
    steps["total"] = total
    return steps


async def _async_steps(rendered: Rendered, requests: int) -> dict[str, float]:
    """The async connector's own work per step and in all, in µs per call (MockTransport)."""
    size = _step_size(requests)
    transport = httpx.MockTransport(_mock_handler)
    base_url = "http://mock.invalid"
    async with (
        httpx.AsyncClient(base_url=base_url, transport=transport, **_pool()) as client,  # type: ignore[arg-type]
        rendered.AsyncConnector(rendered.Config(base_url=base_url), transport=transport) as api,
    ):
        await api.get("ping")
        ours_client = api._client
        steps = _core_steps(api, ours_client, size)
        request = ours_client.build_request("GET", "ping")
        send_action = rendered.package.core.Send(request)
        steps["shell, send"] = await _paired_async(
            lambda: ours_client.send(request), lambda: api._send(ours_client, send_action, api._auth_for(None)), size
        )

        async def raw_call() -> None:
            response = await client.get("ping")
            response.raise_for_status()
            response.json()

        async def ours_call() -> None:
            (await api.get("ping")).data  # noqa: B018 - read what the caller reads

        total = await _paired_async(raw_call, ours_call, size)
    steps["driver loop and the rest"] = total - sum(steps.values())
    steps["total"] = total
    return steps


def _step_size(requests: int) -> int:
    """Calls per timed block: 100 in the full run, fewer in the quick ones."""
    return max(5, min(100, requests // 100))


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
    for _ in range(rounds):
        breakdowns = {"sync": _sync_steps(rendered, requests), "async": asyncio.run(_async_steps(rendered, requests))}
        for shell, steps in breakdowns.items():
            for step, value in steps.items():
                section.row(f"{shell} connector's own work: {step}", "µs/call").runs.append(value)
    section.notes.append(
        "The MockTransport rows isolate each side's CPU cost per call; their difference is the connector's own "
        "work, which the local-server ratio compares with a round trip that has no network latency at all. "
        "The own-work rows take that difference apart (median of paired blocks of "
        f"{_step_size(requests)} calls; see the module docstring of `benchmarks/overhead.py`); the core steps "
        "are the same code in both shells."
    )
    for shell in ("sync", "async"):
        section.goals.extend(_goals(section, shell))
    return section


def _goals(section: Section, shell: str) -> list[Goal]:
    """The shell's two goals: its own work per call, and its ratio to raw httpx on the local server."""
    goals = []
    prefix = f"{shell} connector's own work: "
    steps = {row.name.removeprefix(prefix): row.value for row in section.rows if row.name.startswith(prefix)}
    own = steps.pop("total", None)
    if own is not None:
        largest = sorted(steps.items(), key=lambda item: -item[1])[:2]
        goals.append(
            Goal(
                f"{shell} connector's own work per call, MockTransport",
                f"≤ {OWN_GOAL:.0f} µs",
                f"{own:.1f} µs (" + ", ".join(f"{name} {value:.1f}" for name, value in steps.items()) + ")",
                own <= OWN_GOAL,
                f"by {own - OWN_GOAL:.1f} µs; the largest steps: "
                + ", ".join(f"{name} ({value:.1f} µs)" for name, value in largest),
            )
        )
    raw_class = "Client" if shell == "sync" else "AsyncClient"
    network = section.find(f"{shell} connector, local server")
    mock_ours = section.find(f"{shell} connector, MockTransport")
    mock_raw = section.find(f"raw httpx.{raw_class}, MockTransport")
    if network is None or mock_ours is None or mock_raw is None or network.ratio is None:
        return goals
    own_cost = own if own is not None else mock_ours.value - mock_raw.value
    why = (
        f"by {network.ratio - GOAL:.2f}x: the connector's own work costs {own_cost:.0f} µs per call against a "
        f"local round trip of {network.value - own_cost:.0f} µs, which has no network latency to hide it; it "
        f"would be {100 * own_cost / 10_000:.1f} % of a 10 ms round trip (arithmetic, not measured here)"
    )
    goals.append(
        Goal(
            f"{shell} overhead per request, local server",
            f"≤ {GOAL:.2f}x raw httpx",
            f"{network.ratio:.2f}x ({own_cost:.0f} µs of the connector's own work per call)",
            network.ratio <= GOAL,
            why,
        )
    )
    return goals
