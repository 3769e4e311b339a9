"""Authentication as `httpx.Auth` flows, built from settings; credentials come from the environment.

Each flow is a generator (httpx's ``auth_flow``) that httpx drives for both the sync and the async
client, so token refresh is written once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator

import httpx
from pydantic import SecretStr

from .errors import AuthError
from .settings import AuthKind, ConnectorSettings, SecurityScheme

__all__ = [
    "APIKeyHeaderAuth",
    "APIKeyQueryAuth",
    "BearerAuth",
    "ClientCredentialsAuth",
    "OAuth2Auth",
    "RefreshTokenAuth",
    "build_auth",
    "build_scheme_auth",
]

#: Refresh an OAuth2 token this many seconds before it expires.
REFRESH_MARGIN = 30.0


class APIKeyHeaderAuth(httpx.Auth):
    """Sends the key in a header, e.g. ``X-API-Key: <key>``."""

    def __init__(self, name: str, key: SecretStr) -> None:
        self.name = name
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header and send."""
        request.headers[self.name] = self._key.get_secret_value()
        yield request


class APIKeyQueryAuth(httpx.Auth):
    """Sends the key as a query parameter, e.g. ``?appid=<key>``; logs never show query strings."""

    def __init__(self, name: str, key: SecretStr) -> None:
        self.name = name
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the parameter and send."""
        request.url = request.url.copy_merge_params({self.name: self._key.get_secret_value()})
        yield request


class BearerAuth(httpx.Auth):
    """Sends ``Authorization: Bearer <token>``."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the header and send."""
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request


class OAuth2Auth(httpx.Auth):
    """An OAuth2 access token from ``token_url``, cached and fetched again before it expires.

    A token is fetched before the first request and again ``REFRESH_MARGIN`` seconds before it
    expires; a 401 from the API drops the cached token and retries the request once. Subclasses
    say which grant the token request uses (`_grant`).
    """

    requires_response_body = True

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        scope: str | None = None,
        clock: Callable[[], float],
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self._clock = clock
        self._on_token = on_token
        self._token: SecretStr | None = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Fetch a token when needed, send, and refresh once on 401."""
        if self._needs_token():
            self._store((yield self._token_request()))
        self._sign(request)
        response = yield request
        if response.status_code == 401:
            self._store((yield self._token_request()))
            self._sign(request)
            yield request

    def _needs_token(self) -> bool:
        with self._lock:
            return self._token is None or self._clock() >= self._expires_at - REFRESH_MARGIN

    def _sign(self, request: httpx.Request) -> None:
        if self._token is not None:  # always set by _store before the first request is signed
            request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"

    def _grant(self) -> dict[str, str]:
        """Return the grant's own fields of the token request."""
        raise NotImplementedError

    def _token_request(self) -> httpx.Request:
        form = {**self._grant(), "client_id": self.client_id}
        form["client_secret"] = self._client_secret.get_secret_value()
        if self.scope:
            form["scope"] = self.scope
        return httpx.Request("POST", self.token_url, data=form, headers={"Accept": "application/json"})

    def _received(self, body: dict[str, object]) -> None:
        """Look at the rest of a token answer (a rotated refresh token, for instance)."""

    def _store(self, response: httpx.Response) -> None:
        source = f"POST {response.request.url.host}{response.request.url.path}"
        if response.status_code != 200:
            raise AuthError(
                f"token endpoint returned {response.status_code}", status=response.status_code, source=source
            )
        try:
            body = response.json()
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError) as exc:
            raise AuthError("token endpoint returned no access_token", source=source) from exc
        if self._on_token is not None:
            self._on_token(token)  # so that the redactor hides the new token too
        with self._lock:
            self._token = SecretStr(token)
            self._expires_at = self._clock() + lifetime
            self._received(body)


class ClientCredentialsAuth(OAuth2Auth):
    """OAuth2 client-credentials grant (RFC 6749 section 4.4): the client's own credentials buy the token."""

    def _grant(self) -> dict[str, str]:
        return {"grant_type": "client_credentials"}


