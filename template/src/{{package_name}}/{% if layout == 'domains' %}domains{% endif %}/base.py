"""The shared helper behind every domain module: list, iterate, get, create, update, delete, search, batch.

A domain is one business object of the API (contacts, companies, deals, ...). Its module is a
small subclass of `Domain` and `AsyncDomain` that sets `Domain.path` and, optionally, a model::

    class Contacts(Domain[Contact]):
        path = "crm/v3/objects/contacts"
        model = Contact

Bodies follow the common CRM shape, as HubSpot's CRM describes it: ``{"properties": {...},
"associations": [...]}`` to create and ``{"properties": {...}}`` to update; ``filterGroups``,
``sorts``, ``properties``, ``limit`` and an ``after`` cursor (``"0"`` first) to search;
``{"inputs": [{"id": ...}], "properties": [...], "propertiesWithHistory": [...]}`` to batch-read.
A record's associations are at `Domain.associations_path`. An API with other shapes overrides the
``_..._body`` methods or ``associations_path`` in its domain module. Every call goes through the
connector's `request` or `paginate`, so the resilience layer applies.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import ClassVar, Generic, TypeVar

from pydantic import BaseModel

from ..client import AsyncConnector, Connector
from ..errors import ValidationError
from ..pagination import dig
from ..response import ANSWER_CONTEXT, JSONValue
from ..transport import ParamValue, QueryParams

__all__ = ["AsyncDomain", "Domain", "Record"]

Record = TypeVar("Record", bound=BaseModel)


class _DomainRules(Generic[Record]):
    """Paths, bodies and record parsing, shared by the sync and async domains (no I/O)."""

    #: Path of the collection, relative to base_url, e.g. ``"crm/v3/objects/contacts"``.
    path: ClassVar[str]
    #: The pydantic model records are parsed into.
    model: ClassVar[type[BaseModel]]
    #: Where a record's associations with another domain are: ``{path}`` is `path`, ``{id}`` the
    #: record's ID, ``{to}`` the other domain (HubSpot: ``crm/v4/objects/contacts/{id}/associations/{to}``).
    associations_path: ClassVar[str] = "{path}/{id}/associations/{to}"

    def _item_path(self, record_id: str) -> str:
        if not record_id or "/" in record_id or record_id in {".", ".."}:
            raise ValidationError(f"invalid record id {record_id!r} for {self.path}")
        return f"{self.path}/{record_id}"

    def _associations_of(self, record_id: str, to: str) -> str:
        self._item_path(record_id)  # refuses an ID that would change the path
        if not to or "/" in to or to in {".", ".."}:
            raise ValidationError(f"invalid object type {to!r} to list associations with")
        return self.associations_path.format(path=self.path, id=record_id, to=to)

    def _params(self, properties: Sequence[str] | None, params: QueryParams | None) -> dict[str, ParamValue]:
        merged: dict[str, ParamValue] = dict(params or {})
        if properties:
            merged["properties"] = ",".join(properties)
        return merged

    def _record(self, data: JSONValue) -> Record:
        # As an answer: the model keeps enum values it does not list (CF-VAL-3).
        return self.model.model_validate(data, context=ANSWER_CONTEXT)  # type: ignore[return-value]  # model is the Record type

    def _write_body(self, properties: Mapping[str, JSONValue]) -> dict[str, JSONValue]:
        return {"properties": dict(properties)}

    def _create_body(
        self, properties: Mapping[str, JSONValue], associations: Sequence[Mapping[str, JSONValue]]
    ) -> dict[str, JSONValue]:
        return {"properties": dict(properties), "associations": [dict(a) for a in associations]}

    def _search_body(
        self, filters: Sequence[Mapping[str, JSONValue]], properties: Sequence[str] | None, after: str | None
    ) -> dict[str, JSONValue]:
        return {
            "filterGroups": [{"filters": [dict(f) for f in filters]}],
            "sorts": [],
            "properties": list(properties or ()),
            "limit": 100,
            "after": after or "0",
        }

    def _batch_body(self, ids: Sequence[str], properties: Sequence[str] | None) -> dict[str, JSONValue]:
        return {
            "inputs": [{"id": record_id} for record_id in ids],
            "properties": list(properties or ()),
            "propertiesWithHistory": [],
        }

    def _results(self, data: JSONValue) -> list[Record]:
        found = dig(data, "results")
        return [self._record(item) for item in found] if isinstance(found, list) else []

    def _associated_ids(self, data: JSONValue) -> list[str]:
        found = dig(data, "results")
        if not isinstance(found, list):
            return []
        return [str(item.get("toObjectId") or item.get("id")) for item in found if isinstance(item, dict)]

    def _next_after(self, data: JSONValue) -> str | None:
        after = dig(data, "paging.next.after")
        return str(after) if after not in (None, "") else None


class Domain(_DomainRules[Record]):
    """One business object of the API, for the blocking connector."""

    def __init__(self, connector: Connector) -> None:
        self.connector = connector

    def list(
        self, *, properties: Sequence[str] | None = None, params: QueryParams | None = None
    ) -> builtins.list[Record]:
        """Return the first page of records."""
        response = self.connector.get(self.path, params=self._params(properties, params))
        return self._results(response.data)

    def iterate(
        self, *, properties: Sequence[str] | None = None, params: QueryParams | None = None
    ) -> Iterator[Record]:
        """Yield every record, page by page, with the connector's pagination and loop guard."""
        for page in self.connector.paginate(self.path, params=self._params(properties, params)):
            for item in page:
                yield self._record(item)

    def get(self, record_id: str, *, properties: Sequence[str] | None = None) -> Record:
        """Return one record by id."""
        response = self.connector.get(self._item_path(record_id), params=self._params(properties, None))
        return self._record(response.data)

    def create(
        self, properties: Mapping[str, JSONValue], *, associations: Sequence[Mapping[str, JSONValue]] = ()
    ) -> Record:
        """Create a record, associated with the existing records in ``associations`` (POST: not retried)."""
        response = self.connector.post(self.path, json=self._create_body(properties, associations))
        return self._record(response.data)

    def update(self, record_id: str, properties: Mapping[str, JSONValue]) -> Record:
        """Change some properties of a record."""
        response = self.connector.patch(self._item_path(record_id), json=self._write_body(properties))
        return self._record(response.data)

    def delete(self, record_id: str) -> None:
        """Delete (archive) a record."""
        self.connector.delete(self._item_path(record_id))

    def search(
        self, filters: Sequence[Mapping[str, JSONValue]], *, properties: Sequence[str] | None = None
    ) -> Iterator[Record]:
        """Yield every record matching all ``filters``; searching is read-only, so it is retried."""
        after: str | None = None
        seen: set[str] = set()
        for _ in range(self.connector.settings.max_pages):
            response = self.connector.request(
                "POST",
                f"{self.path}/search",
                json=self._search_body(filters, properties, after),
                cost=self.connector.settings.search_cost,  # search often has a lower limit
                idempotent=True,
            )
            yield from self._results(response.data)
            after = self._next_after(response.data)
            if after is None or after in seen:
                return
            seen.add(after)

    def batch_read(self, ids: Sequence[str], *, properties: Sequence[str] | None = None) -> builtins.list[Record]:
        """Return many records by id in one call (read-only, so retried)."""
        response = self.connector.request(
            "POST", f"{self.path}/batch/read", json=self._batch_body(ids, properties), idempotent=True
        )
        return self._results(response.data)

    def associations(self, record_id: str, to: str) -> builtins.list[str]:
        """Return the ids of records of domain ``to`` associated with this record."""
        response = self.connector.get(self._associations_of(record_id, to))
        return self._associated_ids(response.data)


