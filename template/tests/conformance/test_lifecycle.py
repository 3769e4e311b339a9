"""Lifecycle, the request primitive, configuration and validation (CF-LIFE, CF-REQ, CF-CONF, CF-VAL)."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from ..api import ENV_PREFIX, AsyncConnector, Config, Connector, errors
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec


@spec("CF-LIFE-1")
def test_connects_lazily_on_first_request(make: MakeDriver, server: FaultServer) -> None:
    """No pool until the first call; connect() opens one explicitly."""
    api = make()
    assert api("is_connected") is False
    assert api("get", "ping").status == 200
    assert api("is_connected") is True
    other = make()
    other("connect")
    assert other("is_connected") is True
    assert server.received[0].path == "/ping"


@spec("CF-LIFE-2")
def test_context_managers_close_the_pool(server: FaultServer) -> None:
    """`with` and `async with` open and close the connection pool."""
    import anyio

    from ..conftest import settings_for

    with Connector(settings_for(server)) as api:
        assert api.is_connected
    assert not api.is_connected

    async def run() -> bool:
        async with AsyncConnector(settings_for(server)) as async_api:
            assert async_api.is_connected
        return async_api.is_connected

    assert anyio.run(run) is False


@spec("CF-LIFE-3")
def test_disconnect_waits_for_in_flight_requests_then_refuses_use(server: FaultServer) -> None:
    """A slow call started before disconnect() completes; later calls raise UnsupportedError."""
    import threading

    from ..conftest import settings_for

    server.script("/slow", Reply(200, {"slow": True}, delay=0.3))
    api = Connector(settings_for(server))
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(api.get("slow").data))
    worker.start()
    while not server.requests_to("/slow"):
        pass
    api.disconnect()
    worker.join()
    assert results == [{"slow": True}]
    with pytest.raises(errors.UnsupportedError):
        api.get("ping")


@spec("CF-LIFE-3")
def test_async_disconnect_refuses_later_use(make: MakeDriver) -> None:
    """Both shells refuse use after disconnect()."""
    api = make()
    api("get", "ping")
    api.close()
    with pytest.raises(errors.UnsupportedError):
        api("get", "ping")


@spec("CF-LIFE-4")
def test_sync_and_async_connectors_have_the_same_public_api() -> None:
    """Same public names, same parameters (only def/async def differ)."""

    def public(cls: type) -> dict[str, inspect.Signature]:
        return {
            name: inspect.signature(member)
            for name, member in inspect.getmembers(cls)
            if not name.startswith("_") and callable(member)
        }

    sync_api, async_api = public(Connector), public(AsyncConnector)
    assert sync_api.keys() == async_api.keys()
    for name, signature in sync_api.items():
        assert list(signature.parameters) == list(async_api[name].parameters), name


@spec("CF-REQ-1", "CF-REQ-2")
@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_helpers_send_their_method_through_request(make: MakeDriver, server: FaultServer, method: str) -> None:
    """Each helper sends its HTTP method, query and JSON body through the one primitive."""
    api = make()
    kwargs: dict[str, Any] = {"params": {"q": "x"}}
    if method in ("post", "put", "patch"):
        kwargs["json"] = {"a": 1}
    response = api(method, "things", **kwargs)
    received = server.received[-1]
    assert received.method == method.upper()
    assert received.query == {"q": ["x"]}
    assert response.data["method"] == method.upper()
    if "json" in kwargs:
        assert received.body == b'{"a":1}' or received.body == b'{"a": 1}'


@spec("CF-REQ-1")
def test_request_takes_method_path_params_json_headers_timeout(make: MakeDriver, server: FaultServer) -> None:
    """request(method, path, *, params, json, headers, timeout) sends each part."""
    api = make()
    api("request", "POST", "raw", params={"a": "1"}, json=[1, 2], headers={"X-Extra": "yes"}, timeout=5.0)
    received = server.received[-1]
    assert (received.method, received.path, received.query) == ("POST", "/raw", {"a": ["1"]})
    assert received.headers["X-Extra"] == "yes"


@spec("CF-REQ-3")
def test_response_keeps_status_headers_data_and_meta(make: MakeDriver, server: FaultServer) -> None:
    """meta carries duration, attempts, correlation id and the rate-limit status."""
    server.script("/meta", Reply(503), Reply(200, {"v": 1}, headers={"X-RateLimit-Remaining": "9"}))
    response = make()("get", "meta")
    assert response.status == 200
    assert response.headers["X-RateLimit-Remaining"] == "9"
    assert response.data == {"v": 1}
    assert response.meta.attempts == 2
    assert response.meta.duration >= 0
    assert response.meta.rate_limit.remaining == 9
    assert len(response.meta.correlation_id) == 32


@spec("CF-REQ-4")
def test_correlation_id_is_sent_on_every_attempt_and_replaced_by_the_servers(
    make: MakeDriver, server: FaultServer
) -> None:
    """One ID per logical call, the same on each retry; the server's X-Request-ID wins."""
    server.script("/c", Reply(503), Reply(200, {}, headers={"X-Request-ID": "srv-123"}))
    response = make()("get", "c")
    sent = [request.headers["X-Correlation-ID"] for request in server.requests_to("/c")]
    assert len(sent) == 2
    assert sent[0] == sent[1]
    assert response.meta.correlation_id == "srv-123"
    other = make()("get", "c")
    assert other.meta.correlation_id != sent[0]