class RefreshTokenAuth(OAuth2Auth):
    """OAuth2 refresh-token grant (RFC 6749 section 6): a long-lived refresh token buys access tokens.

    For apps authorised once by a person (the authorization-code flow): keep the refresh token it
    gave in the environment. A token endpoint that rotates refresh tokens is followed: the new one
    is used from then on (and redacted, like every token).
    """

    def __init__(
        self,
        *,
        refresh_token: SecretStr,
        token_url: str,
        client_id: str,
        client_secret: SecretStr,
        scope: str | None = None,
        clock: Callable[[], float],
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            clock=clock,
            on_token=on_token,
        )
        self._refresh_token = refresh_token

    def _grant(self) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": self._refresh_token.get_secret_value()}

    def _received(self, body: dict[str, object]) -> None:
        rotated = body.get("refresh_token")
        if isinstance(rotated, str) and rotated:
            if self._on_token is not None:
                self._on_token(rotated)
            self._refresh_token = SecretStr(rotated)


def _setting(settings: ConnectorSettings, field: str) -> str:
    """Return a credential's value, or raise `AuthError` naming the environment variable to set."""
    value = getattr(settings, field)
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    if not text:
        prefix = settings.model_config.get("env_prefix", "")
        raise AuthError(f"auth is {settings.auth!r} but {field} is not set: export {prefix}{field.upper()}")
    return str(text)


def _flow(
    kind: AuthKind,
    read: Callable[[str], str],
    *,
    param_name: str,
    scope: str | None,
    clock: Callable[[], float],
    on_token: Callable[[str], None] | None,
) -> httpx.Auth | None:
    """Return the auth flow of ``kind``, reading each credential it needs with ``read`` (which raises if unset)."""
    if kind == "none":
        return None
    if kind == "api_key_header":
        return APIKeyHeaderAuth(param_name, SecretStr(read("api_key")))
    if kind == "api_key_query":
        return APIKeyQueryAuth(param_name, SecretStr(read("api_key")))
    if kind == "bearer":
        return BearerAuth(SecretStr(read("token")))
    if kind == "basic":
        return httpx.BasicAuth(read("username"), read("password"))
    token_url = read("token_url")
    client_id = read("client_id")
    client_secret = SecretStr(read("client_secret"))
    if kind == "oauth2_refresh_token":
        return RefreshTokenAuth(
            refresh_token=SecretStr(read("refresh_token")),
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            clock=clock,
            on_token=on_token,
        )
    return ClientCredentialsAuth(
        token_url=token_url,
        client_id=client_id,
        client_secret=client_secret,
        scope=scope,
        clock=clock,
        on_token=on_token,
    )


def build_auth(
    settings: ConnectorSettings, clock: Callable[[], float], on_token: Callable[[str], None] | None = None
) -> httpx.Auth | None:
    """Return the auth flow that ``settings.auth`` names, or None; raise `AuthError` if credentials are missing."""
    return _flow(
        settings.auth,
        lambda field: _setting(settings, field),
        param_name=settings.auth_param_name,
        scope=settings.scope,
        clock=clock,
        on_token=on_token,
    )


def build_scheme_auth(
    settings: ConnectorSettings,
    scheme: SecurityScheme,
    clock: Callable[[], float],
    on_token: Callable[[str], None] | None = None,
) -> httpx.Auth | None:
    """Return the auth flow of a scheme some operations use (CF-AUTH-5); its credentials are ``<name>_<field>``.

    Raises:
        AuthError: A credential the scheme needs is not set (the message names its variable).
    """

    def read(credential: str) -> str:
        if credential == "token_url":
            return scheme.token_url
        field = f"{scheme.name}_{credential}"
        value = getattr(settings, field, None)
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not text:
            prefix = settings.model_config.get("env_prefix", "")
            raise AuthError(f"security scheme {scheme.name!r} needs {field}: export {prefix}{field.upper()}")
        return str(text)

    return _flow(
        scheme.kind, read, param_name=scheme.param_name, scope=scheme.scope or None, clock=clock, on_token=on_token
    )
