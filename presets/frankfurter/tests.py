"""The Frankfurter connector against a local server that answers like the API, from tests/fixtures/."""

from __future__ import annotations

import datetime
import json
import runpy
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from .api import ENV_PREFIX, Config, errors, package
from .conftest import MakeDriver
from .server import FaultServer, Reply

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_latest_rates_come_back_as_a_model(make: MakeDriver, server: FaultServer) -> None:
    """`get_latest_rates` sends base and comma-joined symbols, and parses the answer."""
    server.script("/latest", Reply(200, fixture("get_latest_rates")))
    rates = make()("get_latest_rates", base="EUR", symbols=["USD", "GBP"])
    assert rates.base == "EUR"
    assert rates.date == datetime.date(2025, 3, 14)
    assert rates.rates["USD"] == pytest.approx(1.0894)
    [request] = server.requests_to("/latest")
    assert request.query == {"base": ["EUR"], "symbols": ["USD,GBP"]}


@pytest.mark.parametrize(
    "arguments",
    [
        {"base": "usd"},
        {"base": "EURO"},
        {"base": "XAU"},
        {"symbols": ["USD", "gb"]},
        {"amount": 0},
        {"amount": -5},
    ],
    ids=["lower-case", "four-letters", "not-quoted", "bad-symbol", "zero-amount", "negative-amount"],
)
def test_bad_codes_and_amounts_are_refused_before_sending(
    make: MakeDriver, server: FaultServer, arguments: dict[str, Any]
) -> None:
    """Currency codes must be ones Frankfurter quotes (its own description lists them) and amounts positive."""
    with pytest.raises(errors.ValidationError):
        make()("get_latest_rates", **arguments)
    assert server.received == []


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime.date(1998, 12, 31), datetime.date(1999, 2, 1), "before 1999-01-04"),
        (datetime.date(2024, 5, 2), datetime.date(2024, 5, 1), "after it ends"),
        (datetime.date(2024, 5, 1), datetime.date.today() + datetime.timedelta(days=3), "in the future"),
    ],
    ids=["before-first-day", "reversed", "future"],
)
def test_date_ranges_are_checked_before_sending(
    make: MakeDriver, server: FaultServer, start: datetime.date, end: datetime.date, message: str
) -> None:
    """A range before the first published day, reversed, or reaching into the future is refused."""
    with pytest.raises(errors.ValidationError, match=message):
        make().collect("iter_daily_rates", start=start, end=end)
    assert server.received == []


def test_a_long_range_is_fetched_in_chunks_and_each_day_comes_once(make: MakeDriver, server: FaultServer) -> None:
    """128 days are two requests of at most 90 days; a day repeated at a chunk's edge is yielded once."""
    first_chunk = {
        "amount": 1.0,
        "base": "EUR",
        "start_date": "2023-12-29",
        "end_date": "2024-03-28",
        "rates": {"2023-12-29": {"USD": 1.105}, "2024-01-02": {"USD": 1.0956}, "2024-03-28": {"USD": 1.0811}},
    }
    second_chunk = fixture("get_time_series")
    second_chunk["rates"]["2024-03-28"] = {"USD": 1.0811}  # the working day before the chunk, again
    server.script("/2024-01-01..2024-03-30", Reply(200, first_chunk))
    server.script("/2024-03-31..2024-05-07", Reply(200, second_chunk))
    days = make().collect("iter_daily_rates", start=datetime.date(2024, 1, 1), end=datetime.date(2024, 5, 7))
    dates = [day.date for day in days]
    assert dates == sorted(set(dates))
    assert dates[0] == datetime.date(2024, 1, 2)  # 2023-12-29 is before the range
    assert datetime.date(2024, 3, 28) in dates
    assert dates[-1] == datetime.date(2024, 5, 7)
    assert [r.path for r in server.received] == ["/2024-01-01..2024-03-30", "/2024-03-31..2024-05-07"]
    assert all(day.base == "EUR" for day in days)


