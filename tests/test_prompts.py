"""`copier copy` driven through its interactive prompts, as a person would answer them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from tests.helpers import ROOT


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
