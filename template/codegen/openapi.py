"""Plans methods and models from an OpenAPI 3 document: names, typed arguments, bodies and answers.

The document is first made easy to model: component schemas get unique CamelCase names, and every
inline request or response schema that needs a class is moved into ``components/schemas`` under
a name derived from its operation, so each method's return type names a class that exists.
What cannot be generated (cookie parameters, object-valued parameters, non-JSON bodies or answers)
is skipped and reported in `plan.Generated.warnings`, never silently dropped.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Annotated, Any

from .names import camel, python_literal, snake, unique
from .paging import Paging, infer_paging, is_list
from .plan import Body, Generated, Iteration, Operation, Pagination, Parameter
from .security import SecurityPlanner
from .spec import Document, resolve

__all__ = ["RESERVED_METHODS", "plan_openapi", "usable_pattern"]

#: Names the connector classes already use: a generated method must never shadow one.
RESERVED_METHODS = frozenset(
    {
        "aclose", "clock", "close", "connect", "core", "costs", "delete", "disconnect", "get", "head", "hooks",
        "is_connected", "items", "options", "pages", "paginate", "paginate_concurrently", "patch", "post", "put",
        "query", "query_pages", "request", "settings", "settings_class",
    }
)  # fmt: skip
_HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# Names the models module imports or Python defines: a schema may not take them as its class name.
_RESERVED_CLASSES = frozenset(
    {
        "Annotated", "Any", "AnyUrl", "AwareDatetime", "BaseModel", "ConfigDict", "Decimal", "Enum", "Field",
        "Literal", "Model", "NaiveDatetime", "OPEN", "Optional", "RootModel", "UUID", "Union", "date", "datetime",
        "time",
    }
)  # fmt: skip
# A method's own names: itself, its body, and the modules ``models`` and ``typed`` its code uses.
_RESERVED_ARGUMENTS = frozenset({"self", "body", "models", "typed"})
_SKIPPED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_SCHEMA_PREFIX = "#/components/schemas/"
_PARAMETER_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_SCHEMA_LISTS = ("allOf", "oneOf", "anyOf", "prefixItems")
_SCHEMA_SINGLES = ("items", "additionalProperties", "not", "contains")
_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")
_PAGING_EXTENSIONS = ("x-pagination", "x-speakeasy-pagination", "x-fern-pagination")


class _Skip(Exception):  # noqa: N818 - a signal, not an error: the operation is left out
    """Raised while planning an operation that cannot be generated; the message says why."""


@cache  # descriptions repeat their patterns; each check builds a validator (about a millisecond)
def usable_pattern(pattern: str) -> bool:
    """Return whether pydantic's (linear-time) regex engine accepts ``pattern``."""
    from pydantic import Field, TypeAdapter  # imported here: only generation needs pydantic

    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)])
    except Exception:  # any failure means pydantic cannot use the pattern
        return False
    return True


def _is_json(media: str) -> bool:
    base = media.split(";")[0].strip().lower()
    return base in ("application/json", "*/*", "application/*") or base.endswith("+json")


def _media_base(media: str) -> str:
    return media.split(";")[0].strip().lower()


def accept(responses: Document, deref: Any) -> str:
    """Return the ``Accept`` an operation declares: its JSON media types, success answers' first (CF-REQ-6).

    ``""`` when that is ``application/json`` alone, or nothing: the connector's default. An
    operation that declares only wildcards (``*/*``) is asked with ``application/json, */*``: JSON
    first, and what it declares, which a server that matches ``Accept`` strictly requires.
    """
    statuses = sorted(responses, key=lambda status: (not str(status).startswith("2"), str(status)))
    found: list[str] = []
    wildcards: list[str] = []
    for status in statuses:
        response = deref(responses[status])
        content = response.get("content") if isinstance(response, dict) else None
        for media in content or {}:
            base = _media_base(str(media))
            if _is_json(base) and base not in found and base not in wildcards:
                (wildcards if "*" in base else found).append(base)
    if not found and wildcards:
        return ", ".join(["application/json", *wildcards])
    return "" if found in ([], ["application/json"]) else ", ".join(found)


def _types(schema: Document) -> list[str]:
    """Return the schema's non-null types (OpenAPI 3.1 allows a list)."""
    declared = schema.get("type")
    listed = declared if isinstance(declared, list) else [declared] if isinstance(declared, str) else []
    return [kind for kind in listed if kind != "null"]


