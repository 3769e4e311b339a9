"""Compiles each templated string of a Copier run once: a cache in front of Copier's ``from_string``.

Written by hand because Copier compiles a string every time it renders it: each part of each
path, each question's ``when``, ``default`` and ``validator``, and the answers file's name once
per file (``Worker.answers_relpath``): about 780 compilations for the 77 files of the ``rest``
preset, of which about 250 differ, and a quarter of the CPU time of a copy and of each of the
three renders of an update. A compiled `Template` renders any context, so the same source gives
back the same object; what the environment's extensions do while preprocessing a source
(Copier's ``yield`` tag resets its state there) still runs every time.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, Template
from jinja2.ext import Extension

__all__ = ["CompiledStringsExtension"]


class CompiledStringsExtension(Extension):
    """Makes ``environment.from_string`` return one compiled template per source string."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        compile_string = environment.from_string
        compiled: dict[str, Template] = {}

        def from_string(source: Any, globals: Any = None, template_class: Any = None) -> Template:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return compile_string(source, globals, template_class)
            template = compiled.get(source)
            if template is None:
                template = compiled[source] = compile_string(source)
            else:
                environment.preprocess(source)  # its side effects, as a compilation would run them
            return template

        environment.from_string = from_string  # type: ignore[method-assign]  # on this environment only
