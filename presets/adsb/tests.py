"""The adsb.lol connector against a local server that answers like the API, from tests/fixtures/."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import runpy
import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from .api import ENV_PREFIX, PACKAGE, Config, errors, package, testing
from .conftest import MakeDriver
from .server import FaultServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent
operations = importlib.import_module(f"{PACKAGE}.operations")
extensions = package.extensions
NOTHING = {"ac": [], "msg": "No error", "now": 1718100549000, "total": 0, "ctime": 1718100548600, "ptime": 1}


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_the_preset_needs_no_credentials_and_paces_itself() -> None:
    """No auth; 1 call a second with bursts of 5, since the API announces limits without numbers."""
    settings = Config()
    assert (settings.auth, settings.base_url) == ("none", "https://api.adsb.lol")
    assert (settings.rate_limit, settings.rate_burst) == (1.0, 5.0)


@pytest.mark.parametrize(
    ("method", "arguments", "path", "answer"),
    [
        ("get_aircraft_by_hex", {"icao_hex": "4b1a2f"}, "/v2/hex/4b1a2f", "get_aircraft_by_hex"),
        ("get_aircraft_by_callsign", {"callsign": "EZY84QM"}, "/v2/callsign/EZY84QM", "get_aircraft_by_callsign"),
        ("get_aircraft_by_registration", {"registration": "G-EZXQ"}, "/v2/reg/G-EZXQ", "get_aircraft_by_callsign"),
        ("get_aircraft_by_squawk", {"squawk": "7700"}, "/v2/squawk/7700", "get_aircraft_by_squawk"),
        ("get_aircraft_by_type", {"aircraft_type": "B738"}, "/v2/type/B738", "get_aircraft_by_type"),
        ("get_military_aircraft", {}, "/v2/mil", "get_military_aircraft"),
        ("get_ladd_aircraft", {}, "/v2/ladd", "get_ladd_aircraft"),
        ("get_pia_aircraft", {}, "/v2/pia", "get_pia_aircraft"),
        ("get_aircraft_near_point", {"lat": 47.45, "lon": 8.56, "radius": 25}, "/v2/point/47.45/8.56/25", None),
    ],
    ids=["hex", "callsign", "registration", "squawk", "type", "mil", "ladd", "pia", "point"],
)
def test_each_operation_sends_its_path_and_parses_the_aircraft(
    make: MakeDriver, server: FaultServer, method: str, arguments: dict[str, Any], path: str, answer: str | None
) -> None:
    """Every v2 operation puts its value in the path and returns the `AircraftList` envelope."""
    body = fixture(answer or "get_aircraft_near_point")
    server.script(path, Reply(200, body))
    result = make()(method, **arguments)
    assert [aircraft.hex for aircraft in result.ac] == [aircraft["hex"] for aircraft in body["ac"]]
    assert result.total == len(result.ac) > 0
    assert [r.path for r in server.received] == [path]


def test_point_answers_carry_distance_ground_altitude_and_non_icao_addresses(
    make: MakeDriver, server: FaultServer
) -> None:
    """`alt_baro` is feet or "ground"; a TIS-B track's address starts with ~; `dst` is in NM."""
    server.script("/v2/point/47.45/8.56/25", Reply(200, fixture("get_aircraft_near_point")))
    on_ground, tisb, airborne = make()("get_aircraft_near_point", lat=47.45, lon=8.56, radius=25).ac
    assert on_ground.alt_baro == "ground"
    assert tisb.hex.startswith("~")
    assert isinstance(airborne.alt_baro, int)
    assert airborne.dst is not None


def test_answers_the_servers_own_model_allows_parse(make: MakeDriver, server: FaultServer) -> None:
    """`alt_baro` is any text the server's model allows, and no documented range refuses an answer."""
    body = fixture("get_aircraft_by_hex")
    body["ac"][0].update({"alt_baro": "unknown", "track": 360.5, "lat": 91.0, "messages": -1})
    server.script("/v2/hex/4b1a2f", Reply(200, body))
    [aircraft] = make()("get_aircraft_by_hex", icao_hex="4b1a2f").ac
    assert (aircraft.alt_baro, aircraft.track, aircraft.lat, aircraft.messages) == ("unknown", 360.5, 91.0, -1)


