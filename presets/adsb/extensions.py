"""Your additions to `ADSBConnector`. The template never rewrites this file.

The API's nine operations are generated from ``api/openapi.yaml`` into ``operations.py``: lookups
by ICAO address, callsign, registration, squawk and type (``get_aircraft_by_hex`` ...), the
military, LADD and PIA lists, and ``get_aircraft_near_point``. Before sending, they refuse an
address that is not 6 hex digits, a callsign that is not 1 to 8 capital letters and digits, a
registration that is not 1 to 10 capital letters, digits and dashes, a squawk that is not four
octal digits, a type designator that is not 2 to 4 capital letters and digits, and a point off the
globe or a radius outside 0 to 250 nautical miles. A lookup that matches nothing answers an
`AircraftList` whose ``ac`` is empty; it is not an error.

This module adds the three emergency squawk codes (ICAO; FAA Aeronautical Information Manual 6-3):

- `EMERGENCY_SQUAWKS` maps 7500, 7600 and 7700 to what they mean, and `is_emergency` tells
  whether a code is one of them;
- `Extensions.emergencies` asks the API for each of the three and returns every aircraft squawking
  one, with its meaning;
- `callsign` returns an aircraft's callsign without the spaces the API pads it with.

A code seen once can be a pilot passing through it while dialling another: treat an `Emergency`
as a report, not a confirmed emergency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from . import models
from .operations import AsyncOperations as AsyncBase
from .operations import Operations as Base

__all__ = ["EMERGENCY_SQUAWKS", "AsyncExtensions", "Emergency", "Extensions", "callsign", "is_emergency"]

#: The Mode A codes reserved worldwide for emergencies, and what each one declares.
EMERGENCY_SQUAWKS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "7500": "unlawful interference (hijacking)",
        "7600": "radio communication failure",
        "7700": "general emergency",
    }
)


@dataclass(frozen=True)
class Emergency:
    """An aircraft the API reports squawking an emergency code.

    Attributes:
        squawk: The code asked for: ``"7500"``, ``"7600"`` or ``"7700"``.
        meaning: What the code declares, from `EMERGENCY_SQUAWKS`.
        aircraft: The aircraft's latest state, as the API answered it.
    """

    squawk: str
    meaning: str
    aircraft: models.Aircraft


def is_emergency(squawk: str | None) -> bool:
    """Return whether ``squawk`` is 7500, 7600 or 7700 (None, an aircraft that sent no code: False)."""
    return squawk is not None and squawk in EMERGENCY_SQUAWKS


def callsign(aircraft: models.Aircraft) -> str | None:
    """Return the aircraft's callsign without the API's trailing spaces; None if it sent none."""
    stripped = (aircraft.flight or "").strip()
    return stripped or None


def _reports(squawk: str, answer: models.AircraftList) -> list[Emergency]:
    return [Emergency(squawk, EMERGENCY_SQUAWKS[squawk], aircraft) for aircraft in answer.ac]


class Extensions(Base):
    """Methods and hooks you add to `ADSBConnector`."""

    def emergencies(self) -> list[Emergency]:
        """Return every aircraft squawking 7500, 7600 or 7700, in that order of codes.

        Makes three calls, one per code. An aircraft that changes code between them can appear
        under both codes.
        """
        found: list[Emergency] = []
        for squawk in EMERGENCY_SQUAWKS:
            found += _reports(squawk, self.get_aircraft_by_squawk(squawk=squawk))
        return found


class AsyncExtensions(AsyncBase):
    """Methods and hooks you add to `AsyncADSBConnector`."""

    async def emergencies(self) -> list[Emergency]:
        """Return every aircraft squawking 7500, 7600 or 7700, in that order of codes.

        Makes three calls, one per code. An aircraft that changes code between them can appear
        under both codes.
        """
        found: list[Emergency] = []
        for squawk in EMERGENCY_SQUAWKS:
            found += _reports(squawk, await self.get_aircraft_by_squawk(squawk=squawk))
        return found
