"""Header names are matched in any case, however the API or the settings spell them."""

from __future__ import annotations

from .api import bucket
from .conftest import MakeDriver
from .server import FaultServer, Reply


def test_rate_limit_header_names_match_in_any_case() -> None:
    """A plain mapping with mixed-case names reads the same as httpx.Headers."""
    status = bucket.parse_rate_limit_headers({"X-RATELIMIT-Remaining": "3", "x-ratelimit-reset": "4"}, wall=0.0)
    assert status == bucket.RateLimitStatus(limit=None, remaining=3, reset_after=4)


def test_request_id_header_names_match_in_any_case(make: MakeDriver, server: FaultServer) -> None:
    """A request ID header configured as "X-Trace-Id" is found in an answer that spells it x-trace-id."""
    server.script("/c", Reply(200, {}, headers={"x-trace-id": "trace-7"}))
    response = make(request_id_headers=("X-Trace-Id",))("get", "c")
    assert response.meta.correlation_id == "trace-7"
