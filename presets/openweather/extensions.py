"""Your additions to `OpenWeatherConnector`. The template never rewrites this file.

The API's five operations are generated from ``api/openapi.yaml`` into ``operations.py``:
``get_current_weather``, ``get_forecast`` (API 2.5), ``get_coordinates_by_name``,
``get_places_by_coordinates`` (Geocoding 1.0) and ``get_one_call_weather`` (One Call 3.0). They
already refuse, before sending, a latitude outside -90..90, a longitude outside -180..180, a
``units`` or ``lang`` the API does not know, a ``cnt`` outside 1..40 and a ``limit`` outside 1..5.
This module adds one method that hides which product answers:

- `Extensions.weather` returns the current conditions and the forecast at a point as a `Weather`.
  With the ``one_call`` setting on (``OPENWEATHER_ONE_CALL=true``) it makes one One Call 3.0 call
  (a separate subscription; hourly steps for 48 hours, plus alerts); otherwise two calls to the
  free 2.5 endpoints (current weather, then 3-hour steps for 5 days; no alerts).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from . import models
from .errors import ParsingError
from .operations import AsyncOperations as AsyncBase
from .operations import Lang, Units
from .operations import Operations as Base
from .settings import ConnectorSettings

__all__ = [
    "AsyncExtensions",
    "Conditions",
    "Extensions",
    "Weather",
    "uses_one_call",
    "weather_from_api_25",
    "weather_from_one_call",
]


@dataclass(frozen=True)
class Conditions:
    """The weather at one time, observed or forecast, in the units that were asked for.

    Attributes:
        time: When the conditions were observed or are forecast for (UTC).
        temperature: Air temperature (kelvin, degrees Celsius or degrees Fahrenheit).
        feels_like: Temperature as people perceive it, same unit.
        humidity: Relative humidity, percent.
        pressure: Atmospheric pressure at sea level, hPa.
        wind_speed: Metres per second (standard, metric) or miles per hour (imperial).
        clouds: Cloudiness, percent.
        description: The primary condition in the requested language ("light rain"); "" if none.
        precipitation_probability: 0 to 1 for forecasts; None for observed conditions.
    """

    time: datetime.datetime
    temperature: float
    feels_like: float
    humidity: int
    pressure: int
    wind_speed: float
    clouds: int
    description: str
    precipitation_probability: float | None = None


@dataclass(frozen=True)
class Weather:
    """Current conditions and forecast at a point, whichever product answered.

    Attributes:
        lat: Latitude of the point the API answered for.
        lon: Longitude of that point.
        utc_offset: Local time minus UTC at the point, seconds.
        source: ``"3.0"`` (One Call API 3.0) or ``"2.5"`` (current weather and 5 day forecast).
        current: The conditions now.
        forecast: Hourly steps for 48 hours (3.0) or 3-hour steps for 5 days (2.5), in time order.
        alerts: Government weather alerts for the point (3.0 only; always empty with 2.5).
    """

    lat: float
    lon: float
    utc_offset: int
    source: Literal["2.5", "3.0"]
    current: Conditions
    forecast: tuple[Conditions, ...]
    alerts: tuple[models.WeatherAlert, ...] = ()


def uses_one_call(settings: ConnectorSettings) -> bool:
    """Return whether `weather` should call One Call 3.0: the ``one_call`` setting of `OpenWeatherConfig`."""
    # Settings of another class (a plain ConnectorSettings) have no such field: use the free 2.5 APIs.
    return getattr(settings, "one_call", False) is True


def _time(unix: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(unix, tz=datetime.timezone.utc)


def _description(conditions: Sequence[models.WeatherCondition]) -> str:
    return conditions[0].description if conditions else ""


def _from_current(answer: models.CurrentWeather) -> Conditions:
    return Conditions(
        time=_time(answer.dt),
        temperature=answer.main.temp,
        feels_like=answer.main.feels_like,
        humidity=answer.main.humidity,
        pressure=answer.main.pressure,
        wind_speed=answer.wind.speed,
        clouds=answer.clouds.all,
        description=_description(answer.weather),
    )


def _from_forecast_entry(entry: models.ForecastEntry) -> Conditions:
    return Conditions(
        time=_time(entry.dt),
        temperature=entry.main.temp,
        feels_like=entry.main.feels_like,
        humidity=entry.main.humidity,
        pressure=entry.main.pressure,
        wind_speed=entry.wind.speed,
        clouds=entry.clouds.all,
        description=_description(entry.weather),
        precipitation_probability=entry.pop,
    )


def _from_one_call_part(part: models.OneCallCurrent | models.HourlyForecast) -> Conditions:
    return Conditions(
        time=_time(part.dt),
        temperature=part.temp,
        feels_like=part.feels_like,
        humidity=part.humidity,
        pressure=part.pressure,
        wind_speed=part.wind_speed,
        clouds=part.clouds,
        description=_description(part.weather),
        precipitation_probability=part.pop if isinstance(part, models.HourlyForecast) else None,
    )


def weather_from_api_25(current: models.CurrentWeather, forecast: models.Forecast) -> Weather:
    """Return the `Weather` made of a 2.5 current-weather answer and a 2.5 forecast answer."""
    return Weather(
        lat=current.coord.lat,
        lon=current.coord.lon,
        utc_offset=current.timezone,
        source="2.5",
        current=_from_current(current),
        forecast=tuple(_from_forecast_entry(entry) for entry in sorted(forecast.list_, key=lambda e: e.dt)),
    )


def weather_from_one_call(answer: models.OneCallWeather) -> Weather:
    """Return the `Weather` in a One Call 3.0 answer; raise `ParsingError` if it has no current conditions."""
    if answer.current is None:
        raise ParsingError("the One Call answer has no `current` part although it was not excluded")
    return Weather(
        lat=answer.lat,
        lon=answer.lon,
        utc_offset=answer.timezone_offset,
        source="3.0",
        current=_from_one_call_part(answer.current),
        forecast=tuple(_from_one_call_part(hour) for hour in sorted(answer.hourly or [], key=lambda h: h.dt)),
        alerts=tuple(answer.alerts or ()),
    )


class Extensions(Base):
    """Methods and hooks you add to `OpenWeatherConnector`."""

    def weather(self, *, lat: float, lon: float, units: Units | None = None, lang: Lang | None = None) -> Weather:
        """Return the current conditions and the forecast at a point.

        One call to One Call API 3.0 when the ``one_call`` setting is on; otherwise two calls, to
        the 2.5 current-weather and forecast endpoints. Arguments are checked before anything is
        sent: a bad one raises `ValidationError`.

        Args:
            lat: Latitude in decimal degrees, -90 to 90.
            lon: Longitude in decimal degrees, -180 to 180.
            units: ``standard`` (kelvin, the API's default), ``metric`` or ``imperial``.
            lang: Language of the condition descriptions (English when omitted).
        """
        if uses_one_call(self.settings):
            # Minute-by-minute precipitation and daily forecasts are not used: leave them out.
            answer = self.get_one_call_weather(lat=lat, lon=lon, exclude=["minutely", "daily"], units=units, lang=lang)
            return weather_from_one_call(answer)
        current = self.get_current_weather(lat=lat, lon=lon, units=units, lang=lang)
        forecast = self.get_forecast(lat=lat, lon=lon, units=units, lang=lang)
        return weather_from_api_25(current, forecast)


class AsyncExtensions(AsyncBase):
    """Methods and hooks you add to `AsyncOpenWeatherConnector`."""

    async def weather(self, *, lat: float, lon: float, units: Units | None = None, lang: Lang | None = None) -> Weather:
        """Return the current conditions and the forecast at a point.

        One call to One Call API 3.0 when the ``one_call`` setting is on; otherwise two calls, to
        the 2.5 current-weather and forecast endpoints. Arguments are checked before anything is
        sent: a bad one raises `ValidationError`.

        Args:
            lat: Latitude in decimal degrees, -90 to 90.
            lon: Longitude in decimal degrees, -180 to 180.
            units: ``standard`` (kelvin, the API's default), ``metric`` or ``imperial``.
            lang: Language of the condition descriptions (English when omitted).
        """
        if uses_one_call(self.settings):
            # Minute-by-minute precipitation and daily forecasts are not used: leave them out.
            answer = await self.get_one_call_weather(
                lat=lat, lon=lon, exclude=["minutely", "daily"], units=units, lang=lang
            )
            return weather_from_one_call(answer)
        current = await self.get_current_weather(lat=lat, lon=lon, units=units, lang=lang)
        forecast = await self.get_forecast(lat=lat, lon=lon, units=units, lang=lang)
        return weather_from_api_25(current, forecast)
