"""The exception tree: everything a connector raises at run time.

```
ConnectorError
├── TransportError                 the request never got an HTTP answer
│   ├── NetworkError               NETWORK_ERROR  (retryable)
│   └── RequestTimeoutError        TIMEOUT        (retryable)
├── HTTPStatusError                the API answered with an error status
│   ├── AuthError                  AUTH_FAILED    401, 403
│   ├── NotFoundError              NOT_FOUND      404
│   ├── RateLimitError             RATE_LIMIT     429 (retryable)
│   ├── InvalidRequestError        INVALID_REQUEST other 4xx (408 and 425 are retryable)
│   └── ServerError                SERVER_ERROR   5xx (500, 502, 503, 504 retryable)
├── ParsingError                   PARSING_ERROR  a body that is not the JSON it claims to be
├── ValidationError                VALIDATION_ERROR bad arguments or a response that fails its model
├── CircuitOpenError               CIRCUIT_OPEN   failed fast: the API is considered down
├── CancelledError                 CANCELLED      a hook or the caller stopped the call
└── UnsupportedError               UNSUPPORTED    the API or connector cannot do this
```

Messages carry method, host, path and status only; never query strings, headers, bodies or
credentials. Data lives in attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import ClassVar

__all__ = [
    "AuthError",
    "CancelledError",
    "CircuitOpenError",
    "ConnectorError",
    "ErrorCode",
    "HTTPStatusError",
    "InvalidRequestError",
    "NetworkError",
    "NotFoundError",
    "ParsingError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "TransportError",
    "UnsupportedError",
    "ValidationError",
    "error_for_status",
    "is_retryable_status",
]

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class ErrorCode(str, Enum):
    """Stable codes from SPEC.md (CF-ERR-2); logs and metrics use these, never class names."""

    NETWORK_ERROR = "NETWORK_ERROR"
    TIMEOUT = "TIMEOUT"
    AUTH_FAILED = "AUTH_FAILED"
    RATE_LIMIT = "RATE_LIMIT"
    INVALID_REQUEST = "INVALID_REQUEST"
    NOT_FOUND = "NOT_FOUND"
    SERVER_ERROR = "SERVER_ERROR"
    PARSING_ERROR = "PARSING_ERROR"
    VALIDATION_ERROR = "VALIDATION_ERROR"
    CANCELLED = "CANCELLED"
    UNSUPPORTED = "UNSUPPORTED"
    CIRCUIT_OPEN = "CIRCUIT_OPEN"

    def __str__(self) -> str:
        return self.value


class ConnectorError(Exception):
    """Root of every error a connector raises.

    Attributes:
        code: Stable error code (see `ErrorCode`).
        status: HTTP status, when the API answered.
        retryable: Whether the same request may succeed if sent again.
        correlation_id: ID of the logical call (sent as ``X-Correlation-ID``, or the API's request ID).
        source: Where it failed, as ``"METHOD host/path"``.
        details: Extra structured data safe to log (never secrets).
        retry_after: Seconds the API asked us to wait, when it said so.
        attempts: How many attempts the call made before this error was raised.
    """

    code: ClassVar[ErrorCode] = ErrorCode.SERVER_ERROR
    default_retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool | None = None,
        correlation_id: str | None = None,
        source: str | None = None,
        details: Mapping[str, object] | None = None,
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = self.default_retryable if retryable is None else retryable
        self.correlation_id = correlation_id
        self.source = source
        self.details: dict[str, object] = dict(details or {})
        self.retry_after = retry_after
        self.attempts = attempts

    def __str__(self) -> str:
        parts = [f"[{self.code}] {self.message}"]
        if self.source:
            parts.append(f"({self.source})")
        if self.correlation_id:
            parts.append(f"correlation_id={self.correlation_id}")
        if self.attempts > 1:
            parts.append(f"after {self.attempts} attempts")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code.value!r}, status={self.status!r}, "
            f"retryable={self.retryable!r}, correlation_id={self.correlation_id!r}, source={self.source!r})"
        )


class TransportError(ConnectorError):
    """The request got no HTTP answer.

    Attributes:
        request_sent: Whether any of the request may have reached the server (False when the
            connection was never made, so even a non-idempotent request is safe to resend).
    """

    default_retryable = True
    request_sent: bool = True


class NetworkError(TransportError):
    """Connection refused, reset, DNS or TLS failure."""

    code = ErrorCode.NETWORK_ERROR


class RequestTimeoutError(TransportError):
    """Connect, read, write or pool timeout."""

    code = ErrorCode.TIMEOUT


class HTTPStatusError(ConnectorError):
    """The API answered with an error status."""


class AuthError(HTTPStatusError):
    """401 or 403: credentials are missing, wrong or lack permission."""

    code = ErrorCode.AUTH_FAILED


class NotFoundError(HTTPStatusError):
    """404: the resource does not exist."""

    code = ErrorCode.NOT_FOUND


class RateLimitError(HTTPStatusError):
    """429, or the local rate limiter could not grant a token within the retry budget."""

    code = ErrorCode.RATE_LIMIT
    default_retryable = True


class InvalidRequestError(HTTPStatusError):
    """Any other 4xx: the request must change before it can succeed (408 and 425 excepted)."""

    code = ErrorCode.INVALID_REQUEST


class ServerError(HTTPStatusError):
    """5xx: the API failed."""

    code = ErrorCode.SERVER_ERROR


class ParsingError(ConnectorError):
    """The body could not be decoded as the JSON it claims to be."""

    code = ErrorCode.PARSING_ERROR


class ValidationError(ConnectorError):
    """An argument or a response failed validation."""

    code = ErrorCode.VALIDATION_ERROR


class CircuitOpenError(ConnectorError):
    """Failed fast without I/O: the circuit breaker is open."""

    code = ErrorCode.CIRCUIT_OPEN


class CancelledError(ConnectorError):
    """A hook aborted the call, or the caller cancelled it."""

    code = ErrorCode.CANCELLED


class UnsupportedError(ConnectorError):
    """The connector or the API does not support this operation."""

    code = ErrorCode.UNSUPPORTED


_STATUS_CLASSES: dict[int, type[HTTPStatusError]] = {
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    429: RateLimitError,
}


def error_for_status(status: int) -> type[HTTPStatusError]:
    """Return the error class for an HTTP error status (400-599)."""
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    return ServerError if status >= 500 else InvalidRequestError


def is_retryable_status(status: int) -> bool:
    """Return whether an error status is worth retrying: 408, 425, 429, 500, 502, 503, 504."""
    return status in RETRYABLE_STATUSES
