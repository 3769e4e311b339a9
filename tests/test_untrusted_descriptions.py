"""The generator's loader against hostile descriptions: bounded parsing, endless $ref cycles, bad paths.

These run the template's own ``codegen`` in this process (the loader Copier's questions use), so
each case takes milliseconds; ``test_adversarial.py`` checks the same inputs through ``copier copy``.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from hooks.api_source import _submodule


@pytest.fixture(scope="module")
def spec() -> ModuleType:
    return _submodule("spec")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"


def test_a_billion_laughs_is_refused_without_building_it(spec: ModuleType, tmp_path: Path) -> None:
    """3.5 billion nodes from 1 kB of aliases: refused, naming the file, with almost no memory used."""
    lines = [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    path = _write(tmp_path, "laughs.yaml", HEADER + "l0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]\n" + "\n".join(lines))
    tracemalloc.start()
    try:
        with pytest.raises(spec.SpecError, match=r"laughs\.yaml: expands to more than 10,000,000 nodes"):
            spec.load_document(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_aliases_within_the_limit_are_read_as_usual(spec: ModuleType, tmp_path: Path) -> None:
    """A description that shares a fragment through an alias still loads."""
    text = HEADER + "x-shared: &shared {type: string}\ncomponents: {schemas: {A: *shared, B: *shared}}\n"
    document = spec.load_document(_write(tmp_path, "shared.yaml", text))
    assert document["components"]["schemas"]["B"] == {"type": "string"}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("self.yaml", HEADER + "x: &a [*a]\n", "the YAML alias \\*a is inside the node it refers to"),
        ("deep.yaml", HEADER + "x: " + "[" * 100_000 + "]" * 100_000 + "\n", "nests deeper than 64 levels"),
        ("deep.json", '{"openapi": "3.0.3", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests deeper than 64"),
        ("deep2.json", '{"openapi": "3.0.3", "x": ' + "[" * 65 + "]" * 65 + "}", "nests deeper than 64"),
    ],
)
def test_recursive_and_deeply_nested_files_are_refused(
    spec: ModuleType, tmp_path: Path, name: str, text: str, message: str
) -> None:
    """libyaml would crash on 100,000 levels and Python's parsers recurse: both are refused first."""
    with pytest.raises(spec.SpecError, match=f"{name}: {message}"):
        spec.load_document(_write(tmp_path, name, text))


def test_a_json_sample_nested_past_the_limit_is_refused(tmp_path: Path) -> None:
    """JSON samples are parsed with the same bound (json's parser would raise RecursionError)."""
    (tmp_path / "contacts.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(_submodule("spec").SpecError, match=r"contacts\.json: nests deeper than 64 levels"):
        _submodule("samples").load_samples(tmp_path)


def _with_schemas(folder: Path, schemas: dict[str, Any], *, swagger: bool = False) -> Path:
    if swagger:
        document: dict[str, Any] = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}
        document["definitions"] = schemas
    else:
        document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}
        document["components"] = {"schemas": schemas}
    return _write(folder, "schemas.json", json.dumps(document))


A, B = "#/components/schemas/A", "#/components/schemas/B"


@pytest.mark.parametrize(
    ("schemas", "cycle"),
    [
        ({"A": {"$ref": A}}, f"{A} -> {A}"),
        ({"A": {"$ref": B}, "B": {"$ref": A}}, f"{A} -> {B} -> {A}"),
        ({"A": {"type": "object", "required": ["a"], "properties": {"a": {"$ref": A}}}}, f"{A} -> {A}"),
        ({"A": {"allOf": [{"$ref": A}]}}, f"{A} -> {A}"),
        ({"A": {"type": "array", "minItems": 1, "items": {"$ref": A}}}, f"{A} -> {A}"),
        ({"A": {"oneOf": [{"$ref": B}]}, "B": {"required": ["a"], "properties": {"a": {"$ref": A}}}}, f"{A} -> {B}"),
    ],
    ids=["a-a", "a-b-a", "required-self", "allof-self", "non-empty-array-of-self", "through-oneof"],
)
def test_ref_cycles_that_cannot_end_are_refused_naming_the_cycle(
    spec: ModuleType, tmp_path: Path, schemas: dict[str, Any], cycle: str
) -> None:
    """No finite value matches these schemas: the copy stops with the cycle, before any model is written."""
    with pytest.raises(spec.SpecError, match=r"schemas\.json: \$ref cycle with no end: ") as refused:
        spec.load_openapi(_with_schemas(tmp_path, schemas))
    assert cycle in str(refused.value)


def test_a_swagger_cycle_is_named_as_the_file_writes_it(spec: ModuleType, tmp_path: Path) -> None:
    """Swagger 2.0 references are checked before conversion, so the message shows #/definitions/."""
    with pytest.raises(spec.SpecError, match="#/definitions/A -> #/definitions/A"):
        spec.load_openapi(_with_schemas(tmp_path, {"A": {"$ref": "#/definitions/A"}}, swagger=True))


RECURSIVE = {
    "tree": {
        "type": "object",
        "required": ["name", "children"],
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": A}}},
    },
    "optional-self": {"type": "object", "properties": {"parent": {"$ref": A}}},
    "nullable-self": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": A, "nullable": True}}},
    "null-alternative": {"required": ["next"], "properties": {"next": {"anyOf": [{"$ref": A}, {"type": "null"}]}}},
    "3.1-null-type": {"type": ["object", "null"], "required": ["next"], "properties": {"next": {"$ref": A}}},
}


@pytest.mark.parametrize("schema", list(RECURSIVE.values()), ids=list(RECURSIVE))
def test_recursive_schemas_with_a_way_out_are_kept(spec: ModuleType, tmp_path: Path, schema: dict[str, Any]) -> None:
    """A tree of itself, an optional or nullable self reference: legitimate, and loaded as written."""
    document = spec.load_openapi(_with_schemas(tmp_path, {"A": schema}))
    assert document["components"]["schemas"]["A"] == schema


def _plan(folder: Path, route: str) -> Any:
    item = {"get": {"operationId": "getItem", "responses": {"200": {"description": "ok"}}}}
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {route: item, "/ok": item}}
    loaded = _submodule("spec").load_openapi(_write(folder, "paths.json", json.dumps(document)))
    return _submodule("openapi").plan_openapi(loaded, "api/paths.json")


@pytest.mark.parametrize("route", ["/items/{id", "/items/id}", "/items/{{id}}", "/items/{}", "/a/\n/b", "/a#b"])
def test_a_path_that_no_request_can_be_sent_to_is_skipped_with_a_warning(tmp_path: Path, route: str) -> None:
    """Unbalanced braces, a line break, a fragment: the operation is left out, the others kept, with a warning."""
    generated = _plan(tmp_path, route)
    assert [operation.route for operation in generated.operations] == ["/ok"]
    assert any("skipped: its path has" in warning for warning in generated.warnings)


def test_a_well_formed_path_template_is_generated(tmp_path: Path) -> None:
    """The check leaves ordinary templates alone."""
    generated = _plan(tmp_path, "/items/{item_id}/parts/{part}")
    assert "/items/{item_id}/parts/{part}" in [operation.route for operation in generated.operations]
