"""Business domains: one module each; the connector attaches every domain it finds here.

To add a domain, add one module beside this file with a `base.Domain` and a `base.AsyncDomain`
subclass (copy ``contacts.py`` or any other); its file name becomes the connector attribute.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import TypeVar

from .base import AsyncDomain, Domain

__all__ = ["AsyncDomain", "Domain", "discover"]

Kind = TypeVar("Kind")


def discover(kind: type[Kind]) -> dict[str, type[Kind]]:
    """Return ``{module name: the subclass of kind defined in it}`` for every domain module here."""
    found: dict[str, type[Kind]] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module_info.name == "base" or module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for _, member in inspect.getmembers(module, inspect.isclass):
            if issubclass(member, kind) and member is not kind and member.__module__ == module.__name__:
                found[module_info.name] = member
    return found
