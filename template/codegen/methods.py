"""Prints planned operations as ``operations.py``: one typed method per operation, for both connectors."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .formatting import template_environment
from .names import camel, docstring_text, python_literal, unique
from .paging import Paging
from .plan import Body, Generated, Operation, Parameter

__all__ = ["render_operations"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DESCRIPTION_LIMIT = 160


def _docstring_text(text: str, fallback: str) -> str:
    """Return one safe line for a docstring: whitespace folded, cut at a sentence, escaped by `docstring_text`."""
    line = " ".join(text.split()) or fallback
    if len(line) > _DESCRIPTION_LIMIT:
        cut = line.rfind(". ", 0, _DESCRIPTION_LIMIT)
        line = line[: cut + 1] if cut > 40 else line[: _DESCRIPTION_LIMIT - 3].rstrip() + "..."
    line = line[0].upper() + line[1:]
    line = docstring_text(line)
    return line if line.endswith((".", "?", "!", "...")) else f"{line}."


def _path_expression(operation: Operation) -> str:
    """Return the Python expression of the request path: a literal, or an f-string of quoted segments."""
    if "{" not in operation.path:
        return python_literal(operation.path)
    pieces = []
    last = 0
    for match in _PLACEHOLDER.finditer(operation.path):
        pieces.append(_escape_fstring(operation.path[last : match.start()]))
        pieces.append("{typed.segment(" + match.group(1) + ")}")
        last = match.end()
    pieces.append(_escape_fstring(operation.path[last:]))
    return 'f"' + "".join(pieces) + '"'


def _escape_fstring(text: str) -> str:
    return python_literal(text)[1:-1].replace("{", "{{").replace("}", "}}")


def _value_expression(parameter: Parameter) -> str:
    """Return how a query argument is sent: as is, or comma-joined for ``explode: false`` arrays."""
    if parameter.annotation.startswith("list[") and not parameter.explode:
        return f"typed.comma_joined({parameter.name})"
    return parameter.name


@dataclass(frozen=True)
class _Method:
    """One method as the template prints it: every piece of text already computed."""

    name: str
    kind: str  # "call" or "iterate"
    signature: str
    returns: str
    async_returns: str
    summary: str
    route: str
    arguments: tuple[tuple[str, str], ...]
    call: str
    result: str


def _ordered(parameters: tuple[Parameter, ...], body: Body | None) -> list[tuple[str, str, bool, str]]:
    """Return ``(name, annotation, required, description)`` in signature order: required ones first."""
    items = [(p.name, p.annotation, p.required, p.description) for p in parameters]
    if body is not None:
        items.append(("body", body.annotation, body.required, body.description))
    return sorted(items, key=lambda item: not item[2])


def _signature(items: list[tuple[str, str, bool, str]]) -> str:
    parts = ["self", "*"] if items else ["self"]
    parts += [
        f"{name}: {annotation}" if required else f"{name}: {annotation} | None = None"
        for name, annotation, required, _ in items
    ]
    return ", ".join(parts)


def _call(operation: Operation, parameters: tuple[Parameter, ...], *, method: bool, body: bool) -> str:
    parts = [python_literal(operation.method)] if method else []
    parts.append(_path_expression(operation))
    query = [f"{python_literal(p.wire)}: {_value_expression(p)}" for p in parameters if p.location == "query"]
    if query:
        parts.append("params=typed.query({" + ", ".join(query) + "})")
    headers = [f"{python_literal(p.wire)}: {p.name}" for p in parameters if p.location == "header"]
    if operation.accept:
        headers.insert(0, f'"Accept": {python_literal(operation.accept)}')
    if headers:
        parts.append("headers=typed.headers({" + ", ".join(headers) + "})")
    if body:
        parts.append("json=typed.dump(body)")
    if method and operation.security is not None:
        parts.append(f"security={python_literal(operation.security)}")
    if not method and operation.iteration is not None and operation.iteration.spec is not None:
        parts.append(f"spec=PAGINATION[{python_literal(operation.iteration.name)}]")
    return ", ".join(parts)


def _result(returns: str, operation: Operation) -> str:
    if returns == "None":
        return ""
    if returns == "JSONValue":
        return "response.data"
    if operation.records:
        return f"typed.parse({returns}, typed.records(response.data, self.settings.records_path))"
    return f"typed.parse({returns}, response.data)"


def _methods(operation: Operation) -> list[_Method]:
    """Return the method for ``operation`` and, for a paginated list, its iterator."""
    route = f"{operation.method} {operation.route}" + (" (deprecated)" if operation.deprecated else "")
    items = _ordered(operation.parameters, operation.body)
    printed = [
        _Method(
            name=operation.name,
            kind="call",
            signature=_signature(items),
            returns=operation.returns,
            async_returns=operation.returns,
            summary=operation.summary,
            route=route,
            arguments=tuple((name, text) for name, _, _, text in items),
            call=_call(operation, operation.parameters, method=True, body=operation.body is not None),
            result=_result(operation.returns, operation),
        )
    ]
    iteration = operation.iteration
    if iteration is not None:
        kept = tuple(p for p in operation.parameters if p.wire not in iteration.skip)
        items = _ordered(kept, None)
        printed.append(
            _Method(
                name=iteration.name,
                kind="iterate",
                signature=_signature(items),
                returns=f"Iterator[{iteration.item}]",
                async_returns=f"AsyncIterator[{iteration.item}]",
                summary=(
                    f"Yield every record of `{operation.name}`, page by page ({iteration.spec.kind} pagination)."
                    if iteration.spec is not None
                    else f"Yield every record of `{operation.name}`, page by page (see the connector's pagination)."
                ),
                route=route,
                arguments=tuple((name, text) for name, _, _, text in items),
                call=_call(operation, kept, method=False, body=False),
                result="record" if iteration.item == "JSONValue" else f"typed.parse({iteration.item}, record)",
            )
        )
    return printed


def _documented(operation: Operation) -> Operation:
    parameters = tuple(
        dataclasses.replace(p, description=_docstring_text(p.description, f"The `{p.wire}` {p.location} parameter."))
        for p in operation.parameters
    )
    body = operation.body
    if body is not None:
        body = Body(body.annotation, body.required, _docstring_text(body.description, "The request body."))
    summary = _docstring_text(operation.summary, f"{operation.method} {operation.route}.")
    return dataclasses.replace(operation, summary=summary, parameters=parameters, body=body)


# Names the generated module already uses: an alias may not take one.
_TAKEN = frozenset(
    {"Annotated", "AsyncIterator", "AsyncOperations", "Field", "Final", "Iterator", "JSONValue", "Literal",
     "OPERATIONS", "OperationSettings", "Operations", "PAGINATION", "PageSpec", "SecretStr", "SecurityScheme",
     "ConnectorSettings", "ClassVar", "datetime", "models", "typed"}
)  # fmt: skip
_SPEC_DEFAULTS = {"records_path": "", "page_param": "", "page_size_param": "", "page_size": 100, "next_path": "",
                  "start": None}  # fmt: skip


def _page_spec(paging: Paging) -> str:
    """Return the ``PageSpec(...)`` expression of an operation's paging (fields at their default left out)."""
    fields = [f"kind={python_literal(paging.kind)}"]
    for name, default in _SPEC_DEFAULTS.items():
        value = getattr(paging, name)
        if value != default:
            fields.append(f"{name}={python_literal(value) if isinstance(value, str) else repr(value)}")
    return f"PageSpec({', '.join(fields)})"


