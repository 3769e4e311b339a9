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
