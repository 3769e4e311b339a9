"""Your additions to `FrankfurterConnector`. The template never rewrites this file.

The API's four operations are generated from ``api/openapi.yaml`` into ``operations.py``:
``get_latest_rates``, ``get_rates_on_date``, ``get_time_series`` and ``get_currencies``. They
already refuse a currency code Frankfurter does not quote (the `Currency` codes) and an
``amount`` that is not positive. This module adds what a description cannot say:

- dates are checked before sending: not before 1999-01-04 (the first published day), not after
  today (UTC), and a range's start not after its end;
- `Extensions.iter_daily_rates` walks a range of any length in chunks of 90 days, so no single
  answer grows without bound, and yields each working day once, in order;
- `Extensions.convert` converts an amount between two currencies at the latest or a past rate.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import pydantic

from . import models
from .errors import ParsingError, ValidationError
from .operations import AsyncOperations as AsyncBase
from .operations import Base as Currency  # the codes api/openapi.yaml lists, named after the `base` parameter
from .operations import Operations as Base

__all__ = [
    "CHUNK_DAYS",
    "FIRST_DATE",
    "AsyncExtensions",
    "Currency",
    "DailyRates",
    "Extensions",
    "check_dates",
    "date_chunks",
]

#: The first working day the European Central Bank published reference rates for.
FIRST_DATE = datetime.date(1999, 1, 4)
#: Days per time-series request: the window the API is documented to answer day by day.
CHUNK_DAYS = 90


@dataclass(frozen=True)
class DailyRates:
    """The reference rates of one working day: units of each currency per one unit of ``base``."""

    date: datetime.date
    base: str
    rates: dict[str, float]


def _today() -> datetime.date:
    """Return today's date in UTC, the calendar Frankfurter's dates are in."""
    return datetime.date(*time.gmtime()[:3])


def check_dates(*dates: datetime.date) -> None:
    """Raise `ValidationError` unless every date is between 1999-01-04 and today (UTC), in order."""
    today = _today()
    for day in dates:
        if day < FIRST_DATE:
            raise ValidationError(f"{day} is before {FIRST_DATE}, the first day Frankfurter has rates for")
        if day > today:
            raise ValidationError(f"{day} is in the future: Frankfurter has rates up to today ({today}) only")
    for earlier, later in pairwise(dates):
        if earlier > later:
            raise ValidationError(f"the range starts ({earlier}) after it ends ({later})")


def date_chunks(
    start: datetime.date, end: datetime.date, days: int = CHUNK_DAYS
) -> Iterator[tuple[datetime.date, datetime.date]]:
    """Yield consecutive ``(first, last)`` ranges of at most ``days`` days that cover ``start`` to ``end``."""
    if days < 1:
        raise ValidationError("chunk_days must be at least 1")
    first = start
    while first <= end:
        last = min(first + datetime.timedelta(days=days - 1), end)
        yield first, last
        first = last + datetime.timedelta(days=1)


_DATED = pydantic.TypeAdapter(dict[datetime.date, dict[str, float]])


def _days_within(series: models.TimeSeriesRates, first: datetime.date, last: datetime.date) -> list[DailyRates]:
    """Return the working days of ``series`` from ``first`` to ``last``, in order.

    An answer may start with the working day before ``first`` (already yielded with the chunk
    before): days outside the chunk are dropped, so each day comes once.
    """
    try:
        dated = _DATED.validate_python(series.rates)
    except pydantic.ValidationError as error:
        problems = [f"rates.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_input=False)]
        raise ParsingError("the time series is not keyed by dates", details={"errors": problems}) from error
    return [DailyRates(day, series.base, dated[day]) for day in sorted(dated) if first <= day <= last]


def _converted(rates: models.DailyRates, to: str) -> float:
    if to not in rates.rates:
        raise ValidationError(f"Frankfurter returned no rate for {to}")
    return rates.rates[to]


class Extensions(Base):
    """Methods and hooks you add to `FrankfurterConnector`."""

    def iter_daily_rates(
        self,
        *,
        start: datetime.date,
        end: datetime.date,
        base: Currency | None = None,
        symbols: Sequence[Currency] | None = None,
        chunk_days: int = CHUNK_DAYS,
    ) -> Iterator[DailyRates]:
        """Yield the rates of every working day from ``start`` to ``end``, one request per chunk.

        Args:
            start: First day of the range.
            end: Last day of the range (today at the latest).
            base: ISO 4217 code to quote against (EUR when omitted).
            symbols: ISO 4217 codes to return (all when omitted).
            chunk_days: Days per request.
        """
        check_dates(start, end)
        for first, last in date_chunks(start, end, chunk_days):
            series = self.get_time_series(start=first, end=last, base=base, symbols=list(symbols) if symbols else None)
            yield from _days_within(series, first, last)

    def convert(self, amount: float, *, base: Currency, to: Currency, on: datetime.date | None = None) -> float:
        """Return ``amount`` of ``base`` in ``to``, at the latest rates or those of day ``on``."""
        if on is not None:
            check_dates(on)
            rates = self.get_rates_on_date(date=on, base=base, symbols=[to], amount=amount)
        else:
            rates = self.get_latest_rates(base=base, symbols=[to], amount=amount)
        return _converted(rates, to)


class AsyncExtensions(AsyncBase):
    """Methods and hooks you add to `AsyncFrankfurterConnector`."""

    async def iter_daily_rates(
        self,
        *,
        start: datetime.date,
        end: datetime.date,
        base: Currency | None = None,
        symbols: Sequence[Currency] | None = None,
        chunk_days: int = CHUNK_DAYS,
    ) -> AsyncIterator[DailyRates]:
        """Yield the rates of every working day from ``start`` to ``end``, one request per chunk.

        Args:
            start: First day of the range.
            end: Last day of the range (today at the latest).
            base: ISO 4217 code to quote against (EUR when omitted).
            symbols: ISO 4217 codes to return (all when omitted).
            chunk_days: Days per request.
        """
        check_dates(start, end)
        for first, last in date_chunks(start, end, chunk_days):
            series = await self.get_time_series(
                start=first, end=last, base=base, symbols=list(symbols) if symbols else None
            )
            for day in _days_within(series, first, last):
                yield day

    async def convert(self, amount: float, *, base: Currency, to: Currency, on: datetime.date | None = None) -> float:
        """Return ``amount`` of ``base`` in ``to``, at the latest rates or those of day ``on``."""
        if on is not None:
            check_dates(on)
            rates = await self.get_rates_on_date(date=on, base=base, symbols=[to], amount=amount)
        else:
            rates = await self.get_latest_rates(base=base, symbols=[to], amount=amount)
        return _converted(rates, to)
