"""The escaping filters: whatever the text, it enters Python or TOML as a value, never as code (CF-SEC-4)."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hooks import literals

PAYLOADS = [
    '"+__import__("os").system("id")+"',
    "'+__import__('os').system('id')+'",
    '"""\nimport os\n"""',
    "'''\nimport os\n'''",
    "trailing backslash \\",
    'ends with a quote "',
    "line\nbreak\r\nand\x0bmore\u2028\u2029",
    "\x00\x1b\x7f\ud800\ufeff",
    "{{ 7 * 7 }} {% if x %} </script>",
    "# a comment\n__import__('os')",
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_payloads_become_literals_with_the_same_value(text: str) -> None:
    """A Python literal evaluates to the text itself and spans one line."""
    literal = literals.python_literal(text)
    assert ast.literal_eval(literal) == text
    assert "\n" not in literal


@given(st.text())
def test_any_text_becomes_a_literal_with_the_same_value(text: str) -> None:
    """For every text, the literal is one line of source whose value is that text."""
    literal = literals.python_literal(text)
    assert len(literal.splitlines()) == 1
    assert ast.literal_eval(literal) == text


@given(st.text())
def test_any_text_stays_inside_a_docstring_or_a_comment(text: str) -> None:
    """In a docstring or after a '#', the escaped text is the folded text and adds no statement."""
    safe = literals.docstring_text(text)
    module = ast.parse(f'"""{safe}"""\nx = 1  # {safe}\n')
    assert [type(node) for node in module.body] == [ast.Expr, ast.Assign]
    assert ast.get_docstring(module, clean=False) == " ".join(text.split())


@given(st.text())
def test_any_text_becomes_a_toml_string_with_the_same_value(text: str) -> None:
    """A TOML string reads back as the text (a lone surrogate, which TOML cannot hold, as U+FFFD)."""
    tomllib = pytest.importorskip("tomllib")
    expected = "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)
    assert tomllib.loads(f"value = {literals.toml_string(text)}\n") == {"value": expected}


def test_the_template_and_the_generator_escape_with_the_same_functions() -> None:
    """The hooks' filters are the generator's own functions, not a second copy of the rules."""
    names = literals._names()
    assert literals.python_literal('a"b') == names.python_literal('a"b') == '"a\\"b"'
    assert literals.docstring_text('a"""b') == names.docstring_text('a"""b')
