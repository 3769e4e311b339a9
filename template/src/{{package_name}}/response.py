"""What a call returns: status, headers, decoded data and metadata about the call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import httpx

from .resilience.bucket import RateLimitStatus

__all__ = ["JSONValue", "Response", "ResponseMeta"]

JSONValue = Union[None, bool, int, float, str, list["JSONValue"], dict[str, "JSONValue"]]  # noqa: UP007 - Python 3.10 evaluates this alias


@dataclass(frozen=True)
class ResponseMeta:
    """How the call went: duration in seconds (waits included), attempts, and IDs."""

    duration: float
    attempts: int
    correlation_id: str
    rate_limit: RateLimitStatus | None = None


@dataclass(frozen=True)
class Response:
    """A successful answer: ``data`` is decoded JSON, text for other media types, None when empty."""

    status: int
    headers: httpx.Headers
    data: JSONValue
    meta: ResponseMeta
    url: str = ""

    def json_object(self) -> dict[str, JSONValue]:
        """Return ``data`` as a JSON object, or raise `errors.ParsingError`."""
        from .errors import ParsingError

        if not isinstance(self.data, dict):
            raise ParsingError(f"expected a JSON object, got {type(self.data).__name__}")
        return self.data
