"""The retry decision: whether to send a failed attempt again, and after how long.

Written by hand, not with a retry library: the decision must see the error, the method's
idempotency, ``Retry-After`` and the call's remaining budget together, and return a value that
both the sync and the async connector act on (tenacity and stamina own the loop and the sleep).

Time is ``float`` seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from ..errors import ConnectorError

__all__ = ["RetryDecision", "RetryPolicy", "backoff_delay", "parse_retry_after"]

#: Methods that RFC 9110 section 9.2.2 defines as idempotent: safe to send twice.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


def backoff_delay(attempt: int, *, initial: float, multiplier: float, maximum: float, rng: random.Random) -> float:
    """Return the wait before retry number ``attempt`` (1 for the first retry), with equal jitter.

    ``cap = min(maximum, initial * multiplier ** (attempt - 1))`` and the delay is uniform in
    ``[cap / 2, cap]``. Half the cap is kept so the backoff still grows exponentially; the other
    half is random so that clients failing together do not retry together.
    """
    exponent = max(attempt - 1, 0)
    try:
        cap = min(maximum, initial * multiplier**exponent)
    except OverflowError:  # a huge attempt number: the cap applies
        cap = maximum
    return cap / 2 + rng.uniform(0, cap / 2)


def parse_retry_after(value: str | None, *, wall: float) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for (RFC 9110 10.2.3), or None.

    Both forms are accepted: delay-seconds (``"120"``) and an HTTP date, which is measured
    against ``wall`` (Unix time). Negative results become 0; unparseable values give None.
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive result means the zone was missing
        return None
    return max(when.timestamp() - wall, 0.0)


@dataclass(frozen=True)
class RetryDecision:
    """What to do after a failed attempt."""

    retry: bool
    delay: float = 0.0
    reason: str = ""


class RetryPolicy:
    """Decides retries: up to ``max_retries``, exponential backoff, within a total budget.

    Args:
        max_retries: Retries after the first attempt (default 3: 4 attempts in all).
        initial: First backoff cap in seconds (default 1).
        multiplier: Growth of the cap per retry (default 2).
        maximum: Largest backoff cap in seconds (default 30).
        budget: Seconds a logical call may spend in total, waits included (default 60).
        rng: Source of jitter; pass a seeded `random.Random` in tests.
    """

    def __init__(
        self,
        *,
        max_retries: int = 3,
        initial: float = 1.0,
        multiplier: float = 2.0,
        maximum: float = 30.0,
        budget: float = 60.0,
        rng: random.Random | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
        self.budget = budget
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    def decide(
        self,
        error: ConnectorError,
        *,
        attempt: int,
        method: str,
        has_idempotency_key: bool,
        sent: bool,
        elapsed: float,
    ) -> RetryDecision:
        """Return whether to retry after ``attempt`` attempts ended in ``error``.

        Args:
            error: The failure of the last attempt.
            attempt: Attempts made so far, the failed one included (1-based).
            method: HTTP method of the request.
            has_idempotency_key: The request carries an idempotency key header, or the caller
                declared it idempotent.
            sent: The request may have reached the server (False for connect failures).
            elapsed: Seconds since the logical call started.
        """
        if not error.retryable:
            return RetryDecision(False, reason="not retryable")
        if sent and method.upper() not in IDEMPOTENT_METHODS and not has_idempotency_key:
            return RetryDecision(False, reason="unsafe method without idempotency key")
        if attempt > self.max_retries:
            return RetryDecision(False, reason="attempts exhausted")
        if error.retry_after is not None:
            delay = error.retry_after
        else:
            delay = backoff_delay(
                attempt, initial=self.initial, multiplier=self.multiplier, maximum=self.maximum, rng=self.rng
            )
        if elapsed + delay > self.budget:
            return RetryDecision(False, delay=delay, reason="retry budget exhausted")
        return RetryDecision(True, delay=delay, reason="retryable")
