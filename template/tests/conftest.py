"""Fixtures: the fault server, a fake clock, and connectors driven the same way, sync or async."""

from __future__ import annotations

import contextlib
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial, reduce
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal

from .api import AsyncConnector, Config, Connector, testing
from .server import FaultServer


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End the run with the contract check's counts, when it ran (tests/test_contract.py)."""
    tally = getattr(sys.modules.get(f"{__package__}.test_contract"), "TALLY", None)
    if tally is not None and any(tally.counts.values()):
        terminalreporter.write_sep("=", "contract check")
        terminalreporter.write_line(tally.line())


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


@pytest.fixture
def clock() -> testing.FakeClock:
    return testing.FakeClock()


def settings_for(server: FaultServer, **overrides: Any) -> Config:
    """Settings pointed at the fault server: no auth, no pagination, no pacing, short timeouts.

    This API's own rate limits and quotas (config.py) are switched off, so that tests see the
    specification's defaults; a test that needs a limit sets it.
    """
    values: dict[str, Any] = {
        "base_url": server.url,
        "auth": "none",
        "pagination": "none",
        "timeout_connect": 2.0,
        "timeout_read": 2.0,
        "drain_timeout": 2.0,
        "rate_limit": None,
        "rate_burst": None,
        "quota_per_minute": None,
        "quota_per_hour": None,
        "quota_per_day": None,
    }
    values.update(overrides)
    return Config(**values)


class Driver:
    """Calls a connector's methods by name and returns plain results, whichever shell it is.

    A dotted name reaches an attribute's method: ``api("contacts.search", filters)``.
    """

    kind = "sync"

    def __init__(self, connector: Connector) -> None:
        self.connector: Any = connector

    def _find(self, name: str) -> Any:
        return reduce(getattr, name.split("."), self.connector)

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        attribute = self._find(method)
        return attribute(*args, **kwargs) if callable(attribute) else attribute

    def collect(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Exhaust an iterator method (paginate, items, pages) into a list."""
        return list(self._find(method)(*args, **kwargs))

    def close(self) -> None:
        self.connector.disconnect()


class AsyncDriver(Driver):
    """Runs the async connector on an event loop in a helper thread (an anyio blocking portal)."""

    kind = "async"

    def __init__(self, connector: AsyncConnector, portal: BlockingPortal) -> None:
        self.connector = connector
        self.portal = portal

    def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        attribute = self._find(method)
        if not callable(attribute):
            return attribute
        return self.portal.call(partial(attribute, *args, **kwargs))

    def collect(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        async def gather() -> list[Any]:
            return [item async for item in self._find(method)(*args, **kwargs)]

        return self.portal.call(gather)

    def close(self) -> None:
        self.portal.call(self.connector.disconnect)


MakeDriver = Callable[..., Driver]


@pytest.fixture(params=["sync", "async"])
def make(request: pytest.FixtureRequest, server: FaultServer, clock: testing.FakeClock) -> Iterator[MakeDriver]:
    """Build connectors on the fault server with a fake clock; each test runs for both shells."""
    with ExitStack() as stack:
        portal = stack.enter_context(start_blocking_portal()) if request.param == "async" else None
        drivers: list[Driver] = []

        def build(**overrides: Any) -> Driver:
            hooks = overrides.pop("hooks", None)
            settings = overrides.pop("settings", None) or settings_for(server, **overrides)
            options: dict[str, Any] = {"clock": clock, "rng": random.Random(42), "hooks": hooks}
            if portal is None:
                driver = Driver(Connector(settings, **options))
            else:
                driver = AsyncDriver(AsyncConnector(settings, **options), portal)
            drivers.append(driver)
            return driver

        yield build
        for driver in drivers:
            with contextlib.suppress(Exception):  # a test may have closed it already
                driver.close()
