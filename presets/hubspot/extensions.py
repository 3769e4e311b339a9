"""Your additions to `HubSpotConnector`. The template never rewrites this file.

HubSpot's CRM is reached two ways, both built on `request`, so retries, the circuit breaker and the
rate limiter apply to every call:

- one business domain per object type (``domains/``): ``hubspot.contacts.iterate(properties=[...])``,
  ``.get``, ``.create``, ``.update``, ``.delete``, ``.search``, ``.batch_read``, records parsed into
  the generated models (``models.Contact``, ...);
- a typed method per operation of ``api/openapi.yaml`` (``operations.py``): ``list_contacts``,
  ``iter_contacts``, ``list_properties``, ``list_associations``, ...

This module teaches the rate limiter HubSpot's own headers: each answer's
``X-HubSpot-RateLimit-Remaining`` of ``-Max`` in a rolling ``-Interval-Milliseconds`` window, so the
connector waits before HubSpot answers 429. Search answers carry no such headers; searches take
``search_cost`` tokens instead (see ``config.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .operations import AsyncOperations as AsyncBase
from .operations import Operations as Base
from .resilience.bucket import RateLimitStatus, parse_rate_limit_headers

__all__ = ["AsyncExtensions", "Extensions", "parse_hubspot_headers"]


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def parse_hubspot_headers(headers: Mapping[str, str], wall: float) -> RateLimitStatus | None:
    """Read HubSpot's rolling-window headers; other answers fall back to the standard ``RateLimit`` ones.

    When ``Remaining`` reaches 0 the connector holds calls for one interval, the longest the rolling
    window can take to free a request.
    """
    remaining = _number(headers.get("x-hubspot-ratelimit-remaining"))
    if remaining is None:
        return parse_rate_limit_headers(headers, wall)
    interval = _number(headers.get("x-hubspot-ratelimit-interval-milliseconds"))
    return RateLimitStatus(
        limit=_number(headers.get("x-hubspot-ratelimit-max")),
        remaining=remaining,
        reset_after=interval / 1000 if interval else None,
    )


class Extensions(Base):
    """Methods and hooks you add to `HubSpotConnector`."""

    def _setup(self) -> None:
        super()._setup()
        self.core.limiter.header_parser = parse_hubspot_headers


class AsyncExtensions(AsyncBase):
    """Methods and hooks you add to `AsyncHubSpotConnector`."""

    def _setup(self) -> None:
        super()._setup()
        self.core.limiter.header_parser = parse_hubspot_headers
