"""The OpenWeather connector against a local server that answers like the API, from tests/fixtures/."""

from __future__ import annotations

import datetime
import inspect
import json
import logging
import random
import runpy
import typing
from pathlib import Path
from typing import Any

import pytest

from .api import ENV_PREFIX, Config, Connector, errors, events, package, testing
from .conftest import MakeDriver
from .server import FaultServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "ow-5e3d91c7-PLANTED-KEY"
CURRENT, FORECAST, ONE_CALL = "/data/2.5/weather", "/data/2.5/forecast", "/data/3.0/onecall"
DIRECT, REVERSE = "/geo/1.0/direct", "/geo/1.0/reverse"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def keyed(make: MakeDriver, monkeypatch: pytest.MonkeyPatch) -> MakeDriver:
    """Connectors that authenticate as the preset does: the key from the environment, sent as ``appid``."""
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEY", KEY)

    def build(**overrides: Any) -> Any:
        return make(auth="api_key_query", **overrides)

    return build


def test_the_preset_sends_the_key_as_the_appid_query_parameter() -> None:
    """The rendered defaults: API key in the query, under the name OpenWeather reads."""
    settings = Config(api_key="k")
    assert (settings.auth, settings.auth_param_name) == ("api_key_query", "appid")
    assert settings.base_url == "https://api.openweathermap.org"


def test_current_weather_sends_coordinates_units_and_lang(keyed: MakeDriver, server: FaultServer) -> None:
    """`get_current_weather` sends lat, lon, units and lang with the key, and parses the answer."""
    server.script(CURRENT, Reply(200, fixture("get_current_weather")))
    current = keyed()("get_current_weather", lat=47.0502, lon=8.3093, units="standard", lang="de")
    assert current.name == "Lucerne"
    assert current.main.temp == pytest.approx(287.36)
    assert current.rain is not None
    [request] = server.requests_to(CURRENT)
    assert request.query == {
        "lat": ["47.0502"],
        "lon": ["8.3093"],
        "units": ["standard"],
        "lang": ["de"],
        "appid": [KEY],
    }


@pytest.mark.parametrize(
    ("method", "arguments"),
    [
        ("get_current_weather", {"lat": 90.5, "lon": 0}),
        ("get_current_weather", {"lat": -91, "lon": 0}),
        ("get_current_weather", {"lat": 0, "lon": 180.01}),
        ("get_current_weather", {"lat": 0, "lon": -181}),
        ("get_current_weather", {"lat": 0, "lon": 0, "units": "celsius"}),
        ("get_current_weather", {"lat": 0, "lon": 0, "lang": "english"}),
        ("get_current_weather", {"lat": 0, "lon": 0, "lang": "EN"}),
        ("get_forecast", {"lat": 0, "lon": 0, "cnt": 41}),
        ("get_forecast", {"lat": 0, "lon": 0, "cnt": 0}),
        ("get_one_call_weather", {"lat": 0, "lon": 0, "exclude": ["weekly"]}),
        ("get_places_by_coordinates", {"lat": 95, "lon": 0}),
        ("get_coordinates_by_name", {"q": ""}),
        ("get_coordinates_by_name", {"q": "Lucerne", "limit": 6}),
        ("weather", {"lat": 120, "lon": 0}),
        ("weather", {"lat": 0, "lon": 0, "units": "kelvin"}),
    ],
    ids=[
        "lat-above-90",
        "lat-below-minus-90",
        "lon-above-180",
        "lon-below-minus-180",
        "unknown-units",
        "unknown-lang",
        "upper-case-lang",
        "cnt-above-40",
        "cnt-zero",
        "unknown-exclude",
        "reverse-lat",
        "empty-place-name",
        "limit-above-5",
        "weather-lat",
        "weather-units",
    ],
)
def test_bad_coordinates_units_and_languages_are_refused_before_sending(
    keyed: MakeDriver, server: FaultServer, method: str, arguments: dict[str, Any]
) -> None:
    """Bounds and enums from the description are checked locally, so no call of the quota is spent."""
    with pytest.raises(errors.ValidationError):
        keyed()(method, **arguments)
    assert server.received == []


def test_the_bounds_themselves_are_accepted(keyed: MakeDriver, server: FaultServer) -> None:
    """-90/90 and -180/180 are valid coordinates: the poles and the antimeridian."""
    server.script(CURRENT, Reply(200, fixture("get_current_weather")), Reply(200, fixture("get_current_weather")))
    api = keyed()
    api("get_current_weather", lat=90, lon=-180)
    api("get_current_weather", lat=-90, lon=180)
    assert [r.query["lat"] for r in server.requests_to(CURRENT)] == [["90.0"], ["-90.0"]]


