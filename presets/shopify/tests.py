"""The Shopify connector against a local server that answers like the Admin API, from tests/fixtures/."""

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
ENDPOINT = "/admin/api/2025-07/graphql.json"
TOKEN = "shpat_0123456789abcdef-PLANTED"
models = package.models


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def sent(server: FaultServer) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in server.requests_to(ENDPOINT)]


@pytest.fixture
def shop(make: MakeDriver, server: FaultServer) -> Any:
    """A connector pointed at the local server's Admin API endpoint, with an access token."""
    return make(base_url=f"{server.url}{ENDPOINT}", auth="api_key_header", api_key=TOKEN)


def test_a_query_sends_its_operation_and_the_access_token(shop: Any, server: FaultServer) -> None:
    """`get_shop` POSTs the named GetShop operation with X-Shopify-Access-Token, and types the answer."""
    server.script(ENDPOINT, Reply(200, fixture("GetShop")))
    result = shop("get_shop")
    assert isinstance(result.data, models.GetShop)
    assert result.data.shop.name == fixture("GetShop")["data"]["shop"]["name"]
    assert result.errors == ()
    [request] = server.requests_to(ENDPOINT)
    assert request.headers["X-Shopify-Access-Token"] == TOKEN
    assert sent(server)[0]["operationName"] == "GetShop"


def test_every_product_comes_through_the_relay_pages(shop: Any, server: FaultServer) -> None:
    """`iter_products` follows pageInfo.endCursor as $after until hasNextPage is false."""
    first, second = fixture("ListProducts"), fixture("ListProducts_page2")
    server.script(ENDPOINT, Reply(200, first), Reply(200, second))
    products = shop.collect("iter_products", first=20, query="status:active")
    expected = [edge["node"]["id"] for page in (first, second) for edge in page["data"]["products"]["edges"]]
    assert [product.id for product in products] == expected
    variables = [body["variables"] for body in sent(server)]
    assert (variables[0]["first"], variables[0]["query"], variables[0].get("after")) == (20, "status:active", None)
    assert variables[1]["after"] == first["data"]["products"]["pageInfo"]["endCursor"]


def test_a_throttled_query_waits_for_the_points_it_needs_then_succeeds(
    shop: Any, server: FaultServer, clock: testing.FakeClock
) -> None:
    """THROTTLED is retried after (requested cost - available) / restore rate, not a blind backoff."""
    server.script(ENDPOINT, Reply(200, fixture("THROTTLED")), Reply(200, fixture("ListProducts")))
    result = shop("list_products", first=20)
    assert len(result.data.products.edges) == len(fixture("ListProducts")["data"]["products"]["edges"])
    assert clock.sleeps == [pytest.approx(144 / 100.0)]  # 144 points short, 100 restored a second


def test_the_connector_slows_down_before_shopify_throttles(
    shop: Any, server: FaultServer, clock: testing.FakeClock
) -> None:
    """After an answer says the bucket is nearly empty, the next query waits for its cost first."""
    low = fixture("ListProducts")
    low["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] = 10.0
    server.script(ENDPOINT, Reply(200, low), Reply(200, fixture("ListProducts_page2")))
    shop("list_products", first=20)
    assert clock.sleeps == []
    shop("list_products", first=20)  # asks 94 points again; 10 are left, 100 come back a second
    assert clock.sleeps == [pytest.approx((94 - 10) / 100.0)]


def test_partial_data_reaches_the_caller_with_its_errors(shop: Any, server: FaultServer) -> None:
    """A field the token may not read is an error next to the rest of the data: nothing is dropped."""
    server.script(ENDPOINT, Reply(200, fixture("partial_error")))
    result = shop("list_orders", first=10)
    [error] = result.errors
    assert error.code == "ACCESS_DENIED"
    assert error.path[:2] == ("orders", "edges")
    assert result.data.orders.edges[0].node.customer is None
    first_order = fixture("partial_error")["data"]["orders"]["edges"][0]["node"]
    assert result.data.orders.edges[0].node.name == first_order["name"]
    with pytest.raises(errors.ServerError):
        result.raise_for_errors()


def test_a_bad_token_is_an_auth_error_with_shopifys_message(shop: Any, server: FaultServer) -> None:
    """Shopify's 401 body (`{"errors": "..."}`) becomes AuthError, not retried, the message in details."""
    server.script(ENDPOINT, Reply(401, fixture("error_401")))
    with pytest.raises(errors.AuthError) as caught:
        shop("get_shop")
    assert caught.value.attempts == 1
    assert "Invalid API key or access token" in caught.value.details["api_message"]
    assert TOKEN not in str(caught.value) + repr(caught.value) + str(caught.value.details)


def test_variables_are_checked_before_sending(shop: Any, server: FaultServer) -> None:
    """A missing or mistyped variable is refused with ValidationError; nothing is sent."""
    with pytest.raises(errors.ValidationError):
        shop("list_products", first="twenty")
    assert server.received == []


def test_the_starting_budget_is_a_standard_plans() -> None:
    """100 points a second, 2,000 held, until the first answer reports the shop's own figures."""
    settings = Config()
    assert (settings.rate_limit, settings.rate_burst) == (100.0, 2000.0)
    assert settings.auth == "api_key_header"
    assert settings.auth_param_name == "X-Shopify-Access-Token"


def test_the_example_script_runs_against_the_local_server(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/products.py prints the shop and every product (endpoint and token from the environment)."""
    server.script(
        ENDPOINT,
        Reply(200, fixture("GetShop")),
        Reply(200, fixture("ListProducts")),
        Reply(200, fixture("ListProducts_page2")),
    )
    monkeypatch.setenv(f"{ENV_PREFIX}BASE_URL", f"{server.url}{ENDPOINT}")
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEY", TOKEN)
    runpy.run_path(str(Path(__file__).parent.parent / "examples" / "products.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert fixture("GetShop")["data"]["shop"]["name"] in printed
    assert fixture("ListProducts_page2")["data"]["products"]["edges"][-1]["node"]["title"] in printed
