"""The one place httpx is configured and its exceptions are translated into `ConnectorError`."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Union

import certifi
import httpx

from .errors import (
    ConnectorError,
    InvalidRequestError,
    NetworkError,
    ParsingError,
    RequestTimeoutError,
    UnsupportedError,
    ValidationError,
    error_for_status,
    is_retryable_status,
)
from .redaction import Redactor
from .response import JSONValue
from .settings import ConnectorSettings

__all__ = [
    "HTTPX_EXCEPTIONS",
    "ParamValue",
    "QueryParams",
    "client_options",
    "credential_guard",
    "decode_body",
    "describe",
    "error_from_response",
    "map_httpx_errors",
    "same_origin",
    "translate_httpx_error",
]

ParamValue = Union[str, int, float, bool, None, Sequence[Union[str, int, float, bool, None]]]  # noqa: UP007 - evaluated on 3.10
#: Query parameters as callers pass them: values are scalars or lists of scalars.
QueryParams = Mapping[str, ParamValue]

# httpx class -> (our class, whether the request may have reached the server). Order matters:
# the first match wins, so subclasses come before their bases. `tests/test_transport.py` fails
# if an httpx exception class is missing here.
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[ConnectorError], bool], ...] = (
    (httpx.ConnectTimeout, RequestTimeoutError, False),
    (httpx.PoolTimeout, RequestTimeoutError, False),
    (httpx.TimeoutException, RequestTimeoutError, True),
    (httpx.ConnectError, NetworkError, False),
    (httpx.ProxyError, NetworkError, False),
    (httpx.NetworkError, NetworkError, True),
    (httpx.RemoteProtocolError, NetworkError, True),
    (httpx.LocalProtocolError, InvalidRequestError, False),
    (httpx.UnsupportedProtocol, UnsupportedError, False),
    (httpx.DecodingError, ParsingError, True),
    (httpx.TooManyRedirects, InvalidRequestError, True),
    (httpx.InvalidURL, ValidationError, False),
    (httpx.CookieConflict, ValidationError, False),
    (httpx.StreamError, UnsupportedError, False),
    # Bases last: an exception class httpx adds later still maps to the nearest kind.
    (httpx.TransportError, NetworkError, True),
    (httpx.RequestError, NetworkError, True),
    (httpx.HTTPError, NetworkError, True),
)


#: What httpx raises while sending: `httpx.HTTPError` and the errors outside that tree.
HTTPX_EXCEPTIONS: tuple[type[Exception], ...] = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.CookieConflict,
    httpx.StreamError,
)


def same_origin(url: httpx.URL, base: httpx.URL) -> bool:
    """Return whether ``url`` has the scheme, host and port of ``base``."""
    return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)


def credential_guard(settings: ConnectorSettings) -> Callable[[httpx.Request], None]:
    """Return an httpx request hook that strips credentials from requests leaving the API's origin.

    httpx drops ``Authorization`` on cross-origin redirects but keeps other headers and the query,
    so an API key sent as ``X-API-Key`` or ``?api_key=`` would follow a redirect to another host.
    """
    base = httpx.URL(settings.base_url)
    origin = (base.scheme, base.host, base.port)  # read once: this hook runs on every request
    token_urls = {
        httpx.URL(url) for url in (settings.token_url, *(s.token_url for s in settings.security_schemes)) if url
    }
    names = settings.credential_names()

    def guard(request: httpx.Request) -> None:
        url = request.url
        if (url.scheme, url.host, url.port) == origin or url in token_urls:
            return
        for header in ("Authorization", "Proxy-Authorization", "Cookie", *names):
            request.headers.pop(header, None)
        for name in names:
            if name in request.url.params:
                request.url = request.url.copy_remove_param(name)

    return guard


@cache
def _tls_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Return the verifying TLS context for ``ca_bundle``, built once per process.

    Loading certifi's store takes about 40 ms, which httpx would spend on every client; a context
    is safe to share between clients and threads. The private CA, if any, is added to the usual
    trust store, not put in its place; a bundle file changed later is read by a new process.
    """
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


def _verify(settings: ConnectorSettings) -> ssl.SSLContext:
    return _tls_context(str(settings.ca_bundle) if settings.ca_bundle else None)


