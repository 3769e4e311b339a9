"""What a benchmark returns: measured rows (every run kept) and goals checked against them."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

__all__ = ["Goal", "Row", "Section", "Stopwatch", "median"]


def median(values: list[float]) -> float:
    """Return the median of ``values`` (NaN for none)."""
    return statistics.median(values) if values else float("nan")


@dataclass
class Row:
    """One measured quantity: every run's value, reported as their median.

    ``ratio`` is the median of per-run ratios against ``baseline`` (another row's name), each
    computed from the two figures of the same run, so that a slow moment of the machine affects
    both sides of a ratio alike.
    """

    name: str
    unit: str
    runs: list[float] = field(default_factory=list)
    baseline: str = ""
    ratios: list[float] = field(default_factory=list)

    @property
    def value(self) -> float:
        """The median over runs."""
        return median(self.runs)

    @property
    def ratio(self) -> float | None:
        """The median per-run ratio against ``baseline``, or None when there is no baseline."""
        return median(self.ratios) if self.ratios else None


@dataclass
class Goal:
    """A target from the issue, the figure measured for it, and, when missed, by how much and why.

    ``why`` reads after "missed": "by 0.3 s because ...".
    """

    name: str
    target: str
    measured: str
    met: bool
    why: str = ""

    @property
    def verdict(self) -> str:
        """``met``, or ``missed by X because Y`` as the report states it."""
        return "met" if self.met else f"missed {self.why}"


@dataclass
class Section:
    """The outcome of one benchmark."""

    key: str
    title: str
    setup: str = ""
    rows: list[Row] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def row(self, name: str, unit: str, *, baseline: str = "") -> Row:
        """Return the row called ``name``, adding it the first time."""
        for row in self.rows:
            if row.name == name:
                return row
        row = Row(name, unit, baseline=baseline)
        self.rows.append(row)
        return row

    def find(self, name: str) -> Row | None:
        """Return the row called ``name`` if it was measured."""
        return next((row for row in self.rows if row.name == name and row.runs), None)


class Stopwatch:
    """Elapsed wall time in seconds from creation (``time.perf_counter``)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        """Seconds since creation."""
        return time.perf_counter() - self.started
