"""What a call returns: status, headers, decoded data and metadata about the call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Union

import httpx
from typing_extensions import TypeAliasType

from .resilience.bucket import RateLimitStatus

__all__ = ["ANSWER_CONTEXT", "JSONValue", "Response", "ResponseMeta"]

# Any decoded JSON. mypy reads the plain recursive alias; at run time it is a named alias, which
# pydantic can validate (an implicit recursive alias sends its schema builder into endless recursion).
if TYPE_CHECKING:
    JSONValue = Union[bool, int, float, str, list["JSONValue"], dict[str, "JSONValue"], None]  # noqa: UP007 - Python 3.10 evaluates this alias
else:
    JSONValue = TypeAliasType(
        "JSONValue",
        Union[bool, int, float, str, list["JSONValue"], dict[str, "JSONValue"], None],  # noqa: UP007 - as above
    )


#: The pydantic validation context of answers: generated models keep enum values they do not list (CF-VAL-3).
ANSWER_CONTEXT: Final[Mapping[str, bool]] = MappingProxyType({"answer": True})


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