def client_options(settings: ConnectorSettings, *, is_async: bool = False) -> dict[str, object]:
    """Return keyword arguments for `httpx.Client` (or, with ``is_async``, `httpx.AsyncClient`)."""
    guard = credential_guard(settings)

    async def async_guard(request: httpx.Request) -> None:
        guard(request)

    return {
        "base_url": settings.base_url.rstrip("/") + "/",
        "timeout": httpx.Timeout(
            connect=settings.timeout_connect,
            read=settings.timeout_read,
            write=settings.timeout_write,
            pool=settings.timeout_pool,
        ),
        "limits": httpx.Limits(
            max_connections=settings.max_concurrency, max_keepalive_connections=settings.max_concurrency
        ),
        # TLS verification is always on (CF-SEC-2); a private CA is added, never a bypass.
        "verify": _verify(settings),
        "event_hooks": {"request": [async_guard if is_async else guard]},
        "headers": {"User-Agent": settings.user_agent, "Accept": "application/json"},
        "follow_redirects": True,
    }


def describe(request: httpx.Request) -> str:
    """Return ``"METHOD host/path"``: what messages and logs may say about a request (no query)."""
    return f"{request.method} {request.url.host}{request.url.path}"


@contextmanager
def map_httpx_errors(request: httpx.Request, redactor: Redactor) -> Iterator[None]:
    """Translate httpx exceptions raised inside the block into `ConnectorError` subclasses."""
    try:
        yield
    except HTTPX_EXCEPTIONS as exc:
        raise translate_httpx_error(exc, request, redactor) from exc


def translate_httpx_error(exc: Exception, request: httpx.Request, redactor: Redactor) -> ConnectorError:
    """Return the `ConnectorError` for an exception in `HTTPX_EXCEPTIONS`; raise it ``from exc``.

    The connectors' send paths call this in a plain ``except HTTPX_EXCEPTIONS`` clause rather
    than entering `map_httpx_errors` on every request: the context manager costs a few
    microseconds per call, and both do the same translation.
    """
    if isinstance(exc, httpx.HTTPStatusError):  # only from raise_for_status(), which the connector never calls
        status = exc.response.status_code
        return error_for_status(status)(f"HTTP {status}", status=status, source=describe(request))
    for httpx_class, error_class, sent in _HTTPX_ERRORS:
        if isinstance(exc, httpx_class):
            reason = redactor.text(str(exc)) or type(exc).__name__
            error = error_class(f"{type(exc).__name__}: {reason}", source=describe(request))
            if hasattr(error, "request_sent"):
                error.request_sent = sent
            return error
    raise TypeError(f"unmapped httpx exception {type(exc).__name__}") from exc


def decode_body(response: httpx.Response, source: str | None = None, *, media_type: str | None = None) -> JSONValue:
    """Return the decoded body: JSON for JSON media types, text otherwise, None when empty.

    ``source`` names the call in a `ParsingError`; by default, `describe` of the response's request.
    ``media_type`` is the ``Content-Type`` header when the caller has read it already.
    """
    content = response.content
    if not content:
        return None
    if media_type is None:
        media_type = response.headers.get("content-type", "")
    media_type = media_type.partition(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            data: JSONValue = json.loads(content)
        except ValueError as exc:
            where = source or describe(response.request)
            raise ParsingError(f"invalid JSON in {response.status_code} response", source=where) from exc
        return data
    return response.text


def _api_message(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        for key in ("message", "error_description", "detail", "error", "errors"):
            value = body.get(key)
            if isinstance(value, str):
                return value[:300]
            if isinstance(value, list):  # FastAPI and others: "detail": [{"loc": [...], "msg": "..."}]
                messages = [str(item["msg"]) for item in value if isinstance(item, dict) and "msg" in item]
                if messages:
                    return "; ".join(messages)[:300]
    return None


def error_from_response(
    response: httpx.Response, *, redactor: Redactor, correlation_id: str, retry_after: float | None
) -> ConnectorError:
    """Return the error for an HTTP error status (4xx or 5xx)."""
    status = response.status_code
    source = describe(response.request)
    details: dict[str, object] = {}
    message = _api_message(response)
    if message:
        details["api_message"] = redactor.text(message)
    return error_for_status(status)(
        f"HTTP {status} {response.reason_phrase}".strip(),
        status=status,
        retryable=is_retryable_status(status),
        correlation_id=correlation_id,
        source=source,
        details=details,
        retry_after=retry_after,
    )
