"""Goal: render time grows linearly with the size of the API description, and 5,000 operations take ≤ 20 s.

Each size is a synthetic OpenAPI description (``synthetic.py``: CRUD resources of five operations
and four ``$ref``'d schemas each, with path, query and header parameters, request bodies and
paged list answers), rendered by `copier.run_copy` in this process with cursor pagination, so
generation is included: what a user waits for. Growth is linear when the time per operation at
the largest size is at most ``LINEARITY`` times the time per operation at the middle one (fixed
costs make the time per operation fall with size; anything worse than linear makes it rise).

To say where the time of the largest copy goes, its generation is then repeated step by step in
this process (one round): reading the description, planning, the models (datamodel-code-generator),
the methods, and ruff.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .project import ROOT, render
from .results import Goal, Section, Stopwatch
from .synthetic import description

__all__ = ["GOAL", "LINEARITY", "SIZES", "run"]

SIZES = (500, 1_000, 5_000)
GOAL = 20.0
LINEARITY = 1.2
#: The answers of the rendered connector besides its description: paged lists make iterators too.
ANSWERS = {
    "auth": "bearer",
    "pagination": "cursor",
    "records_path": "data",
    "page_param": "cursor",
    "page_size_param": "limit",
    "next_path": "next_cursor",
}
_STEPS = ("read the description", "plan", "models (datamodel-code-generator)", "methods", "ruff, both modules")


def _copy(spec: Path, work: Path) -> float:
    watch = Stopwatch()
    render(ROOT, work / "project", data={"api_source": "openapi", "api_source_path": str(spec), **ANSWERS})
    return watch.elapsed


def _steps(project: Path) -> dict[str, float]:
    """Time each step of generating ``project`` again, in this process, with the template's own generator."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from hooks.api_source import _submodule

    models, methods, formatting = (_submodule(name) for name in ("models", "methods", "formatting"))
    spec, openapi, plan, project_module = (_submodule(name) for name in ("spec", "openapi", "plan", "project"))
    loaded = project_module.Project.load(project)
    source = next(path for path in (project / "api").iterdir() if path.suffix == ".json")
    times: dict[str, float] = {}

    def timed(step: str, action: Callable[[], Any]) -> Any:
        watch = Stopwatch()
        result = action()
        times[step] = watch.elapsed
        return result

    document = timed(_STEPS[0], lambda: spec.load_openapi(source))
    pagination = plan.Pagination(kind="cursor", records_path="data", page_param="cursor", page_size_param="limit")
    generated = timed(_STEPS[1], lambda: openapi.plan_openapi(document, "api/" + source.name, pagination))
    modules = timed(_STEPS[2], lambda: models.render_models(generated, title="Benchmark"))
    operations = timed(_STEPS[3], lambda: methods.render_operations(generated, title="Benchmark"))
    package = f"src/{loaded.answer('package_name')}"
    timed(
        _STEPS[4],
        lambda: formatting.format_modules(
            {f"{package}/models/__init__.py": modules, f"{package}/operations.py": operations}, project
        ),
    )
    return times


def run(*, rounds: int, sizes: tuple[int, ...] = SIZES) -> Section:
    """Copy a connector from a synthetic description of each size, ``rounds`` times; then time the largest's steps."""
    section = Section(
        "scaling",
        "Render time against the size of the description",
        setup=(
            f"`copier.run_copy` of a connector generated from synthetic OpenAPI descriptions of "
            f"{', '.join(f'{size:,}' for size in sizes)} operations (benchmarks/synthetic.py: five operations "
            f"and four schemas per resource), cursor pagination, generation included; {rounds} "
            f"round{'s' if rounds != 1 else ''}, in-process. Then the generation of the largest, step by step "
            "in this process (1 round)."
        ),
    )
    with tempfile.TemporaryDirectory(prefix="cf-bench-scaling-") as scratch:
        specs = {}
        for size in sizes:
            specs[size] = Path(scratch, f"openapi-{size}.json")
            specs[size].write_text(json.dumps(description(size), indent=1), encoding="utf-8")
        largest = max(sizes)
        kept = Path(scratch, "largest")
        for round_number in range(rounds):
            for size in sizes:
                keep = size == largest and round_number == rounds - 1
                with tempfile.TemporaryDirectory(prefix="cf-bench-") as work:
                    seconds = _copy(specs[size], Path(work))
                    if keep:
                        os.rename(Path(work, "project"), kept)
                section.row(f"copy, {size:,} operations", "s").runs.append(seconds)
                section.row(f"per operation, {size:,} operations", "ms").runs.append(1000 * seconds / size)
        for step, seconds in _steps(kept).items():
            section.row(f"{largest:,} operations: {step}", "s").runs.append(seconds)
    _goals(section, sizes)
    return section


def _goals(section: Section, sizes: tuple[int, ...]) -> None:
    largest = max(sizes)
    copy = section.row(f"copy, {largest:,} operations", "s")
    steps = {row.name.split(": ", 1)[1]: row.value for row in section.rows if row.name.startswith(f"{largest:,} op")}
    models = steps.get(_STEPS[2], 0.0)
    section.goals.append(
        Goal(
            f"copier copy, {largest:,} generated operations",
            f"≤ {GOAL:.0f} s",
            f"{copy.value:.1f} s",
            copy.value <= GOAL,
            f"by {copy.value - GOAL:.1f} s because datamodel-code-generator takes {models:.1f} s of the "
            f"generation ({1000 * models / largest:.1f} ms per operation, "
            f"{1000 * models / max(1, _schemas(largest)):.1f} ms per schema, growing linearly); the other steps "
            f"take {sum(steps.values()) - models:.1f} s ("
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps.items() if name != _STEPS[2])
            + ")",
        )
    )
    ordered = sorted(sizes)
    if len(ordered) >= 2:
        middle, top = ordered[-2], ordered[-1]
        per_middle = section.row(f"per operation, {middle:,} operations", "ms").value
        per_top = section.row(f"per operation, {top:,} operations", "ms").value
        growth = per_top / per_middle
        section.goals.append(
            Goal(
                "render time grows linearly with the description",
                f"per operation at {top:,} ≤ {LINEARITY:.1f}x per operation at {middle:,}",
                f"{per_top:.1f} ms against {per_middle:.1f} ms per operation ({growth:.2f}x)",
                growth <= LINEARITY,
                f"by {growth - LINEARITY:.2f}x because the time per operation rises with the size: something "
                "in the copy grows faster than the description",
            )
        )


def _schemas(operations: int) -> int:
    """The schemas of a synthetic description of ``operations`` operations: four per resource, three shared."""
    return 4 * operations // 5 + 3
