"""Reference connectors against their providers' own descriptions, not the ones this project wrote.

Each reference preset is rendered as it is and every method it has is called: every generated
method and iterator, every hand-written one (``extensions.py``, HubSpot's domains), on the sync and
the async connector. Where the provider publishes an OpenAPI description (``../shared/providers/``:
Frankfurter, HubSpot's CRM files, adsb.lol), Prism serves it, refuses any request it does not
allow, and answers with its examples (static) and with values made up from its schemas (dynamic).
Shopify publishes an SDL schema: every operation document must validate against it, and answers
made up from its types must parse. OpenWeather publishes example bodies only: a local server
answers with them, and they must parse.

A call passes when the provider's description allows the request and the connector reads the
answer. What fails only through a defect of the provider's description or of Prism is in `KNOWN`,
with its evidence, and in the preset's NOTES.md ("Provider contract").
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from graphql import build_schema, validate
from graphql import parse as parse_graphql

from hooks.presets import PRESETS, preset_names
from tests.helpers import render
from tests.provider_contract import (
    PROVIDERS,
    Call,
    FileServer,
    Harness,
    Rendered,
    Router,
    SchemaAnswers,
    load,
    merged,
    prism_or_skip,
    serve_http,
)

pytestmark = pytest.mark.skipif(not PROVIDERS.is_dir(), reason="../shared/providers is not beside the project")


@dataclass(frozen=True)
class Known:
    """A failure caused by the provider's description or by Prism, not by the connector."""

    preset: str
    calls: str  # regular expression on the call's name ("async " before async calls)
    kinds: str  # regular expression on the outcomes it excuses
    says: str  # regular expression the outcome's detail (Prism's own words) must match
    why: str  # the defect, and the evidence for it


KNOWN: tuple[Known, ...] = (
    Known(
        "shopify",
        r"document (GetShop|ListCustomers)|(async )?(get_shop|list_customers|iter_customers)",
        r"rejected|error",
        r"Cannot query field '(publicDisplayName' on type 'ShopPlan|defaultEmailAddress' on type 'Customer)'",
        "The provider's 2025-07 schema file is field-filtered: levi-ha's dump lacks ShopPlan.publicDisplayName "
        "and Customer.defaultEmailAddress, which Shopify's full 2025-07 introspection has (SOURCES.txt names "
        "both files and where in the introspection the two fields are)",
    ),
    Known(
        "frankfurter",
        r"(async )?iter_daily_rates",
        "parse failure",
        r"rates property name must be valid",
        "Prism's dynamic answers ignore `propertyNames`: Frankfurter's description keys a time series' rates by "
        "date, Prism makes other keys up, and flags its own answer (sl-violations: property name must be valid)",
    ),
    Known(
        "frankfurter",
        r"(async )?convert( on a day)?",
        "error",
        r"Frankfurter returned no rate for USD",
        "Prism does not honour `symbols`: it answers with the description's example rates (AUD, CAD, CHF, CYP) "
        "or made-up codes, never the currency asked for, and `convert` reports the missing rate as it should",
    ),
    Known(
        "hubspot",
        r"(async )?(get_property|list_properties)",
        "off-spec answer",
        r"must have required property 'description'",
        "HubSpot's Property example lacks `description`: the Property schema of "
        "Properties_Rollouts_145899_v3_properties.json requires it, its example has none, and Prism serves "
        "that example as the static answer (and flags it in sl-violations)",
    ),
)

HUBSPOT = PROVIDERS / "hubspot"
HUBSPOT_OBJECTS = ("Contacts", "Companies", "Deals", "Tickets", "Notes", "Calls", "Emails", "Meetings", "Tasks")


@dataclass(frozen=True)
class Served:
    """A provider's OpenAPI files, served by one Prism."""

    files: tuple[Path, ...]
    renamed: dict[str, str] = field(default_factory=dict)  # prefix the connector calls -> prefix in the file
    null_examples_are_absent: bool = False  # serve a copy without `example: null`


OPENAPI = {
    "frankfurter": Served((PROVIDERS / "frankfurter" / "lib_public_v1_openapi.json",)),
    "adsb": Served((PROVIDERS / "adsb" / "adsblol_v2_openapi_generated@da16ea7.json",)),
    "hubspot": Served(
        (
            *(HUBSPOT / f"{kind}_Rollouts_424_v3_{kind.lower()}.json" for kind in HUBSPOT_OBJECTS),
            HUBSPOT / "Properties_Rollouts_145899_v3_properties.json",
            # Two rollouts describe v4 associations; 130902 is the later one and has every path of 50914.
            HUBSPOT / "Associations_Rollouts_130902_v4_associations.json",
        ),
        # HubSpot's deals file names the object by its type ID, which HubSpot accepts for `deals`.
        {"/crm/v3/objects/deals": "/crm/v3/objects/0-3"},
        # Every schema of HubSpot's files says `example: null`, meaning "none"; Prism would answer null.
        null_examples_are_absent=True,
    ),
}
OPENWEATHER_EXAMPLES = {
    "/data/2.5/weather": "current.json",
    "/data/2.5/forecast": "forecast.json",
    "/geo/1.0/direct": "direct.json",
    "/geo/1.0/reverse": "direct.json",  # the documentation shows no reverse body; its fields are direct's
    "/data/3.0/onecall": "onecall.json",
}
SHOPIFY_SCHEMA = PROVIDERS / "shopify" / "levi-ha_schema_2025-07.graphql"

