"""Infers how one list operation pages, from its vendor extension or from its parameters and answer.

A list operation answers with a list of records: the answer itself, an array property of it, or an
array inside one of its objects (``{"categories": {"items": [...], "next": ...}}``). How it pages
comes, first found wins, from:

1. a vendor extension on the operation: ``x-pagination`` (this project's own, with `PageSpec`'s
   field names; ``false`` turns an iterator off), ``x-speakeasy-pagination`` or ``x-fern-pagination``;
2. a cursor parameter (``cursor``, ``after``, ``page_token``, ``next_token``...) and the field of
   the answer that holds the next cursor;
3. a field of the answer holding the next page's URL (``next``, ``next_page_url``, ``links.next``);
4. a ``Link`` header declared on the answer (RFC 8288);
5. a page-number parameter (``page``), with a page-size one when there is one;
6. an ``offset`` (or ``skip``) parameter, with ``limit``.

Written by hand: no maintained library reads pagination out of an OpenAPI description.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Paging", "infer_paging", "is_list", "records_of"]

Deref = Callable[[Any], Any]

#: Records asked for per page, unless the page-size parameter allows fewer.
PAGE_SIZE = 100
_CURSOR_PARAMETERS = frozenset(
    {"cursor", "after", "pagetoken", "nexttoken", "nextpagetoken", "continuationtoken", "continuation",
     "startingafter", "pagecursor", "marker", "starttoken"}
)  # fmt: skip
_PAGE_PARAMETERS = frozenset({"page", "pagenumber", "pagenum", "pageno", "pageindex"})
_SIZE_PARAMETERS = frozenset({"perpage", "pagesize", "size", "limit", "maxresults", "pagelimit", "maxitems"})
_OFFSET_PARAMETERS = frozenset({"offset", "skip", "startindex"})
_CURSOR_FIELDS = frozenset(
    {"nextcursor", "nextpagetoken", "nexttoken", "endcursor", "continuationtoken", "nextmarker", "nextpagecursor"}
)
_URL_FIELDS = frozenset({"nexturl", "nextpageurl", "nextlink", "nextpagelink", "nexturi", "nexthref"})
_LINK_PARENTS = frozenset({"links", "_links", "link", "paging", "pagination", "page", "meta", "pageinfo"})
_RECORD_NAMES = ("data", "items", "results", "records", "entries", "values", "elements", "content", "list", "rows")
# Lists beside the records that are never them: HATEOAS links ({href, rel}), errors and warnings.
_NOT_RECORDS = frozenset({"links", "_links", "errors", "warnings", "messages"})
_SCALARS = frozenset({"string", "integer", "number"})
_SIMPLE_PATH = re.compile(r"\$(?:response)?((?:\.[A-Za-z0-9_-]+)*)")
_REQUEST_NAME = re.compile(r"\$request\.([A-Za-z0-9_.-]+)")


@dataclass(frozen=True)
class Paging:
    """How a list operation pages: the fields of the runtime's `PageSpec`, and where they came from."""

    kind: str
    records_path: str
    page_param: str = ""
    page_size_param: str = ""
    page_size: int = PAGE_SIZE
    next_path: str = ""
    start: int | None = None
    source: str = "inferred"

    def describe(self) -> str:
        """One line for the render output: the kind, what it sends and reads, and where records are."""
        parts = {
            "cursor": f"{self.page_param} <- {self.next_path}",
            "next_url": f"next URL at {self.next_path}",
            "link_header": "Link header",
            "page": f"{self.page_param} from {1 if self.start is None else self.start}",
            "offset": f"{self.page_param} from {self.start or 0}",
        }
        size = f", {self.page_size_param}={self.page_size}" if self.page_size_param else ""
        records = self.records_path or "the body"
        return f"{self.kind} ({parts.get(self.kind, '')}{size}), records at {records}; {self.source}"


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _types(schema: Any) -> list[str]:
    declared = schema.get("type") if isinstance(schema, dict) else None
    listed = declared if isinstance(declared, list) else [declared] if isinstance(declared, str) else []
    return [kind for kind in listed if kind != "null"]


def _properties(schema: Any, deref: Deref, depth: int = 0) -> dict[str, Any]:
    """Return an object schema's properties, those of its ``allOf`` parts included, each dereferenced."""
    schema = deref(schema)
    if not isinstance(schema, dict) or depth > 8:
        return {}
    found: dict[str, Any] = {}
    for part in schema.get("allOf") or []:
        found.update(_properties(part, deref, depth + 1))
    for name, value in (schema.get("properties") or {}).items():
        found[str(name)] = deref(value)
    return found


