"""Machinery for checking reference connectors against their providers' own descriptions.

`load` imports a rendered project in this process: its package, and its ``tests`` package under a
name of its own (the rendered contract machinery, ``tests/contract.py``, lives there). `merged`
joins a provider's files into one description (HubSpot publishes one file per object type), and
`Router` forwards requests to the Prism serving it. `FileServer` answers fixed paths with files
(OpenWeather publishes example bodies, no description). `SchemaAnswers` executes GraphQL
operations against a provider's schema with values made up from its types (Shopify publishes an
SDL schema). `Harness` calls each method of a connector, sync and async, static and dynamic.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import random
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from anyio.from_thread import start_blocking_portal
from graphql import (
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    InlineFragmentNode,
    graphql_sync,
    parse,
    visit,
)
from graphql.language import Visitor

from tests.helpers import ROOT

__all__ = [
    "PROVIDERS",
    "REQUIRE_PRISM",
    "Call",
    "FileServer",
    "Harness",
    "Rendered",
    "Router",
    "SchemaAnswers",
    "load",
    "merged",
    "prism_or_skip",
    "serve_http",
]

PROVIDERS = ROOT.parent / "shared" / "providers"
# Set by .ci/run: there a missing Prism fails the contract tests instead of skipping them.
REQUIRE_PRISM = "CONNECTOR_FACTORY_REQUIRE_PRISM"


@dataclass(frozen=True)
class Rendered:
    """A rendered project imported in this process."""

    root: Path
    answers: dict[str, Any]
    package: ModuleType
    operations: ModuleType
    tests: str  # the name its tests package is imported under

    def module(self, name: str) -> ModuleType:
        """Return the project's ``tests/<name>.py``.

        A GraphQL project has no ``tests/contract.py`` (Prism serves OpenAPI only); the template's
        copy is loaded into its tests package instead, so outcomes are sorted the same way.
        """
        qualified = f"{self.tests}.{name}"
        if name == "contract" and qualified not in sys.modules and not (self.root / "tests" / "contract.py").is_file():
            path = ROOT / "template" / "tests" / "{% if api_source == 'openapi' %}contract.py{% endif %}"
            loader = importlib.machinery.SourceFileLoader(qualified, str(path))  # the name does not end in .py
            spec = importlib.util.spec_from_loader(qualified, loader)
            assert spec is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[qualified] = module
            loader.exec_module(module)
        return importlib.import_module(qualified)


def load(project: Path) -> Rendered:
    """Import the package rendered at ``project`` (again, if an earlier render of it was imported)."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    name = str(answers["package_name"])
    tests = f"_rendered_tests_{name}"
    for loaded in [m for m in sys.modules if m.split(".")[0] in (name, tests)]:
        del sys.modules[loaded]
    source = str(project / "src")
    if source not in sys.path:
        sys.path.insert(0, source)
    package = importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(
        tests, project / "tests" / "__init__.py", submodule_search_locations=[str(project / "tests")]
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[tests] = module
    spec.loader.exec_module(module)
    return Rendered(project, answers, package, importlib.import_module(f"{name}.operations"), tests)


def prism_or_skip(contract: ModuleType) -> list[str]:
    """Return the command that runs Prism; skip the test without it (fail it where CI requires Prism)."""
    command: list[str] | None = contract.find_prism()
    if command is None:
        if os.environ.get(REQUIRE_PRISM):
            pytest.fail(f"{REQUIRE_PRISM} is set, but {contract.MISSING}")
        pytest.skip(contract.MISSING)
    return command


Answer = tuple[int, dict[str, str], bytes]


@contextlib.contextmanager
def serve_http(answer: Callable[[str, str, dict[str, str], bytes], Answer]) -> Iterator[str]:
    """Serve ``answer(method, path?query, headers, body)`` on 127.0.0.1 at a free port; yield the base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = answer(self.command, self.path, dict(self.headers), body)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def merged(files: Sequence[Path]) -> dict[str, Any]:
    """Return one OpenAPI document with the paths of every file; each file's components keep their own names.

    A component ``X`` of ``Contacts_....json`` becomes ``Contacts_X`` (references and security
    requirements follow), so files that define the same name differently cannot clash. One Prism
    then serves every file: it starts in seconds, where one per file would take a minute of CPU.
    """
    document: dict[str, Any] = {"paths": {}, "components": {}}

    def renamed(node: Any, tag: str) -> Any:
        if isinstance(node, dict):
            return {
                key: f"#/components/{value.split('/')[2]}/{tag}_{value.split('/', 3)[3]}"
                if key == "$ref" and isinstance(value, str) and value.startswith("#/components/")
                else renamed(value, tag)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [renamed(item, tag) for item in node]
        return node

    for file in files:
        tag = file.name.split("_")[0]
        source = json.loads(file.read_text(encoding="utf-8"))
        for key in ("openapi", "info", "servers"):
            document.setdefault(key, source.get(key))
        for kind, items in (source.get("components") or {}).items():
            for name, value in items.items():
                document["components"].setdefault(kind, {})[f"{tag}_{name}"] = renamed(value, tag)
        for route, item in source["paths"].items():
            if route in document["paths"]:
                raise ValueError(f"{route} is in {file.name} and an earlier file")
            item = renamed(item, tag)
            for operation in item.values():
                if isinstance(operation, dict) and "security" in operation:
                    operation["security"] = [{f"{tag}_{k}": v for k, v in r.items()} for r in operation["security"]]
            document["paths"][route] = item
    return document


class Router:
    """Forwards every request to Prism, renaming a path prefix where the provider's file uses another name.

    HubSpot's deals file describes ``/crm/v3/objects/0-3``: the object type ID, which HubSpot
    accepts in place of ``deals``.
    """

    _KEPT = ("content-type", "sl-violations")

    def __init__(self, url: str, renamed: Mapping[str, str]) -> None:
        self.url = url
        self.renamed = renamed
        self.client = httpx.Client(timeout=30.0)

    def __enter__(self) -> Router:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def __call__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """Answer one request with what Prism answers."""
        for prefix, served in self.renamed.items():
            if target == prefix or target.startswith((prefix + "/", prefix + "?")):
                target = served + target[len(prefix) :]
        sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
        reply = self.client.request(method, self.url + target, headers=sent, content=body)
        kept = {k: v for k, v in reply.headers.items() if k.lower() in self._KEPT}
        return reply.status_code, kept, reply.content


class FileServer:
    """Answers GET requests for each path with the JSON file mapped to it."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        self.files = {path: file.read_bytes() for path, file in files.items()}

    def __call__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """Answer 200 with the path's file, or 404."""
        path = target.split("?", 1)[0]
        if method == "GET" and path in self.files:
            return 200, {"Content-Type": "application/json"}, self.files[path]
        return 404, {"Content-Type": "application/json"}, b'{"message": "no example body for this path"}'


def _conditions(document: str) -> set[str]:
    """Return the type names a document's fragments are conditioned on."""
    names: set[str] = set()

    class Conditions(Visitor):
        def enter_inline_fragment(self, node: InlineFragmentNode, *_: object) -> None:
            if node.type_condition is not None:
                names.add(node.type_condition.name.value)

        def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: object) -> None:
            names.add(node.type_condition.name.value)

    visit(parse(document), Conditions())
    return names


