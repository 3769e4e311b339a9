"""Python spellings of API text: snake_case and CamelCase names that are never keywords; string literals."""

from __future__ import annotations

import json
import keyword
import re

__all__ = ["camel", "python_literal", "singular", "snake", "unique"]

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


def python_literal(text: str) -> str:
    """Return ``text`` as a double-quoted Python string literal (JSON strings are valid Python)."""
    return json.dumps(text, ensure_ascii=False)
