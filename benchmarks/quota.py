"""Goal 3: how much of a server's quota each client uses, and how many 429s it collects doing so.

The server holds a token bucket of ``rate`` requests/s with a burst of ``rate`` (full at the
start of each run, as a real API's is when a client arrives), answers 429 with ``Retry-After``
when it is empty, and sends ``X-RateLimit-Limit/Remaining/Reset`` on every answer. Each client
sends sequential GETs for ``seconds``; the server counts what it accepted and refused in those
``seconds`` (a client asleep when the window closes is simply cut off).

Utilisation is accepted requests over what the bucket could accept in the window:
``burst + rate * seconds``. The clients:

- the sync connector with ``rate_limit=N`` (its bucket's burst defaults to N) and header
  adaptation on (the default);
- the sync connector with header adaptation alone (no ``rate_limit``);
- a naive httpx loop that sends as fast as it can and, on a 429, sleeps for ``Retry-After``;
- dlt's `RESTClient` with its defaults (its session retries 429s after ``Retry-After``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import httpx

from . import comparators
from .project import Rendered
from .results import Goal, Section, Stopwatch
from .server import LocalServer

__all__ = ["run"]

UTILISATION_GOAL = 0.95
LIMITED_GOAL = 0.001
PATH = "quota/ping"


Loop = Callable[[], None]


def _until(seconds: float, send: Callable[[], object]) -> None:
    watch = Stopwatch()
    while watch.elapsed < seconds:
        send()


def _connector(rendered: Rendered, base_url: str, seconds: float, **settings: Any) -> Loop:
    api = rendered.Connector(rendered.Config(base_url=base_url, **settings))
    api.connect()

    def send() -> None:
        with contextlib.suppress(rendered.package.RateLimitError):  # retries ran out; a caller would go on
            api.get(PATH)

    def loop() -> None:
        with api:
            _until(seconds, send)

    return loop


def _naive(base_url: str, seconds: float) -> Loop:
    client = httpx.Client(base_url=base_url)

    def send() -> None:
        response = client.get(PATH)
        if response.status_code == 429:
            time.sleep(float(response.headers.get("Retry-After", "1")))

    def loop() -> None:
        with client:
            _until(seconds, send)

    return loop


def _dlt(base_url: str, seconds: float) -> Loop:
    client = comparators.dlt_client(base_url)
    return lambda: _until(seconds, lambda: client.get(PATH))


def run(server: LocalServer, rendered: Rendered, *, rate: float, seconds: float, rounds: int) -> Section:
    """Run every client ``rounds`` times for ``seconds`` against a bucket of ``rate`` requests/s."""
    section = Section(
        "quota",
        "Quota utilisation",
        setup=(
            f"Server bucket: {rate:g} requests/s, burst {rate:g}, full at the start; 429 with `Retry-After` "
            f"(whole seconds) when empty; `X-RateLimit-Limit/Remaining/Reset` on every answer. Each client "
            f"sends sequential GETs for {seconds:g} s, counted by the server; {rounds} rounds. "
            f"Utilisation = accepted / (burst + rate x {seconds:g} s)."
        ),
    )
    # Each entry builds its client (imports included) before the server's window opens.
    clients: dict[str, Callable[[], Loop]] = {
        f"connector, rate_limit={rate:g}": lambda: _connector(rendered, server.url, seconds, rate_limit=rate),
        "connector, headers only": lambda: _connector(rendered, server.url, seconds),
        "naive httpx loop (sleeps Retry-After)": lambda: _naive(server.url, seconds),
    }
    if comparators.available("dlt"):
        clients["dlt RESTClient (defaults)"] = lambda: _dlt(server.url, seconds)
    else:
        section.skipped.append("dlt is not installed: its quota run was skipped")
    totals: dict[str, list[int]] = {name: [0, 0] for name in clients}
    for _ in range(rounds):
        for name, prepare in clients.items():
            loop = prepare()
            server.control("reset", rate=rate, burst=rate, window=seconds)
            loop()
            stats = server.control("stats")
            accepted, limited = stats["ok"], stats["limited"]
            totals[name][0] += accepted
            totals[name][1] += limited
            section.row(f"{name}: utilisation", "%").runs.append(100 * accepted / (rate + rate * seconds))
            section.row(f"{name}: accepted/s", "req/s").runs.append(accepted / seconds)
            section.row(f"{name}: 429 answers", "count").runs.append(limited)
    for name, (accepted, limited) in totals.items():
        share = limited / max(accepted + limited, 1)
        section.row(f"{name}: 429 share, all rounds", "%").runs.append(100 * share)
    section.notes.append(
        "How each client behaves: with `rate_limit` the connector spaces its requests itself; with headers "
        "only it sends until `X-RateLimit-Remaining` reaches 0 and then waits for `X-RateLimit-Reset`; the "
        "naive loop and dlt send until they get a 429 and then wait `Retry-After`."
    )
    primary = f"connector, rate_limit={rate:g}"
    utilisation = section.row(f"{primary}: utilisation", "%").value / 100
    accepted, limited = totals[primary]
    share = limited / max(accepted + limited, 1)
    met = utilisation >= UTILISATION_GOAL and share < LIMITED_GOAL
    reasons = []
    if utilisation < UTILISATION_GOAL:
        reasons.append(
            f"by {100 * (UTILISATION_GOAL - utilisation):.1f} points of utilisation because the client waited "
            "longer than the server's bucket required (see the 429 and accepted/s rows)"
        )
    if share >= LIMITED_GOAL:
        reasons.append(
            f"with a 429 share of {100 * share:.2f} % ({limited} of {accepted + limited}) because the client's "
            "bucket and the server's started at different instants and drifted apart"
        )
    section.goals.append(
        Goal(
            "quota utilisation, bucket set to N",
            f"≥ {UTILISATION_GOAL:.0%} of N, < {LIMITED_GOAL:.1%} 429s",
            f"{utilisation:.1%} of N, {share:.2%} 429s ({limited} of {accepted + limited})",
            met,
            "; ".join(reasons),
        )
    )
    return section