# Hand-written methods, each called with arguments a user would pass.
DAY = datetime.date(2024, 1, 15)
EXTENSIONS: dict[str, list[Call]] = {
    "frankfurter": [
        Call("iter_daily_rates", lambda api: api.iter_daily_rates(start=DAY, end=DAY + datetime.timedelta(days=3))),
        Call("convert", lambda api: api.convert(10.0, base="EUR", to="USD")),
        Call("convert on a day", lambda api: api.convert(10.0, base="EUR", to="USD", on=DAY)),
    ],
    "adsb": [Call("emergencies", lambda api: api.emergencies())],
    "openweather": [
        Call("weather", lambda api: api.weather(lat=51.5, lon=-0.12)),
        Call("weather from One Call", lambda api: api.weather(lat=51.5, lon=-0.12), {"one_call": True}),
    ],
    "hubspot": [],
    "shopify": [],
}
DOMAIN_METHODS = {
    "list": lambda domain: domain.list(properties=["email"]),
    "iterate": lambda domain: domain.iterate(),
    "get": lambda domain: domain.get("1001"),
    "create": lambda domain: domain.create({"name": "Contract check"}),
    "update": lambda domain: domain.update("1001", {"name": "Contract check"}),
    "delete": lambda domain: domain.delete("1001"),
    "search": lambda domain: domain.search([{"propertyName": "name", "operator": "EQ", "value": "x"}]),
    "batch_read": lambda domain: domain.batch_read(["1001", "1002"]),
    "associations": lambda domain: domain.associations("1001", "companies"),
}


def _public(cls: type) -> set[str]:
    return {name for name, member in vars(cls).items() if not name.startswith("_") and callable(member)}


def _method(name: str, arguments: dict[str, Any]) -> Callable[[Any], object]:
    return lambda api: getattr(api, name)(**arguments)


def _on_domain(domain: str, run: Callable[[Any], object]) -> Callable[[Any], object]:
    return lambda api: run(getattr(api, domain))


def _generated_calls(rendered: Rendered) -> list[Call]:
    contract = rendered.module("contract")
    operations = rendered.operations
    names = sorted(operations.OPERATIONS) + contract.generated_iterators(operations)
    return [Call(name, _method(name, contract.arguments(operations, name))) for name in names]


def _domain_calls(rendered: Rendered) -> list[Call]:
    domains = [d.strip() for d in str(rendered.answers.get("domains") or "").split(",") if d.strip()]
    return [
        Call(f"{domain}.{method}", _on_domain(domain, run))
        for domain in domains
        for method, run in DOMAIN_METHODS.items()
    ]


def _calls(rendered: Rendered, preset: str) -> list[Call]:
    """Every method of the connector: generated, hand-written and domains; fails if one has no call here."""
    extensions = rendered.package.extensions
    written = {call.name.split(" ")[0] for call in EXTENSIONS.get(preset, [])}
    assert _public(extensions.Extensions) == written, "give every hand-written method a call in EXTENSIONS"
    assert _public(extensions.AsyncExtensions) == written
    if rendered.answers.get("layout") == "domains":
        base = rendered.package.domains.base
        assert _public(base.Domain) == set(DOMAIN_METHODS) == _public(base.AsyncDomain)
    return _generated_calls(rendered) + EXTENSIONS.get(preset, []) + _domain_calls(rendered)


def _excused(preset: str, outcome: Any) -> Known | None:
    for known in KNOWN:
        if (
            known.preset == preset
            and re.fullmatch(known.kinds, outcome.kind)
            and re.fullmatch(known.calls, outcome.name)
            and re.search(known.says, outcome.detail)
        ):
            return known
    return None


def _report(preset: str, mode: str, outcomes: list[Any], properties: list[tuple[str, object]]) -> None:
    """Count the outcomes; fail on any that no `KNOWN` entry excuses."""
    counted = Counter(o.kind for o in outcomes)
    excused = [o for o in outcomes if o.kind != "ok" and _excused(preset, o)]
    others = ", ".join(f"{n} {kind}" for kind, n in sorted(counted.items()) if kind != "ok")
    known = f"{len(excused)} of them known defects of the provider's description or of Prism"
    summary = f"{preset} {mode}: {counted['ok']}/{len(outcomes)} calls OK" + (f" ({others}; {known})" if others else "")
    properties.append(("contract", summary))
    print(summary)
    unexcused = [f"{o.name}: {o.kind}: {o.detail[:400]}" for o in outcomes if o.kind != "ok" and o not in excused]
    assert not unexcused, "\n".join([summary, *unexcused])


