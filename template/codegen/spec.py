"""Loading an API description: parse it, check its references, and turn Swagger 2.0 into OpenAPI 3.

Every problem is a `SpecError` whose message names the file and says what to fix. Descriptions
come from anywhere, so parsing is bounded: a file may not nest deeper than `MAX_DEPTH` nor, once
YAML aliases are expanded, hold more than `MAX_NODES` nodes (a "billion laughs" file of a few
hundred bytes is refused at once instead of filling memory). The Swagger conversion and the
bounds are written by hand: no maintained Python library converts Swagger 2.0 to OpenAPI 3, and
PyYAML has no limit on alias expansion.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "SpecError",
    "check_depth",
    "listed",
    "load_document",
    "load_openapi",
    "resolve",
    "walk_refs",
]

Document = dict[str, Any]

_JSON_MEDIA = "application/json"

#: Limits on what one description file may make the parser build. Real descriptions stay far
#: inside them: those in the factory's real-world corpus nest at most 15 deep, with 16,000 nodes.
MAX_BYTES = 100 * 1024 * 1024
MAX_NODES = 10_000_000
MAX_DEPTH = 64


class SpecError(Exception):
    """An API description that cannot be used: the message names the file and the problem."""


def listed(problems: list[str], shown: int) -> str:
    """Return the first ``shown`` of ``problems`` joined by "; ", and how many more there are."""
    more = f"; and {len(problems) - shown} more" if len(problems) > shown else ""
    return "; ".join(problems[:shown]) + more


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # the C loader when built
    """A safe YAML loader that keeps dates as text, as JSON would."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _string_keys(value: Any) -> Any:
    """Return ``value`` with every mapping key as text (YAML reads ``200:`` as an integer)."""
    if isinstance(value, dict):
        return {str(key): _string_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_string_keys(item) for item in value]
    return value


def _check_yaml_bounds(text: str, path: Path) -> None:
    """Refuse YAML that nests deeper than `MAX_DEPTH` or expands past `MAX_NODES` through its aliases.

    One pass over the parser's events, building nothing: each anchor's size is counted once and
    every alias adds that size, so a "billion laughs" file is refused after a few hundred events.
    Nesting is checked before anything is built: libyaml's composer recurses and would crash.
    """
    sizes: dict[str, int] = {}  # anchor -> nodes in the anchored node, aliases expanded
    open_collections: list[list[Any]] = []  # [nodes so far, anchor] per collection being read
    total = 0

    def add(count: int) -> None:
        nonlocal total
        total += count
        if total > MAX_NODES:
            raise SpecError(
                f"{path}: expands to more than {MAX_NODES:,} nodes once its YAML aliases (*name) are "
                "replaced by what they refer to; refusing to build it (remove the aliases, or bundle the "
                "description without them)"
            )
        if open_collections:
            open_collections[-1][0] += count

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                if any(anchor == event.anchor for _, anchor in open_collections):
                    raise SpecError(f"{path}: the YAML alias *{event.anchor} is inside the node it refers to")
                continue  # an unknown anchor: the loader reports it with its line
            add(sizes[event.anchor])
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                sizes[event.anchor] = 1
            add(1)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            add(1)
            open_collections.append([1, event.anchor])
            if len(open_collections) > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise SpecError(f"{path}: nests deeper than {MAX_DEPTH} levels at line {line}")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            count, anchor = open_collections.pop()
            if anchor:
                sizes[anchor] = count


