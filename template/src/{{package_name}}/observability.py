"""Logging and tracing: structured log records on the package logger, and optional OpenTelemetry spans.

The connector never configures logging; attach handlers to ``logging.getLogger("<package>")``.
Each record carries ``method``, ``path``, ``status``, ``duration``, ``attempt`` and
``correlation_id`` as attributes (``extra``), ready for a JSON formatter.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Iterator

__all__ = ["logger", "span"]

logger = logging.getLogger(__name__.rpartition(".")[0])


@contextlib.contextmanager
def span(name: str, attributes: dict[str, str]) -> Iterator[None]:
    """Trace the block as an OpenTelemetry span when ``opentelemetry`` is installed; else do nothing."""
    try:
        trace = importlib.import_module("opentelemetry.trace")
    except ImportError:
        yield
        return
    with trace.get_tracer(logger.name).start_as_current_span(name, attributes=attributes):
        yield
