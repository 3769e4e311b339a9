"""Secret redaction for log messages, error details and hook payloads (CF-OBS-3, CF-SEC-6).

A secret is hidden in the forms an API may echo it in: as it is, percent-encoded (a key in a
URL), and, for HTTP Basic, as the base64 ``user:password`` the ``Authorization`` header carries.
"""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "SENSITIVE_NAMES", "Redactor", "basic_credentials", "redact_library_logs"]

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
        """Hide these values too (e.g. an OAuth2 access token fetched at run time), encoded forms included."""
        forms = {form for secret in secrets if secret for form in (secret, quote(secret, safe=""), quote_plus(secret))}
        # Longest first, so a secret that contains another is hidden whole.
        self._secrets = sorted({*self._secrets, *forms}, key=len, reverse=True)

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
#: httpcore's loggers, which log raw headers (an echoed ``Link`` with the key) at DEBUG. A filter
#: sees only records logged on its own logger, not those its children pass up, so each one gets it;
#: they are created here so that the filter is in place before httpcore imports them.
_LIBRARY_CHILDREN = ("httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy", "httpcore.socks")


def basic_credentials(username: str, password: str) -> str:
    """Return the base64 ``username:password`` of an HTTP Basic ``Authorization`` header (RFC 7617)."""
    return base64.b64encode(f"{username}:{password}".encode()).decode()


def redact_library_logs(secrets: Iterable[str]) -> None:
    """Hide ``secrets`` in the records of every logger under httpx and httpcore (CF-SEC-6)."""
    _LIBRARY_FILTER.add(secrets)
    names = list(logging.root.manager.loggerDict)  # one copy: another thread may be adding loggers
    existing = [name for name in names if name.startswith(("httpx.", "httpcore."))]
    for name in {*_LIBRARY_LOGGERS, *_LIBRARY_CHILDREN, *existing}:
        library_logger = logging.getLogger(name)
        if _LIBRARY_FILTER not in library_logger.filters:
            library_logger.addFilter(_LIBRARY_FILTER)