@pytest.mark.parametrize(
    ("method", "arguments"),
    [
        ("get_aircraft_by_hex", {"icao_hex": "a1b2c3"}),
        ("get_aircraft_by_callsign", {"callsign": "XYZ999"}),
        ("get_aircraft_by_registration", {"registration": "N000ZZ"}),
        ("get_aircraft_by_squawk", {"squawk": "7500"}),
        ("get_aircraft_by_type", {"aircraft_type": "A388"}),
        ("get_aircraft_near_point", {"lat": -75.0, "lon": 123.4, "radius": 0}),
    ],
    ids=["hex", "callsign", "registration", "squawk", "type", "point"],
)
def test_a_lookup_that_matches_nothing_is_an_empty_list(
    make: MakeDriver, server: FaultServer, method: str, arguments: dict[str, Any]
) -> None:
    """The API answers 200 with `"ac": []` when nothing matches: an empty list, not an error."""
    server.script("*", Reply(200, NOTHING))
    result = make()(method, **arguments)
    assert result.ac == []
    assert result.total == 0
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("method", "arguments"),
    [
        ("get_aircraft_by_hex", {"icao_hex": "4b1a2"}),
        ("get_aircraft_by_hex", {"icao_hex": "4b1a2f0"}),
        ("get_aircraft_by_hex", {"icao_hex": "4b1a2g"}),
        ("get_aircraft_by_hex", {"icao_hex": "~2a0f13"}),
        ("get_aircraft_by_hex", {"icao_hex": "4b1a2f\n"}),
        ("get_aircraft_by_callsign", {"callsign": ""}),
        ("get_aircraft_by_callsign", {"callsign": "swr27k"}),
        ("get_aircraft_by_callsign", {"callsign": "SWR 27K"}),
        ("get_aircraft_by_callsign", {"callsign": "ABCDEFGHI"}),
        ("get_aircraft_by_callsign", {"callsign": "SWR27K/.."}),
        ("get_aircraft_by_registration", {"registration": "g-ezxq"}),
        ("get_aircraft_by_registration", {"registration": "G_EZXQ"}),
        ("get_aircraft_by_registration", {"registration": "G-EZXQ-ABCD"}),
        ("get_aircraft_by_squawk", {"squawk": "7800"}),
        ("get_aircraft_by_squawk", {"squawk": "770"}),
        ("get_aircraft_by_squawk", {"squawk": "77000"}),
        ("get_aircraft_by_squawk", {"squawk": "7700\n"}),
        ("get_aircraft_by_type", {"aircraft_type": "B"}),
        ("get_aircraft_by_type", {"aircraft_type": "B7378"}),
        ("get_aircraft_by_type", {"aircraft_type": "b738"}),
        ("get_aircraft_near_point", {"lat": 90.01, "lon": 0, "radius": 10}),
        ("get_aircraft_near_point", {"lat": -91, "lon": 0, "radius": 10}),
        ("get_aircraft_near_point", {"lat": 0, "lon": 180.5, "radius": 10}),
        ("get_aircraft_near_point", {"lat": 0, "lon": -181, "radius": 10}),
        ("get_aircraft_near_point", {"lat": 0, "lon": 0, "radius": 251}),
        ("get_aircraft_near_point", {"lat": 0, "lon": 0, "radius": -1}),
        ("get_aircraft_near_point", {"lat": 0, "lon": 0, "radius": 2.5}),
    ],
    ids=[
        "hex-five-digits",
        "hex-seven-digits",
        "hex-not-hex",
        "hex-non-icao",
        "hex-trailing-newline",
        "callsign-empty",
        "callsign-lower-case",
        "callsign-space",
        "callsign-nine-characters",
        "callsign-path-characters",
        "registration-lower-case",
        "registration-underscore",
        "registration-eleven-characters",
        "squawk-digit-8",
        "squawk-three-digits",
        "squawk-five-digits",
        "squawk-trailing-newline",
        "type-one-character",
        "type-five-characters",
        "type-lower-case",
        "lat-above-90",
        "lat-below-minus-90",
        "lon-above-180",
        "lon-below-minus-180",
        "radius-above-250",
        "radius-negative",
        "radius-fractional",
    ],
)
def test_malformed_identifiers_and_points_are_refused_before_sending(
    make: MakeDriver, server: FaultServer, method: str, arguments: dict[str, Any]
) -> None:
    """The API would answer a malformed lookup with an empty list (or 422): the connector refuses it first."""
    with pytest.raises(errors.ValidationError):
        make()(method, **arguments)
    assert server.received == []


