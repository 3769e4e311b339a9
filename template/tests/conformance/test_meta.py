"""Tests, docs and cancellation (CF-TEST, CF-DOC, CF-TIME-3)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import anyio
import pytest

from ..api import AsyncConnector, package
from ..conftest import settings_for
from ..server import FaultServer, Reply

spec = pytest.mark.spec
PROJECT = Path(__file__).resolve().parents[2]


@spec("CF-TEST-1")
def test_the_suite_talks_only_to_loopback(server: FaultServer) -> None:
    """The fault server listens on 127.0.0.1; the settings the tests build point there."""
    assert server.url.startswith("http://127.0.0.1:")
    assert settings_for(server).base_url == server.url


@spec("CF-TEST-2")
def test_every_requirement_has_a_marked_test() -> None:
    """Each SPEC.md requirement is named by a @spec marker in this folder, except those of generated methods."""
    from .requirements import REQUIREMENTS

    text = "".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py"))
    marked = set(re.findall(r'"(CF-[A-Z]+-\d+)"', text))
    generated_only = {"CF-REQ-6", "CF-TEST-3", "CF-TEST-4", "CF-VAL-2", "CF-VAL-3"}  # need a description
    missing = {r.id for r in REQUIREMENTS} - marked - generated_only
    assert missing == set()


@spec("CF-DOC-1")
def test_readme_covers_the_required_topics() -> None:
    """The README has the sections SPEC requires."""
    readme = (PROJECT / "README.md").read_text()
    for heading in ("## Install", "## Configure", "## Use", "## Pagination", "## Errors", "## Updating"):
        assert heading in readme


@spec("CF-DOC-2")
def test_every_public_name_has_a_docstring() -> None:
    """All names in __all__ of the package and its modules are documented."""
    undocumented = []
    for name in package.__all__:
        obj = getattr(package, name)
        if (inspect.isclass(obj) or inspect.isfunction(obj)) and not inspect.getdoc(obj):
            undocumented.append(name)
    assert undocumented == []


@spec("CF-TIME-3")
def test_cancelling_an_async_call_frees_its_slot(server: FaultServer) -> None:
    """A call cancelled mid-flight releases its concurrency slot: the next call goes through."""
    server.script("/hang", Reply(200, {}, delay=0.5))

    async def run() -> int:
        async with AsyncConnector(settings_for(server, max_concurrency=1)) as api:
            with anyio.move_on_after(0.05):
                await api.get("hang")
            with anyio.fail_after(2):
                return (await api.get("quick")).status

    assert anyio.run(run) == 200
