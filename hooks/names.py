"""Name derivation and validation for copier.yml, exposed to Jinja as filters.

Written by hand: Copier's Jinja has no access to ``keyword`` or
``sys.stdlib_module_names``, and the rules must be unit-tested in Python.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Callable, Mapping
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from copier.errors import UserMessageError
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

__all__ = [
    "VALIDATED",
    "ConnectorNamesExtension",
    "choices_are_valid",
    "class_prefix",
    "context_prefix",
    "domain_imports",
    "domains_error",
    "email_error",
    "env_prefix",
    "given_answer_is_valid",
    "name_error",
    "package_error",
    "package_name",
    "path_prefix_error",
    "positive_error",
    "prefix_error",
    "project_slug",
    "slug_error",
    "text_error",
    "token_error",
    "url_error",
    "validate",
]

# Each pattern is a single character class with a quantifier: linear time on any input.
_WORD = re.compile(r"[A-Za-z0-9]+")
_PACKAGE = re.compile(r"[a-z_][a-z0-9_]*")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(r"[A-Za-z0-9_.-]+")
_PATH = re.compile(r"[A-Za-z0-9_./-]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# RFC 3986's characters, less the quote "'" and plus any non-ASCII letter (IRIs); no space, no
# '"', "\\", "<", ">", "{", "}", "|", "^" or "`". Non-ASCII text is then checked to be printable.
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%\x80-\U0010ffff]+")
_FORBIDDEN_IN_NAMES = ("/", "\\", "..", "\x00")
# Top-level modules the rendered project imports (its runtime dependencies, its generator and its
# tests' tools): a package of the same name would shadow one of them.
_TAKEN_PACKAGES = frozenset(
    {
        "annotated_types", "anyio", "black", "certifi", "codegen", "datamodel_code_generator", "dlt", "dotenv",
        "genson", "graphql", "h11", "httpcore", "httpx", "idna", "isort", "jinja2", "markupsafe", "mypy",
        "pydantic", "pydantic_core", "pydantic_settings", "pytest", "ruff", "sniffio", "tests", "typing_extensions",
        "typing_inspection", "yaml",
    }
)  # fmt: skip
#: Longest answers accepted: names become folders, files and classes (255 bytes at most on most file
#: systems); free text goes into one line of metadata.
NAME_LIMIT = 64
TEXT_LIMIT = 300
URL_LIMIT = 2000


def _words(name: str) -> list[str]:
    return _WORD.findall(name)


def project_slug(name: str) -> str:
    """Return the distribution name: ``"Open Weather"`` -> ``"open-weather-connector"``."""
    words = [word.lower() for word in _words(name)]
    return "-".join([*words, "connector"]) if words else ""


def package_name(slug: str) -> str:
    """Return the import name for a slug: ``"open-weather-connector"`` -> ``"open_weather_connector"``."""
    return slug.replace("-", "_")


def class_prefix(name: str) -> str:
    """Return the class-name prefix: ``"open weather"`` -> ``"OpenWeather"``, ``"HubSpot"`` kept."""
    return "".join(word[0].upper() + word[1:] for word in _words(name))


def env_prefix(package: str) -> str:
    """Return the environment-variable prefix: ``"hubspot_connector"`` -> ``"HUBSPOT_"``."""
    base = package.removesuffix("_connector") or package
    return base.upper() + "_"


def name_error(name: str) -> str:
    """Return why ``connector_name`` is unusable, or ``""`` when it is fine."""
    if not name.strip():
        return "connector_name is empty: give the API's display name, e.g. 'Frankfurter'."
    if any(bad in name for bad in _FORBIDDEN_IN_NAMES):
        return "connector_name must not contain '/', '\\' or '..': give a display name, e.g. 'Frankfurter'."
    if text_error(name, "connector_name"):
        return text_error(name, "connector_name")
    prefix = class_prefix(name)
    if not prefix:
        return "connector_name needs at least one letter or digit, e.g. 'Frankfurter'."
    if prefix[0].isdigit():
        return "connector_name must start with a letter, so that class names are valid, e.g. 'Api2Go'."
    base = "_".join(word.lower() for word in _words(name))
    if keyword.iskeyword(base) or keyword.issoftkeyword(base):
        return f"connector_name {name!r} is a Python keyword: use the API's display name, e.g. '{prefix}API'."
    return package_error(package_name(project_slug(name)), field="connector_name")


def slug_error(slug: str) -> str:
    """Return why ``project_slug`` is unusable, or ``""``."""
    if any(bad in slug for bad in _FORBIDDEN_IN_NAMES):
        return "project_slug must not contain '/', '\\' or '..': use lowercase words joined by '-'."
    if not _SLUG.fullmatch(slug):
        return "project_slug must be lowercase letters, digits and '-', e.g. 'frankfurter-connector'."
    return ""


def package_error(package: str, *, field: str = "package_name") -> str:
    """Return why ``package`` cannot be a top-level import name, or ``""``."""
    if any(bad in package for bad in _FORBIDDEN_IN_NAMES):
        return f"{field} must not contain '/', '\\' or '..': use a Python identifier, e.g. 'frankfurter_connector'."
    if not _PACKAGE.fullmatch(package):
        return f"{field} must give a lowercase Python identifier (letters, digits, '_'), not {package!r}."
    if keyword.iskeyword(package) or keyword.issoftkeyword(package):
        return f"{field} gives {package!r}, a Python keyword: choose another name, e.g. '{package}_api'."
    if package in sys.stdlib_module_names:
        return f"{field} gives {package!r}, a standard-library module: choose another name, e.g. '{package}_api'."
    if package in _TAKEN_PACKAGES:
        return (
            f"{field} gives {package!r}, a module the connector itself imports (a dependency or its "
            f"generator): choose another name, e.g. '{package}_api'."
        )
    return ""


def prefix_error(prefix: str) -> str:
    """Return why ``class_prefix`` cannot start a class name, or ``""``."""
    if not _IDENTIFIER.fullmatch(prefix) or not prefix[0].isupper():
        return "class_prefix must be a CamelCase identifier starting with a capital letter, e.g. 'Frankfurter'."
    if keyword.iskeyword(prefix):
        return f"class_prefix {prefix!r} is a Python keyword: choose another, e.g. '{prefix}Api'."
    return ""


def url_error(url: str, field: str = "base_url", prefix: str = "<PREFIX>_") -> str:
    """Return why ``url`` is not an absolute http(s) URL, or ``""``; never repeats the URL itself.

    Quotes, spaces, backslashes and control characters are refused (the URL is written into
    ``config.py``), so are URLs that do not parse, and so is user-info (``user:password@``):
    credentials belong in ``prefix``-named environment variables, never in files.
    """
    example = f"{field} must be an absolute http:// or https:// URL, e.g. 'https://api.example.com/v1'"
    if not url.startswith(("http://", "https://")):
        return f"{example}."
    if not _URL.fullmatch(url) or not url.isprintable():
        return (
            f"{field} holds a character that a URL cannot (a quote, space, backslash, control character or "
            f"one of <>{{}}|^`): {example}."
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError as error:
        return f"{field} cannot be parsed as a URL ({error}): {example}."
    if not parts.hostname:
        return f"{example}, with a host name."
    if "@" in parts.netloc:
        return (
            f"{field} must not carry credentials (user:password@host): they would be written into config.py "
            f"and .copier-answers.yml. Give them at run time in environment variables: {prefix}USERNAME and "
            f"{prefix}PASSWORD, {prefix}TOKEN or {prefix}API_KEY."
        )
    return ""


def token_error(value: str, field: str, example: str, optional: bool = False) -> str:
    """Return why ``value`` is not a header, parameter or dotted field name, or ``""``."""
    if optional and value == "":
        return ""
    if not _TOKEN.fullmatch(value):
        return f"{field} must be letters, digits, '_', '.' or '-', e.g. {example!r}."
    return ""


def text_error(value: str, field: str) -> str:
    """Return why free text cannot go into TOML strings and docstrings, or ``""``."""
    if any(char in value for char in ('"', "\\")) or not value.isprintable():
        return f"{field} must be one line without double quotes or backslashes."
    return ""


def email_error(value: str, field: str = "author_email") -> str:
    """Return why ``value`` is not an e-mail address, or ``""`` (empty is allowed)."""
    if value and not _EMAIL.fullmatch(value):
        return f"{field} must look like name@example.com, or be empty."
    return ""


def positive_error(value: object, field: str) -> str:
    """Return why ``value`` is not a positive whole number, or ``""``."""
    text = str(value)
    if not text.isdigit() or int(text) < 1:
        return f"{field} must be a positive whole number, e.g. 100."
    return ""


def domains_error(value: str) -> str:
    """Return why a comma-separated list of domain names is unusable, or ``""``."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        return "domains must name at least one domain, e.g. 'contacts,companies'."
    for name in names:
        if len(name) > NAME_LIMIT:
            return f"domains: {name[:20]!r}... is {len(name)} characters long; at most {NAME_LIMIT} are accepted."
        if not _PACKAGE.fullmatch(name) or keyword.iskeyword(name) or name in {"base", "discover"}:
            return f"domains: {name!r} must be a lowercase identifier (not a keyword or 'base'), e.g. 'contacts'."
    if len(set(names)) != len(names):
        return "domains must not repeat a name."
    return ""