def _is_array(schema: Any) -> bool:
    return isinstance(schema, dict) and _types(schema) == ["array"]


def records_of(schema: Any, deref: Deref) -> tuple[str, Any] | None:
    """Return ``(dotted path, item schema)`` of the records in an answer, or None when it has no one list."""
    schema = deref(schema)
    if _is_array(schema):
        return "", schema.get("items")
    properties = _properties(schema, deref)
    arrays = {name: value for name, value in properties.items() if _is_array(value) and name not in _NOT_RECORDS}
    chosen = _one(arrays)
    if chosen is not None:
        return chosen, arrays[chosen].get("items")
    if arrays:
        return None  # several lists, none of them obviously the records
    nested = {}
    for name, value in properties.items():
        inner = {
            inner: part
            for inner, part in _properties(value, deref).items()
            if _is_array(part) and inner not in _NOT_RECORDS
        }
        inner_name = _one(inner)
        if inner_name is not None:
            nested[f"{name}.{inner_name}"] = inner[inner_name]
    if len(nested) == 1:
        [(path, value)] = nested.items()
        return path, value.get("items")
    return None


_PAGE_FIELDS = frozenset({"total", "count", "next", "cursor", "cursors", "offset", "limit", "page", "paging",
                          "pagination", "links", "meta", "hasmore", "totalcount", "nextpagetoken"})  # fmt: skip


def is_list(answer: Any, deref: Deref) -> bool:
    """Whether an answer is a list of records: a list, a list named like records, or one beside page fields."""
    found = records_of(answer, deref)
    if found is None:
        return False
    path = found[0]
    if not path:
        return True
    container, _, name = path.rpartition(".")
    node: Any = deref(answer)
    for key in [part for part in container.split(".") if part]:
        node = _properties(node, deref).get(key)
    beside = {_key(other) for other in _properties(node, deref)} - {_key(name)}
    return name in _RECORD_NAMES or bool(beside & _PAGE_FIELDS)


def _one(arrays: dict[str, Any]) -> str | None:
    if len(arrays) == 1:
        return next(iter(arrays))
    named = [name for name in _RECORD_NAMES if name in arrays]
    return named[0] if len(named) == 1 else None


def _scalar_fields(schema: Any, deref: Deref, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted path, schema)`` of every scalar field of an answer, three objects deep, lists skipped."""
    if depth > 3:
        return
    for name, value in _properties(schema, deref).items():
        if "." in name:
            continue  # a dotted name cannot be told apart from a path
        path = f"{prefix}{name}"
        kinds = _types(value)
        if (kinds and set(kinds) <= _SCALARS) or (not kinds and "enum" not in value and not _properties(value, deref)):
            yield path, value
        elif not _is_array(value):
            yield from _scalar_fields(value, deref, f"{path}.", depth + 1)


def _is_url(path: str, schema: Any) -> bool:
    """Whether a field holds a URL: its format, or its name or description says so."""
    name = _key(path.rsplit(".", 1)[-1])
    text = str(schema.get("description") or "").lower() if isinstance(schema, dict) else ""
    return (
        (isinstance(schema, dict) and schema.get("format") in ("uri", "url", "uri-reference", "iri"))
        or any(word in name for word in ("url", "uri", "link", "href"))
        or any(word in text for word in ("url", "uri", "link"))
    )


def _next_url(fields: list[tuple[str, Any]], records: str) -> str | None:
    """Return the path of the field that holds the next page's URL (beside the records, or under ``links``)."""
    beside = records.rpartition(".")[0]  # "categories" for records at "categories.items"
    for path, schema in fields:
        parts = [_key(part) for part in path.split(".")]
        last = parts[-1]
        if last in _URL_FIELDS:
            return path
        parent = path.rpartition(".")[0]
        if last == "next" and (parent == beside or parts[-2] in _LINK_PARENTS) and _is_url(path, schema):
            return path
        if last == "href" and len(parts) >= 2 and parts[-2] == "next":
            return path
    return None


