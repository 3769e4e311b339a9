"""Secret redaction for log messages, error details and hook payloads (CF-OBS-3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["REDACTED", "SENSITIVE_NAMES", "Redactor"]

REDACTED = "***"

#: Header and parameter names whose values are always hidden, whatever they hold.
SENSITIVE_NAMES = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api_key",
        "apikey",
        "appid",
        "access_token",
        "client_secret",
        "password",
        "token",
    }
)


class Redactor:
    """Hides known secret values anywhere in a string, and values of sensitive names."""

    def __init__(self, secrets: Iterable[str], names: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is hidden whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._names = SENSITIVE_NAMES | {name.lower() for name in names}

    def text(self, value: str) -> str:
        """Return ``value`` with every secret replaced by ``***``."""
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return value

    def mapping(self, values: Mapping[str, object]) -> dict[str, object]:
        """Return a copy with sensitive names' values hidden and secrets removed from the rest."""
        return {key: REDACTED if key.lower() in self._names else self.text(str(value)) for key, value in values.items()}

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secrets)"