class AsyncDomain(_DomainRules[Record]):
    """One business object of the API, for the async connector."""

    def __init__(self, connector: AsyncConnector) -> None:
        self.connector = connector

    async def list(
        self, *, properties: Sequence[str] | None = None, params: QueryParams | None = None
    ) -> builtins.list[Record]:
        """Return the first page of records."""
        response = await self.connector.get(self.path, params=self._params(properties, params))
        return self._results(response.data)

    async def iterate(
        self, *, properties: Sequence[str] | None = None, params: QueryParams | None = None
    ) -> AsyncIterator[Record]:
        """Yield every record, page by page, with the connector's pagination and loop guard."""
        async for page in self.connector.paginate(self.path, params=self._params(properties, params)):
            for item in page:
                yield self._record(item)

    async def get(self, record_id: str, *, properties: Sequence[str] | None = None) -> Record:
        """Return one record by id."""
        response = await self.connector.get(self._item_path(record_id), params=self._params(properties, None))
        return self._record(response.data)

    async def create(
        self, properties: Mapping[str, JSONValue], *, associations: Sequence[Mapping[str, JSONValue]] = ()
    ) -> Record:
        """Create a record, associated with the existing records in ``associations`` (POST: not retried)."""
        response = await self.connector.post(self.path, json=self._create_body(properties, associations))
        return self._record(response.data)

    async def update(self, record_id: str, properties: Mapping[str, JSONValue]) -> Record:
        """Change some properties of a record."""
        response = await self.connector.patch(self._item_path(record_id), json=self._write_body(properties))
        return self._record(response.data)

    async def delete(self, record_id: str) -> None:
        """Delete (archive) a record."""
        await self.connector.delete(self._item_path(record_id))

    async def search(
        self, filters: Sequence[Mapping[str, JSONValue]], *, properties: Sequence[str] | None = None
    ) -> AsyncIterator[Record]:
        """Yield every record matching all ``filters``; searching is read-only, so it is retried."""
        after: str | None = None
        seen: set[str] = set()
        for _ in range(self.connector.settings.max_pages):
            response = await self.connector.request(
                "POST",
                f"{self.path}/search",
                json=self._search_body(filters, properties, after),
                cost=self.connector.settings.search_cost,  # search often has a lower limit
                idempotent=True,
            )
            for record in self._results(response.data):
                yield record
            after = self._next_after(response.data)
            if after is None or after in seen:
                return
            seen.add(after)

    async def batch_read(self, ids: Sequence[str], *, properties: Sequence[str] | None = None) -> builtins.list[Record]:
        """Return many records by id in one call (read-only, so retried)."""
        response = await self.connector.request(
            "POST", f"{self.path}/batch/read", json=self._batch_body(ids, properties), idempotent=True
        )
        return self._results(response.data)

    async def associations(self, record_id: str, to: str) -> builtins.list[str]:
        """Return the ids of records of domain ``to`` associated with this record."""
        response = await self.connector.get(self._associations_of(record_id, to))
        return self._associated_ids(response.data)
