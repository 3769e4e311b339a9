"""Page recovery: how a walk over many pages rides out a page whose call failed (CF-PAGE-6).

A single call fails fast: its retries run out, or the circuit is open, and the error is raised
(CF-RETRY-8, CF-BREAK-2). A walk (``pages``, ``paginate``, ``items``, ``paginate_concurrently``,
``extract``, the dlt source) is a long job that an outage of a minute should not end, so when a
page's call fails with an error worth waiting out, the walk waits and fetches the same page
again. Nothing is lost or read twice: the paginator moves on only after a page was read.

Worth waiting out: a retryable error (network, timeout, 429, 5xx), `CircuitOpenError` and a
`RateLimitError` from the local limiter. The wait is the longest of: the time until the circuit
half-opens, the error's ``retry_after``, and the backoff continued from where the call's own
retries stopped (``backoff_delay(max_retries + n)`` for the page's n-th failed call, so at most
``backoff_max``). The time from a page's first failure until it is read counts against
``budget`` (``page_recovery_budget``, 900 s), summed over the walk; a wait that would end past it
is not made and the error is raised. A budget of 0 makes a walk fail like a single call.

Written by hand, like the retry decision: it must see the breaker and the call's retry settings
together. Time is ``float`` seconds.
"""

from __future__ import annotations

import threading

from ..errors import CircuitOpenError, ConnectorError, RateLimitError
from .retry import RetryPolicy, backoff_delay

__all__ = ["PageRecovery"]


class PageRecovery:
    """Decides whether a walk fetches a failed page again, and after how long, within its budget.

    Args:
        budget: Seconds the walk may spend recovering failed pages, in all.
        retry: The connector's retry policy: its attempts, backoff settings and jitter.
    """

    def __init__(self, *, budget: float, retry: RetryPolicy) -> None:
        self.budget = budget
        self.retry = retry
        self.spent = 0.0
        self._failed_at: float | None = None
        self._failures = 0
        self._lock = threading.Lock()  # paginate_concurrently fetches pages on several threads

    def after_failure(self, error: ConnectorError, *, now: float, circuit_wait: float) -> float | None:
        """Return the seconds to wait before fetching the page again, or None to raise ``error``.

        Args:
            error: What the page's call raised.
            now: The clock's monotonic time.
            circuit_wait: Seconds until the circuit half-opens (0 when it is not open).
        """
        if not (error.retryable or isinstance(error, (CircuitOpenError, RateLimitError))):
            return None
        with self._lock:
            if self._failed_at is None:
                self._failed_at = now
            self._failures += 1
            backoff = backoff_delay(
                self.retry.max_retries + self._failures,
                initial=self.retry.initial,
                multiplier=self.retry.multiplier,
                maximum=self.retry.maximum,
                rng=self.retry.rng,
            )
            delay = max(circuit_wait, error.retry_after or 0.0, backoff)
            if self.spent + (now - self._failed_at) + delay > self.budget:
                return None
            return delay

    def left(self, now: float) -> float:
        """Return the seconds of the budget not yet spent, the current recovery's included."""
        with self._lock:
            current = 0.0 if self._failed_at is None else now - self._failed_at
            return max(self.budget - self.spent - current, 0.0)

    def succeeded(self, now: float) -> None:
        """Report that a page was read: the time since the first failure counts as spent."""
        with self._lock:
            if self._failed_at is not None:
                self.spent += now - self._failed_at
                self._failed_at = None
                self._failures = 0