def _summary(operation: Document, fallback: str) -> str:
    """Return the operation's summary, else the first line of its description (``methods.py`` tidies it)."""
    text = operation.get("summary") or str(operation.get("description") or "").strip().split("\n")[0]
    return " ".join(str(text).split()) or fallback


class _Planner:
    """One pass over one document; see `plan_openapi`."""

    def __init__(self, document: Document, source: str, pagination: Pagination, auth: tuple[str, str]) -> None:
        self.document = _copied(document)
        self.source = source
        self.pagination = pagination
        self.security = SecurityPlanner(self.document, *auth)
        self.warnings: list[str] = []
        components = self.document.setdefault("components", {})
        self.schemas: dict[str, Any] = components.setdefault("schemas", {})
        self.class_names: set[str] = set()
        self.method_names: set[str] = set()
        self.list_operations: list[str] = []  # GET operations that answer with a list of records

    # -- the document ------------------------------------------------------------------------

    def deref(self, node: Any, depth: int = 0) -> Any:
        """Follow local ``$ref`` chains to the node they name."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
            node, depth = resolve(self.document, node["$ref"]), depth + 1
        return node

    def rename_schemas(self) -> None:
        """Give every component schema a unique CamelCase name and rewrite the references to it."""
        renamed: dict[str, str] = {}  # old reference -> new reference
        schemas: dict[str, Any] = {}
        for old, schema in self.schemas.items():
            new = camel(old)
            new = unique(f"{new}Model" if new in _RESERVED_CLASSES else new, self.class_names, separator="")
            renamed[_SCHEMA_PREFIX + old.replace("~", "~0").replace("/", "~1")] = _SCHEMA_PREFIX + new
            schemas[new] = schema
        self.schemas = self.document["components"]["schemas"] = schemas
        for node in _ref_holders(self.document):
            target, slash, rest = _split_schema_ref(node["$ref"])
            if target in renamed:
                node["$ref"] = renamed[target] + slash + rest

    def drop_unusable_patterns(self) -> None:
        """Remove ``pattern`` constraints pydantic cannot compile (look-arounds, back-references)."""
        for where, schema in _schema_nodes(self.schemas, "#/components/schemas"):
            pattern = schema.get("pattern")
            if isinstance(pattern, str) and not usable_pattern(pattern):
                del schema["pattern"]
                self.warnings.append(f"{where}: pattern {pattern!r} is not supported by pydantic; not enforced")

    def drop_contradictions(self) -> None:
        """Drop ``properties`` from schemas whose ``type`` is a scalar: the type says what the API sends.

        Real descriptions write ``type: string`` beside ``properties`` (a token documented as an
        object); a model of the properties would refuse the text the API answers with.
        """
        for where, schema in _schema_nodes(self.schemas, "#/components/schemas"):
            kinds = _types(schema)
            if kinds and set(kinds) <= {"string", "integer", "number", "boolean"} and "properties" in schema:
                del schema["properties"]
                schema.pop("required", None)
                self.warnings.append(
                    f"{where}: type {kinds[0]} with properties: typed as {kinds[0]}, properties left out"
                )

    # -- operations ----------------------------------------------------------------------------

    def operations(self) -> list[Operation]:
        planned = []
        paths = self.document.get("paths") or {}
        for route, raw_item in paths.items():
            item = self.deref(raw_item)
            if not isinstance(item, dict):
                continue
            for method in _HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    result = self.operation(str(route), method, operation, item.get("parameters") or [])
                    if result is not None:
                        planned.append(result)
        return planned

    def operation(self, route: str, method: str, operation: Document, shared: list[Any]) -> Operation | None:
        where = f"{method.upper()} {route}"
        problem = _unsendable(route)
        if problem:  # issue 14: left out with a warning, rather than a method that cannot work
            self.warnings.append(f"{where!r}: skipped: its path has {problem}, so no request can be sent to it")
            return None
        name = self.method_name(operation.get("operationId"), method, route)
        try:
            parameters = self.parameters(route, shared, operation.get("parameters") or [], where)
            body = self.body(operation.get("requestBody"), name, where)
            returns, response_schema, response = self.answer(operation.get("responses") or {}, name)
        except _Skip as skip:
            self.warnings.append(f"{where}: skipped: {skip}")
            return None
        path = route.lstrip("/")
        for parameter in parameters:
            if parameter.location == "path":
                path = path.replace("{" + parameter.wire + "}", "{" + parameter.name + "}")
        summary = _summary(operation, where)
        security, problem = self.security.security(operation)
        if problem:
            self.warnings.append(f"{where}: {problem}")
        raw = [*shared, *(operation.get("parameters") or [])]
        iteration = self.iteration(where, method, name, operation, raw, parameters, response_schema, response)
        if iteration is not None and security is not None:
            self.warnings.append(f"{where}: no iterator: pages are sent with the default scheme, it needs {security!r}")
            iteration = None
        return Operation(
            name=name,
            method=method.upper(),
            path=path,
            route=route,
            summary=summary,
            parameters=tuple(parameters),
            body=body,
            returns=returns,
            deprecated=bool(operation.get("deprecated")),
            iteration=iteration,
            accept=accept(operation.get("responses") or {}, self.deref),
            security=security,
        )

    def method_name(self, operation_id: object, method: str, route: str) -> str:
        base = snake(str(operation_id)) if operation_id else snake(f"{method} {route}")
        if base in RESERVED_METHODS:
            base = f"call_{base}"
        return unique(base, self.method_names)

    def parameters(self, route: str, shared: list[Any], own: list[Any], where: str) -> list[Parameter]:
        merged: dict[tuple[str, str], Document] = {}
        for raw in [*shared, *own]:
            parameter = self.deref(raw)
            if isinstance(parameter, dict) and "name" in parameter and "in" in parameter:
                merged[(str(parameter["name"]), str(parameter["in"]))] = parameter
        taken = set(_RESERVED_ARGUMENTS)
        planned: list[Parameter] = []
        for (wire, location), parameter in merged.items():
            required = bool(parameter.get("required")) or location == "path"
            if location == "path" and "{" + wire + "}" not in route:
                continue
            if location == "header" and wire.lower() in _SKIPPED_HEADERS:
                continue
            annotation = (
                self.parameter_annotation(parameter, f"{where}: parameter {wire!r}")
                if location in ("path", "query", "header")
                else None
            )
            if annotation is None:
                reason = f"{location} parameter {wire!r}" + (
                    " (cookie parameters are not supported)" if location == "cookie" else " (its type is not supported)"
                )
                if required:
                    raise _Skip(f"required {reason}")
                self.warnings.append(f"{where}: parameter left out: {reason}")
                continue
            style_default = location in ("query", "cookie")
            planned.append(
                Parameter(
                    name=unique(snake(wire), taken),
                    wire=wire,
                    location=location,  # type: ignore[arg-type]  # checked above
                    annotation=annotation,
                    required=required,
                    description=" ".join(str(parameter.get("description") or "").split()),
                    explode=bool(parameter.get("explode", style_default)),
                )
            )
        declared = {p.wire for p in planned if p.location == "path"}
        for wire in _PATH_PARAMETER.findall(route):
            if wire not in declared:
                self.warnings.append(f"{where}: path parameter {wire!r} is not declared; typed as str")
                planned.append(Parameter(unique(snake(wire), taken), wire, "path", "str", required=True))
        # Required arguments first, each group in the description's order.
        return sorted(planned, key=lambda p: not p.required)

    def parameter_annotation(self, parameter: Document, where: str) -> str | None:
        schema = parameter.get("schema")
        if schema is None and isinstance(parameter.get("content"), dict):
            media = next(iter(parameter["content"].values()), {})
            schema = media.get("schema") if isinstance(media, dict) else None
        return self.scalar_annotation(self.deref(schema or {}), where, allow_array=True)

    def scalar_annotation(self, schema: Any, where: str, *, allow_array: bool) -> str | None:
        if not isinstance(schema, dict):
            return None
        kinds = _types(schema)
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            values = [value for value in enum if value is not None]
            if values and all(isinstance(v, str) for v in values):
                return f"Literal[{', '.join(python_literal(v) for v in values)}]"
            if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                return f"Literal[{', '.join(str(v) for v in values)}]"
        if kinds == ["array"] and allow_array:
            item = self.scalar_annotation(self.deref(schema.get("items") or {}), where, allow_array=False)
            return f"list[{item}]" if item else None
        if (
            len(kinds) > 1
            or kinds in (["object"], ["array"])
            or any(k in schema for k in ("properties", *_SCHEMA_LISTS))
        ):
            return None
        kind = kinds[0] if kinds else "string"
        if kind == "string" and schema.get("format") in ("date", "date-time"):
            return "datetime.date" if schema["format"] == "date" else "datetime.datetime"
        base = _PARAMETER_TYPES.get(kind)
        if base is None:
            return None
        constraints = self.constraints(schema, base, where)
        return f"Annotated[{base}, Field({', '.join(constraints)})]" if constraints else base

    def constraints(self, schema: Document, base: str, where: str) -> list[str]:
        found: list[str] = []
        if base == "str":
            pattern = schema.get("pattern")
            if isinstance(pattern, str):
                if usable_pattern(pattern):
                    found.append(f"pattern={python_literal(pattern)}")
                else:
                    self.warnings.append(f"{where}: pattern {pattern!r} is not supported by pydantic; not enforced")
            for key, argument in (("minLength", "min_length"), ("maxLength", "max_length")):
                if isinstance(schema.get(key), int):
                    found.append(f"{argument}={schema[key]}")
        elif base in ("int", "float"):
            for key, inclusive, exclusive in (("minimum", "ge", "gt"), ("maximum", "le", "lt")):
                value = schema.get(key)
                flag = schema.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum")
                if isinstance(flag, (int, float)) and not isinstance(flag, bool):  # OpenAPI 3.1: the bound itself
                    found.append(f"{exclusive}={flag!r}")
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    found.append(f"{exclusive if flag is True else inclusive}={value!r}")
        return found

    def body(self, raw: Any, name: str, where: str) -> Body | None:
        """Return the planned JSON body, or None when the operation takes none (or only an optional other kind)."""
        request_body = self.deref(raw)
        if not isinstance(request_body, dict):
            return None
        content = request_body.get("content") or {}
        required = bool(request_body.get("required"))
        media = next((m for m in content if _is_json(m)), None)
        if media is None:
            reason = f"request body is {', '.join(content) or 'of no media type'}, not JSON"
            if required:
                raise _Skip(reason)
            self.warnings.append(f"{where}: body left out: {reason}")
            return None
        schema = (content[media] or {}).get("schema") or {}
        annotation = self.schema_annotation(schema, camel(name) + "Request")
        description = " ".join(str(request_body.get("description") or "").split())
        return Body(annotation, required, description)

    def answer(self, responses: Document, name: str) -> tuple[str, Any, Document]:
        """Return ``(return type, response schema, response object)`` for the success answer."""
        statuses = sorted(s for s in responses if s.startswith("2") and s[1:].isdigit()) + [
            s for s in responses if s.upper() == "2XX"
        ]
        if not statuses:
            return "JSONValue", None, {}
        response = self.deref(responses[statuses[0]])
        response = response if isinstance(response, dict) else {}
        content = response.get("content")
        if not content:
            return "None", None, response
        media = next((m for m in content if _is_json(m)), None)
        if media is None:
            raise _Skip(f"it answers {', '.join(content)}, not JSON")
        schema = (content[media] or {}).get("schema")
        if not schema:
            return "JSONValue", None, response
        return self.schema_annotation(schema, camel(name) + "Response"), schema, response

    def schema_annotation(self, schema: Any, hoist_as: str) -> str:
        """Return the type of values matching ``schema``, moving an inline object schema into a class."""
        if not isinstance(schema, dict):
            return "JSONValue"
        reference = schema.get("$ref")
        if isinstance(reference, str):
            if reference.startswith(_SCHEMA_PREFIX) and "/" not in reference[len(_SCHEMA_PREFIX) :]:
                return f"models.{reference[len(_SCHEMA_PREFIX) :]}"
            return self.schema_annotation(self.deref(schema), hoist_as)
        kinds = _types(schema)
        if kinds == ["array"]:
            items = schema.get("items")
            if not isinstance(items, dict) or not items:
                return "list[JSONValue]"
            item = self.schema_annotation(items, hoist_as.removesuffix("Response") + "Item")  # hoists in place
            return f"list[{item}]"
        if any(key in schema for key in ("properties", "allOf", "oneOf", "anyOf")):
            return self.hoist(schema, hoist_as)
        if kinds == ["object"] or (not kinds and "additionalProperties" in schema):
            values = schema.get("additionalProperties")
            if isinstance(values, dict) and values:
                return f"dict[str, {self.schema_annotation(values, hoist_as + 'Value')}]"
            return "dict[str, JSONValue]"
        if len(kinds) == 1 and kinds[0] in _PARAMETER_TYPES:
            return _PARAMETER_TYPES[kinds[0]]
        return "JSONValue"

    def hoist(self, schema: Document, name: str) -> str:
        new = unique(camel(name), self.class_names, separator="")
        self.schemas[new] = copy.deepcopy(schema)
        schema.clear()
        schema["$ref"] = _SCHEMA_PREFIX + new
        return f"models.{new}"

    def iteration(
        self,
        where: str,
        method: str,
        name: str,
        operation: Document,
        raw_parameters: list[Any],
        parameters: list[Parameter],
        answer: Any,
        response: Document,
    ) -> Iteration | None:
        """Plan the iterator of a list operation: how it pages (`paging.infer_paging`) and what it yields."""
        if method != "get" or answer is None:
            return None
        if is_list(answer, self.deref):
            self.list_operations.append(name)
        stem = name.removeprefix("list_").removeprefix("get_")
        explicit = any(key in operation for key in _PAGING_EXTENSIONS)
        answered = None if explicit else self.answered_iteration(name, parameters, answer)
        if answered is not None:
            item, skip = answered
            return Iteration(unique(f"iter_{stem}", self.method_names), item, skip)
        query = {}
        for raw in raw_parameters:
            parameter = self.deref(raw)
            if isinstance(parameter, dict) and parameter.get("in") == "query" and "name" in parameter:
                query[str(parameter["name"])] = self.deref(parameter.get("schema") or {})
        headers = response.get("headers") if isinstance(response.get("headers"), dict) else {}
        paging = infer_paging(operation, query, answer, headers, self.deref, self.document)
        if paging is None:
            return None
        if isinstance(paging, str):
            self.warnings.append(f"{where}: no iterator: {paging}")
            return None
        planned = {p.wire: p for p in parameters}
        sets = (paging.page_param, paging.page_size_param) if paging.kind in ("offset", "page", "cursor") else (
            "", paging.page_size_param)  # fmt: skip
        missing = [wire for wire in sets if wire and wire not in planned]
        if missing:
            self.warnings.append(
                f"{where}: no iterator: parameter {missing[0]!r} ({paging.source}) is not one it takes"
            )
            return None
        if paging.kind == "cursor" and planned[paging.page_param].required:
            self.warnings.append(
                f"{where}: no iterator: its cursor {paging.page_param!r} is required, so no first page"
            )
            return None
        items = self.records_items(answer, paging)
        if items is None:
            self.warnings.append(f"{where}: no iterator: no list of records at {paging.records_path or 'the body'!r}")
            return None
        item = self.schema_annotation(items, camel(name) + "Item") if isinstance(items, dict) and items else "JSONValue"
        iterator = unique(f"iter_{stem}", self.method_names)
        if name not in self.list_operations:
            self.list_operations.append(name)  # it pages, so it is one
        return Iteration(iterator, item, tuple(wire for wire in sets if wire), spec=paging)

    def records_items(self, answer: Any, paging: Paging) -> Any:
        """Return the item schema of the list at ``paging.records_path``, or None if no list is there."""
        node = self.deref(answer)
        for key in [part for part in paging.records_path.split(".") if part]:
            node = self.deref(_property(node, key, self.deref))
        if not isinstance(node, dict) or _types(node) != ["array"]:
            return None
        return node.get("items") or {}

    def answered_iteration(
        self, name: str, parameters: list[Parameter], answer: Any
    ) -> tuple[str, tuple[str, ...]] | None:
        """Return ``(item type, parameters it sets)`` when the ``pagination`` answer fits this operation."""
        pagination = self.pagination
        if pagination.kind == "none":
            return None
        query = {p.wire for p in parameters if p.location == "query"}
        if pagination.kind in ("offset", "page", "cursor") and pagination.page_param not in query:
            return None
        node = self.deref(answer)
        for key in [part for part in pagination.records_path.split(".") if part]:
            node = self.deref(_property(node, key, self.deref))
        node = self.deref(node)
        if not isinstance(node, dict) or _types(node) != ["array"]:
            return None
        items = node.get("items")
        item = self.schema_annotation(items, camel(name) + "Item") if isinstance(items, dict) else "JSONValue"
        return item, tuple(w for w in (pagination.page_param, pagination.page_size_param) if w)


def _copied(node: Any) -> Any:
    """Return a copy of a parsed JSON or YAML document: several times faster than `copy.deepcopy` on one."""
    if isinstance(node, dict):
        return {key: _copied(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_copied(value) for value in node]
    return node


def _unsendable(route: str) -> str:
    """Return why no request can be sent to path template ``route``, or ``""``."""
    leftover = _PATH_PARAMETER.sub("", route)
    if "{" in leftover or "}" in leftover:
        return "an unbalanced '{' or '}'"
    if not route.isprintable():
        return "a control character (a line break...)"
    if "#" in route:
        return "a '#', which would start the URL's fragment"
    return ""


def _property(node: Any, key: str, deref: Any) -> Any:
    """Return property ``key`` of an object schema, looking through ``allOf``."""
    if not isinstance(node, dict):
        return None
    properties = node.get("properties")
    if isinstance(properties, dict) and key in properties:
        return properties[key]
    for part in node.get("allOf") or []:
        found = _property(deref(part), key, deref)
        if found is not None:
            return found
    return None


def _split_schema_ref(reference: str) -> tuple[str, str, str]:
    """Split ``#/components/schemas/Name/rest`` into ``("#/components/schemas/Name", "/", "rest")``."""
    if not reference.startswith(_SCHEMA_PREFIX):
        return reference, "", ""
    name, slash, rest = reference[len(_SCHEMA_PREFIX) :].partition("/")
    return _SCHEMA_PREFIX + name, slash, rest


