"""The error tree (CF-ERR): one root, stable codes, attributes, the httpx boundary, bad JSON."""

from __future__ import annotations

import inspect

import httpx
import pytest

from ..api import errors, redaction, transport
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec

EXPECTED_CODES = {
    "NETWORK_ERROR", "TIMEOUT", "AUTH_FAILED", "RATE_LIMIT", "INVALID_REQUEST", "NOT_FOUND",
    "SERVER_ERROR", "PARSING_ERROR", "VALIDATION_ERROR", "CANCELLED", "UNSUPPORTED", "CIRCUIT_OPEN",
}  # fmt: skip


@spec("CF-ERR-1", "CF-ERR-2")
def test_every_error_class_descends_from_connector_error_with_a_stable_code() -> None:
    """All exported error classes subclass ConnectorError; the codes are exactly SPEC's list."""
    classes = [obj for _, obj in inspect.getmembers(errors, inspect.isclass) if issubclass(obj, Exception)]
    assert all(issubclass(cls, errors.ConnectorError) for cls in classes)
    assert {code.value for code in errors.ErrorCode} == EXPECTED_CODES
    assert {cls.code.value for cls in classes} <= EXPECTED_CODES


@spec("CF-ERR-2", "CF-ERR-3")
@pytest.mark.parametrize(
    ("status", "error_class", "code", "retryable"),
    [
        (400, errors.InvalidRequestError, "INVALID_REQUEST", False),
        (401, errors.AuthError, "AUTH_FAILED", False),
        (404, errors.NotFoundError, "NOT_FOUND", False),
        (408, errors.InvalidRequestError, "INVALID_REQUEST", True),
        (429, errors.RateLimitError, "RATE_LIMIT", True),
        (500, errors.ServerError, "SERVER_ERROR", True),
        (501, errors.ServerError, "SERVER_ERROR", False),
    ],
)
def test_statuses_map_to_classes_codes_and_attributes(
    make: MakeDriver, server: FaultServer, status: int, error_class: type, code: str, retryable: bool
) -> None:
    """Each status becomes its class with code, status, retryable, correlation id, source and details."""
    server.script("/e", *[Reply(status, {"message": "explained"})] * 4)
    with pytest.raises(error_class) as caught:
        make(max_retries=0)("get", "e")
    error = caught.value
    assert (error.code.value, error.status, error.retryable) == (code, status, retryable)
    assert error.source == "GET 127.0.0.1/e"
    assert error.correlation_id == server.requests_to("/e")[0].headers["X-Correlation-ID"]
    assert error.details == {"api_message": "explained"}


@spec("CF-ERR-3")
def test_the_original_exception_is_chained(make: MakeDriver) -> None:
    """A network error keeps the httpx exception as its cause."""
    with pytest.raises(errors.NetworkError) as caught:
        make(base_url="http://127.0.0.1:9", max_retries=0)("get", "x")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def _httpx_exception_classes() -> list[type[Exception]]:
    found: list[type[Exception]] = []
    for _, obj in inspect.getmembers(httpx, inspect.isclass):
        if issubclass(obj, Exception) and obj.__module__.startswith("httpx"):
            found.append(obj)
    return found


def _instantiate(httpx_class: type[Exception], request: httpx.Request) -> Exception:
    response = httpx.Response(500, request=request)
    attempts: list[tuple[tuple[object, ...], dict[str, object]]] = [
        (("boom",), {"request": request}),
        (("boom",), {"request": request, "response": response}),
        (("boom",), {}),
        ((), {}),
    ]
    for args, kwargs in attempts:
        try:
            return httpx_class(*args, **kwargs)
        except TypeError:
            continue
    raise AssertionError(f"cannot build {httpx_class.__name__}")


@spec("CF-ERR-4")
@pytest.mark.parametrize("httpx_class", _httpx_exception_classes(), ids=lambda cls: cls.__name__)
def test_every_httpx_exception_is_translated(httpx_class: type[Exception]) -> None:
    """Each httpx exception raised at the boundary comes out as a ConnectorError, cause kept."""
    request = httpx.Request("GET", "https://api.example.com/x?api_key=secret")
    exc = _instantiate(httpx_class, request)
    with pytest.raises(errors.ConnectorError) as caught, transport.map_httpx_errors(request, redaction.Redactor([])):
        raise exc
    assert caught.value.__cause__ is exc
    assert "api_key" not in str(caught.value)


@spec("CF-ERR-5")
def test_malformed_json_in_a_success_is_a_parsing_error(make: MakeDriver, server: FaultServer) -> None:
    """A 200 whose JSON does not parse raises PARSING_ERROR, not retried."""
    server.script("/bad", Reply(200, body=b'{"broken": ', headers={"Content-Type": "application/json"}))
    with pytest.raises(errors.ParsingError) as caught:
        make()("get", "bad")
    assert caught.value.code is errors.ErrorCode.PARSING_ERROR
    assert len(server.requests_to("/bad")) == 1


@spec("CF-SEC-3")
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"message": "quota spent"}, "quota spent"),
        ({"error_description": "token expired"}, "token expired"),
        (
            {"detail": [{"loc": ["path", "lat"], "msg": "must be at most 90"}, {"msg": "bad lon"}]},
            "must be at most 90; bad lon",
        ),
    ],
    ids=["message", "oauth", "list-of-problems"],
)
def test_the_apis_own_message_reaches_details(make: MakeDriver, server: FaultServer, body: dict, message: str) -> None:  # type: ignore[type-arg]
    """Common error bodies, FastAPI's list of problems included, give their message in `details`."""
    server.script("/e", Reply(422, body))
    with pytest.raises(errors.InvalidRequestError) as caught:
        make(max_retries=0)("get", "e")
    assert caught.value.details["api_message"] == message