_LITERAL = re.compile(r"Literal\[[^\[\]]*\]")


def _aliases(operations: list[Operation], bases: tuple[str, str]) -> tuple[dict[str, tuple[str, str]], list[Operation]]:
    """Name each choice list (``Literal[...]``) that several parameters share, and use the name.

    The alias is named after the first parameter that uses it (``lang`` gives ``Lang``), so a long
    list of choices is written once and can be imported: ``from .operations import Lang``.
    """
    users: dict[str, list[str]] = {}
    for op in operations:
        for parameter in op.parameters:
            for literal in _LITERAL.findall(parameter.annotation):
                users.setdefault(literal, []).append(parameter.wire)
    aliases: dict[str, tuple[str, str]] = {}  # name -> (choices, the parameter it is named after)
    taken = {*_TAKEN, *bases}
    for literal, wires in users.items():
        if len(wires) > 1:
            name = camel(wires[0], fallback="Choice")
            aliases[unique(name if name not in taken else f"{name}Choice", taken, separator="")] = (literal, wires[0])
    if not aliases:
        return aliases, operations
    by_literal = {literal: name for name, (literal, _) in aliases.items()}

    def named(annotation: str) -> str:
        return _LITERAL.sub(lambda match: by_literal.get(match.group(0), match.group(0)), annotation)

    renamed = [
        dataclasses.replace(
            op, parameters=tuple(dataclasses.replace(p, annotation=named(p.annotation)) for p in op.parameters)
        )
        for op in operations
    ]
    return aliases, renamed


