"""Writes generated Python: the Jinja environment of ``templates/``, then isort and black at 120 columns.

isort and black come with datamodel-code-generator, so Copier's Python and the project's own
environment format generated modules the same way, and regenerating unchanged input gives the same
bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import black
import isort
import jinja2

from .names import docstring_text, python_literal

__all__ = ["format_python", "template_environment"]

_BLACK = black.Mode(line_length=120, target_versions={black.TargetVersion.PY310})
_TEMPLATES = Path(__file__).resolve().parent / "templates"


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


def format_python(source: str) -> str:
    """Return ``source`` with sorted imports, formatted by black; raise `SyntaxError` if it is not Python."""
    ordered = isort.code(source, profile="black", line_length=120)
    try:
        return black.format_str(ordered, mode=_BLACK)
    except black.InvalidInput as error:
        raise SyntaxError(f"generated code is not valid Python: {error}") from error
