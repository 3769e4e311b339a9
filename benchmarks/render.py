"""Goal 1: how long `copier copy` takes per preset, and how long `copier update` takes.

Both are timed through Copier's Python API in this process, so the figures exclude starting an
interpreter and importing Copier (about half a second for the command line). A copy includes
what Copier does before rendering (cloning the template at ``HEAD``) and the template's own
tasks (generating models and methods from a preset's API description; domain modules).

The update is measured on a throw-away git repository of the template with two tags: the project
is rendered from ``0.1.0`` and committed, the template gets a small change tagged ``0.2.0``, and
`copier.run_update` brings the project to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from .project import NAME, ROOT, git_identity, quiet_output, render
from .results import Goal, Section, Stopwatch

__all__ = ["presets", "run"]

COPY_GOAL = 2.0
UPDATE_GOAL = 3.0

# Not part of the template: kept out of the throw-away template repository.
_IGNORED = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", ".venv*", ".mypy_cache", ".ruff_cache", ".pytest_cache", "benchmarks", "*.egg-info"
)


def presets() -> list[str]:
    """Return the presets this checkout defines, as `hooks.presets` finds them."""
    import sys

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from hooks.presets import preset_names

    return preset_names()


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


def _template_repository(where: Path) -> Path:
    """Copy the working tree to ``where``, commit it and tag it ``0.1.0``."""
    shutil.copytree(ROOT, where, ignore=_IGNORED)
    _git("init", "-q", "-b", "main", cwd=where)
    _git("add", "-A", cwd=where)
    _git("commit", "-q", "-m", "template 0.1.0", cwd=where)
    _git("tag", "0.1.0", cwd=where)
    return where


def _change_template(template: Path) -> None:
    """Make a small template change, commit it and tag it ``0.2.0``."""
    readme = template / "template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nA line added by the update benchmark.\n")
    _git("commit", "-q", "-am", "template 0.2.0", cwd=template)
    _git("tag", "0.2.0", cwd=template)


def _time_update(work: Path) -> float:
    """Prepare a project one template version behind and return how long `copier update` takes."""
    import copier

    template = _template_repository(work / "template")
    project = render(template, work / "project", vcs_ref=None)
    _git("init", "-q", "-b", "main", cwd=project)
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "-m", "rendered from 0.1.0", cwd=project)
    _change_template(template)
    with warnings.catch_warnings(), quiet_output():
        warnings.simplefilter("ignore")
        watch = Stopwatch()
        # The recorded answers should suffice; `data` restates connector_name because the
        # template's `when` check (hooks/names.py) does not see recorded answers under --defaults.
        copier.run_update(
            str(project), data={"connector_name": NAME}, defaults=True, overwrite=True, unsafe=True, quiet=True
        )
        seconds = watch.elapsed
    if "A line added by the update benchmark." not in (project / "README.md").read_text(encoding="utf-8"):
        raise RuntimeError("copier update did not bring the template change into the project")
    return seconds


def _in_temporary_directory(action: Callable[[Path], float]) -> float:
    with tempfile.TemporaryDirectory(prefix="cf-bench-") as work:
        return action(Path(work))


def run(*, rounds: int, preset_list: list[str] | None = None) -> Section:
    """Time ``rounds`` copies of every preset and ``rounds`` updates of a ``rest`` project."""
    git_identity()
    names = preset_list if preset_list is not None else presets()
    section = Section(
        "render",
        "Render and update time",
        setup=(
            f"`copier.run_copy` of each preset ({', '.join(names)}) from this checkout at `HEAD`, and "
            f"`copier.run_update` of a `rest` project from tag 0.1.0 to 0.2.0 of a throw-away copy; "
            f"{rounds} rounds, in-process (interpreter start-up excluded)."
        ),
    )
    for _ in range(rounds):
        for name in names:
            row = section.row(f"copy, preset {name}", "s")
            row.runs.append(_in_temporary_directory(lambda work, name=name: _time_copy(work, name)))  # type: ignore[misc]
        section.row("update, preset rest", "s").runs.append(_in_temporary_directory(_time_update))
    slowest = max((row for row in section.rows if row.name.startswith("copy")), key=lambda row: row.value)
    fastest = min((row for row in section.rows if row.name.startswith("copy")), key=lambda row: row.value)
    section.goals.append(
        Goal(
            "copier copy (slowest preset)",
            f"≤ {COPY_GOAL:.0f} s",
            f"{slowest.value:.2f} s ({slowest.name.removeprefix('copy, ')})",
            slowest.value <= COPY_GOAL,
            f"by {slowest.value - COPY_GOAL:.2f} s because the reference presets generate models and typed "
            f"methods from their API description during the copy (datamodel-code-generator, then ruff) on top "
            f"of Copier's own work; the fastest preset, {fastest.name.removeprefix('copy, preset ')}, takes "
            f"{fastest.value:.2f} s. The load average was {_load()} after the render benchmark",
        )
    )
    update = section.row("update, preset rest", "s")
    section.goals.append(
        Goal(
            "copier update",
            f"≤ {UPDATE_GOAL:.0f} s",
            f"{update.value:.2f} s",
            update.value <= UPDATE_GOAL,
            f"by {update.value - UPDATE_GOAL:.2f} s because Copier renders the template three times for an "
            f"update (the old tag into a scratch folder, the new one into the project and into another scratch "
            f"folder, each from a fresh clone) and merges the difference with git: "
            f"{update.value / fastest.value:.1f}x the fastest copy ({fastest.value:.2f} s) in this run; the "
            f"load average was {_load()} after the render benchmark",
        )
    )
    return section


def _load() -> str:
    """The 1-minute load average, or "unknown"."""
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores" if hasattr(os, "getloadavg") else "unknown"


def _time_copy(work: Path, preset: str) -> float:
    watch = Stopwatch()
    render(ROOT, work / "project", data={"preset": preset})
    return watch.elapsed
