"""Template hygiene: Jinja only where answers are used, none in plain files (STYLE rule 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import ROOT, render

TEMPLATE = ROOT / "template"
# Jinja as this template writes it: a space (or "-") inside the delimiters. Python's escaped
# braces in f-strings ("{{" followed by text) are not Jinja.
JINJA_SYNTAX = re.compile(r"\{\{[ -]|\{%[ -]|\{#[ -]")


def _files(suffix: str) -> list[Path]:
    return sorted(path for path in TEMPLATE.rglob("*") if path.is_file() and path.name.endswith(suffix))


# The rendered project's own generator renders these with Jinja when it runs; Copier copies them as they are.
GENERATOR_TEMPLATES = TEMPLATE / "codegen" / "templates"


def test_plain_files_contain_no_jinja() -> None:
    """Files without the .jinja suffix are copied verbatim, so they must not contain Jinja."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in TEMPLATE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts  # excluded by copier.yml
        and not path.name.endswith(".jinja")
        and GENERATOR_TEMPLATES not in path.parents
        and JINJA_SYNTAX.search(path.read_text())
    ]
    assert offenders == []


def test_generator_templates_are_copied_verbatim() -> None:
    """The generator's own templates are not Copier templates: none ends in .jinja."""
    templates = list(GENERATOR_TEMPLATES.iterdir())
    assert templates
    assert all(not path.name.endswith(".jinja") for path in templates)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("lint") / "p")


def test_every_jinja_file_uses_answers(rendered: Path) -> None:
    """A .jinja file whose output equals its source should have been a plain file."""
    same = []
    for source in _files(".jinja"):
        relative = source.relative_to(TEMPLATE)
        if "{{" in str(relative) or "{%" in str(relative):
            continue  # the file name itself is templated
        output = rendered / str(relative).removesuffix(".jinja")
        if output.exists() and output.read_text() == source.read_text():
            same.append(str(relative))
    assert same == []


def test_module_docstrings_start_with_one_sentence(rendered: Path) -> None:
    """Every rendered module opens with a docstring (STYLE rule 1)."""
    missing = [
        str(path.relative_to(rendered))
        for path in (rendered / "src").rglob("*.py")
        if not path.read_text().lstrip().startswith('"""')
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("text", "is_jinja"),
    [
        ("{{ package_name }}", True),
        ("{%- if auth == 'none' %}", True),
        ("{% endif %}", True),
        ("{# a comment #}", True),
        ('f"{resource}/{{{identifier}}}"', False),
        ('text.replace("{", "{{")', False),
    ],
)
def test_jinja_pattern_tells_jinja_from_python_braces(text: str, is_jinja: bool) -> None:
    """The lint flags Jinja delimiters, not the doubled braces of Python f-strings."""
    assert bool(JINJA_SYNTAX.search(text)) is is_jinja
