"""The compliance report: which SPEC.md requirements this run verified.

A requirement counts as verified only when at least one test marked with its ID ran and every
test marked with it passed. The report is printed at the end of the run and, when the
``CONFORMANCE_REPORT`` environment variable names a file, written there as JSON.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest

from .requirements import REQUIREMENTS

KNOWN = {requirement.id for requirement in REQUIREMENTS}
_marked: dict[str, set[str]] = defaultdict(set)  # requirement ID -> test node IDs
_outcomes: dict[str, bool] = {}  # node ID -> passed


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for marker in item.iter_markers("spec"):
            for requirement in marker.args:
                if requirement not in KNOWN:
                    raise pytest.UsageError(f"{item.nodeid} is marked with unknown requirement {requirement}")
                _marked[requirement].add(item.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" or report.outcome != "passed":
        passed = _outcomes.get(report.nodeid, True) and report.outcome == "passed"
        _outcomes[report.nodeid] = passed


def _summary() -> dict[str, object]:
    verified = {
        requirement
        for requirement, nodes in _marked.items()
        if all(node in _outcomes for node in nodes) and all(_outcomes[node] for node in nodes)
    }
    result: dict[str, object] = {}
    for level in ("MUST", "SHOULD"):
        ids = [r.id for r in REQUIREMENTS if r.level == level]
        done = [i for i in ids if i in verified]
        result[level] = {"verified": len(done), "total": len(ids), "unverified": [i for i in ids if i not in verified]}
    return result


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _outcomes:
        return
    summary = _summary()
    must, should = summary["MUST"], summary["SHOULD"]
    assert isinstance(must, dict)
    assert isinstance(should, dict)
    line = (
        f"Conformance: verified {must['verified']}/{must['total']} MUST "
        f"({100 * must['verified'] / must['total']:.0f} %), {should['verified']}/{should['total']} SHOULD"
    )
    terminalreporter.write_sep("=", "SPEC.md compliance")
    terminalreporter.write_line(line)
    unverified = must["unverified"] + should["unverified"]
    if unverified:
        terminalreporter.write_line("Not verified in this run: " + ", ".join(unverified))
    target = os.environ.get("CONFORMANCE_REPORT")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
