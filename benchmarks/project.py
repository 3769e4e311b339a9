"""Render a connector from this repository's working tree and import it."""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import copier  # at import time, so that no timed copy pays for importing it

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["NAME", "ROOT", "Rendered", "git_identity", "quiet_output", "render", "render_connector"]

#: The connector every HTTP benchmark uses: ``benchmark_connector.BenchmarkConnector``.
NAME = "Benchmark"

# Copier commits a dirty local template before rendering it, and the update benchmark commits
# too: give git an identity on machines that have none (a fresh CI box, a new laptop).
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Connector Factory Benchmarks",
    "GIT_AUTHOR_EMAIL": "benchmarks@connector-factory.invalid",
    "GIT_COMMITTER_NAME": "Connector Factory Benchmarks",
    "GIT_COMMITTER_EMAIL": "benchmarks@connector-factory.invalid",
}


def git_identity() -> None:
    """Set a git identity in this process's environment unless one is already set there."""
    for key, value in _GIT_IDENTITY.items():
        os.environ.setdefault(key, value)


@contextmanager
def quiet_output() -> Iterator[None]:
    """Send what child processes print (Copier tasks, e.g. the domain generator) to /dev/null."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def render(
    template: Path, destination: Path, *, vcs_ref: str | None = "HEAD", data: dict[str, object] | None = None
) -> Path:
    """Render ``template`` at ``vcs_ref`` (None: its newest tag) into ``destination`` with ``data`` and defaults."""
    git_identity()
    data = {"connector_name": NAME, **(data or {})}
    with warnings.catch_warnings(), quiet_output():
        # Rendering a work tree with uncommitted changes is the point while developing.
        warnings.simplefilter("ignore")
        copier.run_copy(
            str(template),
            str(destination),
            data=data,
            defaults=True,
            unsafe=True,
            vcs_ref=vcs_ref,
            quiet=True,
        )
    return destination


@dataclass(frozen=True)
class Rendered:
    """An imported rendered connector package and its three public classes."""

    path: Path
    package: ModuleType
    Connector: Any
    AsyncConnector: Any
    Config: Any


def render_connector(destination: Path, **data: object) -> Rendered:
    """Render the REST connector used by the HTTP benchmarks into ``destination`` and import it."""
    render(ROOT, destination, data=data)
    source = str(destination / "src")
    if source not in sys.path:
        sys.path.insert(0, source)
    importlib.invalidate_caches()
    package = importlib.import_module("benchmark_connector")
    return Rendered(
        destination,
        package,
        package.BenchmarkConnector,
        package.AsyncBenchmarkConnector,
        package.BenchmarkConfig,
    )
