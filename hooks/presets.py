"""Presets for copier.yml: each ``presets/<name>.yml`` is read as the defaults of its preset.

So ``--data preset=graphql`` and ``--data-file presets/graphql.yml`` give the same answers, and
every value a preset sets is still an ordinary question whose answer is saved for updates.

A reference preset also has a folder, ``presets/<name>/``, whose files the template renders into
the project (see AGENTS.md): ``extensions.py``, ``tests.py`` and ``config.py`` are copied as they
are, ``fixtures/`` file by file, and ``readme.md.jinja`` and ``examples/*.jinja`` are included
with the answers. `preset_file` reads a file as plain text, never as a template.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from jinja2 import Environment
from jinja2.ext import Extension

__all__ = [
    "PRESETS",
    "PresetsExtension",
    "preset_default",
    "preset_file",
    "preset_files",
    "preset_has",
    "preset_names",
]

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


def _inside(preset: str, relative: str) -> Path:
    """Return ``presets/<preset>/<relative>``; refuse a path that would leave that folder."""
    folder = (PRESETS / preset).resolve()
    path = (folder / relative).resolve()
    if folder not in path.parents:
        raise ValueError(f"{relative!r} is not inside presets/{preset}/")
    return path


def preset_has(preset: str, relative: str) -> bool:
    """Return whether preset ``preset`` has the file or folder ``relative`` in its folder."""
    return _inside(preset, relative).exists()


def preset_file(preset: str, relative: str) -> str:
    """Return the text of ``presets/<preset>/<relative>``, exactly as written."""
    return _inside(preset, relative).read_text(encoding="utf-8")


def preset_files(preset: str, folder: str) -> list[str]:
    """Return the names of the files in ``presets/<preset>/<folder>``, sorted (none if it is absent)."""
    path = _inside(preset, folder)
    return sorted(child.name for child in path.iterdir() if child.is_file()) if path.is_dir() else []


class PresetsExtension(Extension):
    """Registers the preset functions above as Jinja filters of the same names."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        for name in ("preset_default", "preset_file", "preset_files", "preset_has"):
            environment.filters[name] = globals()[name]