def _literal_values(hint: Any) -> tuple[Any, ...]:
    """Return the values of ``Literal[...] | None``."""
    [literal] = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return typing.get_args(literal)


def test_weather_takes_the_choices_the_description_lists() -> None:
    """`weather` accepts the `units` and `lang` values of the generated methods (their shared aliases)."""
    extensions = package.extensions
    generated = typing.get_type_hints(inspect.unwrap(extensions.Extensions.get_current_weather), include_extras=True)
    own = typing.get_type_hints(extensions.Extensions.weather, include_extras=True)
    for name in ("units", "lang"):
        assert _literal_values(own[name]) == _literal_values(generated[name])
    assert "zh_cn" in _literal_values(own["lang"])


def test_weather_uses_the_free_25_endpoints_by_default(keyed: MakeDriver, server: FaultServer) -> None:
    """Without `one_call`: current weather and the 3-hour forecast, two calls, no One Call."""
    server.script(CURRENT, Reply(200, fixture("get_current_weather")))
    server.script(FORECAST, Reply(200, fixture("get_forecast")))
    weather = keyed()("weather", lat=47.0502, lon=8.3093, units="metric", lang="en")
    assert weather.source == "2.5"
    assert weather.current.temperature == pytest.approx(287.36)
    assert weather.current.description == "light rain"
    assert weather.current.precipitation_probability is None
    assert weather.current.time == datetime.datetime(2024, 6, 11, 10, 9, tzinfo=datetime.timezone.utc)
    assert [step.time.hour for step in weather.forecast] == [15, 18, 21]
    assert weather.forecast[0].precipitation_probability == pytest.approx(0.64)
    assert weather.alerts == ()
    assert (weather.lat, weather.lon, weather.utc_offset) == (47.0502, 8.3093, 7200)
    assert [r.path for r in server.received] == [CURRENT, FORECAST]
    assert all(r.query["units"] == ["metric"] and r.query["appid"] == [KEY] for r in server.received)


def test_weather_uses_one_call_30_when_configured(keyed: MakeDriver, server: FaultServer) -> None:
    """With `one_call=True`: one One Call 3.0 call, without the parts `weather` does not use."""
    server.script(ONE_CALL, Reply(200, fixture("get_one_call_weather")))
    weather = keyed(one_call=True)("weather", lat=47.0502, lon=8.3093, units="metric")
    assert weather.source == "3.0"
    assert weather.current.temperature == pytest.approx(14.21)
    assert [step.temperature for step in weather.forecast] == [14.21, 14.9]
    assert weather.forecast[1].precipitation_probability == pytest.approx(0.4)
    assert [alert.event for alert in weather.alerts] == ["Thunderstorm warning, level 2"]
    assert weather.utc_offset == 7200
    [request] = server.received
    assert request.path == ONE_CALL
    assert request.query["exclude"] == ["minutely,daily"]
    assert request.query["appid"] == [KEY]


