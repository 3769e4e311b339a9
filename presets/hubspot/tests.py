"""The HubSpot connector against a local server that answers like the API, from tests/fixtures/."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest

from .api import ENV_PREFIX, Config, errors, package, testing
from .conftest import MakeDriver
from .server import FaultServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"
CONTACTS = "/crm/v3/objects/contacts"
models = package.models


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_a_domain_iterates_every_page_with_the_properties_asked_for(make: MakeDriver, server: FaultServer) -> None:
    """`contacts.iterate` follows `paging.next.after` and yields generated `Contact` models."""
    first, second = fixture("list_contacts"), fixture("list_contacts_page2")
    server.script(CONTACTS, Reply(200, first), Reply(200, second))
    api = make(pagination="cursor", records_path="results", page_param="after", page_size_param="limit",
               next_path="paging.next.after")  # fmt: skip
    contacts = api.collect("contacts.iterate", properties=["email", "firstname"])
    assert [c.id for c in contacts] == [r["id"] for r in first["results"] + second["results"]]
    assert all(isinstance(c, models.Contact) for c in contacts)
    assert contacts[0].properties.root["email"] == first["results"][0]["properties"]["email"]
    queries = [r.query for r in server.requests_to(CONTACTS)]
    assert queries[0]["properties"] == ["email,firstname"]
    assert queries[1]["after"] == [first["paging"]["next"]["after"]]


def test_search_pages_through_matches_and_costs_more_than_a_read(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """Searches POST filterGroups, follow the `after` cursor, and take search_cost tokens each."""
    pages = (fixture("search_contacts"), fixture("search_contacts_page2"))
    server.script(f"{CONTACTS}/search", *(Reply(200, page) for page in pages))
    api = make(rate_limit=10.0, rate_burst=10.0, search_cost=2.0)
    lifecycle = [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "opportunity"}]
    found = api.collect("contacts.search", lifecycle, properties=["email"])
    assert len(found) == len(fixture("search_contacts")["results"]) + len(fixture("search_contacts_page2")["results"])
    bodies = [json.loads(r.body) for r in server.requests_to(f"{CONTACTS}/search")]
    assert bodies[0]["filterGroups"] == [{"filters": lifecycle}]
    assert (bodies[0]["after"], bodies[0]["sorts"], bodies[0]["properties"]) == ("0", [], ["email"])  # all required
    assert bodies[1]["after"] == fixture("search_contacts")["paging"]["next"]["after"]
    assert clock.sleeps == []  # two searches: 4 of the 10 tokens
    for _ in range(4):
        server.script(f"{CONTACTS}/search", Reply(200, fixture("search_contacts_page2")))
        api.collect("contacts.search", lifecycle)
    assert clock.sleeps == [pytest.approx(0.2)]  # the 6th search waits for 2 tokens: 5 searches a second


def test_batch_read_sends_the_ids_and_returns_models(make: MakeDriver, server: FaultServer) -> None:
    """`contacts.batch_read` POSTs the ids and is retried like a read."""
    server.script(f"{CONTACTS}/batch/read", Reply(503), Reply(200, fixture("batch_read_contacts")))
    records = make()("contacts.batch_read", ["51250701", "51250702"], properties=["email"])
    assert [r.id for r in records] == [r["id"] for r in fixture("batch_read_contacts")["results"]]
    sent = json.loads(server.requests_to(f"{CONTACTS}/batch/read")[-1].body)
    inputs = [{"id": "51250701"}, {"id": "51250702"}]
    assert sent == {"inputs": inputs, "properties": ["email"], "propertiesWithHistory": []}  # HubSpot requires each


def test_hubspot_rate_limit_headers_hold_calls_for_one_interval(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """With X-HubSpot-RateLimit-Remaining at 0 the next call waits out the 10-second window."""
    headers = {
        "X-HubSpot-RateLimit-Max": "100",
        "X-HubSpot-RateLimit-Remaining": "0",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    server.script(f"{CONTACTS}/1", Reply(200, fixture("get_contact"), headers=headers))
    api = make()
    api("get_contact", contact_id="1")
    server.script(f"{CONTACTS}/1", Reply(200, fixture("get_contact")))
    api("get_contact", contact_id="1")
    assert clock.sleeps == [pytest.approx(10.0)]


def test_a_429_in_hubspots_shape_is_retried_then_reported(make: MakeDriver, server: FaultServer) -> None:
    """HubSpot's 429 body is a RateLimitError with its message; the call is retried before it gives up."""
    body = fixture("error_429")
    server.script(f"{CONTACTS}/1", *[Reply(429, body, headers={"Retry-After": "1"})] * 4)
    with pytest.raises(errors.RateLimitError) as caught:
        make()("get_contact", contact_id="1")
    assert caught.value.attempts == 4
    assert caught.value.details["api_message"] == body["message"]