def test_the_bounds_themselves_are_accepted(make: MakeDriver, server: FaultServer) -> None:
    """The poles, the antimeridian and radii of 0 and 250 NM are valid; 7777 and 0000 are squawks."""
    server.script("*", *[Reply(200, NOTHING)] * 4)
    api = make()
    api("get_aircraft_near_point", lat=90, lon=-180, radius=0)
    api("get_aircraft_near_point", lat=-90, lon=180, radius=250)
    api("get_aircraft_by_squawk", squawk="0000")
    api("get_aircraft_by_squawk", squawk="7777")
    assert len(server.received) == 4


#: A single character class, anchored at both ends, with a bounded quantifier: linear on any input.
LINEAR_PATTERN = re.compile(r"\^\[[^\[\]\\]+\]\{\d+(,\d+)?\}\$")


def _patterns(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        own = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
        return own + [found for value in schema.values() for found in _patterns(value)]
    if isinstance(schema, list):
        return [found for value in schema for found in _patterns(value)]
    return []


def test_every_enforced_pattern_is_one_bounded_character_class() -> None:
    """The patterns the generated methods check are the description's, each linear-time by its shape."""
    enforced = []
    for name in operations.OPERATIONS:
        function = inspect.unwrap(getattr(operations.Operations, name))
        hints = typing.get_type_hints(function, globalns=vars(operations), include_extras=True)
        for argument, hint in hints.items():
            if argument != "return":
                enforced += _patterns(pydantic.TypeAdapter(hint).json_schema())
    described = _patterns(yaml.safe_load((ROOT / "api" / "openapi.yaml").read_text(encoding="utf-8")))
    assert sorted(enforced) == sorted(described)
    assert len(enforced) == 5
    assert [pattern for pattern in enforced if not LINEAR_PATTERN.fullmatch(pattern)] == []


@pytest.mark.parametrize(
    ("squawk", "expected"),
    [
        ("7500", True),
        ("7600", True),
        ("7700", True),
        ("7000", False),
        ("1200", False),
        ("7777", False),
        ("770", False),
        ("", False),
        (None, False),
    ],
)
def test_is_emergency_knows_the_three_codes(squawk: str | None, expected: bool) -> None:
    """7500, 7600 and 7700 are emergencies; VFR codes, other codes and no code are not."""
    assert extensions.is_emergency(squawk) is expected


def test_emergency_codes_have_their_meanings() -> None:
    """Unlawful interference, radio failure, general emergency."""
    assert dict(extensions.EMERGENCY_SQUAWKS) == {
        "7500": "unlawful interference (hijacking)",
        "7600": "radio communication failure",
        "7700": "general emergency",
    }


def test_emergencies_asks_for_each_code_and_labels_the_aircraft(make: MakeDriver, server: FaultServer) -> None:
    """Three calls, one per emergency squawk; each aircraft comes back with its code's meaning."""
    hijack = fixture("get_aircraft_by_callsign")
    hijack["ac"][0]["squawk"] = "7500"
    server.script("/v2/squawk/7500", Reply(200, hijack))
    server.script("/v2/squawk/7600", Reply(200, NOTHING))
    server.script("/v2/squawk/7700", Reply(200, fixture("get_aircraft_by_squawk")))
    found = make()("emergencies")
    assert [(e.squawk, e.meaning, e.aircraft.hex) for e in found] == [
        ("7500", "unlawful interference (hijacking)", "40762c"),
        ("7700", "general emergency", "3c6dd4"),
    ]
    assert found[1].aircraft.emergency == "general"
    assert [r.path for r in server.received] == ["/v2/squawk/7500", "/v2/squawk/7600", "/v2/squawk/7700"]


def test_emergencies_is_empty_when_no_aircraft_declares_one(make: MakeDriver, server: FaultServer) -> None:
    """Three empty answers make an empty list, not an error."""
    server.script("*", *[Reply(200, NOTHING)] * 3)
    assert make()("emergencies") == []


def test_callsign_drops_the_padding(make: MakeDriver, server: FaultServer) -> None:
    """`flight` comes padded to 8 characters; `callsign` strips it, and is None when absent."""
    server.script("/v2/mil", Reply(200, fixture("get_military_aircraft")))
    with_callsign, without = make()("get_military_aircraft").ac
    assert with_callsign.flight == "RCH318  "
    assert extensions.callsign(with_callsign) == "RCH318"
    assert extensions.callsign(without) is None


def test_a_422_is_an_invalid_request_and_not_retried(make: MakeDriver, server: FaultServer) -> None:
    """FastAPI's validation error (here a radius the server refuses) raises InvalidRequestError at once."""
    server.script("/v2/point/1.0/2.0/30", Reply(422, fixture("error_422")))
    with pytest.raises(errors.InvalidRequestError) as caught:
        make()("get_aircraft_near_point", lat=1.0, lon=2.0, radius=30)
    assert caught.value.status == 422
    assert caught.value.attempts == 1


def test_a_422_carries_the_apis_validation_message(make: MakeDriver, server: FaultServer) -> None:
    """The `msg` of FastAPI's first validation item reaches `details`."""
    server.script("/v2/point/1.0/2.0/30", Reply(422, fixture("error_422")))
    with pytest.raises(errors.InvalidRequestError) as caught:
        make()("get_aircraft_near_point", lat=1.0, lon=2.0, radius=30)
    assert "less than or equal to 250" in str(caught.value.details.get("api_message"))


def test_an_unknown_route_is_not_found_with_the_apis_message(make: MakeDriver, server: FaultServer) -> None:
    """FastAPI's `{"detail": "Not Found"}` raises NotFoundError, with the message in `details`."""
    server.script("/v2/ladd", Reply(404, {"detail": "Not Found"}))
    with pytest.raises(errors.NotFoundError) as caught:
        make()("get_ladd_aircraft")
    assert caught.value.details["api_message"] == "Not Found"
    assert caught.value.attempts == 1


def test_a_server_error_with_an_html_body_is_retried(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """The 5xx body is not documented (maybe not JSON): 502s are retried, and a later answer wins."""
    gateway = Reply(502, body=b"<html>502 Bad Gateway</html>", headers={"Content-Type": "text/html"})
    server.script("/v2/pia", gateway, gateway, Reply(200, fixture("get_pia_aircraft")))
    result = make()("get_pia_aircraft")
    assert [aircraft.db_flags for aircraft in result.ac] == [4]
    assert len(clock.sleeps) == 2
    server.script("/v2/pia", *[gateway] * 4)
    with pytest.raises(errors.ServerError) as caught:
        make()("get_pia_aircraft")
    assert caught.value.attempts == 4
    assert "api_message" not in caught.value.details


def test_the_default_pace_lets_emergencies_go_at_once_and_holds_the_sixth_call(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """With the preset's bucket (1/s, burst 5) five calls go out at once and the sixth waits 1 s."""
    server.script("*", *[Reply(200, NOTHING)] * 6)
    api = make(settings=Config(base_url=server.url, timeout_read=2.0, drain_timeout=2.0))
    api("emergencies")
    api("get_military_aircraft")
    api("get_ladd_aircraft")
    assert clock.sleeps == []
    api("get_pia_aircraft")
    assert clock.sleeps == [pytest.approx(1.0)]


def test_the_example_script_runs_against_the_local_server(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/nearby_aircraft.py lists the aircraft near a point, then the emergencies (base URL from env)."""
    server.script("/v2/point/47.4582/8.5555/25", Reply(200, fixture("get_aircraft_near_point")))
    server.script("/v2/squawk/7500", Reply(200, NOTHING))
    server.script("/v2/squawk/7600", Reply(200, NOTHING))
    server.script("/v2/squawk/7700", Reply(200, fixture("get_aircraft_by_squawk")))
    monkeypatch.setenv(f"{ENV_PREFIX}BASE_URL", server.url)
    runpy.run_path(str(ROOT / "examples" / "nearby_aircraft.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert "3 aircraft within 25 NM" in printed
    assert "4b17e5  EDW12     A343  on the ground" in printed
    assert "7700 general emergency: DLH4TX (D-AIXQ, A359) at 12350 ft" in printed