def _next_cursor(fields: list[tuple[str, Any]], parameter: str) -> str | None:
    """Return the path of the field that holds the cursor to send as ``parameter`` next."""
    wanted = _key(parameter)
    scored = []
    for path, schema in fields:
        parts = [_key(part) for part in path.split(".")]
        last = parts[-1]
        if last in ("next" + wanted, "next" + wanted.removeprefix("page")):
            scored.append((0, path))
        elif last == wanted and len(parts) > 1 and parts[-2] in ("next", "cursors", "cursor", *_LINK_PARENTS):
            scored.append((1, path))
        elif last in _CURSOR_FIELDS:
            scored.append((2, path))
        elif last == "next" and not _is_url(path, schema):
            scored.append((3, path))
    return min(scored)[1] if scored else None


def _bounded(schema: Any) -> int:
    """Return the page size to ask for: 100, or what the page-size parameter's minimum and maximum allow."""
    size = PAGE_SIZE
    maximum, minimum = (schema.get("maximum"), schema.get("minimum")) if isinstance(schema, dict) else (None, None)
    if isinstance(maximum, (int, float)) and not isinstance(maximum, bool):
        size = min(size, int(maximum))
    if isinstance(minimum, (int, float)) and not isinstance(minimum, bool):
        size = max(size, int(minimum))
    return size


def _size(parameters: dict[str, Any]) -> tuple[str, int]:
    """Return the page-size parameter (by its name) and the size to ask for."""
    for wire, schema in parameters.items():
        if _key(wire) in _SIZE_PARAMETERS:
            return wire, _bounded(schema)
    return "", PAGE_SIZE


def _start(schema: Any) -> int | None:
    """Return 0 when a page parameter counts from 0 (its minimum or default says so), else None (from 1)."""
    for key in ("minimum", "default"):
        value = schema.get(key) if isinstance(schema, dict) else None
        if value in (0, "0"):
            return 0
    return None


def _path(expression: object) -> str | None:
    """Return ``$.a.b`` or ``$response.a.b`` as ``"a.b"``; None for anything JSONPath does beyond that."""
    match = _SIMPLE_PATH.fullmatch(str(expression).strip())
    return match.group(1).lstrip(".") if match else None


def _from_speakeasy(extension: dict[str, Any], parameters: dict[str, Any]) -> Paging | str:
    inputs = {
        str(item.get("type")): str(item.get("name")) for item in extension.get("inputs") or [] if isinstance(item, dict)
    }
    outputs = extension.get("outputs") or {}
    records = _path(outputs.get("results", "$"))
    if records is None:
        return f"x-speakeasy-pagination results {outputs.get('results')!r} is not a plain path"
    size_param = inputs.get("limit", "")
    size = _bounded(parameters.get(size_param)) if size_param else PAGE_SIZE
    kind = extension.get("type")
    source = "x-speakeasy-pagination"
    if kind == "offsetLimit" and "page" in inputs:
        start = _start(parameters.get(inputs["page"]))
        return Paging("page", records, inputs["page"], size_param, size, start=start, source=source)
    if kind == "offsetLimit" and "offset" in inputs:
        return Paging("offset", records, inputs["offset"], size_param, size, source=source)
    if kind == "cursor" and "cursor" in inputs:
        cursor = _path(outputs.get("nextCursor", ""))
        if not cursor:
            return f"x-speakeasy-pagination nextCursor {outputs.get('nextCursor')!r} is not a plain path"
        return Paging("cursor", records, inputs["cursor"], size_param, size, next_path=cursor, source=source)
    if kind == "url":
        url = _path(outputs.get("nextUrl", ""))
        if not url:
            return f"x-speakeasy-pagination nextUrl {outputs.get('nextUrl')!r} is not a plain path"
        return Paging("next_url", records, "", size_param, size, next_path=url, source=source)
    return f"x-speakeasy-pagination of type {kind!r} with inputs {sorted(inputs)} is not supported"


def _request_name(expression: object) -> str:
    match = _REQUEST_NAME.fullmatch(str(expression or "").strip())
    return match.group(1).rsplit(".", 1)[-1] if match else ""


