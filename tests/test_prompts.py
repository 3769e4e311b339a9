"""`copier copy` driven through its interactive prompts, as a person would answer them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from hooks.presets import preset_names
from tests.helpers import ROOT, render


def test_interactive_copy_asks_preset_first_and_reasks_a_bad_name(tmp_path: Path) -> None:
    """The preset comes first; a keyword as the name is refused and asked again; defaults render."""
    destination = tmp_path / "out"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", "--vcs-ref", "HEAD", str(ROOT), str(destination)],
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
        env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"},
    )
    child.expect("Which kind of connector")
    child.send("\r")
    child.expect("display name")
    child.send("class\r")
    child.expect("is a Python keyword")
    child.send("\x7f" * 5 + "Frankfurter\r")
    for _ in range(60):  # accept every remaining default: Copier marks each question with 🎤
        if child.expect(["🎤", pexpect.EOF]) == 1:
            break
        child.send("\r")
    child.close()
    assert child.exitstatus == 0
    answers = (destination / ".copier-answers.yml").read_text()
    assert "connector_name: Frankfurter" in answers
    assert "preset: rest" in answers
    assert (destination / "src" / "frankfurter_connector" / "connector.py").exists()


@pytest.mark.parametrize("preset", preset_names())
def test_each_preset_renders_through_the_prompts_as_with_defaults(tmp_path: Path, preset: str) -> None:
    """Picking a preset in the first prompt and accepting every default gives the answers of
    `--defaults --data preset=<name>`, whose project the other tests check end to end."""
    choices = yaml.safe_load((ROOT / "copier.yml").read_text())["preset"]["choices"]
    position = list(choices.values()).index(preset)
    own_name = yaml.safe_load((ROOT / "presets" / f"{preset}.yml").read_text()).get("connector_name")
    named = bool(own_name)
    destination = tmp_path / "prompted"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "copier", "copy", "--trust", "--vcs-ref", "HEAD", str(ROOT), str(destination)],
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 200),
        env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"},
    )
    child.expect("Which kind of connector")
    child.send("\x1b[B" * position + "\r")  # arrow down to the preset
    child.expect("display name")
    child.send("\r" if named else "Acme\r")  # a reference preset names itself
    for _ in range(60):
        if child.expect(["🎤", pexpect.EOF]) == 1:
            break
        child.send("\r")
    child.close()
    assert child.exitstatus == 0
    prompted = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    data = {"preset": preset, "connector_name": own_name or "Acme"}  # render() would default to Frankfurter
    defaults = yaml.safe_load((render(tmp_path / "defaults", **data) / ".copier-answers.yml").read_text())
    for recorded in (prompted, defaults):
        recorded.pop("_commit")
        recorded.pop("_src_path")
    assert prompted == defaults
