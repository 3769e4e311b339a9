"""The dlt hand-off: load the fake API into DuckDB, then load only what is new."""

from __future__ import annotations

from pathlib import Path

import pytest

from .api import Connector
from .conftest import settings_for
from .server import FaultServer

dlt = pytest.importorskip("dlt", reason="install the dlt extra: pip install -e '.[dlt]'")


def test_incremental_runs_load_only_new_records(server: FaultServer, tmp_path: Path) -> None:
    """45 rows on the first run; after 5 new records, the second run loads those 5."""
    from .api import package

    source_module = __import__(f"{package.__name__}.dlt_source", fromlist=["default_resources"])
    make_source = next(getattr(source_module, name) for name in source_module.__all__ if name.endswith("_source"))
    settings = settings_for(
        server, pagination="cursor", records_path="data", page_size=20, page_param="cursor", next_path="next_cursor"
    )
    pipeline = dlt.pipeline(
        pipeline_name="connector_test",
        destination=dlt.destinations.duckdb(str(tmp_path / "load.duckdb")),
        dataset_name="raw",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    with Connector(settings) as api:
        pipeline.run(make_source({"items": "cursor/items"}, cursor_field="updated_at", connector=api))
        first = pipeline.last_trace.last_normalize_info.row_counts["items"]
        for n in range(45, 50):
            server.records.append({"id": n, "name": f"record {n}", "updated_at": f"2026-02-01T00:00:{n:02d}Z"})
        pipeline.run(make_source({"items": "cursor/items"}, cursor_field="updated_at", connector=api))
        second = pipeline.last_trace.last_normalize_info.row_counts.get("items", 0)
    assert (first, second) == (45, 5)
    with pipeline.sql_client() as client:
        rows = client.execute_sql("select count(*) from items")
    assert rows[0][0] == 50
