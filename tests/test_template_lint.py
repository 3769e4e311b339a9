"""Template hygiene: Jinja only where answers are used, none in plain files (STYLE rule 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

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


# -- Answers enter code only through an escaping filter (SPEC CF-SEC-4, hooks/literals.py) ----------

INTERPOLATION = re.compile(r"\{\{-?(.*?)-?\}\}", re.DOTALL)
TAGS = re.compile(r"\{%.*?%\}")
# The last filter of an interpolation that may print an answer, by the kind of file.
ESCAPES = {".py": {"python_literal", "docstring_text", "int"}, ".toml": {"toml_string", "int"}}
# Answers validated as Python identifiers (hooks/names.py), and the prefix derived from one: printed bare.
IDENTIFIERS = {"package_name", "class_prefix", "env_prefix"}


def _free_text_answers() -> set[str]:
    """Return the questions of copier.yml whose answer is free text: neither a choice nor an identifier."""
    questions = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    return {
        name
        for name, question in questions.items()
        if isinstance(question, dict) and question.get("type") == "str" and "choices" not in question
    } - IDENTIFIERS


def _code_templates() -> list[Path]:
    """Return every template that renders Python or TOML: the template's and the presets' own."""
    found = []
    for path in sorted([*TEMPLATE.rglob("*.jinja"), *(ROOT / "presets").rglob("*.jinja")]):
        name = TAGS.sub("", path.name).removesuffix(".jinja")
        if name.endswith((".py", ".toml")) and "__pycache__" not in path.parts:
            found.append(path)
    return found


def _escape_offences(path: Path, text: str, free_text: set[str]) -> list[str]:
    """Return where ``text`` (a .py or .toml template) prints a value that no escaping filter saw."""
    kind = ".toml" if TAGS.sub("", path.name).removesuffix(".jinja").endswith(".toml") else ".py"
    offences = []
    for match in INTERPOLATION.finditer(text):
        expression = match.group(1).strip()
        last = expression.rsplit("|", 1)[1].strip().split("(")[0].strip() if "|" in expression else ""
        before, after = text[max(match.start() - 3, 0) : match.start()], text[match.end() : match.end() + 3]
        line = text.count("\n", 0, match.start()) + 1
        in_docstring = last == "docstring_text" and (
            '"""' in (before, after) or not (before[-1:] + after[:1]).strip("\"'")
        )
        if (before[-1:] in ('"', "'") or after[:1] in ('"', "'")) and not in_docstring:
            offences.append(f"{path.name}:{line}: quoted interpolation {match.group(0)!r}: use a filter that quotes")
        elif set(re.findall(r"[A-Za-z_]+", expression)) & free_text and last not in ESCAPES[kind]:
            offences.append(f"{path.name}:{line}: {match.group(0)!r} prints an answer without {sorted(ESCAPES[kind])}")
    return offences


def test_answers_enter_code_only_through_an_escaping_filter() -> None:
    """No quoted "{{ ... }}" in a .py or .toml template; free-text answers always go through a filter."""
    free_text = _free_text_answers()
    assert {"base_url", "token_url", "description", "connector_name"} <= free_text
    templates = _code_templates()
    assert len(templates) > 10
    offences = [offence for path in templates for offence in _escape_offences(path, path.read_text(), free_text)]
    assert offences == []


@pytest.mark.parametrize(
    ("line", "offends"),
    [
        ('base_url: str = "{{ base_url }}"', True),
        ("base_url: str = '{{ base_url | python_literal }}'", True),
        ('__all__ = ["{{ class_prefix }}Config"]', True),
        ("base_url: str = {{ base_url }}", True),
        ('"""The {{ connector_name }} API."""', True),
        ("base_url: str = {{ base_url | python_literal }}", False),
        ('"""{{ description | docstring_text }}"""', False),
        ('"""The {{ connector_name | docstring_text }} API."""', False),
        ("class {{ class_prefix }}Config(ConnectorSettings):", False),
        ("page_size: int = {{ page_size | int }}", False),
    ],
)
def test_the_escape_lint_tells_escaped_from_unescaped_values(line: str, offends: bool) -> None:
    """The lint flags quoted and unfiltered answers, and accepts the filtered forms."""
    assert bool(_escape_offences(Path("config.py.jinja"), line, _free_text_answers())) is offends