def path_prefix_error(value: str) -> str:
    """Return why a domain path prefix is unusable, or ``""`` (empty is allowed)."""
    if value and (".." in value or value.startswith("/") or not _PATH.fullmatch(value)):
        return "domain_path_prefix must be a relative path like 'crm/v3/objects/', without '..'."
    return ""


def domain_imports(domains: list[str]) -> list[tuple[str, str]]:
    """Return ``(module, names)`` import lines for connector.py, sorted as isort sorts them."""
    lines = [("domains", "discover"), ("domains.base", "AsyncDomain, Domain")]
    for name in domains:
        classes = sorted([f"Async{class_prefix(name)}", class_prefix(name)], key=str.lower)
        lines.append((f"domains.{name}", ", ".join(classes)))
    return sorted(lines)


_VALIDATORS: dict[str, Callable[[Any], str]] = {
    "connector_name": name_error,
    "project_slug": slug_error,
    "package_name": package_error,
    "class_prefix": prefix_error,
    "description": partial(text_error, field="description"),
    "author_name": partial(text_error, field="author_name"),
    "author_email": email_error,
    "base_url": url_error,
    "auth_param_name": partial(token_error, field="auth_param_name", example="X-API-Key"),
    "token_url": partial(url_error, field="token_url"),
    "records_path": partial(token_error, field="records_path", example="data.items", optional=True),
    "page_size": partial(positive_error, field="page_size"),
    "page_size_param": partial(token_error, field="page_size_param", example="limit", optional=True),
    "page_param": partial(token_error, field="page_param", example="cursor"),
    "next_path": partial(token_error, field="next_path", example="paging.next.after"),
    "domains": domains_error,
    "domain_path_prefix": path_prefix_error,
}