def _ref_holders(node: Any) -> list[dict[str, Any]]:
    """Return every mapping under ``node`` that holds a ``$ref``."""
    holders: list[dict[str, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("$ref"), str):
                holders.append(current)
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return holders


def _schema_nodes(schemas: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    """Return every schema object under ``schemas`` with its location (property names are not schemas)."""
    found: list[tuple[str, dict[str, Any]]] = []

    def visit(schema: Any, at: str) -> None:
        if not isinstance(schema, dict):
            return
        found.append((at, schema))
        for key in _SCHEMA_SINGLES:
            visit(schema.get(key), f"{at}/{key}")
        for key in _SCHEMA_LISTS:
            for index, part in enumerate(schema.get(key) or []):
                visit(part, f"{at}/{key}/{index}")
        for key in ("properties", "patternProperties", "$defs", "definitions"):
            for name, part in (schema.get(key) or {}).items():
                visit(part, f"{at}/{key}/{name}")

    for name, schema in schemas.items():
        visit(schema, f"{where}/{name}")
    return found


def plan_openapi(
    document: Document, source: str, pagination: Pagination | None = None, auth: tuple[str, str] = ("none", "")
) -> Generated:
    """Plan the methods and models of an OpenAPI 3 ``document`` read from ``source``.

    ``auth`` is the connector's ``(auth, auth_param_name)`` answers: the default security scheme.
    """
    planner = _Planner(document, source, pagination or Pagination(), auth)
    planner.rename_schemas()
    planner.drop_unusable_patterns()
    operations = planner.operations()
    planner.drop_contradictions()
    iterators = [op for op in operations if op.iteration is not None]
    notes = [f"pagination: {len(iterators)} of {len(planner.list_operations)} list operations get an iterator"]
    notes += [f"  {op.iteration.name}: {_paging_note(op.iteration)}" for op in iterators if op.iteration is not None]
    models_input = {
        "openapi": str(planner.document.get("openapi", "3.0.3")),
        "info": {"title": "models", "version": "1"},
        "paths": {},
        "components": planner.document.get("components", {}),
    }
    schemes = list(planner.security.schemes.values())
    overridden = [op for op in operations if op.security is not None]
    if overridden:
        notes.append(f"security: {len(overridden)} operations use another scheme than the default")
        notes += [f"  {op.name}: {op.security}" for op in overridden]
    return Generated(operations, models_input, source, planner.warnings, notes=notes, schemes=schemes)


def _paging_note(iteration: Iteration) -> str:
    if iteration.spec is None:
        return "as the pagination answer says"
    return iteration.spec.describe()
