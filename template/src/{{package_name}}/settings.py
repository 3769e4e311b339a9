"""Every connector setting, its default, and how it is read from the environment.

`<Prefix>Config` in ``config.py`` subclasses `ConnectorSettings` to set this API's defaults and
environment prefix. Values come, highest first, from keyword arguments, environment variables
(``<PREFIX>_TIMEOUT=10``), a ``.env`` file, then the defaults below. Time is ``float`` seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AuthKind", "ConnectorSettings", "PaginationKind", "SecurityScheme"]

# One character class, so matching is linear in the length of the input: RFC 3986's characters
# less the quote "'", plus non-ASCII (checked to be printable); no space, '"', "\\", "<", ">", "{", "}"...
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%\x80-\U0010ffff]+")
_URL_FIELDS = ("base_url", "token_url")

AuthKind = Literal[
    "none", "api_key_header", "api_key_query", "bearer", "basic", "oauth2_client_credentials", "oauth2_refresh_token"
]
PaginationKind = Literal["none", "offset", "page", "cursor", "next_url", "link_header"]


@dataclass(frozen=True)
class SecurityScheme:
    """A scheme some operations use instead of the default ``auth`` (CF-AUTH-5).

    Its credentials are the settings ``<name>_api_key``, ``<name>_token``, ``<name>_username`` and
    ``<name>_password``, or ``<name>_client_id`` and ``<name>_client_secret``, as its kind needs.

    Args:
        name: The scheme's name in snake_case: the prefix of its settings.
        kind: How it authenticates: api_key_header, api_key_query, bearer, basic or oauth2_client_credentials.
        param_name: The header or query parameter of an API key.
        token_url: The token endpoint of oauth2_client_credentials.
        scope: The scopes to ask for, space-separated.
    """

    name: str
    kind: AuthKind
    param_name: str = ""
    token_url: str = ""
    scope: str = ""


class ConnectorSettings(BaseSettings):
    """Settings shared by every connector; see SPEC.md for what each one governs."""

    # A bare prefix of its own, so that the base class never reads variables such as TOKEN.
    model_config = SettingsConfigDict(env_prefix="CONNECTOR_", env_file=".env", extra="ignore", validate_default=True)

    #: Schemes some operations use instead of ``auth``; generated connectors list theirs (CF-AUTH-5).
    security_schemes: ClassVar[tuple[SecurityScheme, ...]] = ()

    # Where and how to authenticate (CF-AUTH).
    base_url: str = "https://api.example.com"
    auth: AuthKind = "none"
    auth_param_name: str = "X-API-Key"
    api_key: SecretStr | None = None
    token: SecretStr | None = None
    # Identifiers, not secrets, but kept out of repr() and model_dump() all the same (CF-SEC-6).
    username: str | None = Field(default=None, repr=False, exclude=True)
    password: SecretStr | None = None
    client_id: str | None = Field(default=None, repr=False, exclude=True)
    client_secret: SecretStr | None = None
    refresh_token: SecretStr | None = None
    token_url: str | None = None
    scope: str | None = None

    # Transport (CF-TIME). TLS verification cannot be turned off; point ca_bundle at a private CA instead.
    timeout_connect: float = 30.0
    timeout_read: float = 30.0
    timeout_write: float = 30.0
    timeout_pool: float = 30.0
    ca_bundle: str | None = None
    user_agent: str = "connector-factory"
    correlation_header: str = "X-Correlation-ID"
    request_id_headers: tuple[str, ...] = ("x-request-id", "request-id", "x-correlation-id")
    idempotency_header: str = "Idempotency-Key"
    drain_timeout: float = 30.0

    # Retries (CF-RETRY).
    max_retries: int = 3
    backoff_initial: float = 1.0
    backoff_multiplier: float = 2.0
    backoff_max: float = 30.0
    retry_budget: float = 60.0

    # Circuit breaker (CF-BREAK).
    breaker_threshold: int = 5
    breaker_cooldown: float = 60.0
    breaker_probes: int = 1

    # Rate limiting (CF-RATE). rate_limit alone: never more than N requests in any second, as a
    # strict server counts them (each place is freed a second after its answer). rate_burst: a token
    # bucket that starts full instead, for APIs that allow bursts (up to burst + N in one second).
    rate_limit: float | None = None
    rate_burst: float | None = None
    quota_per_minute: int | None = None
    quota_per_hour: int | None = None
    quota_per_day: int | None = None
    adaptive_rate_limit: bool = True
    max_concurrency: int = 10
    # What one search call takes from the bucket: more than 1 where search has a lower limit.
    search_cost: float = 1.0

    # Pagination (CF-PAGE).
    pagination: PaginationKind = "none"
    records_path: str = ""
    page_size: int = 100
    page_size_param: str = "limit"
    page_param: str = "page"
    next_path: str = "next"
    max_pages: int = 10_000
    # Dotted path to the total number of records in a page body (e.g. "total", "meta.total_count"),
    # for the offset and page kinds: `paginate_concurrently` plans every page from it. "": unknown.
    total_path: str = ""
    # Seconds a walk (pages, items, extract, dlt) may spend fetching failed pages again (CF-PAGE-6).
    page_recovery_budget: float = 900.0

    # Validators rather than Field constraints: config.py redefines fields with this API's
    # defaults, and a redefined field keeps inherited validators but not its parent's constraints.
    @model_validator(mode="before")
    @classmethod
    def _hide_url_credentials(cls, data: Any) -> Any:  # noqa: ANN401 - pydantic passes the raw input
        # pydantic repeats a field's input in its errors (str(error), errors(), json()): a URL with
        # user:password@ must be refused without repeating the password, so it is blanked first.
        if isinstance(data, dict) and any(isinstance(data.get(field), str) for field in _URL_FIELDS):
            data = {key: _blank_user_info(value) if key in _URL_FIELDS else value for key, value in data.items()}
        return data

    @field_validator(*_URL_FIELDS)
    @classmethod
    def _absolute_http_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        example = "must be an absolute http:// or https:// URL, e.g. https://api.example.com/v1"
        if not _URL.fullmatch(value) or not value.isprintable():
            raise ValueError(f"{example}, without quotes, spaces, backslashes or control characters")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - reading it checks the port
        except ValueError as error:
            raise ValueError(f"{example} ({error})") from None  # the cause repeats the URL
        if not parts.hostname:
            raise ValueError(f"{example}, with a host name")
        if "@" in parts.netloc:
            prefix = cls.model_config.get("env_prefix", "")
            raise ValueError(
                f"must not carry credentials (user:password@host): set {prefix}USERNAME and {prefix}PASSWORD, "
                f"{prefix}TOKEN or {prefix}API_KEY instead"
            )
        return value

    @field_validator(
        "timeout_connect",
        "timeout_read",
        "timeout_write",
        "timeout_pool",
        "search_cost",
        "rate_limit",
        "rate_burst",
        "quota_per_minute",
        "quota_per_hour",
        "quota_per_day",
    )
    @classmethod
    def _above_zero(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError("must be above 0")
        return value

    @field_validator(
        "drain_timeout",
        "max_retries",
        "backoff_initial",
        "backoff_max",
        "retry_budget",
        "breaker_cooldown",
        "page_recovery_budget",
    )
    @classmethod
    def _zero_or_more(cls, value: float) -> float:
        if value < 0:
            raise ValueError("must be 0 or more")
        return value

    @field_validator(
        "backoff_multiplier", "breaker_threshold", "breaker_probes", "max_concurrency", "page_size", "max_pages"
    )
    @classmethod
    def _one_or_more(cls, value: float) -> float:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    def quotas(self) -> tuple[tuple[int, float], ...]:
        """Return the configured quotas as ``(limit, period_seconds)`` pairs."""
        periods = ((self.quota_per_minute, 60.0), (self.quota_per_hour, 3600.0), (self.quota_per_day, 86400.0))
        return tuple((limit, period) for limit, period in periods if limit)

    def secret_values(self) -> list[str]:
        """Return every configured secret value (each ``SecretStr`` setting), for redaction."""
        secrets = [getattr(self, name) for name in type(self).model_fields]
        return [
            value.get_secret_value() for value in secrets if isinstance(value, SecretStr) and value.get_secret_value()
        ]

    def credential_names(self) -> list[str]:
        """Return the header and query parameter names that carry credentials: ``auth_param_name`` and the schemes'."""
        return [self.auth_param_name, *(scheme.param_name for scheme in self.security_schemes if scheme.param_name)]


def _blank_user_info(value: object) -> object:
    """Return a URL with any ``user:password@`` replaced by ``***@``; other values as they are."""
    if not isinstance(value, str) or "://" not in value:
        return value
    scheme, _, rest = value.partition("://")
    end = min((index for index in (rest.find(char) for char in "/?#") if index >= 0), default=len(rest))
    if "@" not in rest[:end]:
        return value
    return f"{scheme}://***@{rest[:end].rpartition('@')[2]}{rest[end:]}"