#: The questions `validate` knows (the others are choices or computed).
VALIDATED = frozenset(_VALIDATORS)

_LIMITS = {
    **dict.fromkeys(("connector_name", "project_slug", "package_name", "class_prefix"), NAME_LIMIT),
    **dict.fromkeys(("base_url", "token_url"), URL_LIMIT),
    "domains": 50 * NAME_LIMIT,  # a list of names, each at most NAME_LIMIT long
}
_URL_FIELDS = ("base_url", "token_url")


def validate(value: object, field: str, prefix: str = "<PREFIX>_") -> str:
    """Return why ``value`` is a bad answer to question ``field``, or ``""``: copier.yml's validators.

    Every answer has a length limit (`NAME_LIMIT` for names, `URL_LIMIT` for URLs, `TEXT_LIMIT`
    otherwise), checked first; ``prefix`` is the environment prefix that URL messages name.
    """
    limit = _LIMITS.get(field, TEXT_LIMIT)
    length = len(str(value))
    if length > limit:
        return f"{field} is {length} characters long; at most {limit} are accepted."
    if field in _URL_FIELDS:
        return url_error(str(value), field, prefix)
    return _VALIDATORS[field](value)


_COPIER_YML = Path(__file__).resolve().parent.parent / "copier.yml"


@cache
def _choices() -> dict[str, list[str]]:
    """Return the answers each choice question of copier.yml offers, by question name."""
    # libyaml's loader when PyYAML has it: 2 ms for copier.yml against 40 for the pure-Python one, per render.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    questions = yaml.load(_COPIER_YML.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    offered: dict[str, list[str]] = {}
    for name, question in questions.items():
        choices = question.get("choices") if isinstance(question, dict) else None
        if choices:
            offered[name] = [str(choice) for choice in (choices.values() if isinstance(choices, dict) else choices)]
    return offered


