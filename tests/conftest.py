"""Fixtures for the factory's tests."""

from __future__ import annotations

import os

import pytest

# Copier commits the dirty work tree of a local template before rendering it: give git an
# identity so that works on machines that have none configured.
for _key, _value in {
    "GIT_AUTHOR_NAME": "Connector Factory Tests",
    "GIT_AUTHOR_EMAIL": "tests@connector-factory.invalid",
    "GIT_COMMITTER_NAME": "Connector Factory Tests",
    "GIT_COMMITTER_EMAIL": "tests@connector-factory.invalid",
}.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(autouse=True, scope="session")
def _shared_mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give every mypy run of this worker one cache: pydantic and httpx are analysed once, not per project.

    mypy checks each cached module's path and hash, so a project's own modules are never read from another's.
    """
    os.environ.setdefault("MYPY_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "mypy-cache"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End the run with the contract figures the tests recorded (tests/test_provider_contract.py, ...)."""
    lines = [
        str(value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "contract"
    ]
    if lines:
        terminalreporter.write_sep("=", "contract checks")
        for line in sorted(lines):
            terminalreporter.write_line(line)
