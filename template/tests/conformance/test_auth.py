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


@spec("CF-AUTH-1", "CF-AUTH-3")
def test_oauth2_refresh_token_grant_follows_a_rotated_refresh_token(
    make: MakeDriver,
    server: FaultServer,
    clock,  # type: ignore[no-untyped-def]
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The refresh token buys access tokens; a rotated one is used next time and is redacted like the rest."""
    server.script(
        "/oauth/token",
        Reply(200, {"access_token": "access-one-5e1b", "expires_in": 60, "refresh_token": "refresh-two-9c1d"}),
        Reply(200, {"access_token": "access-two-77a0", "expires_in": 60}),
    )
    caplog.set_level("DEBUG")
    api = make(
        auth="oauth2_refresh_token",
        refresh_token="refresh-one-7f3a",
        client_id="cid",
        client_secret="cs-6",
        token_url=f"{server.url}/oauth/token",
        max_retries=0,
    )
    api("get", "a")
    clock.advance(40)  # within 30 s of expiry: a new token before sending
    server.script("/a", Reply(500, {"message": "refresh-two-9c1d"}))
    with pytest.raises(errors.ServerError) as caught:
        api("get", "a")
    forms = [r.body.decode() for r in server.requests_to("/oauth/token")]
    assert "grant_type=refresh_token" in forms[0]
    assert "refresh_token=refresh-one-7f3a" in forms[0]
    assert "refresh_token=refresh-two-9c1d" in forms[1]
    assert [r.headers["Authorization"] for r in server.requests_to("/a")][:2] == [
        "Bearer access-one-5e1b",
        "Bearer access-two-77a0",
    ]
    seen = caplog.text + str(caught.value) + repr(caught.value) + str(caught.value.details) + repr(api.connector)
    for secret in ("refresh-one-7f3a", "refresh-two-9c1d", "access-one-5e1b", "access-two-77a0", "cs-6"):
        assert secret not in seen


@spec("CF-AUTH-2")
@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        ({"auth": "bearer"}, "TOKEN"),
        ({"auth": "api_key_query"}, "API_KEY"),
        ({"auth": "basic", "username": "ann"}, "PASSWORD"),
        ({"auth": "oauth2_client_credentials", "client_id": "x", "client_secret": "y", "token_url": None}, "TOKEN_URL"),
        (
            {"auth": "oauth2_refresh_token", "client_id": "x", "client_secret": "y", "token_url": "https://t.example"},
            "REFRESH_TOKEN",
        ),
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


@spec("CF-AUTH-3", "CF-HOOK-1", "CF-BREAK-3")
def test_a_failing_token_endpoint_is_reported_like_any_error(make: MakeDriver, server: FaultServer, clock) -> None:  # type: ignore[no-untyped-def]
    """A refused token request runs on_error and leaves a half-open circuit able to probe again."""
    from ..api import events

    failures: list[errors.ConnectorError] = []
    api = make(
        auth="oauth2_client_credentials",
        client_id="cid",
        client_secret="cs",
        token_url=f"{server.url}/oauth/token",
        max_retries=0,
        hooks=events.Hooks(on_error=[failures.append]),
    )
    server.script("/oauth/token", Reply(401, {"error": "invalid_client"}))
    with pytest.raises(errors.AuthError):
        api("get", "a")
    assert [error.code for error in failures] == [errors.ErrorCode.AUTH_FAILED]
    assert failures[0].correlation_id is not None
    breaker = api.connector.core.breaker
    breaker.record_failure(clock.now())
    for _ in range(4):
        breaker.record_failure(clock.now())
    clock.advance(60)
    server.script("/oauth/token", Reply(401, {"error": "invalid_client"}))
    with pytest.raises(errors.AuthError):
        api("get", "a")  # the probe: the token endpoint answered, so the API is up
    server.script("/oauth/token", Reply(200, {"access_token": "tok-ok", "expires_in": 600}))
    assert api("get", "a").status == 200


@spec("CF-OBS-3")
def test_oauth_access_tokens_are_redacted_once_fetched(make: MakeDriver, server: FaultServer, caplog) -> None:  # type: ignore[no-untyped-def]
    """An access token obtained at run time is hidden in logs and errors like configured secrets."""
    caplog.set_level("DEBUG")
    server.script("/oauth/token", Reply(200, {"access_token": "fetched-tok-991", "expires_in": 600}))
    server.script("/echo", Reply(400, {"message": "token fetched-tok-991 is not allowed here"}))
    token_url = f"{server.url}/oauth/token"
    api = make(auth="oauth2_client_credentials", client_id="c", client_secret="s", token_url=token_url)
    with pytest.raises(errors.InvalidRequestError) as caught:
        api("get", "echo")
    assert "fetched-tok-991" not in str(caught.value.details)
    assert all("fetched-tok-991" not in record.getMessage() for record in caplog.records)


def _with_schemes(base: object) -> object:
    """Return ``base`` (settings) as an instance of its class with two schemes of its own and their credentials."""
    from pydantic import SecretStr

    from ..api import settings as settings_module

    class SchemeSettings(type(base)):  # type: ignore[misc, valid-type]  # the connector's own config class
        security_schemes = (
            settings_module.SecurityScheme("org_oauth", "bearer"),
            settings_module.SecurityScheme("partner", "api_key_header", param_name="X-Partner-Key"),
        )
        org_oauth_token: SecretStr | None = None
        partner_api_key: SecretStr | None = None

    return SchemeSettings(**{**base.model_dump(), "org_oauth_token": "t-org-7"})  # type: ignore[attr-defined]


@spec("CF-AUTH-5")
def test_an_operation_is_sent_with_its_own_scheme(make: MakeDriver, server: FaultServer) -> None:
    """security= picks another scheme's credential (or none) for one call; the default serves the rest."""
    from ..conftest import settings_for

    base = settings_for(server, auth="api_key_header", auth_param_name="X-Api-Key", api_key="k-default-7")
    api = make(settings=_with_schemes(base))
    api("get", "default")
    api("request", "GET", "org", security="org_oauth")
    api("request", "GET", "public", security="none")
    [default], [org], [public] = (server.requests_to(f"/{path}") for path in ("default", "org", "public"))
    assert default.headers["X-Api-Key"] == "k-default-7"
    assert "Authorization" not in default.headers
    assert org.headers["Authorization"] == "Bearer t-org-7"
    assert "X-Api-Key" not in org.headers
    assert "X-Api-Key" not in public.headers
    assert "Authorization" not in public.headers


@spec("CF-AUTH-5")
def test_a_schemes_missing_credential_is_named_before_anything_is_sent(make: MakeDriver, server: FaultServer) -> None:
    """A scheme whose credential is unset raises AuthError naming its variable; the API never sees the call."""
    from ..conftest import settings_for

    api = make(settings=_with_schemes(settings_for(server)))
    with pytest.raises(errors.AuthError, match=f"export {ENV_PREFIX}PARTNER_API_KEY"):
        api("request", "GET", "partner", security="partner")
    with pytest.raises(errors.ValidationError, match="not one of this connector's"):
        api("request", "GET", "partner", security="nobody")
    assert server.requests_to("/partner") == []


@spec("CF-AUTH-5", "CF-SEC-1")
def test_a_schemes_credential_is_secret_and_redacted(make: MakeDriver, server: FaultServer) -> None:
    """Each scheme's credential is a SecretStr: never in the settings' repr, hidden in messages and logs."""
    from ..conftest import settings_for

    settings = _with_schemes(settings_for(server))
    assert "t-org-7" not in repr(settings)
    api = make(settings=settings)
    assert api("core").redactor.text("token t-org-7 leaked") == "token *** leaked"
    server.script("/org", Reply(400, {"message": "bad token t-org-7"}))
    with pytest.raises(errors.InvalidRequestError) as caught:
        api("request", "GET", "org", security="org_oauth")
    assert "t-org-7" not in str(caught.value)
    assert "t-org-7" not in repr(caught.value.details)
