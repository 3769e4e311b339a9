"""Presets are plain answer files: the prompt's choices, the README table and presets/ agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hooks.presets import preset_names
from tests.helpers import ROOT, render


def _readme_presets() -> list[str]:
    section = (ROOT / "README.md").read_text().split("## Presets", 1)[1].split("\n## ", 1)[0]
    return sorted(re.findall(r"^\| `([a-z0-9_-]+)` \|", section, flags=re.MULTILINE))


def _prompt_presets() -> list[str]:
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    return sorted(config["preset"]["choices"].values())


def test_readme_table_lists_exactly_the_preset_files() -> None:
    """The README's preset table matches presets/*.yml."""
    assert _readme_presets() == preset_names()


def test_prompt_offers_exactly_the_preset_files() -> None:
    """The `preset` question's choices match presets/*.yml, each with a line of help."""
    assert _prompt_presets() == preset_names()
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    assert all(": " in label for label in config["preset"]["choices"])


@pytest.mark.parametrize("name", preset_names())
def test_preset_file_only_sets_questions_that_exist(name: str) -> None:
    """Every key of a preset file is a question of copier.yml, so its answer is saved for updates."""
    questions = {key for key in yaml.safe_load((ROOT / "copier.yml").read_text()) if not key.startswith("_")}
    preset = yaml.safe_load((ROOT / "presets" / f"{name}.yml").read_text())
    assert preset["preset"] == name
    assert set(preset) <= questions


@pytest.mark.parametrize("name", ["graphql", "domain"])
def test_data_preset_and_data_file_give_the_same_answers(tmp_path: Path, name: str) -> None:
    """`--data preset=x` and `--data-file presets/x.yml` are the same thing."""
    by_name = render(tmp_path / "a", connector_name="Acme", preset=name)
    by_file = render(
        tmp_path / "b", connector_name="Acme", **yaml.safe_load((ROOT / "presets" / f"{name}.yml").read_text())
    )

    def answers(project: Path) -> str:
        return re.sub(r"(?m)^_(commit|src_path):.*\n", "", (project / ".copier-answers.yml").read_text())

    assert answers(by_name) == answers(by_file)
