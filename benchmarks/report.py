"""Turn the sections into a terminal table, ``BENCHMARKS.md`` and a PNG plot."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .results import Row, Section

__all__ = ["Environment", "markdown", "plot", "table"]

_PACKAGES = (
    "httpx",
    "anyio",
    "pydantic",
    "pydantic-settings",
    "copier",
    "dlt",
    "jsonpath-ng",
    "singer-sdk",
    "requests",
)


@dataclass
class Environment:
    """What the figures were measured on."""

    cores: int = field(default_factory=lambda: os.cpu_count() or 0)
    python: str = field(default_factory=lambda: platform.python_version())
    system: str = field(default_factory=lambda: f"{platform.system()} {platform.release()} {platform.machine()}")
    started: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    packages: dict[str, str] = field(default_factory=dict)
    load: str = ""
    seconds: float = 0.0
    command: str = ""

    def collect(self) -> None:
        """Record package versions and the load average at the start."""
        for name in _PACKAGES:
            try:
                self.packages[name] = version(name)
            except PackageNotFoundError:
                self.packages[name] = "not installed"
        if hasattr(os, "getloadavg"):
            self.load = ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _number(value: float, unit: str) -> str:
    if unit in ("records/s", "req/s"):
        return f"{value:,.0f}"
    if unit == "count":
        return f"{value:g}"
    if unit == "µs/request":
        return f"{value:.0f}"
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.1f}"


def _runs(row: Row) -> str:
    return ", ".join(_number(value, row.unit) for value in row.runs)


def _ratio(row: Row) -> str:
    return "" if row.ratio is None else f"{row.ratio:.2f}x"


def table(sections: list[Section], environment: Environment) -> str:
    """Return the plain-text table printed at the end of a run."""
    lines = [
        f"Connector Factory benchmarks: {environment.cores} cores, Python {environment.python}, "
        f"{environment.seconds:.0f} s",
    ]
    width = max((len(row.name) for section in sections for row in section.rows), default=20) + 2
    for section in sections:
        lines.append("")
        lines.append(f"{section.title} ({section.seconds:.0f} s)")
        lines.append(f"  {'measure':<{width}}{'median':>14}  {'unit':<11}{'ratio':>8}")
        for row in section.rows:
            lines.append(f"  {row.name:<{width}}{_number(row.value, row.unit):>14}  {row.unit:<11}{_ratio(row):>8}")
        lines.extend(f"  skipped: {reason}" for reason in section.skipped)
    lines.append("")
    lines.append("Goals")
    for section in sections:
        for goal in section.goals:
            lines.append(f"  {goal.name}: {goal.measured} (goal {goal.target}): {goal.verdict}")
    return "\n".join(lines)


def markdown(sections: list[Section], environment: Environment, plot_path: str) -> str:
    """Return ``BENCHMARKS.md``."""
    out = [
        "# Benchmarks",
        "",
        f"Written by `{environment.command}` on {environment.started}; the whole run took "
        f"{environment.seconds:.0f} s. Every figure below is from that run: the median over rounds, with "
        "each round's value listed. Ratios are computed within each round, pair by pair, and their median is "
        "shown. Regenerate with the command in README.md's Benchmarks section.",
        "",
        f"Machine: {environment.cores} cores (`os.cpu_count()`), {environment.system}, Python {environment.python}; "
        f"load average at the start {environment.load or 'unknown'} (the machine is shared, so figures move "
        "between runs). The local server runs in its own process on 127.0.0.1.",
        "",
        "Packages: " + ", ".join(f"{name} {ver}" for name, ver in environment.packages.items()) + ".",
        "",
        "## Goals",
        "",
        "| Goal | Target | Measured | Verdict |",
        "|---|---|---|---|",
    ]
    for section in sections:
        for goal in section.goals:
            out.append(f"| {goal.name} | {goal.target} | {goal.measured} | {goal.verdict} |")
    out += ["", f"![Benchmark results]({plot_path})", ""]
    out += ["## How the comparators are configured", ""]
    out += [paragraph.replace("\n", " ") for paragraph in _comparator_paragraphs()]
    out.append("")
    for number, section in enumerate(sections, start=1):
        out += [f"## {number}. {section.title}", "", section.setup, ""]
        out += ["| Measure | Median | Unit | Ratio | Runs |", "|---|---:|---|---:|---|"]
        for row in section.rows:
            ratio = _ratio(row)
            if ratio and row.baseline:
                ratio = f"{ratio} vs {row.baseline}" if "extraction" not in section.key else ratio
            out.append(f"| {row.name} | {_number(row.value, row.unit)} | {row.unit} | {ratio} | {_runs(row)} |")
        out.append("")
        for note in section.notes:
            out += [note, ""]
        for reason in section.skipped:
            out += [f"Skipped: {reason}.", ""]
    return "\n".join(out).rstrip() + "\n"


def _comparator_paragraphs() -> list[str]:
    """The paragraphs of ``comparators.py``'s docstring after its first line, with blank lines between."""
    from . import comparators

    paragraphs = (comparators.__doc__ or "").strip().split("\n\n")[1:]
    return [line for paragraph in paragraphs for line in (paragraph, "")][:-1]