class SchemaAnswers:
    """Executes GraphQL requests against a schema, every field made up from its type.

    Static: the first enum value, two items a list, no nulls (as the rendered schema server does).
    Dynamic (``Prefer: dynamic=true``, as with Prism): 0 to 3 items a list, null for about one
    nullable field in five, and a seeded random value of each enum, taken among the values that the
    connector's ``own`` schema lacks when there are some: those are what a narrower schema misses.
    """

    _SCALARS: Mapping[str, Callable[[random.Random], object]] = {
        "Int": lambda r: r.randint(0, 500),
        "Float": lambda r: round(r.uniform(0, 500), 2),
        "String": lambda r: r.choice(["alpha", "beta", "gamma"]),
        "Boolean": lambda r: r.random() < 0.5,
        "ID": lambda r: f"gid://shopify/Node/{r.randint(1, 10**9)}",
        "DateTime": lambda r: f"2025-0{r.randint(1, 9)}-1{r.randint(0, 9)}T10:00:00Z",
        "Date": lambda r: f"2025-0{r.randint(1, 9)}-1{r.randint(0, 9)}",
        "Decimal": lambda r: f"{r.randint(0, 999)}.{r.randint(0, 99):02d}",
        "Money": lambda r: f"{r.randint(0, 999)}.{r.randint(0, 99):02d}",
        "URL": lambda r: f"https://example.com/{r.randint(1, 99)}",
        "HTML": lambda r: "<p>text</p>",
        "UnsignedInt64": lambda r: str(r.randint(0, 10**12)),
        "JSON": lambda r: {"key": "value"},
    }
    _STATIC: Mapping[str, object] = {"Int": 7, "Float": 1.5, "Boolean": True, "ID": "gid://shopify/Node/1"}

    def __init__(self, schema: GraphQLSchema, own: GraphQLSchema, *, seed: int = 2026) -> None:
        self.schema = schema
        self.own = own
        self.random = random.Random(seed)  # noqa: S311 - made-up answers, not secrets
        self.lock = threading.Lock()

    def _enum(self, kind: GraphQLEnumType, dynamic: bool) -> str:
        values = list(kind.values)
        if not dynamic:
            return values[0]
        known = self.own.get_type(kind.name)
        unknown = [v for v in values if not isinstance(known, GraphQLEnumType) or v not in known.values]
        return self.random.choice(unknown or values)

    def _value(self, kind: GraphQLType, dynamic: bool, nullable: bool = True) -> object:
        if isinstance(kind, GraphQLNonNull):
            return self._value(kind.of_type, dynamic, nullable=False)
        if dynamic and nullable and self.random.random() < 0.2:
            return None
        if isinstance(kind, GraphQLList):
            count = self.random.randint(0, 3) if dynamic else 2
            return [self._value(kind.of_type, dynamic) for _ in range(count)]
        if isinstance(kind, GraphQLScalarType):
            if not dynamic:
                return self._STATIC.get(kind.name, "text" if kind.name != "JSON" else {})
            made = self._SCALARS.get(kind.name)
            return made(self.random) if made is not None else "text"
        if isinstance(kind, GraphQLEnumType):
            return self._enum(kind, dynamic)
        return {"__kind": kind}  # an object, interface or union: its fields resolve one by one

    def _resolver(self, dynamic: bool, conditions: set[str]) -> Callable[..., object]:
        def resolve(parent: object, info: GraphQLResolveInfo, **arguments: object) -> object:
            if info.field_name == "hasNextPage":  # static: one page; dynamic: now and then another
                return dynamic and self.random.random() < 0.5
            value = self._value(info.return_type, dynamic)
            return self._typed(value, conditions, dynamic)

        return resolve

    def _typed(self, value: object, conditions: set[str], dynamic: bool) -> object:
        if isinstance(value, list):
            return [self._typed(item, conditions, dynamic) for item in value]
        if not isinstance(value, dict) or "__kind" not in value:
            return value
        kind = value["__kind"]
        if isinstance(kind, GraphQLObjectType):
            return {"__typename": kind.name}
        possible = list(self.schema.get_possible_types(kind))
        named = [t for t in possible if t.name in conditions] or possible
        return {"__typename": (self.random.choice(named) if dynamic else named[0]).name}

    def __call__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """Execute one GraphQL request body; answer with its result as JSON."""
        request = json.loads(body)
        dynamic = "dynamic=true" in {k.lower(): v for k, v in headers.items()}.get("prefer", "")
        with self.lock:  # one seeded random source: answers are the same run after run
            result = graphql_sync(
                self.schema,
                request["query"],
                variable_values=request.get("variables"),
                operation_name=request.get("operationName"),
                field_resolver=self._resolver(dynamic, _conditions(request["query"])),
                type_resolver=_type_name,
            )
        reply: dict[str, Any] = {"data": result.data}
        if result.errors:
            reply["errors"] = [error.formatted for error in result.errors]
        return 200, {"Content-Type": "application/json"}, json.dumps(reply).encode()


