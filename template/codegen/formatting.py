"""Writes generated Python: the Jinja environment of ``templates/``, then ruff sorts imports and formats.

Ruff is a binary, started twice per generation whatever the number of modules: ``ruff check
--select I --fix-only`` (isort's order) and ``ruff format``, each on every generated module at once,
in a scratch folder. Both read the project's own ruff configuration (its ``pyproject.toml``, which
pins the formatting options), so a generated module is what ``ruff format --check`` and ``ruff
check`` expect in the project, and Copier's Python and the project's environment write the same
bytes. The binary is the one of the ``ruff`` package this Python imports (``ruff.find_ruff_bin``),
never whichever ``ruff`` comes first on ``PATH``.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import jinja2

from .names import docstring_text, python_literal

__all__ = ["FormatterError", "format_modules", "template_environment"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
# Without a pyproject.toml (a project that is not rendered by the template): its settings.
_DEFAULTS = ("--isolated", "--line-length", "120", "--target-version", "py310")
_TIMEOUT = 300  # seconds; ruff formats a 30,000-line module in well under one


class FormatterError(Exception):
    """Ruff cannot be run, or failed: the message says why and what to do."""


def template_environment(**filters: Callable[[str], str]) -> jinja2.Environment:
    """Return the environment of the generator's templates, with ``literal``, ``docstring`` and ``filters``.

    Description text reaches the output only through ``literal`` (code) and ``docstring``
    (docstrings and comments): see `names.python_literal`.
    """
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - the output is Python source, not HTML
    )
    environment.filters.update(literal=python_literal, docstring=docstring_text, **filters)
    return environment


def _ruff() -> str:
    """Return the path of the ruff binary that this Python's ``ruff`` package installed."""
    try:
        from ruff import find_ruff_bin
    except ImportError as error:
        raise FormatterError("the ruff package is not installed in this Python: pip install ruff") from error
    try:
        return find_ruff_bin()
    except FileNotFoundError as error:
        raise FormatterError(f"the ruff package is installed but its binary is missing: {error}") from error


def _run(command: list[str], step: str) -> None:
    try:
        # The ruff binary of this Python, on files this module wrote (S603).
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=_TIMEOUT)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as error:
        raise FormatterError(f"ruff {step} could not run: {error}") from error
    if result.returncode != 0 and "failed to parse" in result.stderr.lower():
        raise SyntaxError(f"generated code is not valid Python: {result.stderr.strip()}")
    if result.returncode != 0:
        raise FormatterError(f"ruff {step} failed (exit {result.returncode}): {result.stderr.strip()}")


def format_modules(sources: Mapping[str, str], project: Path | None = None) -> dict[str, str]:
    """Return ``sources`` (relative path -> Python source) with imports sorted and formatted by ruff.

    Args:
        sources: The modules to format, keyed by their paths from the project's root.
        project: The project whose ``pyproject.toml`` configures ruff; without one, 120 columns.

    Raises:
        SyntaxError: a module is not valid Python (a bug of the generator).
        FormatterError: ruff is missing or failed.
    """
    config = project / "pyproject.toml" if project is not None else None
    settings = ["--config", str(config)] if config is not None and config.is_file() else list(_DEFAULTS)
    ruff = _ruff()
    with tempfile.TemporaryDirectory(prefix="codegen-format-") as scratch:
        paths = {relative: Path(scratch, relative) for relative in sources}
        for relative, path in paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(sources[relative], encoding="utf-8", newline="")
        files = [str(path) for path in paths.values()]
        common = ["--no-cache", *settings]
        _run([ruff, "check", "--select", "I", "--fix-only", *common, *files], "check")
        _run([ruff, "format", *common, *files], "format")
        return {relative: path.read_text(encoding="utf-8") for relative, path in paths.items()}
