"""Plans the security scheme each operation is sent with: the connector's default, none, or one of its own.

The default is the description's scheme that the ``auth`` answer names (its kind, and for API keys
its parameter). An operation whose ``security`` (its own, else the description's) lists the default,
or allows no credentials (``{}``), is sent with the default; ``security: []`` sends none; any other
gets the first scheme it lists that the runtime can send (CF-AUTH-5), whose credentials become
settings of their own (``<scheme>_token``, ...). With ``auth: none`` the answer wins: nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .names import snake

__all__ = ["Scheme", "SecurityPlanner", "scheme_kind"]

# The settings each kind reads, and whether each is a secret.
CREDENTIALS = {
    "api_key_header": (("api_key", True),),
    "api_key_query": (("api_key", True),),
    "bearer": (("token", True),),
    "basic": (("username", False), ("password", True)),
    "oauth2_client_credentials": (("client_id", False), ("client_secret", True)),
}


def scheme_kind(scheme: Any) -> tuple[str, str, str] | None:
    """Return ``(auth kind, parameter name, token URL)`` of a security scheme object, or None if not supported."""
    if not isinstance(scheme, dict):
        return None
    kind = scheme.get("type")
    if kind == "apiKey" and scheme.get("in") in ("header", "query"):
        return f"api_key_{scheme['in']}", str(scheme.get("name") or "api_key"), ""
    if kind == "http" and str(scheme.get("scheme", "")).lower() in ("bearer", "basic"):
        return str(scheme["scheme"]).lower(), "", ""
    if kind == "oauth2":
        flows = scheme.get("flows") if isinstance(scheme.get("flows"), dict) else {}
        credentials = flows.get("clientCredentials")
        if isinstance(credentials, dict) and isinstance(credentials.get("tokenUrl"), str):
            return "oauth2_client_credentials", "", credentials["tokenUrl"]
        return "bearer", "", ""  # a token got by another flow is sent as a bearer token
    if kind == "openIdConnect":
        return "bearer", "", ""
    return None


@dataclass(frozen=True)
class Scheme:
    """A scheme operations use instead of the default: the runtime's `SecurityScheme` and its settings."""

    name: str  # snake_case: the prefix of its settings
    kind: str
    param_name: str = ""
    token_url: str = ""

    @property
    def settings(self) -> tuple[tuple[str, bool], ...]:
        """``(setting, is secret)`` for each credential the scheme reads."""
        return tuple((f"{self.name}_{credential}", secret) for credential, secret in CREDENTIALS[self.kind])


def _matches(answer: str, param: str, mapped: tuple[str, str, str]) -> bool:
    kind, name, _ = mapped
    if answer.startswith("oauth2_"):
        return kind in ("oauth2_client_credentials", "bearer")
    if answer.startswith("api_key_"):
        return kind == answer and name.lower() == param.lower()
    return kind == answer


@dataclass
class SecurityPlanner:
    """Decides each operation's scheme; `schemes` collects those that need settings of their own."""

    document: dict[str, Any]
    auth: str
    auth_param_name: str
    schemes: dict[str, Scheme] = field(default_factory=dict)  # name in the description -> scheme
    default: str | None = None

    def __post_init__(self) -> None:
        declared = self._declared()
        required = [name for item in self.document.get("security") or [] if isinstance(item, dict) for name in item]
        for name in [*required, *declared]:
            mapped = scheme_kind(declared.get(name))
            if mapped is not None and _matches(self.auth, self.auth_param_name, mapped):
                self.default = name
                break

    def _declared(self) -> dict[str, Any]:
        components = self.document.get("components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        return schemes if isinstance(schemes, dict) else {}

    def security(self, operation: dict[str, Any]) -> tuple[str | None, str]:
        """Return the ``security=`` an operation's calls pass (None: the default) and a warning, or ``""``."""
        requirements = operation.get("security", self.document.get("security"))
        if self.auth == "none" or not isinstance(requirements, list):
            return None, ""
        if not requirements:
            return "none", ""
        alternatives = [item for item in requirements if isinstance(item, dict)]
        if any(not item for item in alternatives) or any(set(item) == {self.default} for item in alternatives):
            return None, ""
        declared = self._declared()
        for item in alternatives:
            if len(item) != 1:
                continue
            [name] = item
            mapped = scheme_kind(declared.get(name))
            if mapped is not None:
                return self._scheme(str(name), mapped).name, ""
        listed = " or ".join(" and ".join(sorted(item)) for item in alternatives)
        return None, f"needs {listed}, which the connector cannot send alone: sent with the default scheme"

    def _scheme(self, name: str, mapped: tuple[str, str, str]) -> Scheme:
        if name not in self.schemes:
            python = snake(name.replace("OAuth", "Oauth"), fallback="scheme")  # orgOAuth: org_oauth
            taken = {scheme.name for scheme in self.schemes.values()}
            while python in taken or python.startswith("model_"):
                python = f"{python}_scheme"
            kind, param, token_url = mapped
            self.schemes[name] = Scheme(python, kind, param, token_url)
        return self.schemes[name]