def check_depth(data: Any, path: Path) -> None:
    """Refuse JSON that nests deeper than `MAX_DEPTH` (the generator walks documents recursively)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SpecError(f"{path}: nests deeper than {MAX_DEPTH} levels")
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def load_document(path: Path) -> Document:
    """Read a YAML or JSON file into a mapping; raise `SpecError` naming the file on any problem."""
    if not path.is_file():
        raise SpecError(f"{path}: no such file (give the path to an OpenAPI or Swagger file)")
    if path.stat().st_size > MAX_BYTES:
        raise SpecError(f"{path}: is larger than {MAX_BYTES // (1024 * 1024)} MB; refusing to read it")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"{path}: cannot be read as UTF-8 text ({error})") from error
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
            check_depth(data, path)
        else:
            _check_yaml_bounds(text, path)
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except RecursionError as error:  # json's parser, on nesting deeper than Python's stack
        raise SpecError(f"{path}: nests deeper than {MAX_DEPTH} levels") from error
    except json.JSONDecodeError as error:
        raise SpecError(f"{path}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise SpecError(f"{path}: malformed YAML{where}: {problem}") from error
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected a mapping at the top level, found {type(data).__name__}")
    return _string_keys(data)  # type: ignore[no-any-return]  # a dict in, a dict out


def walk_refs(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """Yield ``(location, reference)`` for every ``$ref`` in ``node``."""
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str):
            yield where, reference
        for key, value in node.items():
            yield from walk_refs(value, f"{where}/{key.replace('~', '~0').replace('/', '~1')}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk_refs(value, f"{where}/{index}")


def resolve(document: Document, reference: str) -> Any:
    """Return what a local ``#/a/b`` reference points at; raise `KeyError` if nothing is there."""
    node: Any = document
    for raw in reference.removeprefix("#/").split("/") if reference != "#" else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(reference)
    return node


def _check_refs(document: Document, path: Path) -> None:
    broken = []
    for where, reference in walk_refs(document):
        if not reference.startswith("#"):
            raise SpecError(
                f"{path}: {where} refers to another file ({reference}); bundle the description into one file "
                "first (for example with `redocly bundle`)"
            )
        try:
            resolve(document, reference)
        except KeyError:
            broken.append(f"{where} -> {reference}")
    if broken:
        raise SpecError(f"{path}: $ref points nowhere: {listed(broken, 5)}")


def _needs(schema: Any) -> list[list[str]]:
    """Return the references a finite value of ``schema`` needs, as groups: one of each group.

    A value needs every reference on its required path (``$ref``, ``allOf``, required properties,
    the items of an array with ``minItems``) and one alternative of an ``anyOf``/``oneOf``. Null
    (``nullable``, type ``"null"``) or an alternative without references needs nothing. Anything
    else is taken as satisfiable, so only a cycle that certainly cannot end is refused.
    """
    if not isinstance(schema, dict) or schema.get("nullable") is True:
        return []
    declared = schema.get("type")
    if declared == "null" or (isinstance(declared, list) and "null" in declared):
        return []
    if isinstance(schema.get("$ref"), str):
        return [[schema["$ref"]]]
    parts = list(schema.get("allOf") or []) if isinstance(schema.get("allOf"), list) else []
    properties, required = schema.get("properties"), schema.get("required")
    if isinstance(properties, dict) and isinstance(required, list):
        parts += [properties[name] for name in required if isinstance(name, str) and name in properties]
    minimum = schema.get("minItems")
    if isinstance(minimum, int) and minimum > 0:
        parts.append(schema.get("items"))
    groups = [group for part in parts for group in _needs(part)]
    for key in ("anyOf", "oneOf"):
        options = [_needs(option) for option in schema.get(key) or []] if isinstance(schema.get(key), list) else []
        if options and all(options):  # every alternative needs a reference: any one of them will do
            groups.append(sorted({reference for needed in options for group in needed for reference in group}))
    return groups


def _check_cycles(document: Document, path: Path) -> None:
    """Refuse ``$ref`` cycles that no finite value can end (A is B and B is A; A requires an A).

    A reference is satisfiable when each group it needs (`_needs`) has a satisfiable member: the
    fixpoint starts from none and adds references until nothing changes. A tree node whose
    children are an array of itself, or an optional self reference, is satisfiable and kept.
    """
    needs = {reference: _needs(resolve(document, reference)) for _, reference in walk_refs(document)}
    satisfiable: set[str] = set()
    changed = True
    while changed:
        changed = False
        for reference, groups in needs.items():
            if reference not in satisfiable and all(any(r in satisfiable for r in group) for group in groups):
                satisfiable.add(reference)
                changed = True
    endless = sorted(set(needs) - satisfiable)
    if not endless:
        return
    chain = [endless[0]]
    while True:  # follow unsatisfiable needs until one repeats: that is the cycle
        group = next(g for g in needs[chain[-1]] if not any(r in satisfiable for r in g))
        if group[0] in chain:
            chain = [*chain[chain.index(group[0]) :], group[0]]
            break
        chain.append(group[0])
    others = len(endless) - len(set(chain))
    more = f" (and {others} more reference(s) that need it)" if others > 0 else ""
    raise SpecError(
        f"{path}: $ref cycle with no end: {' -> '.join(chain)}{more}. Each requires the next, so no finite "
        "value can match them; make one of these references optional (not required), nullable, or an "
        "array item"
    )


