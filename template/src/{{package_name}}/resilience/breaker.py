"""The circuit breaker: stop calling an API that keeps failing, then probe it.

Rules of this module (after h11's ``_state.py``):

* All transition logic lives here; the connectors only ask `allow` before an attempt and report
  the outcome with `record_success` or `record_failure`.
* Transitions are data: `TRANSITIONS` maps ``(state, event)`` to the next state. A pair that is
  not in the table is a bug and raises `BreakerTransitionError` naming both.
* Only failures that show the API is unhealthy count: network errors, timeouts and 5xx. Any
  other HTTP answer (including 4xx and 429) shows the API is up and counts as a success.

Theory of operation: CLOSED counts consecutive failures; at ``threshold`` it TRIPs to OPEN.
OPEN rejects every call until ``cooldown`` seconds have passed, then COOLs DOWN to HALF_OPEN.
HALF_OPEN admits up to ``probes`` calls at once; a success closes the circuit, a failure opens
it again for another cool-down.

Written by hand: no maintained library offers a sans-IO breaker that a sync and an async client
can share. Time is ``float`` seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import Enum

__all__ = ["BreakerEvent", "BreakerState", "BreakerTransitionError", "CircuitBreaker"]


class BreakerState(Enum):
    """States of the circuit."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class BreakerEvent(Enum):
    """Inputs that move the circuit."""

    SUCCESS = "success"
    FAILURE = "failure"
    TRIP = "trip"
    COOL_DOWN = "cool_down"


TRANSITIONS: dict[tuple[BreakerState, BreakerEvent], BreakerState] = {
    (BreakerState.CLOSED, BreakerEvent.SUCCESS): BreakerState.CLOSED,
    (BreakerState.CLOSED, BreakerEvent.FAILURE): BreakerState.CLOSED,
    (BreakerState.CLOSED, BreakerEvent.TRIP): BreakerState.OPEN,
    # Calls admitted before the circuit opened may still finish: their outcome changes nothing.
    (BreakerState.OPEN, BreakerEvent.SUCCESS): BreakerState.OPEN,
    (BreakerState.OPEN, BreakerEvent.FAILURE): BreakerState.OPEN,
    (BreakerState.OPEN, BreakerEvent.COOL_DOWN): BreakerState.HALF_OPEN,
    (BreakerState.HALF_OPEN, BreakerEvent.SUCCESS): BreakerState.CLOSED,
    (BreakerState.HALF_OPEN, BreakerEvent.FAILURE): BreakerState.OPEN,
}


class BreakerTransitionError(RuntimeError):
    """An event arrived in a state where the table has no move for it."""


Listener = Callable[[BreakerState, BreakerState], None]


class CircuitBreaker:
    """Counts unhealthy failures and fails calls fast while the API is down.

    Args:
        threshold: Consecutive unhealthy failures that open the circuit (default 5).
        cooldown: Seconds the circuit stays open before probing (default 60).
        probes: Calls admitted at once while half-open (default 1).
        on_change: Called with ``(old, new)`` on every state change.
    """

    def __init__(
        self, *, threshold: int = 5, cooldown: float = 60.0, probes: int = 1, on_change: Listener | None = None
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self.probes = probes
        self.on_change = on_change
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probes_in_flight = 0
        self._lock = threading.Lock()  # one breaker is shared by every thread using a connector

    @property
    def state(self) -> BreakerState:
        """The current state (without applying a pending cool-down)."""
        return self._state

    @property
    def consecutive_failures(self) -> int:
        """Unhealthy failures since the last success."""
        return self._failures

    def retry_in(self, now: float) -> float:
        """Return seconds until an open circuit half-opens (0 when it is not open)."""
        if self._state is not BreakerState.OPEN:
            return 0.0
        return max(self._opened_at + self.cooldown - now, 0.0)

    def allow(self, now: float) -> bool:
        """Return whether a call may go out now; admitting a half-open probe reserves it."""
        state = self._state  # the common case, read once without the lock: a closed breaker admits every call
        if state is BreakerState.CLOSED:
            return True
        with self._lock:
            if self._state is BreakerState.OPEN and now - self._opened_at >= self.cooldown:
                self._move(BreakerEvent.COOL_DOWN)
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.HALF_OPEN and self._probes_in_flight < self.probes:
                self._probes_in_flight += 1
                return True
            return False

    def record_success(self) -> None:
        """Report an attempt that got an HTTP answer other than 5xx."""
        if self._state is BreakerState.CLOSED and not self._failures:  # nothing would change
            return
        with self._lock:
            self._failures = 0
            self._release_probe()
            self._move(BreakerEvent.SUCCESS)

    def record_failure(self, now: float) -> None:
        """Report an attempt that failed with a network error, a timeout or a 5xx."""
        with self._lock:
            self._failures += 1
            self._release_probe()
            if self._state is BreakerState.CLOSED and self._failures >= self.threshold:
                self._opened_at = now
                self._move(BreakerEvent.TRIP)
            elif self._state is BreakerState.HALF_OPEN:
                self._opened_at = now
                self._move(BreakerEvent.FAILURE)
            else:
                self._move(BreakerEvent.FAILURE)

    def release(self) -> None:
        """Report that an admitted call ended with no answer to judge (it was cancelled)."""
        with self._lock:
            self._release_probe()

    def _release_probe(self) -> None:
        if self._state is BreakerState.HALF_OPEN and self._probes_in_flight > 0:
            self._probes_in_flight -= 1

    def _move(self, event: BreakerEvent) -> None:
        try:
            new = TRANSITIONS[(self._state, event)]
        except KeyError:
            # The KeyError would only repeat the pair that the message already names.
            raise BreakerTransitionError(f"no transition for event {event.name} in state {self._state.name}") from None
        old, self._state = self._state, new
        if new is not old:
            self._probes_in_flight = 0
            if self.on_change is not None:
                self.on_change(old, new)
