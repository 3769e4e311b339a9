"""SPEC.md and the rendered conformance suite agree."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests import spec_table
from tests.helpers import ROOT


def _conformance_requirements() -> list[tuple[str, str]]:
    path = ROOT / "template" / "tests" / "conformance" / "requirements.py"
    spec = importlib.util.spec_from_file_location("requirements", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(r.id, r.level) for r in module.REQUIREMENTS]


def test_spec_and_the_conformance_suite_list_the_same_requirements() -> None:
    """Same IDs, same levels, same order in SPEC.md and tests/conformance/requirements.py."""
    assert spec_table.requirements() == _conformance_requirements()


def test_verification_table_is_up_to_date() -> None:
    """SPEC.md ends with the table `python -m tests.spec_table` builds from the @spec markers."""
    text = (ROOT / "SPEC.md").read_text(encoding="utf-8")
    assert text.endswith(spec_table.render_table()), "run: python -m tests.spec_table"


def test_every_must_requirement_has_a_test() -> None:
    """No MUST requirement is without a marked conformance test."""
    marked = spec_table.marked_tests()
    missing = [rid for rid, level in spec_table.requirements() if level == "MUST" and rid not in marked]
    assert missing == []


def test_marked_ids_all_exist_in_spec() -> None:
    """A marker naming an ID that SPEC.md does not define is a typo."""
    known = {rid for rid, _ in spec_table.requirements()}
    assert set(spec_table.marked_tests()) <= known


def test_spec_file_is_where_the_readme_says() -> None:
    """The README links SPEC.md at the top level."""
    assert (ROOT / "SPEC.md").exists()
    assert "(SPEC.md)" in Path(ROOT / "README.md").read_text()
