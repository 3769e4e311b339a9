"""An API description whose every text is a code-injection payload renders a connector that runs none.

Each payload, if it ever became code, would create a marker file: ending a string (``"``, ``'``),
a docstring (``\"\"\"``, ``'''``), a line (line breaks, a trailing backslash), or being read as a
template (``{{ }}``, ``{% %}``). The connector is rendered from it and imported, and its generated
methods and CF-SEC-4's conformance tests run: the marker must never appear, and the payloads must
still be there, as text. The description also holds recursive schemas with a way out, which must
give models that parse nested data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import render
from tests.test_codegen import _checks, _run


def _payloads(marker: Path) -> list[str]:
    touch = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    return [
        f'"+{touch}+"',
        f"'+{touch}+'",
        f'"""\n{touch}\n"""',
        f"'''\n{touch}\n'''",
        f"\\\n{touch}\n#",
        f"x\n{touch}\n#",
        f"{{{touch}}}",
        "{{ 7 * 7 }} {% if true %}rendered{% endif %} </script><script>alert(1)</script>",
        "trailing backslash \\",
        'ends with a quote "',
    ]


def _description(marker: Path) -> dict[str, Any]:
    """An OpenAPI description with a payload in every text a generator could print."""
    payloads = _payloads(marker)
    everything = " ".join(payloads)
    schemas: dict[str, Any] = {
        "Node": {  # a tree: children are nodes
            "type": "object",
            "required": ["name", "children"],
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        },
        "Link": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Link"}}},  # optional self
    }
    paths: dict[str, Any] = {}
    for number, payload in enumerate(payloads):
        schemas[f"Thing{number}"] = {
            "type": "object",
            "title": payload,
            "description": payload,
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "description": payload, "example": payload},
                payload: {"type": "string", "description": payload, "default": payload, "enum": [payload, "plain"]},
                "kind": {"type": "string", "enum": [payload, f"other{number}"], "description": payload},
                "code": {"type": "string", "pattern": "^[a-z]*$", "description": payload, "example": payload},
            },
            "example": {"id": payload},
        }
        schemas[f"Choice{number}"] = {"type": "string", "enum": [payload, f"choice{number}"], "description": payload}
        query = {"type": "string", "enum": [payload, "plain"], "default": payload, "example": payload}
        route = f"/things{number}/{{thing_id}}/" + " ".join(payload.replace("/", "_").split())  # one line
        paths[route] = {
            "summary": payload,
            "get": {
                "operationId": f"getThing{number}",
                "summary": payload,
                "description": payload,
                "tags": [payload],
                "parameters": [
                    {
                        "name": "thing_id",
                        "in": "path",
                        "required": True,
                        "description": payload,
                        "schema": {"type": "string"},
                    },
                    {"name": payload, "in": "query", "description": payload, "schema": query},
                    {
                        "name": f"q{number}",
                        "in": "query",
                        "description": payload,
                        "schema": {"type": "string", "default": payload},
                    },
                    {"name": "X-" + payload, "in": "header", "description": payload, "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": payload,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/Thing{number}"}}},
                    },
                },
            },
            "post": {
                "operationId": f"makeThing{number}",
                "summary": payload,
                "parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": {
                    "description": payload,
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {payload: {"type": "string"}}}}
                    },
                },
                "responses": {
                    "201": {
                        "description": payload,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/Choice{number}"}}},
                    }
                },
            },
        }
    for name in ("Node", "Link"):
        answer = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}
        paths[f"/{name.lower()}s"] = {
            "get": {"operationId": f"get{name}", "responses": {"200": {"description": "ok", **answer}}}
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": everything, "description": everything, "version": payloads[0]},
        "servers": [{"url": "https://api.example.com/v1", "description": everything}],
        "tags": [{"name": payload, "description": payload} for payload in payloads],
        "paths": paths,
        "components": {"schemas": schemas},
    }  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The project rendered from the payload description, and the marker file its payloads would create."""
    folder = tmp_path_factory.mktemp("injection")
    marker = folder / "MARKER"
    description = folder / "hostile.json"
    description.write_text(json.dumps(_description(marker), indent=1), encoding="utf-8")
    project = render(folder / "project", api_source="openapi", api_source_path=str(description), connector_name="Acme")
    return project, marker


def test_no_payload_runs_when_rendering_importing_or_testing(hostile: tuple[Path, Path]) -> None:
    """Rendered, imported, its generated methods and its conformance suite run: the marker never appears."""
    project, marker = hostile
    assert not marker.exists()
    imported = _run(project, "-c", "import acme_connector, acme_connector.operations, acme_connector.models")
    assert imported.returncode == 0, imported.stderr
    assert not marker.exists()
    failed = _checks(project, "tests/test_operations.py", "tests/conformance/test_sources.py")
    assert failed == {}
    assert not marker.exists()


def test_the_payloads_are_kept_as_text(hostile: tuple[Path, Path]) -> None:
    """Escaped, not dropped: the texts are in the generated modules, and templates in them stay unrendered."""
    project, marker = hostile
    package = project / "src" / "acme_connector"
    generated = (package / "operations.py").read_text() + (package / "models" / "__init__.py").read_text()
    assert str(marker) in generated
    assert "{{ 7 * 7 }}" in generated
    assert "{% if true %}rendered{% endif %}" in generated


def test_recursive_schemas_give_models_that_parse_nested_data(hostile: tuple[Path, Path]) -> None:
    """A tree of itself and an optional self reference are generated as working models."""
    project, _ = hostile
    code = (
        "from acme_connector import models\n"
        "tree = models.Node.model_validate({'name': 'a', 'children': [{'name': 'b', 'children': []}]})\n"
        "chain = models.Link.model_validate({'next': {'next': {}}})\n"
        "print(tree.children[0].name, chain.next.next.next)\n"
    )
    parsed = _run(project, "-c", code)
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stdout.split() == ["b", "None"]
