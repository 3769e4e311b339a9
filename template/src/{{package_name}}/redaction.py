"""Secret redaction for log messages, error details and hook payloads (CF-OBS-3)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping

__all__ = ["REDACTED", "SENSITIVE_NAMES", "Redactor", "redact_library_logs"]

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
        self._secrets: list[str] = []
        self.names = SENSITIVE_NAMES | {name.lower() for name in names}
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Hide these values too (e.g. an OAuth2 access token fetched at run time)."""
        # Longest first, so a secret that contains another is hidden whole.
        self._secrets = sorted({*self._secrets, *(s for s in secrets if s)}, key=len, reverse=True)

    def text(self, value: str) -> str:
        """Return ``value`` with every secret replaced by ``***``."""
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return value

    def mapping(self, values: Mapping[str, object]) -> dict[str, object]:
        """Return a copy with sensitive names' values hidden and secrets removed from the rest."""
        return {key: REDACTED if key.lower() in self.names else self.text(str(value)) for key, value in values.items()}

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} secrets)"


class _SecretFilter(logging.Filter):
    """Rewrites records of other libraries' loggers with every registered secret hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.redactor = Redactor(())
        self._lock = threading.Lock()

    def add(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self.redactor.add(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.redactor.text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


_LIBRARY_FILTER = _SecretFilter()
#: httpx logs each request line, query string included, at INFO: an API key in the query would leak.
_LIBRARY_LOGGERS = ("httpx", "httpcore")


def redact_library_logs(secrets: Iterable[str]) -> None:
    """Hide ``secrets`` in the records of httpx's and httpcore's loggers (CF-OBS-3)."""
    _LIBRARY_FILTER.add(secrets)
    for name in _LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        if _LIBRARY_FILTER not in library_logger.filters:
            library_logger.addFilter(_LIBRARY_FILTER)
