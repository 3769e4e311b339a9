"""Resilience policies: pure state machines that decide, with an injected clock; they never sleep or do I/O."""

from .breaker import BreakerState, CircuitBreaker
from .bucket import (
    RateLimiter,
    RateLimitStatus,
    StrictWindow,
    Ticket,
    TokenBucket,
    WindowQuota,
    parse_rate_limit_headers,
)
from .clock import Clock, SystemClock
from .recovery import PageRecovery
from .retry import RetryDecision, RetryPolicy, backoff_delay, parse_retry_after

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "Clock",
    "PageRecovery",
    "RateLimitStatus",
    "RateLimiter",
    "RetryDecision",
    "RetryPolicy",
    "StrictWindow",
    "SystemClock",
    "Ticket",
    "TokenBucket",
    "WindowQuota",
    "backoff_delay",
    "parse_rate_limit_headers",
    "parse_retry_after",
]
