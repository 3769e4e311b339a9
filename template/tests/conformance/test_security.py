"""Secrets and transport security (CF-SEC, CF-OBS-3): plant secrets, look everywhere for them."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from ..api import Config, client, errors, events, transport
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec

SECRETS = {"token": "tok-4f9a-PLANTED", "api_key": "key-77b1-PLANTED", "password": "pw-c0de-PLANTED"}


def _texts(value: Any) -> list[str]:
    found = [str(value), repr(value)]
    cause = getattr(value, "__cause__", None)
    if cause is not None:
        found += [str(cause), repr(cause)]
    return found


@spec("CF-SEC-1", "CF-OBS-3")
@pytest.mark.parametrize("auth", ["api_key_query", "api_key_header", "bearer", "basic"])
def test_planted_secrets_appear_in_no_log_error_repr_or_hook_payload(
    make: MakeDriver, server: FaultServer, caplog: pytest.LogCaptureFixture, auth: str
) -> None:
    """Successes, retries, 401s, resets and malformed bodies leak no credential anywhere."""
    caplog.set_level(logging.DEBUG)
    captured: list[Any] = []
    hooks = events.Hooks(
        # Each attempt's hooks see the request before auth: a retry must not show them the first one's.
        before_request=[lambda request: captured.append((str(request.url), dict(request.headers)))],
        after_response=[lambda response: captured.append((str(response.request.url), dict(response.request.headers)))],
        on_retry=[captured.append],
        on_error=[captured.append],
        on_throttle=[captured.append],
    )
    server.script("/s", Reply(503), Reply(reset=True), Reply(200, {"ok": 1}))
    server.script("/denied", Reply(401, {"message": f"bad key {SECRETS['api_key']}"}))
    server.script("/garbled", Reply(200, body=b"{", headers={"Content-Type": "application/json"}))
    api = make(auth=auth, username="ann", auth_param_name="api_key", rate_limit=100.0, hooks=hooks, **SECRETS)
    texts: list[str] = [repr(api.connector), repr(api.connector.settings), str(api.connector.settings)]
    texts += _texts(api("get", "s"))
    for path in ("denied", "garbled"):
        with pytest.raises(errors.ConnectorError) as caught:
            api("get", path)
        texts += [*_texts(caught.value), str(caught.value.details)]
    texts += [record.getMessage() for record in caplog.records] + [str(record.__dict__) for record in caplog.records]
    texts += [repr(item) for item in captured]
    assert len([item for item in captured if isinstance(item, tuple)]) >= 6  # 3 attempts at /s, seen twice each
    for secret in SECRETS.values():
        assert not [text for text in texts if secret in text], secret
    # The credential really was sent: the test would prove nothing otherwise.
    sent = str([(r.query, r.headers) for r in server.requests_to("/s")])
    assert any(secret in sent for secret in SECRETS.values()) or "Basic" in sent


@spec("CF-SEC-2")
def test_tls_verification_cannot_be_turned_off() -> None:
    """There is no setting that disables verification; a CA bundle only adds trust."""
    import ssl

    import certifi

    assert "verify" not in Config.model_fields
    assert transport.client_options(Config())["verify"] is True
    context = transport.client_options(Config(ca_bundle=certifi.where()))["verify"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert not hasattr(client.Connector, "insecure")


@spec("CF-SEC-3")
def test_messages_name_method_host_path_and_status_only(make: MakeDriver, server: FaultServer) -> None:
    """Error text carries no query string, header or body."""
    server.script("/private", Reply(404, {"detail": "missing"}))
    with pytest.raises(errors.NotFoundError) as caught:
        make(max_retries=0)("get", "private", params={"email": "ann@example.com"})
    message = str(caught.value)
    assert "GET 127.0.0.1/private" in message
    assert "404" in message
    assert "ann@example.com" not in message
    assert "X-Correlation-ID" not in message


@spec("CF-SEC-3", "CF-PAGE-4")
@pytest.mark.parametrize("auth", ["api_key_header", "api_key_query", "bearer"])
def test_a_redirect_to_another_origin_carries_no_credential(make: MakeDriver, server: FaultServer, auth: str) -> None:
    """Following a redirect to another host strips the key header, the key parameter and Authorization."""
    with FaultServer() as elsewhere:
        server.script("/moved", Reply(302, headers={"Location": f"{elsewhere.url}/landing?x=1"}))
        make(auth=auth, auth_param_name="api_key", **SECRETS)("get", "moved")
        assert server.requests_to("/moved")  # the credential went to the API ...
        landed = elsewhere.requests_to("/landing")
        assert len(landed) == 1
        sent = str((landed[0].query, landed[0].headers))  # ... but not to the other host
        assert landed[0].query == {"x": ["1"]}
        for secret in SECRETS.values():
            assert secret not in sent


@spec("CF-SEC-3")
def test_absolute_urls_on_another_origin_are_refused(make: MakeDriver) -> None:
    """request() will not send the connector's credentials to a host other than base_url's."""
    with pytest.raises(errors.ValidationError, match="not the API's host"):
        make(auth="bearer", token="t")("get", "https://elsewhere.example.com/steal")