def plot(sections: list[Section], path: Path) -> None:
    """Draw one panel per section into ``path`` (PNG, matplotlib's Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_key = {section.key: section for section in sections}
    panels = [
        key for key in ("render", "corpus", "scaling", "overhead", "quota", "extraction", "memory") if key in by_key
    ]
    figure, axes = plt.subplots(len(panels), 1, figsize=(10, 3.2 * len(panels)), squeeze=False)
    for axis, key in zip(axes[:, 0], panels, strict=True):
        section = by_key[key]
        if key == "scaling":
            _plot_scaling(axis, section)
            continue
        if key == "quota":
            _quota_panel(axis, section)
            continue
        rows = [row for row in section.rows if row.runs and _plotted(key, row)]
        names = [_short(key, row.name) for row in rows]
        values = [row.value for row in rows]
        colours = [
            "#1f77b4" if "connector" in row.name or key in ("render", "corpus", "memory") else "#999999" for row in rows
        ]
        axis.barh(names, values, color=colours)
        for index, row in enumerate(rows):
            for value in row.runs:  # each round as a dot, so the spread is visible
                axis.plot(value, index, "k.", markersize=3)
        axis.invert_yaxis()
        axis.set_title(section.title, loc="left", fontsize=10)
        axis.set_xlabel(rows[0].unit if rows else "")
        axis.tick_params(axis="y", labelsize=8)
        for target in _targets(key):
            axis.axvline(target, color="#d62728", linestyle="--", linewidth=1)
    figure.text(
        0.99, 0.005, "blue: Connector Factory; grey: others; red dashes: goal; dots: rounds", ha="right", fontsize=7
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _plot_scaling(axis: Any, section: Section) -> None:
    """Seconds per copy against the number of operations, each round a dot, with the goal and the
    straight line through the two smallest sizes: linear growth stays on it, faster growth rises above."""
    from . import scaling

    copies = sorted(
        (int(row.name.split(", ")[1].split()[0].replace(",", "")), row)
        for row in section.rows
        if row.name.startswith("copy, ") and row.runs
    )
    if not copies:
        return
    sizes = [size for size, _ in copies]
    axis.plot(sizes, [row.value for _, row in copies], "o-", color="#1f77b4", label="copier copy (median)")
    for size, row in copies:
        axis.plot([size] * len(row.runs), row.runs, "k.", markersize=3)
    if len(copies) >= 2:
        (small, first), (larger, second) = copies[0], copies[1]
        slope = (second.value - first.value) / (larger - small)
        axis.plot(
            [small, sizes[-1]],
            [first.value, first.value + slope * (sizes[-1] - small)],
            ":",
            color="#999999",
            label="linear from the two smallest",
        )
    axis.axhline(scaling.GOAL, color="#d62728", linestyle="--", linewidth=1)
    axis.set_title(section.title, loc="left", fontsize=10)
    axis.set_xlabel("operations in the description")
    axis.set_ylabel("s")
    axis.legend(fontsize=7, loc="upper left")


def _quota_panel(axis: Any, section: Section) -> None:
    """Utilisation of each client against each strict server, with its 429 share written next to each bar."""
    from . import quota

    labels = list(quota.KINDS.values())
    names: list[str] = []
    for row in section.rows:
        label, _, rest = row.name.partition(": ")
        name = _short("quota", rest)
        if name != rest and label in labels and name not in names:
            names.append(name)
    height = 0.8 / len(labels)
    for offset, (label, colour) in enumerate(zip(labels, ("#1f77b4", "#aec7e8"), strict=False)):
        for index, name in enumerate(names):
            bar = section.find(f"{label}: {name}: utilisation")
            share = section.find(f"{label}: {name}: 429 share, all rounds")
            if bar is None:
                continue
            y = index + (offset - (len(labels) - 1) / 2) * height
            axis.barh(y, bar.value, height=height, color=colour if "connector" in name else "#999999")
            for value in bar.runs:
                axis.plot(value, y, "k.", markersize=3)
            if share is not None:
                axis.text(bar.value + 1, y, f"{share.value:.2f} % 429", va="center", fontsize=6)
    axis.set_yticks(range(len(names)), names)
    axis.invert_yaxis()
    axis.set_xlim(0, 125)
    axis.set_title(f"{section.title} (dark: {labels[0]}; light: {labels[1]})", loc="left", fontsize=10)
    axis.set_xlabel("% of the server's quota used")
    axis.tick_params(axis="y", labelsize=8)
    for target in _targets("quota"):
        axis.axvline(target, color="#d62728", linestyle="--", linewidth=1)


def _plotted(key: str, row: Row) -> bool:
    if key == "overhead":
        return row.unit == "µs/request"  # the own-work breakdown is in the table
    if key == "memory":
        return row.name != "added by streaming (peak - before)"
    return True


def _short(key: str, name: str) -> str:
    return name.removesuffix(": utilisation") if key == "quota" else name


def _targets(key: str) -> list[float]:
    from . import corpus, memory, quota, render

    if key == "corpus":
        return [corpus.GOAL]
    if key == "render":
        return [render.COPY_GOAL, render.UPDATE_GOAL]
    if key == "quota":
        return [100 * quota.UTILISATION_GOAL]
    if key == "memory":
        return [memory.GOAL_MB]
    return []
