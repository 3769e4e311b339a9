"""Goal 3: how much of a strict server's quota each client uses, and how many 429s it collects doing so.

Two servers, each allowing ``rate`` requests a second (`server.py`): a sliding window (never more
than N in any second, counted by arrival; ``X-RateLimit-Reset`` in Unix milliseconds) and a fixed
one (N per second counted from the start; ``RateLimit-Reset`` in seconds). Both answer 429 with
``Retry-After`` (whole seconds) when full, and report the remaining count on every answer. Each
client sends GETs for ``seconds``; the server counts what it accepted and
refused in those seconds.

Utilisation is accepted requests over the most the server accepts in the window,
``rate * ceil(seconds)`` (either server takes N in each second of it, a partial one included).
The clients:

- the connector with ``rate_limit=N`` (no ``rate_burst``: the strict window), sync, and async
  with 10 concurrent tasks;
- the async connector with no configured rate, adapting from the server's headers alone, with 1
  and with 10 concurrent tasks;
- a naive httpx loop that sends as fast as it can and, on a 429, sleeps for ``Retry-After``;
- dlt's `RESTClient` with its defaults (its session retries 429s after ``Retry-After``).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from typing import Any

import httpx

from . import comparators
from .project import Rendered
from .results import Goal, Section, Stopwatch
from .server import LocalServer

__all__ = ["KINDS", "run"]

UTILISATION_GOAL = 0.95
LIMITED_GOAL = 0.001
TASKS = 10
#: The servers: route, what it is called in the report, how it counts.
KINDS = {
    "sliding": "sliding window (N in any second)",
    "fixed": "fixed window (N per second)",
}

Loop = Callable[[], None]


def _until(seconds: float, send: Callable[[], object]) -> None:
    watch = Stopwatch()
    while watch.elapsed < seconds:
        send()


def _connector(rendered: Rendered, base_url: str, path: str, seconds: float, **settings: Any) -> Loop:
    with rendered.Connector(rendered.Config(base_url=base_url)) as warm:
        warm.get("ping")  # imports and first-call paths, before the window opens, as for every client
    api = rendered.Connector(rendered.Config(base_url=base_url, **settings))

    def send() -> None:
        with contextlib.suppress(rendered.package.RateLimitError):  # retries ran out; a caller would go on
            api.get(path)

    def loop() -> None:
        with api:
            _until(seconds, send)

    return loop


def _async_connector(rendered: Rendered, base_url: str, path: str, seconds: float, tasks: int, **settings: Any) -> Loop:
    runner = asyncio.new_event_loop()

    async def warm_up() -> None:  # the event loop, imports and first-call paths, before the window opens
        async with rendered.AsyncConnector(rendered.Config(base_url=base_url)) as warm:
            await warm.get("ping")

    runner.run_until_complete(warm_up())
    api = rendered.AsyncConnector(rendered.Config(base_url=base_url, **settings))

    async def main() -> None:
        async with api:
            deadline = time.perf_counter() + seconds

            async def worker() -> None:
                while time.perf_counter() < deadline:
                    with contextlib.suppress(rendered.package.RateLimitError):
                        await api.get(path)

            await asyncio.gather(*(worker() for _ in range(tasks)))

    def loop() -> None:
        try:
            runner.run_until_complete(main())
        finally:
            runner.close()

    return loop


def _naive(base_url: str, path: str, seconds: float) -> Loop:
    with httpx.Client(base_url=base_url) as warm:
        warm.get("ping")
    client = httpx.Client(base_url=base_url)

    def send() -> None:
        response = client.get(path)
        if response.status_code == 429:
            time.sleep(float(response.headers.get("Retry-After", "1")))

    def loop() -> None:
        try:
            _until(seconds, send)
        finally:
            client.close()

    return loop


def _dlt(base_url: str, path: str, seconds: float) -> Loop:
    comparators.dlt_client(base_url).get("ping")
    client = comparators.dlt_client(base_url)
    return lambda: _until(seconds, lambda: client.get(path))


def _clients(rendered: Rendered, url: str, path: str, rate: float, seconds: float) -> dict[str, Callable[[], Loop]]:
    """Each client by name; each entry builds its client (imports included) before the server's window opens."""
    clients: dict[str, Callable[[], Loop]] = {
        f"sync connector, rate_limit={rate:g}": lambda: _connector(rendered, url, path, seconds, rate_limit=rate),
        f"async connector, rate_limit={rate:g}, {TASKS} tasks": lambda: _async_connector(
            rendered, url, path, seconds, TASKS, rate_limit=rate
        ),
        "async connector, headers only, 1 task": lambda: _async_connector(rendered, url, path, seconds, 1),
        f"async connector, headers only, {TASKS} tasks": lambda: _async_connector(rendered, url, path, seconds, TASKS),
        "naive httpx loop (sleeps Retry-After)": lambda: _naive(url, path, seconds),
    }
    if comparators.available("dlt"):
        clients["dlt RESTClient (defaults)"] = lambda: _dlt(url, path, seconds)
    return clients