def load_openapi(path: Path) -> Document:
    """Load an OpenAPI 3.x or Swagger 2.0 file and return it as OpenAPI 3, references checked."""
    document = load_document(path)
    version = str(document.get("openapi") or document.get("swagger") or "")
    if "openapi" in document and not version.startswith("3."):
        raise SpecError(f"{path}: OpenAPI {version} is not supported; use OpenAPI 3.0, 3.1 or Swagger 2.0")
    if "swagger" in document and version != "2.0":
        raise SpecError(f"{path}: Swagger {version} is not supported; use Swagger 2.0 or OpenAPI 3")
    if not version:
        raise SpecError(
            f"{path}: not an API description: it has neither an 'openapi: 3.x' nor a 'swagger: \"2.0\"' field"
        )
    if not isinstance(document.get("paths"), dict):
        raise SpecError(f"{path}: has no 'paths' mapping, so there is no operation to generate")
    _check_refs(document, path)
    _check_cycles(document, path)
    return _from_swagger(document) if "swagger" in document else document


# -- Swagger 2.0 -> OpenAPI 3.0 ----------------------------------------------------------------------

_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf",
)  # fmt: skip
_REF_PREFIXES = {"#/definitions/": "#/components/schemas/", "#/responses/": "#/components/responses/"}


def _rewrite_refs(node: Any, body_parameters: set[str]) -> Any:
    if isinstance(node, dict):
        result = {key: _rewrite_refs(value, body_parameters) for key, value in node.items()}
        reference = node.get("$ref")
        if isinstance(reference, str):
            for old, new in _REF_PREFIXES.items():
                if reference.startswith(old):
                    result["$ref"] = new + reference[len(old) :]
            if reference.startswith("#/parameters/"):
                name = reference[len("#/parameters/") :]
                kind = "requestBodies" if name in body_parameters else "parameters"
                result["$ref"] = f"#/components/{kind}/{name}"
        if result.get("type") == "file":
            result.update(type="string", format="binary")
        if result.pop("x-nullable", False) is True:
            result["nullable"] = True
        return result
    if isinstance(node, list):
        return [_rewrite_refs(item, body_parameters) for item in node]
    return node


def _parameter(parameter: Document) -> Document:
    if "$ref" in parameter:
        return parameter
    converted = {key: value for key, value in parameter.items() if key not in (*_SCHEMA_KEYS, "collectionFormat")}
    converted["schema"] = {key: parameter[key] for key in _SCHEMA_KEYS if key in parameter}
    collection = parameter.get("collectionFormat", "csv")  # Swagger 2.0's default
    if parameter.get("type") == "array" and collection in ("csv", "multi"):
        converted.update(style="form", explode=collection == "multi")
    return converted


def _body(parameter: Document, consumes: list[str]) -> Document:
    content = {media: {"schema": parameter.get("schema", {})} for media in consumes or [_JSON_MEDIA]}
    return {
        "description": parameter.get("description", ""),
        "required": bool(parameter.get("required")),
        "content": content,
    }


def _form(parameters: list[Document], consumes: list[str]) -> Document:
    properties = {p["name"]: {key: p[key] for key in _SCHEMA_KEYS if key in p} for p in parameters}
    schema: Document = {"type": "object", "properties": properties}
    required = [p["name"] for p in parameters if p.get("required")]
    if required:
        schema["required"] = required
    media = next((m for m in consumes if m in ("multipart/form-data", "application/x-www-form-urlencoded")), None)
    return {"content": {media or "application/x-www-form-urlencoded": {"schema": schema}}}


