"""Reference connectors: each preset renders a connector that passes its own checks, nothing edited.

The README's table of reference connectors states the compliance each one's conformance suite
measured; this test measures it again and fails when the table says anything else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from hooks.presets import PRESETS, preset_names
from tests.helpers import ROOT, render, run_checks

REFERENCE = [name for name in preset_names() if (PRESETS / name).is_dir()]
CONFORMANCE = re.compile(r"Conformance: verified (\d+)/(\d+) MUST \(\d+ %\), (\d+)/(\d+) SHOULD")


def _readme_rows() -> dict[str, str]:
    """Return the README's reference table: preset name -> the conformance it claims."""
    section = (ROOT / "README.md").read_text().split("## Reference connectors", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| [^|]+ \| `([a-z0-9_-]+)` \|[^|]+\|[^|]+\| ([^|]+) \|$", section, flags=re.MULTILINE)
    return {name: claim.strip() for name, claim in rows}


def test_readme_lists_every_reference_preset() -> None:
    """The reference table has one row per preset with a folder, and no other."""
    assert sorted(_readme_rows()) == REFERENCE


@pytest.mark.parametrize("name", REFERENCE)
def test_reference_preset_renders_a_connector_that_passes_its_checks(tmp_path: Path, name: str) -> None:
    """`copier copy --defaults --data preset=<name>` gives a project whose every check passes as rendered."""
    answers = yaml.safe_load((PRESETS / f"{name}.yml").read_text())
    project = render(tmp_path / name, preset=name, connector_name=answers["connector_name"])
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    differ = {key: (value, recorded.get(key)) for key, value in answers.items() if recorded.get(key) != value}
    assert not differ, f"the description's defaults overrode the preset's own answers: {differ}"
    results = run_checks(project)
    failures = {check: (r.stdout + r.stderr)[-3000:] for check, r in results.items() if r.returncode != 0}
    assert not failures, failures
    measured = CONFORMANCE.search(results["pytest"].stdout)
    assert measured, results["pytest"].stdout[-2000:]
    must, must_total, should, should_total = measured.groups()
    assert must == must_total, f"{name}: only {must}/{must_total} MUST requirements verified"
    assert _readme_rows()[name] == f"{must}/{must_total} MUST, {should}/{should_total} SHOULD"
