"""Preset defaults for copier.yml: each ``presets/<name>.yml`` is read as the defaults of its preset.

So ``--data preset=graphql`` and ``--data-file presets/graphql.yml`` give the same answers, and
every value a preset sets is still an ordinary question whose answer is saved for updates.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from jinja2 import Environment
from jinja2.ext import Extension

__all__ = ["PRESETS", "PresetsExtension", "preset_default", "preset_names"]

PRESETS = Path(__file__).resolve().parent.parent / "presets"


@cache
def _load(name: str) -> dict[str, object]:
    path = PRESETS / f"{name}.yml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} must be a mapping of question names to answers")
    return data


def preset_names() -> list[str]:
    """Return the presets that have a file, sorted."""
    return sorted(path.stem for path in PRESETS.glob("*.yml"))


def preset_default(preset: str, question: str, fallback: object = "") -> object:
    """Return what preset ``preset`` answers to ``question``, or ``fallback`` when it says nothing."""
    return _load(preset).get(question, fallback)


class PresetsExtension(Extension):
    """Registers `preset_default` as a Jinja filter."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["preset_default"] = preset_default
