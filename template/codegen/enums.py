"""Opens the enumerations of generated models: ``Literal["a", "b"]`` becomes ``Literal["a", "b"] | str``.

An API adds enum values without notice; a closed ``Literal`` would then refuse the whole answer.
Each choice list of two or more values in a model's fields is rewritten as
``Annotated[Literal[...] | str, OPEN]`` (``| int`` for numbers): answers parsed by
``typed.parse`` keep an unknown value as it is, while a model built by the caller (a request body)
still refuses one (``OPEN``, from ``typed``, checks the values unless the answer context is set). Single values
stay closed: they are tags (``type: "album"``) that pydantic tells union members apart by, as are
the fields a union names as its ``discriminator``.
"""

from __future__ import annotations

import ast

__all__ = ["open_enums"]

OPEN = "OPEN"  # upper case: never a field name (fields are snake_case)


def _values(node: ast.Subscript) -> list[object] | None:
    """Return the values of ``Literal[...]`` when they are all text or all whole numbers, else None."""
    elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    values = [element.value for element in elements if isinstance(element, ast.Constant)]
    if len(values) != len(elements):
        return None
    if all(isinstance(value, str) for value in values) or all(
        isinstance(value, int) and not isinstance(value, bool) for value in values
    ):
        return values
    return None


def _discriminators(tree: ast.Module) -> set[str]:
    """Return the property names that ``Field(discriminator=...)`` names anywhere in the module."""
    return {
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "discriminator"
        and isinstance(keyword.value, ast.Constant)
        and isinstance(keyword.value.value, str)
    }


def _field_names(node: ast.AnnAssign) -> set[str]:
    """Return a field's Python name and its alias (``Field(alias="...")``)."""
    names = {node.target.id} if isinstance(node.target, ast.Name) else set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            names |= {
                keyword.value.value
                for keyword in call.keywords
                if keyword.arg == "alias"
                and isinstance(keyword.value, ast.Constant)
                and isinstance(keyword.value.value, str)
            }
    return names


def _literals(annotation: ast.expr) -> list[ast.Subscript]:
    return [
        node
        for node in ast.walk(annotation)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal"
    ]


def open_enums(source: str) -> tuple[str, int]:
    """Return the models module ``source`` with its choice lists opened, and how many were opened."""
    tree = ast.parse(source)
    tags = _discriminators(tree)
    targets: list[ast.Subscript] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:  # RootModel[Literal[...]]: an enum schema of its own
                targets.extend(_literals(base))
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and not (_field_names(statement) & tags):
                    targets.extend(_literals(statement.annotation))
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits = []
    for literal in targets:
        values = _values(literal)
        if values is None or len(values) < 2:
            continue
        start = starts[literal.lineno - 1] + literal.col_offset
        end = starts[literal.end_lineno - 1] + literal.end_col_offset  # type: ignore[operator]  # set by ast.parse
        kind = "str" if isinstance(values[0], str) else "int"
        edits.append((start, end, f"Annotated[{source[start:end]} | {kind}, {OPEN}]"))
    pieces, done = [], 0
    for start, end, text in sorted(set(edits)):  # one pass: splicing each edit in turn is quadratic in the size
        pieces += [source[done:start], text]
        done = end
    opened = "".join(pieces) + source[done:]
    if edits:
        opened = _with_imports(opened)
    return opened, len(set(edits))


def _with_imports(source: str) -> str:
    """Add the imports the opened annotations use, where the module does not have them yet."""
    tree = ast.parse(source)
    imported = {
        (node.module, alias.name) for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }
    header = "".join(
        line
        for line, key in (
            ("from typing import Annotated\n", ("typing", "Annotated")),
            ("from ..typed import OPEN\n", ("typed", "OPEN")),
        )
        if key not in imported
    )
    body = tree.body
    index = 1 if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) else 0
    while index < len(body) and isinstance(body[index], ast.ImportFrom) and body[index].module == "__future__":
        index += 1
    if not header or index >= len(body):
        return source + header
    lines = source.splitlines(keepends=True)
    line = body[index].lineno - 1
    return "".join(lines[:line]) + header + "".join(lines[line:])
