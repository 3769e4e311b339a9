"""Creates the module of each business domain named in the answers, once; never overwrites one.

Run by Copier after rendering (``python -m codegen.domains``), and by hand to add domains:
``python -m codegen.domains tickets deals``. A created module belongs to you: edit it freely.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from .names import camel, docstring_text, python_literal, singular
from .project import Project
from .spec import SpecError, load_openapi

__all__ = ["associations_route", "domain_module", "generated_models", "main", "record_name", "write_domains"]

_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# <base>/<a domain, or a {type} parameter>/{id}/associations/{to}: the type is None when a parameter.
_ASSOCIATIONS = re.compile(
    r"/?(?P<base>[^{}]+?)/(?:\{[^/{}]+\}|(?P<kind>[a-z_]+))/\{[^/{}]+\}/associations/\{[^/{}]+\}"
)


def record_name(domain: str) -> str:
    """Return the record class for a domain: ``contacts`` -> ``Contact``, ``companies`` -> ``Company``."""
    one = singular(domain)
    return camel(one if one != domain else f"{domain}_record")


def generated_models(package_dir: Path) -> set[str]:
    """Return the classes of the package's generated models module (none if it has no such module)."""
    module = package_dir / "models" / "__init__.py"
    if not module.is_file():
        return set()
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def associations_route(document: Mapping[str, Any], domain: str) -> str | None:
    """Return where the description lists a ``domain`` record's associations, as a `Domain.associations_path`.

    That is a GET route ``<base>/<domain or {type}>/{id}/associations/{to}``: HubSpot's
    ``/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}`` gives
    ``crm/v4/objects/<domain>/{id}/associations/{to}``. A route naming the domain wins over a generic one.
    """
    found: dict[bool, str] = {}
    for route, item in (document.get("paths") or {}).items():
        match = _ASSOCIATIONS.fullmatch(str(route))
        if match and isinstance(item, dict) and "get" in item and match["kind"] in (domain, None):
            found.setdefault(match["kind"] == domain, f"{match['base'].strip('/')}/{domain}/{{id}}/associations/{{to}}")
    return found.get(True) or found.get(False)


def domain_module(domain: str, path: str, models: Collection[str] = (), associations: str | None = None) -> str:
    """Return the source of a new domain module; it uses the generated model of its record if there is one.

    ``associations`` is the record's associations path when it is not `Domain.associations_path`'s default.
    """
    cls, record, title = camel(domain), record_name(domain), docstring_text(domain.replace("_", " "))
    linked = f"\n    associations_path = {python_literal(associations)}" if associations else ""
    linked_async = f"\n    associations_path = {cls}.associations_path" if associations else ""
    exported = ", ".join(python_literal(name) for name in sorted({f"Async{cls}", cls, record}))
    if record in models:
        imports = f"from ..models import {record}\nfrom .base import AsyncDomain, Domain"
        model = ""
    else:
        imports = "from pydantic import BaseModel, ConfigDict\n\nfrom .base import AsyncDomain, Domain"
        model = f'''

class {record}(BaseModel):
    """One {title} record; fields not named here are kept as extra attributes."""

    model_config = ConfigDict(extra="allow")

    id: str
'''
    return f'''"""{title.capitalize()}: the ``{docstring_text(domain)}`` domain of the API."""

from __future__ import annotations

{imports}

__all__ = [{exported}]
{model}

class {cls}(Domain[{record}]):
    """{title.capitalize()}, for the blocking connector."""

    path = {python_literal(path)}{linked}
    model = {record}


class Async{cls}(AsyncDomain[{record}]):
    """{title.capitalize()}, for the async connector."""

    path = {cls}.path{linked_async}
    model = {record}
'''


def write_domains(
    package_dir: Path, domains: list[str], prefix: str, document: Mapping[str, Any] | None = None
) -> list[Path]:
    """Create ``domains/<name>.py`` for each domain that has no module yet; return the new files.

    ``document`` is the API description, when there is one: it says where associations are.
    """
    created = []
    models = generated_models(package_dir)
    for domain in domains:
        if not _NAME.fullmatch(domain) or domain == "base":
            raise ValueError(f"domain {domain!r} must be a lowercase identifier other than 'base'")
        target = package_dir / "domains" / f"{domain}.py"
        if target.exists():
            continue
        path = f"{prefix}{domain}"
        associations = associations_route(document, domain) if document else None
        if associations == f"{path}/{{id}}/associations/{{to}}":
            associations = None  # the default
        target.write_text(domain_module(domain, path, models, associations), encoding="utf-8")
        created.append(target)
    return created


def _description(project: Project) -> Mapping[str, Any] | None:
    """Return the project's OpenAPI description (``api/``'s one .yaml, .yml or .json file), if it has one."""
    found = sorted(p for p in project.api.glob("*") if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".json"))
    return load_openapi(found[0]) if len(found) == 1 else None


def main(argv: list[str] | None = None) -> int:
    """Create missing domain modules; with no names, those listed in .copier-answers.yml."""
    parser = argparse.ArgumentParser(prog="python -m codegen.domains", description=__doc__)
    parser.add_argument("names", nargs="*", help="domains to add (default: the 'domains' answer)")
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project root (default: here)")
    args = parser.parse_args(argv)
    try:
        project = Project.load(args.project)
    except FileNotFoundError as error:
        print(f"codegen.domains: {error}", file=sys.stderr)
        return 2
    names = args.names or [name.strip() for name in project.answer("domains").split(",") if name.strip()]
    try:
        document = _description(project) if project.answer("api_source") == "openapi" else None
        created = write_domains(project.package, names, project.answer("domain_path_prefix"), document)
    except (ValueError, SpecError) as error:
        print(f"codegen.domains: {error}", file=sys.stderr)
        return 1
    for path in created:
        print(f"created {path.relative_to(args.project)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
