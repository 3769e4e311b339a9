"""Secrets and transport security (CF-SEC, CF-OBS-3): plant secrets, look everywhere for them."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any
from urllib.parse import quote, quote_plus

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
    for settings in (Config(), Config(ca_bundle=certifi.where())):
        context = transport.client_options(settings)["verify"]
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


ECHOED_KEY = "key-e3c0-PLANTED"


def _echoing(make: MakeDriver, server: FaultServer, kind: str, hooks: events.Hooks | None = None) -> Any:
    """A connector whose key the server repeats in every next link it sends."""
    server.echo_param = "api_key"
    return make(
        auth="api_key_query",
        auth_param_name="api_key",
        api_key=ECHOED_KEY,
        pagination=kind,
        records_path="data",
        page_size=10,
        page_size_param="limit",
        next_path="next",
        hooks=hooks,
    )


@spec("CF-SEC-7")
@pytest.mark.parametrize("kind", ["next_url", "link_header"])
def test_a_key_echoed_in_next_links_is_kept_nowhere_and_sent_once(
    make: MakeDriver, server: FaultServer, kind: str
) -> None:
    """Page, PageState and before_request hooks never hold the echoed key; each request carries it once."""
    before: list[str] = []
    answers: list[str] = []
    hooks = events.Hooks(
        before_request=[lambda request: before.append(str(request.url))],
        after_response=[lambda response: answers.append(f"{response.headers} {response.text}")],
    )
    pages = _echoing(make, server, kind, hooks).collect("pages", f"{kind}/items")
    assert [record["id"] for page in pages for record in page.records] == list(range(45))
    kept = [repr(page) for page in pages] + [json.dumps(page.next.to_json()) for page in pages if page.next]
    assert len(before) == 5
    assert not [text for text in kept + before if ECHOED_KEY in text]
    assert [request.query["api_key"] for request in server.requests_to(f"/{kind}/items")] == [[ECHOED_KEY]] * 5
    # The API did echo it: after_response hooks get the answer as it was sent (SPEC.md, CF-SEC-6).
    assert ECHOED_KEY in " ".join(answers)


@spec("CF-SEC-6")
def test_debug_records_of_every_httpx_and_httpcore_logger_hide_an_echoed_key(
    make: MakeDriver, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    """httpcore.http11 logs raw headers at DEBUG, the echoed Link among them: the key shows as ***."""
    caplog.set_level(logging.DEBUG)
    assert len(_echoing(make, server, "link_header").collect("items", "link_header/items")) == 45
    assert {"httpx", "httpcore.connection", "httpcore.http11"} <= {record.name for record in caplog.records}
    origin = server.url.split("//")[1]  # in the logged headers only inside a Link (digits: no secret hides them)
    headers = [r.getMessage() for r in caplog.records if r.name == "httpcore.http11" and origin in r.getMessage()]
    assert len(headers) == 4  # the raw headers of the four answers with a next link were logged ...
    leaks = [r.name for r in caplog.records if ECHOED_KEY in r.getMessage() or ECHOED_KEY in str(r.__dict__)]
    assert leaks == []  # ... with the key hidden, on every logger


@spec("CF-SEC-6")
@pytest.mark.parametrize("auth", ["basic", "api_key_query"])
def test_credentials_echoed_in_an_error_body_are_hidden_in_every_encoding(
    make: MakeDriver, server: FaultServer, auth: str
) -> None:
    """An API that repeats `Authorization: Basic <base64>` or a percent-encoded key: details shows ***."""
    key = "k/e+y 8c1-PLANTED"  # characters that a URL encodes
    basic = base64.b64encode(f"ann:{SECRETS['password']}".encode()).decode()
    forms = [basic] if auth == "basic" else [quote(key, safe=""), quote_plus(key)]
    server.script("/echo", Reply(400, {"message": "rejected " + " and ".join(forms)}))
    api = make(auth=auth, username="ann", password=SECRETS["password"], api_key=key, auth_param_name="api_key")
    with pytest.raises(errors.InvalidRequestError) as caught:
        api("get", "echo")
    details = str(caught.value.details["api_message"])
    assert details.startswith("rejected ***")
    for text in (details, str(caught.value), repr(caught.value)):
        for form in (*forms, key, SECRETS["password"]):
            assert form not in text


@spec("CF-SEC-6")
def test_username_and_client_id_stay_out_of_reprs_and_dumps(make: MakeDriver, server: FaultServer) -> None:
    """They identify the account: repr() and model_dump() leave them out, yet they still work."""
    user, client_id = "ann-5d1-PLANTED", "app-9e2-PLANTED"
    config = Config(auth="basic", username=user, password="pw", client_id=client_id)
    shown = [repr(config), str(config), str(config.model_dump()), config.model_dump_json()]
    assert not [text for text in shown if user in text or client_id in text]
    assert (config.username, config.client_id) == (user, client_id)
    make(auth="basic", username=user, password="pw")("get", "s")
    sent = {name.lower(): value for name, value in server.requests_to("/s")[0].headers.items()}["authorization"]
    assert base64.b64decode(sent.split()[1]).decode() == f"{user}:pw"