def run(server: LocalServer, rendered: Rendered, *, rate: float, seconds: float, rounds: int) -> Section:
    """Run every client ``rounds`` times for ``seconds`` against each server at ``rate`` requests/s."""
    capacity = rate * math.ceil(seconds)
    section = Section(
        "quota",
        "Quota utilisation against strict servers",
        setup=(
            f"Two servers at {rate:g} requests/s: a sliding window (at most {rate:g} in any second, by arrival; "
            f"`X-RateLimit-Reset` in Unix milliseconds) and a fixed one ({rate:g} per second from the start; "
            "`RateLimit-Reset` in seconds). Both answer 429 with `Retry-After` (whole seconds) when full and "
            f"report the remaining count on every answer. Each client sends GETs for {seconds:g} s, counted by "
            f"the server; {rounds} rounds. Utilisation = accepted / {capacity:g}, the most the server accepts "
            f"in {seconds:g} s. The connector runs with `rate_limit` and no `rate_burst` (the strict window), or "
            f"with no rate at all, following the headers alone; async clients run 1 or {TASKS} concurrent tasks."
        ),
    )
    if not comparators.available("dlt"):
        section.skipped.append("dlt is not installed: its quota runs were skipped")
    totals: dict[str, list[int]] = {}
    for kind, label in KINDS.items():
        clients = _clients(rendered, server.url, f"quota/{kind}", rate, seconds)
        for _ in range(rounds):
            for name, prepare in clients.items():
                loop = prepare()
                server.control("reset", rate=rate, window=seconds)
                loop()
                stats = server.control("stats")
                accepted, limited = stats["ok"], stats["limited"]
                row = f"{label}: {name}"
                total = totals.setdefault(row, [0, 0])
                total[0] += accepted
                total[1] += limited
                section.row(f"{row}: utilisation", "%").runs.append(100 * accepted / capacity)
                section.row(f"{row}: 429 answers", "count").runs.append(limited)
    for row, (accepted, limited) in totals.items():
        section.row(f"{row}: 429 share, all rounds", "%").runs.append(100 * limited / max(accepted + limited, 1))
    section.notes.append(
        "How each client behaves: with `rate_limit` the connector holds each of its N places until a second "
        "after the answer that used it, so no second at the server ever holds more than N; with headers only "
        "it reserves from the remaining count the server reports before each send, shared by all tasks, and "
        "after each reset sends one request to learn the new count; the naive loop and dlt send until they "
        "get a 429 and then wait `Retry-After`."
    )
    section.goals.extend(_goals(section, totals, rate))
    return section


def _goals(section: Section, totals: dict[str, list[int]], rate: float) -> list[Goal]:
    """One goal per connector client and server: utilisation and 429 share, with the reason when missed."""
    goals = []
    for row, (accepted, limited) in totals.items():
        label, _, name = row.partition(": ")
        if "connector" not in name:
            continue
        utilisation = section.row(f"{row}: utilisation", "%").value / 100
        share = limited / max(accepted + limited, 1)
        reasons = []
        if utilisation < UTILISATION_GOAL:
            reasons.append(
                f"by {100 * (UTILISATION_GOAL - utilisation):.1f} points of utilisation: the client sent "
                f"{utilisation * rate:.0f} of the {rate:g} requests a second the server accepts and was held back "
                + (
                    "by its own window, each place freed a second after its answer (a round trip per place)"
                    if "rate_limit" in name
                    else "after each reset, one request at a time learning the new count"
                )
            )
        if share >= LIMITED_GOAL:
            reasons.append(
                f"with a 429 share of {100 * share:.2f} % ({limited} of {accepted + limited}): requests reached the "
                "server while its window was full"
            )
        goals.append(
            Goal(
                f"quota, {name}, {label.split(' (')[0]}",
                f"≥ {UTILISATION_GOAL:.0%} of N, < {LIMITED_GOAL:.1%} 429s",
                f"{utilisation:.1%} of N, {share:.2%} 429s ({limited} of {accepted + limited})",
                utilisation >= UTILISATION_GOAL and share < LIMITED_GOAL,
                "; ".join(reasons),
            )
        )
    return goals