@spec("CF-REQ-5")
def test_bodies_are_decoded_by_media_type(make: MakeDriver, server: FaultServer) -> None:
    """JSON is decoded, text stays text, an empty body is None."""
    server.script("/t", Reply(200, body=b"plain", headers={"Content-Type": "text/plain"}))
    server.script("/e", Reply(204))
    api = make()
    assert api("get", "t").data == "plain"
    assert api("get", "e").data is None
    assert api("get", "j").data["ok"] is True


@spec("CF-CONF-1")
def test_every_setting_comes_from_keywords_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """<PREFIX>_<FIELD> environment variables set fields; keywords win over them."""
    monkeypatch.setenv(f"{ENV_PREFIX}MAX_RETRIES", "7")
    monkeypatch.setenv(f"{ENV_PREFIX}TIMEOUT_READ", "4.5")
    monkeypatch.setenv(f"{ENV_PREFIX}BASE_URL", "https://env.example.com")
    config = Config()
    assert (config.max_retries, config.timeout_read, config.base_url) == (7, 4.5, "https://env.example.com")
    assert Config(max_retries=1).max_retries == 1


@spec("CF-CONF-2")
def test_credentials_are_secret_strings_read_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens come from the environment as SecretStr and never show in the settings' repr."""
    monkeypatch.setenv(f"{ENV_PREFIX}TOKEN", "tok-very-secret")
    config = Config()
    assert config.token is not None
    assert config.token.get_secret_value() == "tok-very-secret"
    assert "tok-very-secret" not in repr(config)
    assert "tok-very-secret" not in str(config.model_dump())


@spec("CF-CONF-3", "CF-VAL-1")
@pytest.mark.parametrize(
    ("field", "value"),
    [("base_url", "ftp://x"), ("base_url", "not a url"), ("max_retries", -1), ("timeout_read", 0), ("rate_limit", 0)],
)
def test_invalid_settings_are_rejected_naming_the_field(field: str, value: object) -> None:
    """Bad values fail when the config is built, and the error names the field."""
    import pydantic

    with pytest.raises(pydantic.ValidationError, match=field):
        Config(**{field: value})  # type: ignore[arg-type]


@spec("CF-CONF-3")
@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [("TIMEOUT_READ", "-1", "must be above 0"), ("MAX_RETRIES", "many", "valid integer")],
)
def test_the_command_line_names_an_invalid_setting_and_its_rule(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, rule: str
) -> None:
    """A bad <PREFIX>_* variable: the variable and the rule on stderr, exit 2, no traceback, no secret, no call."""
    import io

    from ..api import cli

    monkeypatch.setenv(ENV_PREFIX + "BASE_URL", server.url)
    monkeypatch.setenv(ENV_PREFIX + "TOKEN", "tok-51e7-PLANTED")
    monkeypatch.setenv(ENV_PREFIX + variable, value)
    err = io.StringIO()
    assert cli.main(["check"], connector_class=Connector, stdout=io.StringIO(), stderr=err) == cli.EXIT_USAGE
    message = err.getvalue()
    assert f"error: invalid setting {ENV_PREFIX}{variable} ({variable.lower()}): " in message
    assert rule in message
    assert "Traceback" not in message
    assert "tok-51e7-PLANTED" not in message
    assert f"={value}" not in message
    assert server.received == []


@spec("CF-LIFE-3", "CF-ERR-1")
def test_disconnect_during_a_retry_wait_ends_the_call_with_unsupported(server: FaultServer) -> None:
    """A call whose retry is pending when the pool closes raises UnsupportedError, not RuntimeError."""
    from ..api import testing
    from ..conftest import settings_for

    class ClosingClock(testing.FakeClock):
        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            api.disconnect()

    server.script("/flaky", Reply(503))
    api = Connector(settings_for(server), clock=ClosingClock())
    with pytest.raises(errors.UnsupportedError, match="disconnected"):
        api.get("flaky")


@spec("CF-LIFE-2")
def test_context_managers_return_the_subclass_type() -> None:
    """`with XConnector() as api` gives an XConnector, so its own methods type-check."""
    hints = {
        "sync": inspect.signature(Connector.__enter__).return_annotation,
        "async": inspect.signature(AsyncConnector.__aenter__).return_annotation,
    }
    assert hints == {"sync": "SyncSelf", "async": "AsyncSelf"}
