"""Logging and tracing: structured log records on the package logger, and optional OpenTelemetry spans.

The connector never configures logging; attach handlers to ``logging.getLogger("<package>")``.
Each record carries ``method``, ``path``, ``status``, ``duration``, ``attempt`` and
``correlation_id`` as attributes (``extra``), ready for a JSON formatter.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
from collections.abc import Iterator
from types import ModuleType

__all__ = ["logger", "span", "tracing_enabled"]

logger = logging.getLogger(__name__.rpartition(".")[0])
# A library adds only a NullHandler, so that nothing is printed until the application configures logging.
logger.addHandler(logging.NullHandler())


@contextlib.contextmanager
def span(name: str, attributes: dict[str, str]) -> Iterator[None]:
    """Trace the block as an OpenTelemetry span when ``opentelemetry`` is installed; else do nothing."""
    trace = _opentelemetry_trace()
    if trace is None:
        yield
        return
    with trace.get_tracer(logger.name).start_as_current_span(name, attributes=attributes):
        yield


def tracing_enabled() -> bool:
    """Whether `span` records anything: OpenTelemetry is installed. Callers skip building spans otherwise."""
    return _opentelemetry_trace() is not None


@functools.cache
def _opentelemetry_trace() -> ModuleType | None:
    """Import ``opentelemetry.trace`` once; None when it is not installed (it is optional)."""
    try:
        return importlib.import_module("opentelemetry.trace")
    except ImportError:
        return None