def _response(response: Document, produces: list[str]) -> Document:
    if "$ref" in response:
        return response
    converted = {key: value for key, value in response.items() if key not in ("schema", "examples")}
    converted.setdefault("description", "")
    if "schema" in response:
        converted["content"] = {media: {"schema": response["schema"]} for media in produces or [_JSON_MEDIA]}
    return converted


def _security_scheme(scheme: Document) -> Document:
    kind = scheme.get("type")
    if kind == "basic":
        return {"type": "http", "scheme": "basic"}
    if kind == "oauth2":
        flow = {"application": "clientCredentials", "accessCode": "authorizationCode"}.get(
            scheme.get("flow", ""), scheme.get("flow", "implicit")
        )
        details = {key: scheme[key] for key in ("authorizationUrl", "tokenUrl") if key in scheme}
        return {"type": "oauth2", "flows": {flow: {**details, "scopes": scheme.get("scopes", {})}}}
    return dict(scheme)


def _defined(parameter: Document, definitions: Document) -> Document:
    """Return the shared parameter a ``$ref`` names (``#/parameters/<name>``), or ``parameter`` itself."""
    reference = parameter.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/parameters/"):
        found = definitions.get(reference.removeprefix("#/parameters/"))
        if isinstance(found, dict):
            return found
    return parameter


def _operation(
    operation: Document, shared: list[Document], definitions: Document, consumes: list[str], produces: list[str]
) -> Document:
    converted = {key: value for key, value in operation.items() if key not in ("parameters", "consumes", "produces")}
    consumes = operation.get("consumes", consumes)
    produces = operation.get("produces", produces)
    named: dict[tuple[object, object], tuple[Document, Document]] = {}
    for parameter in [*shared, *operation.get("parameters", [])]:
        defined = _defined(parameter, definitions)  # a reference is keyed and placed by what it names
        named[(defined.get("name"), defined.get("in"))] = (parameter, defined)
    body = [parameter for parameter, defined in named.values() if defined.get("in") == "body"]
    form = [defined for _, defined in named.values() if defined.get("in") == "formData"]
    converted["parameters"] = [
        _parameter(parameter) for parameter, defined in named.values() if defined.get("in") not in ("body", "formData")
    ]
    if body:
        converted["requestBody"] = body[0] if "$ref" in body[0] else _body(body[0], consumes)
    elif form:
        converted["requestBody"] = _form(form, consumes)
    converted["responses"] = {
        status: _response(response, produces) for status, response in operation.get("responses", {}).items()
    }
    return converted


def _from_swagger(swagger: Document) -> Document:
    consumes = swagger.get("consumes", [])
    produces = swagger.get("produces", [])
    shared_parameters = swagger.get("parameters", {})
    body_parameters = {name for name, p in shared_parameters.items() if p.get("in") == "body"}
    scheme = (swagger.get("schemes") or ["https"])[0]
    host, base_path = swagger.get("host"), swagger.get("basePath", "")
    servers = [{"url": f"{scheme}://{host}{base_path}"}] if host else ([{"url": base_path}] if base_path else [])
    paths: Document = {}
    for route, item in swagger.get("paths", {}).items():
        shared = item.get("parameters", [])
        paths[route] = {
            method: (
                _operation(operation, shared, shared_parameters, consumes, produces)
                if isinstance(operation, dict)
                else operation
            )
            for method, operation in item.items()
            if method != "parameters"
        }
    components = {
        "schemas": swagger.get("definitions", {}),
        "parameters": {n: _parameter(p) for n, p in shared_parameters.items() if n not in body_parameters},
        "requestBodies": {n: _body(shared_parameters[n], consumes) for n in sorted(body_parameters)},
        "responses": {n: _response(r, produces) for n, r in swagger.get("responses", {}).items()},
        "securitySchemes": {n: _security_scheme(s) for n, s in swagger.get("securityDefinitions", {}).items()},
    }
    document = {
        "openapi": "3.0.3",
        "info": swagger.get("info", {"title": "API", "version": "0"}),
        "servers": servers,
        "paths": paths,
        "components": {key: value for key, value in components.items() if value},
        "security": swagger.get("security", []),
    }
    return _rewrite_refs(document, body_parameters)  # type: ignore[no-any-return]  # a dict in, a dict out
