"""Issue 4's goal: how long `copier copy` takes for each API description of ``../shared/realworld``.

Each copy generates its connector from the description, so the figure is what a user waits for:
OpenAPI and Swagger files through datamodel-code-generator, GraphQL schemas with the operation
files of ``tests/graphql_corpus.py`` through graphql-core. Timed in this process, like the
preset renders. The goal: the largest file renders in at most 10 s.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from .project import ROOT, render
from .results import Goal, Section, Stopwatch

__all__ = ["CORPUS", "GOAL", "descriptions", "run"]

CORPUS = ROOT.parent / "shared" / "realworld"
GOAL = 10.0


def _operations() -> dict[str, dict[str, str]]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.graphql_corpus import OPERATIONS

    return OPERATIONS


def descriptions() -> list[Path]:
    """Return the corpus files that can be rendered: every OpenAPI or Swagger file, and each
    GraphQL schema that ``tests/graphql_corpus.py`` has operations for."""
    if not CORPUS.is_dir():
        return []
    written = _operations()
    found = [p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".yml", ".json")]
    found += [p for p in CORPUS.glob("*.graphql") if p.name.split("__")[0] in written]
    return sorted(found, key=lambda path: path.stat().st_size)


def _time(description: Path, work: Path) -> float:
    if description.suffix == ".graphql":
        folder = work / "description"
        (folder / "operations").mkdir(parents=True)
        shutil.copyfile(description, folder / "schema.graphql")
        for name, text in _operations()[description.name.split("__")[0]].items():
            (folder / "operations" / name).write_text(text, encoding="utf-8")
        data: dict[str, object] = {"transport": "graphql", "api_source": "graphql", "api_source_path": str(folder)}
    else:
        data = {"api_source": "openapi", "api_source_path": str(description)}
    watch = Stopwatch()
    render(ROOT, work / "project", data=data)  # quiet: it hides what the generator reports
    return watch.elapsed


def run(*, rounds: int, limit: int | None = None) -> Section:
    """Time ``rounds`` copies of each corpus file (the ``limit`` smallest, when given)."""
    files = descriptions()[:limit] if limit else descriptions()
    section = Section(
        "corpus",
        "Render time per real-world API description",
        setup=(
            f"`copier.run_copy` with `api_source` set to each file of ../shared/realworld ({len(files)} files, "
            f"smallest first), generation included; {rounds} round{'s' if rounds != 1 else ''}, in-process."
        ),
    )
    if not files:
        section.setup += " The corpus is not beside this checkout, so nothing was timed."
        return section
    for _ in range(rounds):
        for description in files:
            with tempfile.TemporaryDirectory(prefix="cf-bench-") as work:
                seconds = _time(description, Path(work))
            size = description.stat().st_size / 1000
            section.row(f"{description.name} ({size:,.0f} kB)", "s").runs.append(seconds)
    largest = section.rows[-1]
    section.goals.append(
        Goal(
            "copier copy, largest corpus file",
            f"≤ {GOAL:.0f} s",
            f"{largest.value:.2f} s ({largest.name})",
            largest.value <= GOAL,
            f"by {largest.value - GOAL:.2f} s because generation parses the whole description and renders "
            "every model and method",
        )
    )
    return section
