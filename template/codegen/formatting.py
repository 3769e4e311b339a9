"""Formats generated Python identically wherever it is generated: isort, then black, at 120 columns.

Both come with datamodel-code-generator, so Copier's Python and the project's own environment
format generated modules the same way, and regenerating unchanged input gives the same bytes.
"""

from __future__ import annotations

import black
import isort

__all__ = ["format_python"]

_BLACK = black.Mode(line_length=120, target_versions={black.TargetVersion.PY310})


def format_python(source: str) -> str:
    """Return ``source`` with sorted imports, formatted by black; raise `SyntaxError` if it is not Python."""
    ordered = isort.code(source, profile="black", line_length=120)
    try:
        return black.format_str(ordered, mode=_BLACK)
    except black.InvalidInput as error:
        raise SyntaxError(f"generated code is not valid Python: {error}") from error
