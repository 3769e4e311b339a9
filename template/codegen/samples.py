"""Plans models and methods from JSON samples: one resource per file, several samples merged.

``contacts.json`` holds one sample object or an array of them and gives the model ``Contact``,
``list_contacts()`` (``GET contacts``), ``get_contact(contact_id)`` (``GET contacts/{id}``) and,
when the connector paginates, ``iter_contacts()``. Samples are merged with genson: a field missing
from some samples is optional, a field that is sometimes null is nullable, and text that is an
ISO 8601 timestamp with an offset in every sample is typed as a datetime; a field that is null in
every sample accepts any JSON value.
"""

from __future__ import annotations

import datetime
import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .names import camel, singular, snake, unique
from .plan import Generated, Iteration, Operation, Pagination, Parameter
from .spec import MAX_DEPTH, SpecError, check_depth

if TYPE_CHECKING:
    from pydantic import AwareDatetime, TypeAdapter

__all__ = ["load_samples", "plan_samples"]

_RESOURCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}\S*")


def load_samples(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Read every ``*.json`` file of ``folder`` as the samples of one resource; raise `SpecError` if unusable."""
    if not folder.is_dir():
        raise SpecError(f"{folder}: no such folder (give a folder of JSON samples, one file per resource)")
    files = sorted(folder.glob("*.json"))
    if not files:
        raise SpecError(f"{folder}: no *.json files; add one sample file per resource, e.g. contacts.json")
    samples: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        if not _RESOURCE.fullmatch(path.stem):
            raise SpecError(f"{path}: name a sample file after its resource path, e.g. contacts.json")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            check_depth(data, path)  # issue 14: a sample nested past Python's stack is refused, not a traceback
        except RecursionError as error:
            raise SpecError(f"{path}: nests deeper than {MAX_DEPTH} levels") from error
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            raise SpecError(f"{path}: malformed JSON at {where}: {error.msg}") from error
        except (OSError, UnicodeDecodeError) as error:
            raise SpecError(f"{path}: cannot be read as UTF-8 text ({error})") from error
        records = data if isinstance(data, list) else [data]
        if not records or not all(isinstance(record, dict) for record in records):
            raise SpecError(f"{path}: must hold a JSON object, or a non-empty array of objects, for each sample record")
        samples[path.stem] = records
    return samples


@cache
def _aware_datetime() -> TypeAdapter[AwareDatetime]:
    from pydantic import AwareDatetime, TypeAdapter  # imported here: only generation needs pydantic

    return TypeAdapter(AwareDatetime)


def _is_timestamp(text: str) -> bool:
    """Whether the generated model's own parser (pydantic's) reads ``text`` as a timestamp with an offset."""
    if not _TIMESTAMP.fullmatch(text):
        return False
    try:
        _aware_datetime().validate_python(text)
    except ValueError:  # pydantic's ValidationError is one
        return False
    return True


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _add_formats(schema: Any, values: list[Any]) -> None:
    """Mark strings that are timestamps (with an offset) or dates in every sample.

    A field that is null in every sample says nothing of its type: it accepts any JSON value.
    """
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "null":
        del schema["type"]
        return
    declared = schema.get("type")
    kinds = declared if isinstance(declared, list) else [declared]
    for part in schema.get("anyOf") or []:
        _add_formats(part, values)
    for name, part in (schema.get("properties") or {}).items():
        _add_formats(part, [value[name] for value in values if isinstance(value, dict) and name in value])
    if isinstance(schema.get("items"), dict):
        _add_formats(schema["items"], [item for value in values if isinstance(value, list) for item in value])
    strings = [value for value in values if isinstance(value, str)]
    if "string" in kinds and strings:
        if all(_is_timestamp(value) for value in strings):
            schema["format"] = "date-time"
        elif all(_is_date(value) for value in strings):
            schema["format"] = "date"


def _schema(records: list[dict[str, Any]]) -> dict[str, Any]:
    from genson import SchemaBuilder  # a dependency of datamodel-code-generator

    builder = SchemaBuilder()
    builder.add_schema({"type": "object"})
    for record in records:
        builder.add_object(record)
    schema: dict[str, Any] = builder.to_schema()
    schema.pop("$schema", None)
    _add_formats(schema, records)
    return schema


def plan_samples(samples: dict[str, list[dict[str, Any]]], source: str, pagination: Pagination) -> Generated:
    """Plan one model and its list, get and (when paginated) iterate methods per sampled resource."""
    schemas: dict[str, Any] = {}
    operations: list[Operation] = []
    classes: set[str] = set()
    methods: set[str] = set()
    for resource, records in samples.items():
        model = unique(camel(singular(snake(resource))), classes, separator="")
        schemas[model] = _schema(records)
        plural, one = snake(resource), snake(singular(snake(resource)))
        iteration = None
        if pagination.kind != "none":
            skip = tuple(w for w in (pagination.page_param, pagination.page_size_param) if w)
            iteration = Iteration(unique(f"iter_{plural}", methods), f"models.{model}", skip)
        operations.append(
            Operation(
                name=unique(f"list_{plural}", methods),
                method="GET",
                path=resource,
                route=f"/{resource}",
                summary=f"Return the {resource} records of one page (the whole list when it is not paginated).",
                parameters=(),
                body=None,
                returns=f"list[models.{model}]",
                records=True,
                iteration=iteration,
            )
        )
        identifier = f"{one}_id"
        operations.append(
            Operation(
                name=unique(f"get_{one}", methods),
                method="GET",
                path=f"{resource}/{{{identifier}}}",
                route=f"/{resource}/{{id}}",
                summary=f"Return one {one.replace('_', ' ')} by its id.",
                parameters=(Parameter(identifier, "id", "path", "str", required=True, description="The record's id."),),
                body=None,
                returns=f"models.{model}",
            )
        )
    document = {
        "openapi": "3.1.0",
        "info": {"title": "models", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    return Generated(operations, document, source, openapi_version="3.1.0")
