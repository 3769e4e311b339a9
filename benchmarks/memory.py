"""Goal 5: peak resident memory while one million records stream through ``paginate``.

A fresh interpreter (``python -m benchmarks.memory``) imports the rendered connector, reads every
page by cursor from the local server, keeps only a count, and reports its peak RSS (the whole
process, interpreter and imports included) and its RSS before the first request, so the report can
show what streaming itself added.

On Linux the peak is ``VmHWM`` from ``/proc/self/status``, not ``getrusage``'s ``ru_maxrss``: the
latter survives ``exec`` and so would report the parent benchmark process's peak when that is higher.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

from .results import Goal, Section
from .server import LocalServer

__all__ = ["run"]

GOAL_MB = 100.0
PAGE_SIZE = 1000


def _proc_status_mb(field: str) -> float | None:
    """Return ``field`` (e.g. ``VmRSS``) of /proc/self/status in MB, or None without /proc."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def _rss_mb() -> float:
    """Current resident set size in MB (the peak so far where /proc is missing)."""
    current = _proc_status_mb("VmRSS")
    return current if current is not None else _peak_mb()


def _peak_mb() -> float:
    """Peak resident set size of this process in MB."""
    peak = _proc_status_mb("VmHWM")
    if peak is not None:
        return peak
    maximum = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maximum / 1024 / 1024 if sys.platform == "darwin" else maximum / 1024  # bytes on macOS, KiB elsewhere


def _child(source: str, base_url: str, records: int) -> None:
    """Stream ``records`` records and print a JSON line with the figures."""
    sys.path.insert(0, source)
    from benchmark_connector import BenchmarkConfig, BenchmarkConnector

    config = BenchmarkConfig(
        base_url=base_url,
        pagination="cursor",
        records_path="data",
        page_size=PAGE_SIZE,
        page_size_param="limit",
        page_param="cursor",
        next_path="next_cursor",
        max_pages=1_000_000,
    )
    count = pages = 0
    with BenchmarkConnector(config) as api:
        before = _rss_mb()
        for page in api.paginate("cursor/items"):
            count += len(page)
            pages += 1
    print(json.dumps({"records": count, "pages": pages, "before_mb": before, "peak_mb": _peak_mb()}))


def run(server: LocalServer, source: Path, *, records: int, rounds: int) -> Section:
    """Measure ``rounds`` fresh processes each streaming ``records`` records."""
    section = Section(
        "memory",
        "Memory while streaming",
        setup=(
            f"{records:,} records by cursor, {PAGE_SIZE} per page, through the sync connector's `paginate` in a "
            f"fresh interpreter that keeps only a count; peak RSS of the whole process (`VmHWM`); {rounds} rounds."
        ),
    )
    server.control("reset", records=records)
    for _ in range(rounds):
        command = [sys.executable, "-m", "benchmarks.memory", str(source), server.url, str(records)]
        done = subprocess.run(
            command, cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, check=True
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        if figures["records"] != records:
            raise RuntimeError(f"the memory run read {figures['records']} records, expected {records}")
        section.row("peak RSS", "MB").runs.append(figures["peak_mb"])
        section.row("RSS before the first request", "MB").runs.append(figures["before_mb"])
        section.row("added by streaming (peak - before)", "MB").runs.append(figures["peak_mb"] - figures["before_mb"])
    peak = section.row("peak RSS", "MB").value
    before = section.row("RSS before the first request", "MB").value
    section.goals.append(
        Goal(
            f"peak RSS streaming {records:,} records",
            f"< {GOAL_MB:.0f} MB",
            f"{peak:.1f} MB",
            peak < GOAL_MB,
            f"by {peak - GOAL_MB:.1f} MB because the process held {before:.1f} MB before the first request "
            f"(interpreter, httpx, pydantic) and streaming added {peak - before:.1f} MB",
        )
    )
    return section


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], int(sys.argv[3]))