def _from_fern(extension: dict[str, Any], parameters: dict[str, Any]) -> Paging | str:
    records = _path(str(extension.get("results", "$response")))
    if records is None:
        return f"x-fern-pagination results {extension.get('results')!r} is not a plain path"
    size_param, size = _size(parameters)
    step = _request_name(extension.get("step"))
    if step:
        size_param, size = step, _bounded(parameters.get(step))
    source = "x-fern-pagination"
    if "cursor" in extension:
        cursor = _request_name(extension["cursor"])
        next_path = _path(str(extension.get("next_cursor", "")))
        if not cursor or not next_path:
            return "x-fern-pagination cursor or next_cursor is not a plain $request/$response path"
        return Paging("cursor", records, cursor, size_param, size, next_path=next_path, source=source)
    if "offset" in extension:
        offset = _request_name(extension["offset"])
        if not offset:
            return "x-fern-pagination offset is not a $request path"
        if step or _key(offset) in _OFFSET_PARAMETERS:  # a step moves an offset; without one, a page number
            return Paging("offset", records, offset, size_param, size, source=source)
        return Paging("page", records, offset, size_param, size, start=_start(parameters.get(offset)), source=source)
    if "next_uri" in extension or "next_url" in extension:
        next_path = _path(str(extension.get("next_uri", extension.get("next_url", ""))))
        if next_path:
            return Paging("next_url", records, "", size_param, size, next_path=next_path, source=source)
    return "x-fern-pagination has no cursor, offset or next_uri this generator reads"


_KINDS = frozenset({"none", "offset", "page", "cursor", "next_url", "link_header"})
_OWN_FIELDS = ("records_path", "page_param", "page_size_param", "next_path")


def _from_own(extension: object, records: str) -> Paging | str | None:
    """Read ``x-pagination``: ``false`` (no iterator) or PageSpec's fields (``kind`` or ``type``, ...)."""
    if extension is False or (isinstance(extension, dict) and extension.get("kind", extension.get("type")) == "none"):
        return None
    if not isinstance(extension, dict):
        return "x-pagination must be false or a mapping of PageSpec fields (kind, records_path, ...)"
    kind = str(extension.get("kind", extension.get("type", "")))
    if kind not in _KINDS:
        return f"x-pagination kind {kind!r} is not one of {', '.join(sorted(_KINDS))}"
    fields = {name: str(extension[name]) for name in _OWN_FIELDS if isinstance(extension.get(name), str)}
    size, start = extension.get("page_size", PAGE_SIZE), extension.get("start")
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        return "x-pagination page_size must be a whole number of at least 1"
    if start is not None and (not isinstance(start, int) or isinstance(start, bool)):
        return "x-pagination start must be a whole number"
    return Paging(
        kind, fields.pop("records_path", records), page_size=size, start=start, source="x-pagination", **fields
    )


def infer_paging(
    operation: dict[str, Any],
    parameters: dict[str, Any],
    answer: Any,
    headers: dict[str, Any],
    deref: Deref,
    root: dict[str, Any] | None = None,
) -> Paging | str | None:
    """Return how a GET operation pages, why it cannot be read (text), or None when it does not page.

    Args:
        operation: The operation object of the description.
        parameters: Its query parameters: wire name -> schema (dereferenced).
        answer: The schema of its success answer.
        headers: The headers its success answer declares (names as written).
        deref: Follows ``$ref`` chains in the description.
        root: The description's top level, for a shared ``x-fern-pagination`` (operations say ``true``).
    """
    found = records_of(answer, deref)
    records = found[0] if found else ""
    if "x-pagination" in operation:
        return _from_own(operation["x-pagination"], records)
    for key, read in (("x-speakeasy-pagination", _from_speakeasy), ("x-fern-pagination", _from_fern)):
        extension = operation.get(key)
        if extension is True and root is not None:
            extension = root.get(key)
        if isinstance(extension, dict):
            return read(extension, parameters)
    if found is None:
        return None
    fields = list(_scalar_fields(answer, deref))
    size_param, size = _size(parameters)
    for wire in parameters:
        if _key(wire) in _CURSOR_PARAMETERS:
            cursor = _next_cursor(fields, wire)
            if cursor is not None:
                return Paging("cursor", records, wire, size_param, size, next_path=cursor)
    url = _next_url(fields, records)
    if url is not None:
        return Paging("next_url", records, "", size_param, size, next_path=url)
    if any(name.lower() == "link" for name in headers):
        return Paging("link_header", records, "", size_param, size)
    for wire, schema in parameters.items():
        if _key(wire) in _PAGE_PARAMETERS:
            return Paging("page", records, wire, size_param, size, start=_start(schema))
    for wire in parameters:
        if _key(wire) in _OFFSET_PARAMETERS and size_param:
            return Paging("offset", records, wire, size_param, size)
    return None
