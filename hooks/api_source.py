"""The API-description questions: where the description is, whether it is usable, what it implies.

Copier asks for ``api_source_path`` before it writes anything, so a missing file, malformed YAML, a
``$ref`` that points nowhere or an empty samples folder stops the copy there, with one message and
no half-written project. The checks are those of the rendered project's own generator
(``template/codegen/``), loaded from the template rather than written twice. The description also
gives the defaults of later questions: ``base_url`` from its servers, ``auth`` from its security.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from copier.errors import UserMessageError
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

__all__ = [
    "ApiSourceExtension",
    "api_source_error",
    "api_source_file",
    "api_source_kind_error",
    "kind_answer_is_valid",
    "resolve_source",
    "source_answer_is_valid",
    "spec_default",
]

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
_CODEGEN = TEMPLATE_ROOT / "template" / "codegen"
_TRANSPORTS = {"openapi": "rest", "json_samples": "rest", "graphql": "graphql"}
_PATH_LIMIT = 1024


def _operation() -> str:
    """Return Copier's current operation, ``"copy"`` or ``"update"`` (``"update"`` when it cannot tell).

    Copier does not pass the operation to questions. On update, the description was copied into the
    project's ``api/`` long ago and the path answered then may no longer exist: it is not checked.
    """
    try:
        from copier._main import _operation as operation  # private; tests/test_codegen.py checks it exists
    except ImportError:
        return "update"
    return str(operation.get("update"))


def _package_name() -> str:
    """The name the template's ``codegen`` is imported under: one per folder, because Copier renders
    each run from a fresh clone, and a process that renders twice must not import from the first."""
    return "connector_factory_codegen_" + hashlib.sha256(str(_CODEGEN).encode()).hexdigest()[:16]


@cache
def _codegen() -> ModuleType:
    """Import the template's ``codegen`` package under a name of its own."""
    name = _package_name()
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, _CODEGEN / "__init__.py", submodule_search_locations=[str(_CODEGEN)]
    )
    if spec is None or spec.loader is None:  # pragma: no cover - the folder is part of the template
        raise ImportError(f"cannot load {_CODEGEN}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # leave the template clean
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module


def _submodule(name: str) -> ModuleType:
    return importlib.import_module(f"{_codegen().__name__}.{name}")


def resolve_source(path: str) -> Path | None:
    """Return the description ``path`` names: absolute, from the current folder, or a preset's own file."""
    given = Path(path).expanduser()
    candidates = [given] if given.is_absolute() else [Path.cwd() / given, TEMPLATE_ROOT / given]
    return next((candidate.resolve() for candidate in candidates if _exists(candidate)), None)


def _exists(path: Path) -> bool:
    """`Path.exists`, False for a name the file system cannot hold (too long) instead of an OSError."""
    try:
        return path.exists()
    except OSError:
        return False


def api_source_file(path: str) -> str:
    """Return the absolute path of the description for the generation task, or ``""``."""
    found = resolve_source(path) if path else None
    return str(found) if found else ""


def api_source_kind_error(kind: str, transport: str) -> str:
    """Return why ``api_source`` does not fit the ``transport`` answer, or ``""``."""
    needed = _TRANSPORTS.get(kind)
    if needed and needed != transport:
        return f"api_source {kind!r} needs transport {needed!r}; choose another api_source, or 'none'."
    return ""


def api_source_error(path: str, kind: str) -> str:
    """Return why ``api_source_path`` cannot be generated from, or ``""`` when it can."""
    if kind == "none":
        return ""
    if len(path) > _PATH_LIMIT or not path.isprintable():  # issue 14: no OSError for a 5,000-character path
        return f"api_source_path must be a path of at most {_PATH_LIMIT} printable characters."
    if not path.strip():
        what = {
            "json_samples": "a folder of JSON samples",
            "graphql": "a folder holding schema.graphql and operations/*.graphql",
        }.get(kind, "your API description")
        return f"api_source_path is empty: give the path to {what}, or answer api_source 'none'."
    if _operation() != "copy":
        return ""
    found = resolve_source(path)
    if found is None:
        return f"api_source_path: {path!r} does not exist (relative paths are taken from {os.getcwd()})."
    generator = " ".join(_submodule("check").missing_packages(kind))  # the generator's own list
    if generator:
        return (
            f"api_source {kind!r} needs {generator} in Copier's Python ({sys.executable}): run "
            f"`{sys.executable} -m pip install {generator}`, or `pipx inject copier {generator}` if Copier "
            "was installed with pipx; then run copier again."
        )
    if found.is_file():  # Copier asks more than once; a file's stamp tells whether it changed since
        return _checked(found, kind, _stamp(found))[1]
    return _check(found, kind)[1]


def _stamp(found: Path) -> tuple[int, int]:
    """What tells one version of a file from the next: its modification time and size."""
    stat = found.stat()
    return stat.st_mtime_ns, stat.st_size


def _check(found: Path, kind: str) -> tuple[Any, str]:
    """Return what the generator's check of ``found`` as a ``kind`` description read, and its complaint or ``""``."""
    spec = _submodule("spec")
    try:
        return _submodule("check").check_source(found, kind), ""
    except spec.SpecError as error:
        return None, f"api_source_path: {error}"


@cache
def _checked(found: Path, kind: str, stamp: tuple[int, int]) -> tuple[Any, str]:
    """`_check`, once per version of a file (``stamp`` keys the cache); the defaults read the same document."""
    return _check(found, kind)


def _stop_if_bad(field: str, conf: Mapping[str, Any], default: str, check: Callable[[str], str]) -> bool:
    """Stop the copy on a bad ``--data`` answer (or a bad default under ``--defaults``); else True.

    Copier re-asks a bad interactive answer, but reports a bad ``--data`` answer with a traceback;
    raised from ``when``, a `UserMessageError` is printed as one line before anything is written.
    """
    data = conf.get("data")
    if isinstance(data, Mapping) and field in data:
        value = str(data[field])
    elif conf.get("defaults"):
        value = default
    else:
        return True
    problem = check(value)
    if problem:
        raise UserMessageError(problem)
    return True


def kind_answer_is_valid(conf: Mapping[str, Any], transport: str, default: str) -> bool:
    """``when`` of ``api_source``: stop on a kind the transport cannot use."""
    return _stop_if_bad("api_source", conf, default, lambda kind: api_source_kind_error(kind, transport))


def source_answer_is_valid(conf: Mapping[str, Any], kind: str, default: str) -> bool:
    """``when`` of ``api_source_path``: stop on a description that cannot be generated from."""
    return _stop_if_bad("api_source_path", conf, default, lambda path: api_source_error(path, kind))


@cache
def _defaults(found: Path, stamp: tuple[int, int]) -> dict[str, Any]:
    """Return the answers the OpenAPI description at ``found`` implies (``stamp`` keys the cache)."""
    document = _checked(found, "openapi", stamp)[0]  # read once for the check and the defaults
    if not isinstance(document, dict):
        return {}
    defaults: dict[str, Any] = {}
    servers = document.get("servers") or []
    if servers and isinstance(servers[0], dict):
        url = str(servers[0].get("url", ""))
        for name, variable in (servers[0].get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(variable.get("default", "")))
        if url.startswith("//"):  # scheme-relative: the API is served over HTTPS
            url = f"https:{url}"
        if url.startswith(("http://", "https://")) and "{" not in url:
            defaults["base_url"] = url.rstrip("/")
    defaults.update(_domain_defaults(document))
    auth = _auth_defaults(document)
    token_url = auth.get("token_url")
    if isinstance(token_url, str) and not token_url.startswith(("http://", "https://")):
        base = defaults.get("base_url", "")
        origin = "/".join(base.split("/")[:3]) if base else ""
        token_url = f"{origin}/{token_url.lstrip('/')}" if origin and token_url.startswith("/") else None
        auth["token_url"] = token_url  # a relative token URL is resolved on the API's origin, or not offered
    defaults.update({key: value for key, value in auth.items() if value})
    return defaults


def _domain_defaults(document: dict[str, Any]) -> dict[str, Any]:
    """Return ``domains`` and ``domain_path_prefix`` from the description's tags, when they are collections.

    A tag is a domain when the shortest path of its operations ends with the tag's own name
    (``Contacts`` at ``/crm/v3/objects/contacts``); the part before the name is the path prefix,
    taken when every such domain shares it. Other tags (``Properties``, ``Auth``) are not domains.
    """
    names = _submodule("names")
    shortest: dict[str, str] = {}
    for route, item in (document.get("paths") or {}).items():
        for operation in item.values() if isinstance(item, dict) else []:
            for tag in operation.get("tags") or [] if isinstance(operation, dict) else []:
                if tag not in shortest or len(route) < len(shortest[tag]):
                    shortest[tag] = route
    prefixes: dict[str, str] = {}
    for tag, route in shortest.items():
        name = names.snake(str(tag))
        if route.rstrip("/").endswith("/" + name) and name not in ("base", "discover") and name.isidentifier():
            prefixes[name] = route.rstrip("/")[: -len(name)].lstrip("/")
    if not prefixes or len(set(prefixes.values())) != 1:
        return {}
    return {"domains": ",".join(prefixes), "domain_path_prefix": next(iter(prefixes.values()))}


def _auth_defaults(document: dict[str, Any]) -> dict[str, Any]:
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    required = [name for item in document.get("security") or [] if isinstance(item, dict) for name in item]
    for name in [*required, *schemes]:
        scheme = schemes.get(name)
        if not isinstance(scheme, dict):
            continue
        kind = scheme.get("type")
        if kind == "apiKey" and scheme.get("in") in ("header", "query"):
            return {"auth": f"api_key_{scheme['in']}", "auth_param_name": scheme.get("name", "api_key")}
        if kind == "http" and str(scheme.get("scheme", "")).lower() in ("bearer", "basic"):
            return {"auth": str(scheme["scheme"]).lower()}
        if kind == "oauth2" and "clientCredentials" in (scheme.get("flows") or {}):
            return {
                "auth": "oauth2_client_credentials",
                "token_url": scheme["flows"]["clientCredentials"].get("tokenUrl"),
            }
    return {}


@cache
def _names() -> ModuleType:
    """Import ``hooks/names.py`` (the answers' validators) under a name of its own."""
    name = "connector_factory_hooks_names_" + hashlib.sha256(str(TEMPLATE_ROOT).encode()).hexdigest()[:16]
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_ROOT / "hooks" / "names.py")
    if spec is None or spec.loader is None:  # pragma: no cover - the file is part of the template
        raise ImportError(f"cannot load {TEMPLATE_ROOT / 'hooks' / 'names.py'}")
    module = importlib.util.module_from_spec(spec)
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # leave the template clean
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module


