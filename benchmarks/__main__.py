"""Run every benchmark, print a table, and write ``BENCHMARKS.md`` and ``benchmarks/results.png``.

python -m benchmarks            # the full run (a few minutes)
python -m benchmarks --quick    # tiny sizes, one round: checks that everything still runs
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import corpus, extraction, memory, overhead, quota, render, scaling
from .project import ROOT, render_connector
from .report import Environment, markdown, plot, table
from .results import Section, Stopwatch
from .server import LocalServer

__all__ = ["FULL", "QUICK", "Sizes", "main", "run"]

SECTIONS = ("render", "corpus", "scaling", "overhead", "quota", "extraction", "memory")
#: Added to every answer in the second extraction run, as a remote API's network would.
LATENCY = 0.005


@dataclass(frozen=True)
class Sizes:
    """How much each benchmark does."""

    rounds: int
    overhead_requests: int
    quota_rate: float
    quota_seconds: float
    extraction_records: int
    latency_records: int
    memory_records: int
    corpus_rounds: int
    corpus_files: int | None  # the smallest N files; None: all
    scaling_operations: tuple[int, ...]  # sizes of the synthetic descriptions


FULL = Sizes(
    rounds=3,
    overhead_requests=10_000,
    quota_rate=100,
    quota_seconds=3,
    extraction_records=100_000,
    latency_records=10_000,
    memory_records=1_000_000,
    corpus_rounds=1,  # fourteen files, generation included: one round keeps the whole run under ten minutes
    corpus_files=None,
    scaling_operations=scaling.SIZES,
)
QUICK = Sizes(
    rounds=1,
    overhead_requests=50,
    quota_rate=20,
    quota_seconds=0.5,
    extraction_records=300,
    latency_records=300,
    memory_records=2_000,
    corpus_rounds=1,
    corpus_files=1,
    scaling_operations=(5, 10),
)


def run(sizes: Sizes, *, only: tuple[str, ...] = SECTIONS, presets: list[str] | None = None) -> list[Section]:
    """Run the benchmarks named in ``only`` at ``sizes`` and return their sections."""
    sections: list[Section] = []

    def timed(measure: Callable[[], Section]) -> None:
        watch = Stopwatch()
        section = measure()
        section.seconds = watch.elapsed
        sections.append(section)
        print(f"  {section.title}: {section.seconds:.0f} s", file=sys.stderr, flush=True)

    if "render" in only:
        timed(lambda: render.run(rounds=sizes.rounds, preset_list=presets))
    if "corpus" in only:
        timed(lambda: corpus.run(rounds=sizes.corpus_rounds, limit=sizes.corpus_files))
    if "scaling" in only:
        timed(lambda: scaling.run(rounds=sizes.rounds, sizes=sizes.scaling_operations))
    http = [name for name in only if name not in ("render", "corpus", "scaling")]
    if not http:
        return sections
    with tempfile.TemporaryDirectory(prefix="cf-bench-") as work, LocalServer() as server:
        rendered = render_connector(Path(work) / "benchmark-connector")
        if "overhead" in only:
            timed(lambda: overhead.run(server, rendered, requests=sizes.overhead_requests, rounds=sizes.rounds))
        if "quota" in only:
            timed(
                lambda: quota.run(
                    server, rendered, rate=sizes.quota_rate, seconds=sizes.quota_seconds, rounds=sizes.rounds
                )
            )
        if "extraction" in only:
            timed(
                lambda: extraction.run(
                    server,
                    rendered,
                    records=sizes.extraction_records,
                    rounds=sizes.rounds,
                    latency=LATENCY,
                    latency_records=sizes.latency_records,
                )
            )
        if "memory" in only:
            timed(lambda: memory.run(server, rendered.path / "src", records=sizes.memory_records, rounds=sizes.rounds))
    return sections


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print the table and write the report and the plot."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one round (a smoke test)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="benchmarks to run")
    parser.add_argument("--report", type=Path, default=ROOT / "BENCHMARKS.md", help="where to write the report")
    parser.add_argument(
        "--plot", type=Path, default=ROOT / "benchmarks" / "results.png", help="where to write the PNG plot"
    )
    args = parser.parse_args(argv)
    if importlib.util.find_spec("matplotlib") is None:  # checked first: the plot comes after minutes of runs
        print(
            "python -m benchmarks: matplotlib is missing, and the plot needs it. "
            "Install the bench extra first: pip install '.[bench]'",
            file=sys.stderr,
        )
        return 2
    environment = Environment(command="python -m benchmarks" + (" --quick" if args.quick else ""))
    environment.collect()
    print(f"Running benchmarks on {environment.cores} cores...", file=sys.stderr, flush=True)
    watch = Stopwatch()
    sections = run(QUICK if args.quick else FULL, only=tuple(args.only))
    environment.seconds = watch.elapsed
    print(table(sections, environment))
    plot(sections, args.plot)
    try:
        plot_link = args.plot.resolve().relative_to(args.report.resolve().parent).as_posix()
    except ValueError:
        plot_link = args.plot.resolve().as_posix()
    args.report.write_text(markdown(sections, environment, plot_link), encoding="utf-8")
    print(f"\nWrote {args.report} and {args.plot}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
