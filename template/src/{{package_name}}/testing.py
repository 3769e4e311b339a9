"""Test helpers: a fake clock that never waits, and metrics that remember what they were told."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict

import anyio

__all__ = ["FakeClock", "InMemoryMetrics"]


class FakeClock:
    """A clock that only moves when told to; ``sleep`` advances it instead of waiting.

    Args:
        start: Initial monotonic time in seconds.
        wall_start: Unix time that corresponds to ``start``.
    """

    def __init__(self, start: float = 1000.0, wall_start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._offset = wall_start - start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the fake monotonic time."""
        return self._now

    def wall(self) -> float:
        """Return the fake Unix time."""
        return self._now + self._offset

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``."""
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Record the wait and advance time by it, at once."""
        self.sleeps.append(seconds)
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        """Record the wait and advance time by it, yielding to the event loop once."""
        self.sleep(seconds)
        await anyio.sleep(0)


class InMemoryMetrics:
    """Counts and measurements kept in dictionaries, for assertions."""

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()
        self.observations: defaultdict[str, list[float]] = defaultdict(list)

    def increment(self, name: str, value: float = 1.0, *, tags: dict[str, str] | None = None) -> None:
        """Add ``value`` to counter ``name``."""
        self.counters[name] += int(value)

    def observe(self, name: str, value: float, *, tags: dict[str, str] | None = None) -> None:
        """Append ``value`` to the list for ``name``."""
        self.observations[name].append(value)
