"""Large descriptions: work the generator must do once per description, not once per schema or per line."""

from __future__ import annotations

import ast
from typing import Any

import pydantic
import pytest

from benchmarks.synthetic import description
from hooks.api_source import _submodule

TRICKY_MODELS = '''"""Pydantic models of the Demo API, one per schema in api/openapi.yaml."""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import BaseModel, Field, RootModel


class Thing(BaseModel):
    """
    First line.
    Evil = 1
    class Nope:
    """

    a: Annotated[str | None, Field(description='one\\nBad = 2\\nclass Worse')] = None


Choice: TypeAlias = Literal["a", "b"]
Plain = RootModel[list[int]]
if Plain == Choice:
    pass
Thing.model_rebuild()
'''


def _by_ast(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_models_top_level_names_are_read_from_its_lines_as_a_parser_would() -> None:
    """Classes and assignments at the top level count; docstrings, escaped texts and statements do not."""
    names = _submodule("models").defined_names(TRICKY_MODELS)
    assert names == _by_ast(TRICKY_MODELS) == {"Thing", "Choice", "Plain"}


def test_a_pattern_repeated_across_schemas_is_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten resources share one `pattern`: one pydantic validator is built for it, not ten."""
    openapi = _submodule("openapi")
    built: list[object] = []
    real = pydantic.TypeAdapter

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pydantic, "TypeAdapter", counting)
    openapi.usable_pattern.cache_clear()
    generated = openapi.plan_openapi(description(50), "api/openapi.json")
    assert len(generated.operations) == 50
    assert len(built) == 1
