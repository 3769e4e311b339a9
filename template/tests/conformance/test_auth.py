"""Authentication (CF-AUTH): each kind, missing credentials, OAuth2 refresh, 401/403 handling."""

from __future__ import annotations

import base64

import pytest

from ..api import ENV_PREFIX, errors
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec


@spec("CF-AUTH-1")
@pytest.mark.parametrize(
    ("settings", "check"),
    [
        ({"auth": "none"}, lambda r: "Authorization" not in r.headers),
        (
            {"auth": "api_key_header", "auth_param_name": "X-Api-Key", "api_key": "k-1"},
            lambda r: r.headers["X-Api-Key"] == "k-1",
        ),
        (
            {"auth": "api_key_query", "auth_param_name": "appid", "api_key": "k-2"},
            lambda r: r.query["appid"] == ["k-2"],
        ),
        ({"auth": "bearer", "token": "t-3"}, lambda r: r.headers["Authorization"] == "Bearer t-3"),
        (
            {"auth": "basic", "username": "ann", "password": "pw-4"},
            lambda r: r.headers["Authorization"] == "Basic " + base64.b64encode(b"ann:pw-4").decode(),
        ),
    ],
    ids=["none", "api_key_header", "api_key_query", "bearer", "basic"],
)
def test_each_auth_kind_sends_its_credential(make: MakeDriver, server: FaultServer, settings: dict, check) -> None:  # type: ignore[no-untyped-def, type-arg]
    """The configured auth kind puts the credential where the API expects it."""
    make(**settings)("get", "secure")
    assert check(server.requests_to("/secure")[0])


@spec("CF-AUTH-1", "CF-AUTH-3")
def test_oauth2_client_credentials_fetches_caches_and_refreshes(make: MakeDriver, server: FaultServer, clock) -> None:  # type: ignore[no-untyped-def]
    """One token request serves many calls; expiry and a 401 each fetch a new token once."""
    server.script(
        "/oauth/token",
        Reply(200, {"access_token": "first", "expires_in": 120}),
        Reply(200, {"access_token": "second", "expires_in": 120}),
        Reply(200, {"access_token": "third", "expires_in": 120}),
    )
    api = make(
        auth="oauth2_client_credentials",
        client_id="cid",
        client_secret="cs-5",
        token_url=f"{server.url}/oauth/token",
    )
    api("get", "a")
    api("get", "a")
    assert len(server.requests_to("/oauth/token")) == 1
    form = server.requests_to("/oauth/token")[0].body.decode()
    assert "grant_type=client_credentials" in form
    assert "client_id=cid" in form
    clock.advance(100)  # within 30 s of expiry: refresh before sending
    api("get", "a")
    assert [r.headers["Authorization"] for r in server.requests_to("/a")][-1] == "Bearer second"
    server.script("/b", Reply(401, {"message": "expired"}))
    assert api("get", "b").status == 200
    assert [r.headers["Authorization"] for r in server.requests_to("/b")] == ["Bearer second", "Bearer third"]


@spec("CF-AUTH-2")
@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        ({"auth": "bearer"}, "TOKEN"),
        ({"auth": "api_key_query"}, "API_KEY"),
        ({"auth": "basic", "username": "ann"}, "PASSWORD"),
        ({"auth": "oauth2_client_credentials", "client_id": "x", "client_secret": "y", "token_url": None}, "TOKEN_URL"),
    ],
)
def test_missing_credentials_fail_before_sending_and_name_the_variable(
    make: MakeDriver, server: FaultServer, settings: dict[str, str | None], variable: str
) -> None:
    """AUTH_FAILED, naming the environment variable to set; nothing reaches the server."""
    with pytest.raises(errors.AuthError, match=f"{ENV_PREFIX}{variable}") as caught:
        make(**settings)
    assert caught.value.code is errors.ErrorCode.AUTH_FAILED
    assert server.received == []


@spec("CF-AUTH-4")
@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_are_auth_errors_and_not_retried(make: MakeDriver, server: FaultServer, status: int) -> None:
    """One attempt, AuthError with the status."""
    server.script("/x", Reply(status, {"message": "no"}))
    with pytest.raises(errors.AuthError) as caught:
        make(auth="bearer", token="t")("get", "x")
    assert caught.value.status == status
    assert len(server.requests_to("/x")) == 1
