"""Python spellings of API text: snake_case and CamelCase names that are never keywords; literals and docstrings.

Every text from an API description or an answer that lands in generated source goes through
`python_literal` (in code) or `docstring_text` (in docstrings and comments): these two functions
are the only way such text enters Python, so a description cannot end a string and add code.
"""

from __future__ import annotations

import keyword
import re

__all__ = ["camel", "docstring_text", "python_literal", "singular", "snake", "unique"]

# Each pattern is one character class with a quantifier: linear time on any input.
_WORD = re.compile(r"[A-Za-z0-9]+")
_HUMP = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def _words(text: str) -> list[str]:
    """Split ``"getHTTPItems_by-id"`` into ``["get", "HTTP", "Items", "by", "id"]``."""
    words: list[str] = []
    for chunk in _WORD.findall(text):
        words.extend(_HUMP.findall(chunk) or [chunk])
    return words


def snake(text: str, *, fallback: str = "value") -> str:
    """Return a snake_case identifier: ``"getLatestRates"`` -> ``"get_latest_rates"``, ``"from"`` -> ``"from_"``."""
    name = "_".join(word.lower() for word in _words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    return f"{name}_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) else name


def camel(text: str, *, fallback: str = "Model") -> str:
    """Return a CamelCase class name: ``"pricing.v2.voice_country"`` -> ``"PricingV2VoiceCountry"``."""
    name = "".join(word[0].upper() + word[1:] for word in _words(text)) or fallback
    return f"{fallback}{name}" if name[0].isdigit() else name


def singular(word: str) -> str:
    """Return a plain English singular: ``"companies"`` -> ``"company"``, ``"addresses"`` -> ``"address"``."""
    if word.endswith("ies") and len(word) > 3:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 1:
        return word[:-1]
    return word


def unique(name: str, taken: set[str], *, separator: str = "_") -> str:
    """Return ``name``, or ``name_2``, ``name_3``... whichever is not in ``taken``; add it to ``taken``."""
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name}{separator}{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _escaped(text: str) -> str:
    """Return ``text`` with its backslashes, double quotes and unprintable characters as Python escapes."""
    if text.isprintable() and '"' not in text and "\\" not in text:
        return text  # the common case, without a loop
    return "".join("\\" + char if char in '"\\' else char if char.isprintable() else repr(char)[1:-1] for char in text)


def python_literal(text: str) -> str:
    """Return ``text`` as a double-quoted Python string literal whose value is exactly ``text``.

    Quotes and backslashes are escaped, and so is every character that is not printable (line
    breaks, NUL, lone surrogates...), so the literal is one line of valid source whatever the text.
    """
    return f'"{_escaped(text)}"'


def docstring_text(text: str) -> str:
    """Return ``text`` as one line that is safe inside a docstring or a comment.

    Whitespace (line breaks included) is folded into single spaces; then, as in `python_literal`,
    quotes, backslashes and unprintable characters are escaped, so the text can neither end the
    docstring nor start a new line of code.
    """
    return _escaped(" ".join(text.split()))