def _isort_order(name: str) -> tuple[int, str]:
    """Sort ``__all__`` as ruff's RUF022 wants: CONSTANTS, then CamelCase, then the rest."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def _imports(
    operations: list[Operation],
    base_module: str,
    bases: tuple[str, str],
    extra: str = "",
    generated: Generated | None = None,
) -> list[str]:
    """Return the import lines the module needs, in isort's order (``extra``: more type text to scan)."""
    text = (
        extra
        + " "
        + " ".join(
            " ".join([op.returns, *(p.annotation for p in op.parameters), op.body.annotation if op.body else ""])
            + (" " + op.iteration.item if op.iteration else "")
            for op in operations
        )
    )
    typing = ["Final"] + [name for name in ("Annotated", "Literal") if f"{name}[" in text]
    schemes = generated.schemes if generated is not None else []
    if schemes:
        typing.append("ClassVar")
    iterators = [
        name
        for name, used in (
            ("AsyncIterator", any(op.iteration for op in operations)),
            ("Iterator", any(op.iteration for op in operations)),
        )
        if used
    ]
    lines = []
    if "datetime." in text:
        lines.append("import datetime")
    if iterators:
        lines.append(f"from collections.abc import {', '.join(iterators)}")
    lines.append(f"from typing import {', '.join(sorted(typing))}")
    pydantic = [name for name, used in (("Field", "Field(" in text), ("SecretStr", schemes)) if used]
    if pydantic:
        lines.append(f"from pydantic import {', '.join(pydantic)}")
    lines.append("from . import models, typed" if "models." in text else "from . import typed")
    lines.append(f"from {base_module} import {', '.join(sorted(bases))}")
    if any(op.iteration and op.iteration.spec for op in operations):
        lines.append("from .pagination import PageSpec")
    if generated is not None:
        lines.append(f"from .settings import ConnectorSettings{', SecurityScheme' if schemes else ''}")
    if "JSONValue" in text:
        lines.append("from .response import JSONValue")
    return lines


def render_operations(
    generated: Generated,
    *,
    title: str,
    base_module: str = ".client",
    bases: tuple[str, str] = ("Connector", "AsyncConnector"),
) -> str:
    """Return the source of ``operations.py`` for ``generated``'s operations, before ruff formats it.

    Args:
        generated: The planned operations.
        title: The API's display name, for docstrings.
        base_module: Module of the connector classes the generated ones extend.
        bases: The sync and async base class names in ``base_module``.
    """
    environment = template_environment()
    aliases, operations = _aliases([_documented(op) for op in generated.operations], bases)
    paginated = {
        op.iteration.name: _page_spec(op.iteration.spec)
        for op in operations
        if op.iteration is not None and op.iteration.spec is not None
    }
    exported = ["OPERATIONS", "PAGINATION"] if paginated else ["OPERATIONS"]
    return environment.get_template("operations.py.j2").render(
        title=title,
        source=generated.source,
        operations=operations,
        aliases=aliases,
        paginated=paginated,
        exported=sorted(["AsyncOperations", "OperationSettings", "Operations", *exported, *aliases], key=_isort_order),
        schemes=generated.schemes,
        planned=[method for op in operations for method in _methods(op)],
        imports=_imports(
            operations,
            base_module,
            bases,
            extra=" ".join(choices for choices, _ in aliases.values()),
            generated=generated,
        ),
        base=bases[0],
        async_base=bases[1],
    )