def _type_name(value: object, *_: object) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None


@dataclass(frozen=True)
class Call:
    """One method call: its name, how to make it on a connector, and settings it needs."""

    name: str
    run: Callable[[Any], object]
    settings: Mapping[str, object] = field(default_factory=dict)


@dataclass
class Harness:
    """Calls methods of a rendered connector, sync and async, static and dynamic; sorts how each ended."""

    rendered: Rendered
    base_url: str
    settings: Mapping[str, object] = field(default_factory=dict)

    def _config(self, extra: Mapping[str, object]) -> Any:
        contract = self.rendered.module("contract")
        return contract.settings(self.rendered.module("api").Config, self.base_url, **{**self.settings, **extra})

    def run(self, calls: Sequence[Call], modes: Sequence[str]) -> list[Any]:
        """Return the outcome of every call in every mode, sync then async."""
        contract = self.rendered.module("contract")
        api = self.rendered.module("api")
        recorder = contract.Recorder()
        outcomes: list[Any] = []
        with contextlib.ExitStack() as stack:
            blocking: dict[str, Any] = {}
            for call in calls:
                key = json.dumps(dict(call.settings), sort_keys=True)
                if key not in blocking:
                    connector = api.Connector(self._config(call.settings), hooks=recorder.hooks())
                    blocking[key] = stack.enter_context(connector)
                for mode in modes:
                    outcomes.append(contract.outcome(call.name, mode, partial(call.run, blocking[key]), recorder))
            portal = stack.enter_context(start_blocking_portal())
            asynchronous: dict[str, Any] = {}
            for call in calls:
                key = json.dumps(dict(call.settings), sort_keys=True)
                if key not in asynchronous:
                    asynchronous[key] = api.AsyncConnector(self._config(call.settings), hooks=recorder.hooks())
                    stack.callback(portal.call, asynchronous[key].disconnect)
                for mode in modes:
                    run = partial(call.run, asynchronous[key])
                    outcomes.append(portal.call(contract.outcome_async, f"async {call.name}", mode, run, recorder))
        return outcomes
