"""Hooks, logging, metrics and tracing (CF-HOOK, CF-OBS)."""

from __future__ import annotations

import logging
import sys
import types

import httpx
import pytest

from ..api import PACKAGE, errors, events, testing
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec


@spec("CF-HOOK-1")
def test_hooks_run_in_the_documented_order(make: MakeDriver, server: FaultServer) -> None:
    """before_request and after_response per attempt, on_retry before each wait, on_error once."""
    calls: list[str] = []
    hooks = events.Hooks(
        before_request=[lambda request: calls.append("before") or None],
        after_response=[lambda response: calls.append(f"after {response.status_code}")],
        on_retry=[lambda event: calls.append("retry")],
        on_error=[lambda error: calls.append("error")],
    )
    server.script("/o", Reply(503), Reply(503))
    with pytest.raises(errors.ServerError):
        make(hooks=hooks, max_retries=1)("get", "o")
    assert calls == ["before", "after 503", "retry", "before", "after 503", "error"]


@spec("CF-HOOK-2")
def test_a_before_request_hook_can_replace_or_abort_the_request(make: MakeDriver, server: FaultServer) -> None:
    """A returned request is sent instead; a raised CancelledError stops the call unsent."""

    def add_header(request: httpx.Request) -> httpx.Request:
        request.headers["X-Tenant"] = "t-1"
        return request

    make(hooks=events.Hooks(before_request=[add_header]))("get", "h")
    assert server.requests_to("/h")[0].headers["X-Tenant"] == "t-1"

    def abort(request: httpx.Request) -> None:
        raise errors.CancelledError("not today")

    with pytest.raises(errors.CancelledError):
        make(hooks=events.Hooks(before_request=[abort]))("get", "never")
    assert server.requests_to("/never") == []


@spec("CF-OBS-1")
def test_log_records_carry_structured_fields_on_the_package_logger(
    make: MakeDriver, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Each attempt logs method, path, status, duration, attempt and correlation id; root is untouched."""
    root_handlers = list(logging.getLogger().handlers)
    caplog.set_level(logging.DEBUG, logger=PACKAGE)
    make()("get", "logged")
    records = [r for r in caplog.records if r.name == PACKAGE and getattr(r, "path", None) == "/logged"]
    assert records
    record = records[0]
    assert (record.method, record.status, record.attempt) == ("GET", 200, 1)  # type: ignore[attr-defined]
    assert record.duration >= 0  # type: ignore[attr-defined]
    assert record.correlation_id == server.requests_to("/logged")[0].headers["X-Correlation-ID"]  # type: ignore[attr-defined]
    assert logging.getLogger().handlers == root_handlers


@spec("CF-OBS-2")
def test_metrics_count_requests_errors_retries_and_waits(make: MakeDriver, server: FaultServer) -> None:
    """The metrics hook gets every counter SPEC names, and latencies."""
    metrics = testing.InMemoryMetrics()
    server.script("/m", Reply(500), Reply(404))
    api = make(hooks=events.Hooks(metrics=metrics), rate_limit=1.0, rate_burst=1.0)
    with pytest.raises(errors.NotFoundError):
        api("get", "m")
    assert metrics.counters["requests"] == 2
    assert metrics.counters["retries"] == 1
    assert metrics.counters["errors"] == 1
    assert metrics.counters["throttled_waits"] == 1
    assert len(metrics.observations["request_duration"]) == 2


@spec("CF-OBS-4")
def test_spans_are_emitted_when_opentelemetry_is_installed(
    make: MakeDriver, server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an opentelemetry.trace module present, each call runs inside a span named after it."""
    from ..api import package

    spans: list[tuple[str, dict[str, str]]] = []

    class Span:
        def __enter__(self) -> None:
            return None

        def __exit__(self, *exc: object) -> None:
            return None

    class Tracer:
        def start_as_current_span(self, name: str, attributes: dict[str, str]) -> Span:
            spans.append((name, attributes))
            return Span()

    fake = types.ModuleType("opentelemetry.trace")
    fake.get_tracer = lambda name: Tracer()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "opentelemetry", types.ModuleType("opentelemetry"))
    monkeypatch.setitem(sys.modules, "opentelemetry.trace", fake)
    observability = sys.modules[f"{package.__name__}.observability"]
    observability._opentelemetry_trace.cache_clear()  # type: ignore[attr-defined]
    try:
        make()("get", "traced")
    finally:
        observability._opentelemetry_trace.cache_clear()  # type: ignore[attr-defined]
    assert spans == [("GET /traced", {"http.request.method": "GET", "url.path": "/traced"})]
