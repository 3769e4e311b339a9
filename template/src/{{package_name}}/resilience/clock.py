"""The clock: the only place a connector reads the time or waits.

Time is ``float`` seconds. ``now()`` is monotonic and measures intervals; ``wall()`` is Unix
time, used only to read absolute times sent by servers (HTTP dates, epoch resets). The policies
only read the clock; the connectors also wait on it, so `testing.FakeClock` makes a whole
connector run without real waits.
"""

from __future__ import annotations

import time
from typing import Protocol

import anyio

__all__ = ["Clock", "SystemClock"]


class Clock(Protocol):
    """A source of time; tests pass `testing.FakeClock`."""

    def now(self) -> float:
        """Return monotonic seconds."""
        ...

    def wall(self) -> float:
        """Return Unix time in seconds."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds``."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Wait ``seconds`` without blocking the event loop."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        """Return `time.monotonic()`."""
        return time.monotonic()

    def wall(self) -> float:
        """Return `time.time()`."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Call `time.sleep`."""
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """Call `anyio.sleep`."""
        await anyio.sleep(seconds)
