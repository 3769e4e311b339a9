"""The plan of generated code: each operation as plain data, which ``methods.py`` prints as methods."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .paging import Paging
    from .security import Scheme

__all__ = ["Body", "Generated", "Iteration", "Operation", "Pagination", "Parameter"]


@dataclass(frozen=True)
class Parameter:
    """One argument of a generated method and where its value goes in the request."""

    name: str
    wire: str
    location: Literal["path", "query", "header"]
    annotation: str
    required: bool
    description: str = ""
    explode: bool = True  # arrays: a repeated parameter, or one comma-joined value


@dataclass(frozen=True)
class Body:
    """A JSON request body: its type and whether it must be given."""

    annotation: str
    required: bool
    description: str = ""


@dataclass(frozen=True)
class Iteration:
    """An iterator over every record of a paginated list operation."""

    name: str
    item: str
    skip: tuple[str, ...] = ()  # wire names the paginator sets itself (page, cursor, page size)
    spec: Paging | None = None  # how the operation pages; None: as the connector's settings say


@dataclass(frozen=True)
class Operation:
    """One generated method: ``returns`` is a type expression, ``"None"`` for an empty answer."""

    name: str
    method: str
    path: str
    route: str
    summary: str
    parameters: tuple[Parameter, ...]
    body: Body | None
    returns: str
    records: bool = False  # the answer is a page: records are read at the connector's records_path
    deprecated: bool = False
    iteration: Iteration | None = None
    accept: str = ""  # the Accept header the operation declares; "": the connector's default
    security: str | None = None  # the scheme its calls name ("none" or a Scheme's name); None: the default


@dataclass(frozen=True)
class Pagination:
    """The connector's pagination answers, which decide which list operations get an iterator."""

    kind: str = "none"
    records_path: str = ""
    page_param: str = ""
    page_size_param: str = ""


@dataclass
class Generated:
    """Everything one API description yields: operations, the schemas to model, and what was skipped."""

    operations: list[Operation]
    schemas: dict[str, object]
    source: str
    warnings: list[str] = field(default_factory=list)
    openapi_version: str = "3.0.3"
    notes: list[str] = field(default_factory=list)  # what the render output says: which operations paginate
    schemes: list[Scheme] = field(default_factory=list)  # schemes operations use instead of the default