def test_one_call_is_switched_on_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``OPENWEATHER_ONE_CALL=true`` turns One Call on; it is off by default."""
    assert Config(api_key="k").one_call is False
    monkeypatch.setenv(f"{ENV_PREFIX}ONE_CALL", "true")
    settings = Config(api_key="k")
    assert settings.one_call is True
    assert package.extensions.uses_one_call(settings)


def test_a_one_call_answer_without_current_conditions_is_a_parsing_error(
    keyed: MakeDriver, server: FaultServer
) -> None:
    """`weather` needs the `current` part; an answer without it is reported, not half-filled."""
    answer = {key: value for key, value in fixture("get_one_call_weather").items() if key != "current"}
    server.script(ONE_CALL, Reply(200, answer))
    with pytest.raises(errors.ParsingError, match="current"):
        keyed(one_call=True)("weather", lat=47.05, lon=8.31)


def test_one_call_without_its_subscription_is_an_auth_error(keyed: MakeDriver, server: FaultServer) -> None:
    """A key without "One Call by Call" gets 401 from One Call: an AuthError, not retried."""
    body = fixture("error_401")
    server.script(ONE_CALL, Reply(401, body))
    with pytest.raises(errors.AuthError) as caught:
        keyed(one_call=True)("weather", lat=47.05, lon=8.31)
    assert caught.value.details["api_message"] == body["message"]
    assert caught.value.attempts == 1


def test_geocoding_finds_places_and_an_unknown_name_gives_an_empty_list(keyed: MakeDriver, server: FaultServer) -> None:
    """Direct geocoding returns up to `limit` places; no match is an empty list, not an error."""
    server.script(DIRECT, Reply(200, fixture("get_coordinates_by_name")), Reply(200, []))
    api = keyed()
    places = api("get_coordinates_by_name", q="Springfield,US", limit=3).root
    assert [place.state for place in places] == ["Illinois", "Missouri", "Massachusetts"]
    assert api("get_coordinates_by_name", q="Nowhere-at-all").root == []
    assert server.requests_to(DIRECT)[0].query == {"q": ["Springfield,US"], "limit": ["3"], "appid": [KEY]}


def test_reverse_geocoding_names_the_place_at_a_point(keyed: MakeDriver, server: FaultServer) -> None:
    """Reverse geocoding returns the places nearest to the coordinates, with local names."""
    server.script(REVERSE, Reply(200, fixture("get_places_by_coordinates")))
    [place] = keyed()("get_places_by_coordinates", lat=47.05, lon=8.31, limit=1).root
    assert place.local_names == {"de": "Luzern", "en": "Lucerne", "fr": "Lucerne", "it": "Lucerna", "rm": "Lucerna"}


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, errors.InvalidRequestError), (401, errors.AuthError), (404, errors.NotFoundError)],
    ids=["400", "401", "404"],
)
def test_error_bodies_become_errors_with_the_api_message(
    keyed: MakeDriver, server: FaultServer, status: int, error: type[errors.ConnectorError]
) -> None:
    """`{"cod": ..., "message": ...}` maps by HTTP status (cod is a number or a string), not retried."""
    body = fixture(f"error_{status}")
    server.script(CURRENT, Reply(status, body))
    with pytest.raises(error) as caught:
        keyed()("get_current_weather", lat=47.05, lon=8.31)
    assert caught.value.status == status
    assert caught.value.details["api_message"] == body["message"]
    assert caught.value.attempts == 1


def test_a_429_is_retried_with_backoff_and_reported_with_the_api_message(
    keyed: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """OpenWeather sends no Retry-After: a 429 is retried with the backoff; if it lasts, RateLimitError."""
    body = fixture("error_429")
    server.script(CURRENT, *[Reply(429, body)] * 4)
    with pytest.raises(errors.RateLimitError) as caught:
        keyed()("get_current_weather", lat=47.05, lon=8.31)
    assert caught.value.details["api_message"] == body["message"]
    assert caught.value.attempts == 4
    assert len(clock.sleeps) == 3
    assert all(low / 2 <= wait <= low for wait, low in zip(clock.sleeps, [1.0, 2.0, 4.0], strict=True))


def test_the_connector_keeps_the_free_tier_quotas(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defaults: 60 calls a minute and 1,000 a day (One Call's free allowance); One Call off."""
    monkeypatch.delenv(f"{ENV_PREFIX}QUOTA_PER_DAY", raising=False)
    settings = Config(api_key="k")
    assert (settings.quota_per_minute, settings.quota_per_day) == (60, 1000)
    assert settings.quotas() == ((60, 60.0), (1000, 86400.0))