def choices_are_valid(conf: Mapping[str, object]) -> bool:
    """Stop the copy when ``--data`` gives a choice question an answer it does not offer; else True.

    Copier reports such an answer with a traceback; raised from the first question's ``when``, the
    message names the question and its choices, before anything is written.
    """
    data = conf.get("data")
    if not isinstance(data, Mapping) or not data:
        return True
    for name, value in data.items():
        offered = _choices().get(name)
        if offered and str(value) not in offered:
            raise UserMessageError(f"{name} {value!r} is not one of its choices: {', '.join(offered)}.")
    return True


def given_answer_is_valid(
    field: str, conf: Mapping[str, object], *, required: bool = False, prefix: str = "<PREFIX>_"
) -> bool:
    """Stop the copy when ``--data`` gave ``field`` a bad answer; else return True (for ``when``).

    Copier re-asks an interactive answer that fails its validator, but reports a failed
    ``--data`` answer (or a missing ``required`` one under ``--defaults``) with a traceback. Copier
    evaluates ``when`` first and lets a
    `UserMessageError` raised there through, so it prints just the message and exits non-zero,
    before anything is written.
    """
    data = conf.get("data")
    given = isinstance(data, Mapping) and field in data
    if given:
        message = validate(data[field], field, prefix)  # type: ignore[index]  # `given` checked the mapping
        if message:
            raise UserMessageError(message)
    elif required and conf.get("defaults"):
        raise UserMessageError(f"{field} is required with --defaults: pass --data {field}=...")
    return True


def context_prefix(context: Context | Mapping[str, object]) -> str:
    """Return the environment prefix of the ``package_name`` answered so far, or ``"<PREFIX>_"``."""
    package = context.get("package_name")
    return env_prefix(package) if isinstance(package, str) and package else "<PREFIX>_"


@pass_context
def _validate_filter(context: Context, value: object, field: str) -> str:
    return validate(value, field, context_prefix(context))


@pass_context
def _given_answer_filter(context: Context, field: str, conf: Mapping[str, object], *, required: bool = False) -> bool:
    return given_answer_is_valid(field, conf, required=required, prefix=context_prefix(context))


class ConnectorNamesExtension(Extension):
    """Registers the functions above as Jinja filters of the same names.

    ``validate`` and ``given_answer_is_valid`` read the environment prefix from the answers so
    far, so that a message about a URL with credentials names the variables to use instead.
    """

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        for name in __all__:
            if callable(globals()[name]) and name != "ConnectorNamesExtension":
                environment.filters[name] = globals()[name]
        environment.filters.update(validate=_validate_filter, given_answer_is_valid=_given_answer_filter)