REFERENCE = [name for name in preset_names() if (PRESETS / name).is_dir()]


@pytest.fixture(scope="module", params=REFERENCE)
def preset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Rendered]:
    """A reference preset rendered as it is, and imported."""
    name: str = request.param
    answers = yaml.safe_load((PRESETS / f"{name}.yml").read_text())
    project = render(tmp_path_factory.mktemp(name) / name, preset=name, connector_name=answers["connector_name"])
    return name, load(project)


def _without_null_examples(node: Any) -> Any:
    """Drop ``example: null``: HubSpot's files write it for "no example", which OpenAPI 3.0 reads as null."""
    if isinstance(node, dict):
        return {k: _without_null_examples(v) for k, v in node.items() if not (k == "example" and v is None)}
    if isinstance(node, list):
        return [_without_null_examples(item) for item in node]
    return node


@pytest.fixture(scope="module")
def endpoint(
    preset: tuple[str, Rendered], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The provider's truth on 127.0.0.1: Prism behind a router, example bodies, or a GraphQL schema."""
    name, rendered = preset
    contract = rendered.module("contract")
    if name in OPENAPI:
        command = prism_or_skip(contract)
        served = OPENAPI[name]
        description = served.files[0]
        if len(served.files) > 1 or served.null_examples_are_absent:
            document = merged(served.files) if len(served.files) > 1 else json.loads(description.read_text())
            if served.null_examples_are_absent:
                document = _without_null_examples(document)
            description = tmp_path_factory.mktemp("provider") / f"{name}.json"
            description.write_text(json.dumps(document))
        with (
            contract.serve([description], command) as [prism],
            Router(prism, served.renamed) as router,
            serve_http(router) as url,
        ):
            yield url, {}
    elif name == "openweather":
        examples = {path: PROVIDERS / "openweather" / file for path, file in OPENWEATHER_EXAMPLES.items()}
        with serve_http(FileServer(examples)) as url:
            yield url, {}
    elif name == "shopify":
        schema = build_schema(SHOPIFY_SCHEMA.read_text(encoding="utf-8"), assume_valid=True)
        own = build_schema((rendered.root / "api" / "schema.graphql").read_text(encoding="utf-8"), assume_valid=True)
        with serve_http(SchemaAnswers(schema, own)) as url:
            path = str(rendered.answers["base_url"]).split("/", 3)[3]
            yield f"{url}/{path}", {"auth": "api_key_header"}
    else:
        pytest.skip(f"no description of {name}'s own in ../shared/providers: add one to check it (AGENTS.md)")


def _shopify_documents(rendered: Rendered, mode: str) -> list[Any]:
    """Every operation document of the Shopify preset must validate against Shopify's own schema."""
    contract = rendered.module("contract")
    schema = build_schema(SHOPIFY_SCHEMA.read_text(encoding="utf-8"), assume_valid=True)
    outcomes = []
    for operation, document in sorted(rendered.operations.DOCUMENTS.items()):
        problems = validate(schema, parse_graphql(document))
        kind = contract.REJECTED if problems else contract.OK
        outcomes.append(contract.Outcome(f"document {operation}", mode, kind, "; ".join(p.message for p in problems)))
    return outcomes


@pytest.mark.parametrize("mode", ["static", "dynamic"])
def test_reference_connector_holds_against_the_providers_description(
    preset: tuple[str, Rendered], endpoint: tuple[str, dict[str, Any]], mode: str, request: pytest.FixtureRequest
) -> None:
    """Every method's request is one the provider allows, and every answer it allows parses."""
    name, rendered = preset
    if name == "openweather" and mode == "dynamic":
        pytest.skip("OpenWeather publishes example bodies only: there is no schema to make answers from")
    url, settings = endpoint
    outcomes = _shopify_documents(rendered, mode) if name == "shopify" else []
    outcomes += Harness(rendered, url, settings).run(_calls(rendered, name), [mode])
    _report(name, mode, outcomes, request.node.user_properties)


def test_every_known_defect_says_why_and_is_in_the_presets_notes() -> None:
    """Each allow-list entry gives its reason and evidence, and its preset's NOTES.md repeats it."""
    for known in KNOWN:
        notes = (PRESETS / known.preset / "NOTES.md").read_text()
        section = notes.split("## Provider contract", 1)[-1] if "## Provider contract" in notes else ""
        assert known.why, known
        assert known.says, known
        assert known.why.split(":")[0] in section, f"presets/{known.preset}/NOTES.md must list: {known.why}"
