"""How answers enter rendered source: the Jinja filters ``python_literal``, ``docstring_text`` and ``toml_string``.

Every answer or description value that a ``.py.jinja`` file prints goes through one of these
filters (``tests/test_template_lint.py`` fails on a quoted ``"{{ ... }}"``), so a value can never
end its string and add code, even one that slipped past a validator. ``python_literal`` and
``docstring_text`` are the generator's own functions (``template/codegen/names.py``), loaded from
the template, so the template and the generator escape text the same way. ``toml_string`` is
written by hand: neither the standard library nor Copier writes TOML.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from jinja2 import Environment
from jinja2.ext import Extension

__all__ = ["LiteralsExtension", "docstring_text", "python_literal", "toml_string"]

_CODEGEN_NAMES = Path(__file__).resolve().parent.parent / "template" / "codegen" / "names.py"
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


@cache
def _names() -> ModuleType:
    """Import ``template/codegen/names.py`` under a name of its own (one per template clone)."""
    name = "connector_factory_names_" + hashlib.sha256(str(_CODEGEN_NAMES).encode()).hexdigest()[:16]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _CODEGEN_NAMES)
    if spec is None or spec.loader is None:  # pragma: no cover - the file is part of the template
        raise ImportError(f"cannot load {_CODEGEN_NAMES}")
    module = importlib.util.module_from_spec(spec)
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # leave the template clean
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
    sys.modules[name] = module
    return module


def python_literal(value: object) -> str:
    """Return ``value`` (as text) as a double-quoted Python string literal, quotes included."""
    return str(_names().python_literal(str(value)))


def docstring_text(value: object) -> str:
    """Return ``value`` (as text) as one escaped line, safe inside a docstring or a comment."""
    return str(_names().docstring_text(str(value)))


def toml_string(value: object) -> str:
    """Return ``value`` (as text) as a TOML basic string, quotes included.

    Quotes, backslashes and control characters are escaped; a lone surrogate, which TOML cannot
    hold, becomes U+FFFD (validated answers never contain one).
    """
    parts = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            parts.append(_TOML_ESCAPES[char])
        elif char < " " or char == "\x7f":
            parts.append(f"\\u{ord(char):04X}")
        elif "\ud800" <= char <= "\udfff":
            parts.append("\ufffd")
        else:
            parts.append(char)
    return '"' + "".join(parts) + '"'


class LiteralsExtension(Extension):
    """Registers the filters above under the same names."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        for function in (python_literal, docstring_text, toml_string):
            environment.filters[function.__name__] = function