def test_the_61st_call_in_a_minute_waits(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """60 calls go out at once; the 61st waits until the first leaves the 60 s window."""
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEY", KEY)
    throttled: list[events.ThrottleEvent] = []
    settings = Config(base_url=server.url, timeout_read=2.0, drain_timeout=2.0)  # the preset's own limits
    api = make(settings=settings, hooks=events.Hooks(on_throttle=[throttled.append]))
    for _ in range(60):
        api("get", "data/2.5/weather")
    assert clock.sleeps == []
    api("get", "data/2.5/weather")
    assert clock.sleeps == [pytest.approx(60.0)]
    assert len(throttled) == 1
    assert len(server.received) == 61


def test_the_1001st_call_in_a_day_waits_for_the_next_day(server: FaultServer) -> None:
    """The connector's limiter books every call: after 1,000 in a day, the next waits until the first is 24 h old."""
    clock = testing.FakeClock()
    api = Connector(Config(base_url=server.url, api_key=KEY), clock=clock, rng=random.Random(1))
    limiter, start = api.core.limiter, clock.now()
    for _ in range(1000):
        clock.advance(limiter.reserve(clock.now()))
    # 1,000 calls at 60 a minute go out in 17 bursts, the last one 16 minutes after the first ...
    assert clock.now() - start == pytest.approx(16 * 60.0)
    # ... and the 1,001st waits for the 24 h window to move past the first call.
    assert limiter.reserve(clock.now()) == pytest.approx(86_400.0 - 16 * 60.0)
    api.disconnect()


def test_calls_refused_by_the_daily_quota_leave_tomorrows_quota_whole(server: FaultServer) -> None:
    """Over the daily quota a call fails at once with RateLimitError; it must not take a slot of the next day."""
    clock = testing.FakeClock()
    api = Connector(Config(base_url=server.url, api_key=KEY, quota_per_minute=None), clock=clock, rng=random.Random(1))
    limiter = api.core.limiter
    assert all(limiter.reserve(clock.now()) == 0 for _ in range(1000))  # today's 1,000 calls
    for _ in range(2):
        with pytest.raises(errors.RateLimitError):
            api.get("data/2.5/weather")
    assert server.received == []
    clock.advance(86_400.0 + 1.0)
    assert [wait for wait in (limiter.reserve(clock.now()) for _ in range(1000)) if wait > 0] == []
    api.disconnect()


def test_a_missing_key_fails_before_sending_and_names_the_variable(
    make: MakeDriver, server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key, no call: a certain 401 would still count against the quota."""
    monkeypatch.delenv(f"{ENV_PREFIX}API_KEY", raising=False)
    with pytest.raises(errors.AuthError, match=f"{ENV_PREFIX}API_KEY"):
        make(auth="api_key_query")
    assert server.received == []


def test_the_key_appears_in_no_log_error_repr_or_hook_event(
    make: MakeDriver, server: FaultServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A run with a retry, an error that echoes the key, and a malformed body leaks the key nowhere."""
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    seen: list[Any] = []
    hooks = events.Hooks(
        # The request as hooks see it; the body is the API's own data, passed on as received.
        after_response=[lambda response: seen.append((str(response.request.url), dict(response.request.headers)))],
        on_retry=[seen.append],
        on_error=[seen.append],
        on_throttle=[seen.append],
    )
    server.script(CURRENT, Reply(503, {"cod": 503, "message": "busy"}), Reply(200, fixture("get_current_weather")))
    server.script(FORECAST, Reply(401, {"cod": 401, "message": f"Invalid API key {KEY}."}))
    server.script(DIRECT, Reply(200, body=b"[{", headers={"Content-Type": "application/json"}))
    api = make(auth="api_key_query", hooks=hooks)
    texts = [repr(api.connector), repr(api.connector.settings), str(api.connector.settings)]
    current = api("get_current_weather", lat=47.05, lon=8.31)
    texts += [repr(current), str(current)]
    for method, arguments in (("get_forecast", {"lat": 47.05, "lon": 8.31}), ("get_coordinates_by_name", {"q": "x"})):
        with pytest.raises(errors.ConnectorError) as caught:
            api(method, **arguments)
        error = caught.value
        texts += [str(error), repr(error), str(error.details), str(error.__cause__), repr(error.__cause__)]
    texts += [record.getMessage() for record in caplog.records] + [str(record.__dict__) for record in caplog.records]
    texts += [repr(item) for item in seen]
    assert [text for text in texts if KEY in text] == []
    assert len(caplog.records) > 3  # the run did log
    assert any("***" in text for text in texts)  # the echoed key was redacted, not dropped silently
    # ... and the key really was sent, as appid, on every request.
    assert len(server.received) == 4
    assert all(r.query.get("appid") == [KEY] for r in server.received)


def test_before_request_hooks_never_see_the_key_on_a_retry(
    make: MakeDriver, server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each attempt's before_request hook gets the request without the credential."""
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEY", KEY)
    urls: list[str] = []
    hooks = events.Hooks(before_request=[lambda request: urls.append(str(request.url))])
    server.script(CURRENT, Reply(503, {"cod": 503, "message": "busy"}), Reply(200, fixture("get_current_weather")))
    make(auth="api_key_query", hooks=hooks)("get_current_weather", lat=47.05, lon=8.31)
    assert len(urls) == 2
    assert [url for url in urls if KEY in url] == []


def test_the_example_script_runs_against_the_local_server(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/current_weather.py finds a place, then prints its weather (base URL and key from the environment)."""
    server.script(DIRECT, Reply(200, fixture("get_places_by_coordinates")))
    server.script(CURRENT, Reply(200, fixture("get_current_weather")))
    server.script(FORECAST, Reply(200, fixture("get_forecast")))
    monkeypatch.setenv(f"{ENV_PREFIX}BASE_URL", server.url)
    monkeypatch.setenv(f"{ENV_PREFIX}API_KEY", KEY)
    runpy.run_path(str(Path(__file__).parent.parent / "examples" / "current_weather.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert "Lucerne, CH (47.0505, 8.3054)" in printed
    assert "now: 287.4, light rain" in printed
    assert "2024-06-11 15:00 UTC: 16.8, light rain, 64 % chance of precipitation" in printed
    assert KEY not in printed
    assert [r.path for r in server.received] == [DIRECT, CURRENT, FORECAST]