def test_a_series_not_keyed_by_dates_is_a_parsing_error(make: MakeDriver, server: FaultServer) -> None:
    """A day key that is not a date ends `iter_daily_rates` with PARSING_ERROR, not a bare ValueError."""
    series = fixture("get_time_series")
    series["rates"]["soon"] = {"USD": 1.08}
    server.script("*", Reply(200, series))
    with pytest.raises(errors.ParsingError) as caught:
        make().collect("iter_daily_rates", start=datetime.date(2024, 4, 1), end=datetime.date(2024, 4, 5))
    assert caught.value.code is errors.ErrorCode.PARSING_ERROR
    assert any(problem.startswith("rates.soon") for problem in caught.value.details["errors"])


def test_date_chunks_cover_the_range_without_gaps_or_overlap() -> None:
    """Chunks are consecutive, at most chunk_days long, and end on the range's last day."""
    extensions = package.extensions
    start, end = datetime.date(2020, 1, 1), datetime.date(2021, 3, 1)
    chunks = list(extensions.date_chunks(start, end, 90))
    assert chunks[0][0] == start
    assert chunks[-1][1] == end
    for (_, last), (first, _) in pairwise(chunks):
        assert first == last + datetime.timedelta(days=1)
    assert all((last - first).days < 90 for first, last in chunks)


def test_convert_asks_for_the_amount_at_a_past_date(make: MakeDriver, server: FaultServer) -> None:
    """`convert` sends amount, base and the target currency, and returns the converted amount."""
    server.script("/2019-06-12", Reply(200, fixture("get_rates_on_date")))
    value = make()("convert", 250, base="GBP", to="USD", on=datetime.date(2019, 6, 12))
    assert value == pytest.approx(317.93)
    [request] = server.received
    assert request.query == {"base": ["GBP"], "symbols": ["USD"], "amount": ["250.0"]}


def test_currencies_are_a_mapping_of_codes_to_names(make: MakeDriver, server: FaultServer) -> None:
    """`get_currencies` returns ISO 4217 codes with their English names."""
    server.script("/currencies", Reply(200, fixture("get_currencies")))
    names = make()("get_currencies").root
    assert names["EUR"] == "Euro"
    assert all(len(code) == 3 and code.isupper() for code in names)


@pytest.mark.parametrize(
    ("status", "error"), [(404, errors.NotFoundError), (422, errors.InvalidRequestError)], ids=["404", "422"]
)
def test_error_bodies_become_errors_with_the_api_message(
    make: MakeDriver, server: FaultServer, status: int, error: type[errors.ConnectorError]
) -> None:
    """Frankfurter's `{"message": ...}` bodies map to the error tree, and are not retried."""
    body = fixture(f"error_{status}")
    server.script("/latest", Reply(status, body))
    with pytest.raises(error) as caught:
        make()("get_latest_rates", base="ISK")
    assert caught.value.details["api_message"] == body["message"]
    assert caught.value.attempts == 1


def test_the_connector_paces_itself_by_default() -> None:
    """Frankfurter publishes no limit: the connector defaults to 2 requests a second, bursts of 5."""
    settings = Config()
    assert (settings.rate_limit, settings.rate_burst) == (2.0, 5.0)


def test_the_example_script_runs_against_the_local_server(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """examples/latest_rates.py makes its calls and prints their answers (base URL from the environment)."""
    series = fixture("get_time_series")
    server.script("/latest", Reply(200, fixture("get_latest_rates")))
    converted = {"amount": 100.0, "base": "EUR", "date": "2024-05-02", "rates": {"USD": 107.02}}
    server.script("/2024-05-02", Reply(200, converted))
    server.script("/2024-04-01..2024-06-29", Reply(200, series))
    server.script("/2024-06-30..2024-06-30", Reply(200, {**series, "rates": {}}))
    monkeypatch.setenv(f"{ENV_PREFIX}BASE_URL", server.url)
    runpy.run_path(str(Path(__file__).parent.parent / "examples" / "latest_rates.py"), run_name="__main__")
    printed = capsys.readouterr().out
    assert "2025-03-14: 1 EUR" in printed
    assert "100 EUR on 2024-05-02: 107.02 USD" in printed
    assert "2024-05-07 1.0" in printed
