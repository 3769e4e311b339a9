"""Prints a `graphql.GraphQLPlan` as the models module and ``operations.py`` (Jinja; ruff formats them)."""

from __future__ import annotations

import re

from .formatting import template_environment
from .graphql import GraphQLPlan, Method
from .names import python_literal

__all__ = ["render_graphql_models", "render_graphql_operations"]

# A double-quoted string or a name: names are qualified, strings (Literal values) are left alone.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*')


def _document(text: str) -> str:
    """Return a GraphQL document as a readable triple-quoted literal when it can be one."""
    if '"""' in text or "\\" in text or text.endswith('"'):
        return python_literal(text)
    return f'"""{text}"""'


def _qualified(annotation: str, generated: set[str]) -> str:
    """Return ``annotation`` with the names of generated models and aliases prefixed by ``models.``."""
    return _TOKEN.sub(lambda m: f"models.{m.group(0)}" if m.group(0) in generated else m.group(0), annotation)


def _signature(method: Method, generated: set[str]) -> str:
    parts = ["self", "*"] if method.arguments else ["self"]
    for argument in method.arguments:
        annotation = _qualified(argument.annotation, generated)
        parts.append(f"{argument.name}: {annotation}" if argument.required else f"{argument.name}: {annotation} = None")
    return ", ".join(parts)


def render_graphql_models(plan: GraphQLPlan, *, title: str) -> str:
    """Return the source of the models module for ``plan``, before ruff formats it."""
    text = " ".join(f.declaration for model in plan.models for f in model.fields) + " ".join(plan.aliases.values())
    typing = [name for name in ("Annotated", "Literal") if f"{name}[" in text]
    imports = [f"from typing import {', '.join(typing)}"] if typing else []
    imports.append(f"from pydantic import BaseModel, ConfigDict{', Field' if 'Field(' in text else ''}")
    if ", OPEN]" in text:
        imports.append("from ..typed import OPEN")
    if plan.uses_json:
        imports.append("from ..response import JSONValue")
    exported = sorted({"GraphQLModel", *plan.aliases, *(model.name for model in plan.models)})
    return (
        template_environment(document=_document)
        .get_template("graphql_models.py.j2")
        .render(title=title, source=plan.source, imports=imports, exported=exported, plan=plan)
    )


def render_graphql_operations(plan: GraphQLPlan, *, title: str, base_module: str, bases: tuple[str, str]) -> str:
    """Return the source of ``operations.py`` (one typed method per operation, both connectors), unformatted."""
    generated = {model.name for model in plan.models} | set(plan.aliases)
    methods = [
        {
            "method": method,
            "signature": _signature(method, generated),
            "returns": _qualified(method.returns, generated),
            "call_arguments": ", ".join(f"{a.name}={a.name}" for a in method.arguments),
        }
        for method in plan.methods
    ]
    text = " ".join(" ".join([_qualified(a.annotation, generated) for a in m.arguments]) for m in plan.methods)
    typing = ["Final"] + [name for name in ("Annotated", "Literal") if f"{name}[" in text]
    iterates = any(method.kind == "iterate" for method in plan.methods)
    imports = ["from collections.abc import AsyncIterator, Iterator"] if iterates else []
    imports.append(f"from typing import {', '.join(sorted(typing))}")
    if "Field(" in text:
        imports.append("from pydantic import Field")
    imports.append("from . import models, typed")
    imports.append(f"from {base_module} import {', '.join(sorted([*bases, 'OperationResult']))}")
    if "JSONValue" in text:
        imports.append("from .response import JSONValue")
    return (
        template_environment(document=_document)
        .get_template("graphql_operations.py.j2")
        .render(
            title=title,
            source=plan.source,
            imports=imports,
            documents=plan.documents,
            planned=methods,
            base=bases[0],
            async_base=bases[1],
        )
    )