@cache
def _preset_answers(preset: str) -> dict[str, object]:
    """Return ``presets/<preset>.yml`` (read here: Copier loads each hooks module by path, not as a package)."""
    path = TEMPLATE_ROOT / "presets" / f"{preset}.yml"
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return loaded if isinstance(loaded, dict) else {}


def spec_default(
    path: str, kind: str, question: str, fallback: object, preset: str = "", prefix: str = "<PREFIX>_"
) -> object:
    """Return what the OpenAPI description at ``path`` implies for ``question``, else ``fallback``.

    A preset that ships its own description (a reference preset) answers for it: when ``path`` is
    the preset's ``api_source_path`` and the preset sets ``question``, ``fallback`` (its answer) wins.

    The value is checked as an answer would be: a description is untrusted input, and Copier
    would report a bad default with a traceback. A bad one stops the copy here, before anything is
    written, with a message naming the question and the file (``prefix``: for URL messages).
    """
    if kind != "openapi" or not path:
        return fallback
    own = _preset_answers(preset) if preset else {}
    if path == own.get("api_source_path") and question in own:
        return fallback
    found = resolve_source(path)
    if found is None or not found.is_file():
        return fallback
    value = _defaults(found, _stamp(found)).get(question)
    if value in (None, ""):
        return fallback
    names = _names()
    problem = names.validate(value, question, prefix) if question in names.VALIDATED else ""
    if problem:
        raise UserMessageError(
            f"api_source_path: {found.name} gives {question} a value that cannot be used: {problem} Fix the "
            f"description, or give the answer yourself: --data {question}=..."
        )
    return value


@pass_context
def _spec_default_filter(
    context: Context, path: str, kind: str, question: str, fallback: object, preset: str = ""
) -> object:
    return spec_default(path, kind, question, fallback, preset, _names().context_prefix(context))


class ApiSourceExtension(Extension):
    """Registers the functions above as Jinja filters of the same names (``spec_default`` with the
    environment prefix of the answers so far, for its messages)."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        for name in __all__:
            if name != "ApiSourceExtension":
                environment.filters[name] = globals()[name]
        environment.filters["spec_default"] = _spec_default_filter
