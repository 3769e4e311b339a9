"""Rendering and checking helpers shared by the factory's tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import copier

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld"

__all__ = ["REALWORLD", "ROOT", "child_env", "copier_cli", "copy_answers", "folder_bytes", "render", "run_checks"]


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


def run_checks(project: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run a rendered project's own checks; return each command's result by name."""
    python = sys.executable
    commands = {
        "ruff format": [python, "-m", "ruff", "format", "--check", "."],
        "ruff check": [python, "-m", "ruff", "check", "."],
        "mypy": [python, "-m", "mypy", "--strict", "src"],
        "pytest": [python, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist"],
    }
    return {name: _run(command, project) for name, command in commands.items()}