@pytest.mark.parametrize(("status", "error"), [(401, errors.AuthError), (404, errors.NotFoundError)])
def test_error_bodies_become_errors(
    make: MakeDriver, server: FaultServer, status: int, error: type[errors.ConnectorError]
) -> None:
    """HubSpot's error bodies map to the error tree with their message, and are not retried."""
    body = fixture(f"error_{status}")
    server.script(f"{CONTACTS}/1", Reply(status, body))
    with pytest.raises(error) as caught:
        make()("get_contact", contact_id="1")
    assert caught.value.details["api_message"] == body["message"]
    assert caught.value.attempts == 1


def test_generated_methods_read_properties_and_associations(make: MakeDriver, server: FaultServer) -> None:
    """Property definitions and v4 associations come back as generated models."""
    server.script("/crm/v3/properties/contacts", Reply(200, fixture("list_properties")))
    server.script("/crm/v4/objects/contacts/51250701/associations/companies", Reply(200, fixture("list_associations")))
    api = make()
    properties = api("list_properties", object_type="contacts")
    assert len(properties.results) == len(fixture("list_properties")["results"])
    links = api("list_associations", object_type="contacts", object_id="51250701", to_object_type="companies")
    assert isinstance(links, models.AssociationList)
    with pytest.raises(errors.ValidationError):
        api("list_associations", object_type="contacts", object_id="1", to_object_type="invoices")


def test_oauth_apps_use_the_refresh_token_grant(make: MakeDriver, server: FaultServer) -> None:
    """An OAuth app sets auth to oauth2_refresh_token: its refresh token buys the access tokens."""
    server.script("/oauth/v1/token", Reply(200, {"access_token": "hs-access-1", "expires_in": 1800}))
    server.script(f"{CONTACTS}/1", Reply(200, fixture("get_contact")))
    api = make(auth="oauth2_refresh_token", refresh_token="hs-refresh-1", client_id="app", client_secret="shh",
               token_url=f"{server.url}/oauth/v1/token")  # fmt: skip
    api("get_contact", contact_id="1")
    assert server.requests_to(f"{CONTACTS}/1")[0].headers["Authorization"] == "Bearer hs-access-1"
    assert "grant_type=refresh_token" in server.requests_to("/oauth/v1/token")[0].body.decode()


def test_the_connector_paces_itself_for_hubspot_by_default() -> None:
    """10 requests a second (100 per 10 s, the lowest plan's limit), searches at 2 tokens each."""
    settings = Config()
    assert (settings.rate_limit, settings.rate_burst, settings.search_cost) == (10.0, 10.0, 2.0)
    assert settings.pagination == "cursor"
    assert settings.next_path == "paging.next.after"


def test_the_example_script_runs_against_the_local_server(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/contacts.py lists contacts and searches them (base URL and token from the environment)."""
    server.script(CONTACTS, Reply(200, fixture("list_contacts")), Reply(200, fixture("list_contacts_page2")))
    server.script(f"{CONTACTS}/search", Reply(200, fixture("search_contacts_page2")))
    monkeypatch.setenv(f"{ENV_PREFIX}BASE_URL", server.url)
    monkeypatch.setenv(f"{ENV_PREFIX}TOKEN", "pat-na1-example")
    runpy.run_path(str(Path(__file__).parent.parent / "examples" / "contacts.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert fixture("list_contacts")["results"][0]["properties"]["email"] in printed
    assert "customers:" in printed
