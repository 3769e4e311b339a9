"""Rendering and checking helpers shared by the factory's tests."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import copier

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld"

__all__ = [
    "REALWORLD",
    "ROOT",
    "child_env",
    "copier_cli",
    "copy_answers",
    "folder_bytes",
    "guidance_commands",
    "render",
    "run_checks",
]


def render(destination: Path, **data: object) -> Path:
    """Render the working tree of the template into ``destination`` with ``data`` and defaults."""
    data.setdefault("connector_name", "Frankfurter")
    copier.run_copy(
        str(ROOT),
        str(destination),
        data=data,
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


def copier_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``copier`` command line as a user would, with this interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_answers(
    destination: Path, answers: Sequence[str], *options: str, cwd: Path, template: Path = ROOT
) -> tuple[int, str]:
    """Run ``copier copy --defaults`` with each of ``answers`` as ``--data``; return the exit code and the output."""
    data = [arg for answer in answers for arg in ("--data", answer)]
    command = ["copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *options, *data, str(template), str(destination)]
    result = copier_cli(*command, cwd=cwd)
    return result.returncode, result.stdout + result.stderr


def folder_bytes(folder: Path) -> dict[str, bytes | None]:
    """Return every path under ``folder`` with its bytes (``None`` for a folder), to compare before and after."""
    return {
        path.relative_to(folder).as_posix(): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


def child_env(**extra: str) -> dict[str, str]:
    """Return this environment without the variables that make a child pytest think it is an xdist worker."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_XDIST_", "PYTEST_CURRENT"))}
    env.update(extra)
    return env


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = child_env(PYTHONPATH=str(cwd / "src"), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env, check=False)


def guidance_commands(project: Path) -> list[str]:
    """Return the check commands a rendered project's AGENTS.md lists under "## Commands"."""
    section = (project / "AGENTS.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    if block is None:
        raise AssertionError(f"{project / 'AGENTS.md'} lists no commands")
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def run_checks(project: Path, tests: Sequence[str] = ()) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run the check commands the project's AGENTS.md names; return each command's result by command.

    A ``pytest <folder>`` listed after ``pytest`` is not run again: the whole run holds its tests
    and prints the same Conformance line, so running it twice would only double the time.
    ``tests``, when given, are the test files ``pytest`` runs instead of the whole suite.
    """
    env = child_env(
        PYTHONPATH=str(project / "src"),
        PYTHONDONTWRITEBYTECODE="1",
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
    )
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for command in guidance_commands(project):
        if command.startswith("pytest ") and "pytest" in results:
            continue
        arguments = shlex.split(command) + (list(tests) if command == "pytest" else [])
        results[command] = subprocess.run(
            arguments, cwd=project, capture_output=True, text=True, timeout=600, env=env, check=False
        )
    return results
