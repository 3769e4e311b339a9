"""Synthetic OpenAPI descriptions of any size, for the scaling benchmark (``benchmarks/scaling.py``).

A description of N operations has N / 5 resources, each shaped like a typical CRUD collection:
``GET /<resource>`` lists it by cursor (query filters, an enum, a date, an array; a page of
``$ref``'d records), ``POST`` creates one from a ``$ref``'d body, ``GET``, ``PATCH`` and ``DELETE``
``/<resource>/{id}`` read, change and remove one (a path parameter, a header, a 204). Each
resource has four component schemas (the record, its create and update bodies, its page) that
refer to shared ones (a user, an address, an error), with nested objects, enums, maps, arrays,
formats and constraints. The result is the same for the same N, so runs compare.
"""

from __future__ import annotations

from typing import Any

__all__ = ["OPERATIONS_PER_RESOURCE", "description"]

OPERATIONS_PER_RESOURCE = 5

_NOUNS = (
    "account", "invoice", "order", "ticket", "shipment", "product", "contract", "payment", "project", "device",
    "report", "campaign", "subscription", "warehouse", "vendor", "meeting", "document", "policy", "asset", "lead",
)  # fmt: skip
_ERROR = {"$ref": "#/components/responses/Error"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _record(name: str, index: int) -> dict[str, Any]:
    """The schema of one resource's record."""
    return {
        "type": "object",
        "description": f"One {name.replace('_', ' ')}, as the API returns it.",
        "required": ["id", "name", "status", "created_at"],
        "properties": {
            "id": {"type": "string", "description": "Unique identifier.", "example": f"{name}_0001"},
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "status": {"type": "string", "enum": ["draft", "active", "archived", f"state_{index % 7}"]},
            "amount": {"type": "number", "minimum": 0, "nullable": True},
            "quantity": {"type": "integer", "format": "int32", "maximum": 10_000},
            "created_at": {"type": "string", "format": "date-time"},
            "due_on": {"type": "string", "format": "date"},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
            "owner": _ref("User"),
            "address": _ref("Address"),
            "lines": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["sku"],
                    "properties": {
                        "sku": {"type": "string", "pattern": "^[A-Z0-9-]+$"},
                        "units": {"type": "integer", "minimum": 1},
                        "unit_price": {"type": "number"},
                    },
                },
            },
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
            "archived": {"type": "boolean", "default": False},
        },
    }


def _create(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "amount": {"type": "number", "minimum": 0},
            "due_on": {"type": "string", "format": "date"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "owner_id": {"type": "string"},
            "address": _ref("Address"),
            "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "description": f"What a new {name.replace('_', ' ')} is made of.",
    }


def _update(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "status": {"type": "string", "enum": ["draft", "active", "archived"]},
            "amount": {"type": "number", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "description": f"The fields of a {name.replace('_', ' ')} that can change.",
    }


def _page(record: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["data"],
        "properties": {
            "data": {"type": "array", "items": _ref(record)},
            "next_cursor": {"type": "string", "nullable": True},
            "total": {"type": "integer"},
        },
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _paths(name: str, record: str, tag: str) -> dict[str, Any]:
    collection, item = f"/{name}s", f"/{name}s/{{{name}_id}}"
    id_parameter = {
        "name": f"{name}_id",
        "in": "path",
        "required": True,
        "description": f"The {name.replace('_', ' ')}'s identifier.",
        "schema": {"type": "string"},
    }
    return {
        collection: {
            "get": {
                "operationId": f"list_{name}s",
                "tags": [tag],
                "summary": f"List {name.replace('_', ' ')}s, newest first.",
                "parameters": [
                    {"$ref": "#/components/parameters/Limit"},
                    {"$ref": "#/components/parameters/Cursor"},
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["draft", "active", "archived"]},
                    },
                    {"name": "created_after", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                    {
                        "name": "tag",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {"name": "q", "in": "query", "description": "Full-text search.", "schema": {"type": "string"}},
                ],
                "responses": {"200": _json(_ref(f"{record}Page"), "One page."), "default": _ERROR},
            },
            "post": {
                "operationId": f"create_{name}",
                "tags": [tag],
                "summary": f"Create a {name.replace('_', ' ')}.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(f"{record}Create")}}},
                "responses": {"201": _json(_ref(record), "Created."), "default": _ERROR},
            },
        },
        item: {
            "parameters": [id_parameter],
            "get": {
                "operationId": f"get_{name}",
                "tags": [tag],
                "summary": f"Get one {name.replace('_', ' ')}.",
                "parameters": [
                    {
                        "name": "expand",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string", "enum": ["owner", "lines"]}},
                    }
                ],
                "responses": {"200": _json(_ref(record), "The record."), "404": _ERROR},
            },
            "patch": {
                "operationId": f"update_{name}",
                "tags": [tag],
                "summary": f"Change a {name.replace('_', ' ')}.",
                "parameters": [
                    {"name": "If-Match", "in": "header", "schema": {"type": "string"}, "description": "An ETag."}
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(f"{record}Update")}}},
                "responses": {"200": _json(_ref(record), "The changed record."), "default": _ERROR},
            },
            "delete": {
                "operationId": f"delete_{name}",
                "tags": [tag],
                "summary": f"Delete a {name.replace('_', ' ')}.",
                "responses": {"204": {"description": "Deleted."}, "default": _ERROR},
            },
        },
    }


def _shared() -> dict[str, Any]:
    return {
        "User": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "role": {"type": "string", "enum": ["admin", "member", "viewer"]},
            },
        },
        "Address": {
            "type": "object",
            "properties": {
                "line1": {"type": "string"},
                "city": {"type": "string"},
                "postal_code": {"type": "string", "maxLength": 16},
                "country": {"type": "string", "minLength": 2, "maxLength": 2},
            },
        },
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        },
    }


def description(operations: int) -> dict[str, Any]:
    """Return an OpenAPI 3.0 description with ``operations`` operations (a multiple of five)."""
    if operations <= 0 or operations % OPERATIONS_PER_RESOURCE:
        raise ValueError(f"operations must be a positive multiple of {OPERATIONS_PER_RESOURCE}, not {operations}")
    schemas = _shared()
    paths: dict[str, Any] = {}
    for index in range(operations // OPERATIONS_PER_RESOURCE):
        noun = _NOUNS[index % len(_NOUNS)]
        name = f"{noun}_{index // len(_NOUNS)}" if index >= len(_NOUNS) else noun
        record = "".join(part.capitalize() for part in name.split("_"))
        schemas[record] = _record(name, index)
        schemas[f"{record}Create"] = _create(name)
        schemas[f"{record}Update"] = _update(name)
        schemas[f"{record}Page"] = _page(record)
        paths.update(_paths(name, record, tag=noun.capitalize()))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1.0.0", "description": f"{operations} generated operations."},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                },
                "Cursor": {"name": "cursor", "in": "query", "schema": {"type": "string"}},
            },
            "responses": {"Error": _json(_ref("Error"), "An error.")},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
