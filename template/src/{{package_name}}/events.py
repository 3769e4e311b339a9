"""Hooks and metrics: what a connector reports, and the protocols that receive it.

Order within one logical call: ``before_request`` (each attempt, may replace the request or
raise to abort) -> send -> ``after_response`` (each HTTP answer, errors included) ->
``on_retry`` (before each wait) ... -> ``on_error`` (once, when the call finally fails).
Hooks run in the order they were added. A hook that raises stops the call with that exception;
raise `errors.CancelledError` to abort on purpose. ``before_request`` sees the request before
credentials are added; ``after_response`` gets a copy whose request has them redacted, while its
status, headers and body are the API's own, not redacted (SPEC.md, "What hooks see").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from .errors import ConnectorError

__all__ = [
    "BreakerChange",
    "Hooks",
    "Metrics",
    "NullMetrics",
    "RetryEvent",
    "ThrottleEvent",
]


@dataclass(frozen=True)
class RetryEvent:
    """An attempt failed and will be retried after ``delay`` seconds."""

    method: str
    path: str
    attempt: int
    delay: float
    code: str
    status: int | None
    correlation_id: str


@dataclass(frozen=True)
class ThrottleEvent:
    """The rate limiter held a request back for ``wait`` seconds."""

    method: str
    path: str
    wait: float
    correlation_id: str


@dataclass(frozen=True)
class BreakerChange:
    """The circuit breaker moved from ``old`` to ``new`` (state values: closed, open, half_open)."""

    old: str
    new: str


class Metrics(Protocol):
    """Receives counters and latencies; adapt it to Prometheus, StatsD or OpenTelemetry metrics.

    Counters: ``requests``, ``errors``, ``retries``, ``breaker_transitions``, ``throttled_waits``,
    ``page_retries``.
    Latencies (seconds): ``request_duration``, ``throttle_wait``.
    """

    def increment(self, name: str, value: float = 1.0, *, tags: dict[str, str] | None = None) -> None:
        """Add ``value`` to counter ``name``."""
        ...

    def observe(self, name: str, value: float, *, tags: dict[str, str] | None = None) -> None:
        """Record one measurement of ``name``."""
        ...


class NullMetrics:
    """Discards everything (the default)."""

    def increment(self, name: str, value: float = 1.0, *, tags: dict[str, str] | None = None) -> None:
        """Do nothing."""

    def observe(self, name: str, value: float, *, tags: dict[str, str] | None = None) -> None:
        """Do nothing."""


BeforeRequestHook = Callable[[httpx.Request], "httpx.Request | None"]
AfterResponseHook = Callable[[httpx.Response], None]
ErrorHook = Callable[[ConnectorError], None]
RetryHook = Callable[[RetryEvent], None]
ThrottleHook = Callable[[ThrottleEvent], None]
BreakerHook = Callable[[BreakerChange], None]


@dataclass
class Hooks:
    """The callbacks a connector runs; append to the lists to add your own."""

    before_request: list[BeforeRequestHook] = field(default_factory=list)
    after_response: list[AfterResponseHook] = field(default_factory=list)
    on_error: list[ErrorHook] = field(default_factory=list)
    on_retry: list[RetryHook] = field(default_factory=list)
    on_throttle: list[ThrottleHook] = field(default_factory=list)
    on_breaker_change: list[BreakerHook] = field(default_factory=list)
    metrics: Metrics = field(default_factory=NullMetrics)
