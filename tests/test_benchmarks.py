"""Smoke test of ``benchmarks/``: every benchmark runs on tiny sizes and the report is written.

Nothing here times anything or compares figures: the sizes are far too small to mean anything.
It only keeps the benchmark code from rotting. Comparators (dlt, the Singer SDK) and matplotlib
belong to the ``bench`` extra; without them their parts are skipped, as the benchmarks report.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from benchmarks import __main__ as bench
from benchmarks.report import Environment, markdown, plot, table
from benchmarks.server import LocalServer, page_body

TINY = bench.Sizes(
    rounds=1,
    overhead_requests=20,
    quota_rate=1000,  # a bucket the tiny run never empties: no 1 s Retry-After waits
    quota_seconds=0.3,
    extraction_records=250,
    latency_records=250,
    memory_records=1_500,
    corpus_rounds=1,
    corpus_files=1,  # the smallest real-world description
    scaling_operations=(5, 10),  # two copies: enough to check the goals are stated
)


def test_the_server_pages_a_collection_by_cursor_and_by_number() -> None:
    """Pages hold the requested records and say where the next page is."""
    first = page_body("cursor", {"limit": "2", "cursor": "0"}, total=3)
    last = page_body("cursor", {"limit": "2", "cursor": "2"}, total=3)
    assert first.startswith(b'{"data":[{"id":0,')
    assert first.endswith(b'"next_cursor":"2"}')
    assert last.count(b'"id":') == 1
    assert last.endswith(b'"next_cursor":null}')
    assert page_body("page", {"per_page": "2", "page": "2"}, total=3).endswith(b'"total":3,"total_pages":2}')


def test_the_quota_servers_refuse_the_request_beyond_n_in_a_second_and_report_what_remains() -> None:
    """N=2: two 200s then a 429 with Retry-After, on both servers; each reports the remaining count and the reset."""
    import httpx

    with LocalServer() as server, httpx.Client(base_url=server.url) as client:
        for kind, prefix in (("sliding", "X-RateLimit"), ("fixed", "RateLimit")):
            server.control("reset", rate=2)
            answers = [client.get(f"quota/{kind}") for _ in range(3)]
            assert [answer.status_code for answer in answers] == [200, 200, 429], kind
            assert answers[2].headers["Retry-After"] == "1"
            assert [answer.headers[f"{prefix}-Remaining"] for answer in answers] == ["1", "0", "0"]
            assert server.control("stats") == {"ok": 2, "limited": 1}
        # The sliding window's reset is a Unix time in milliseconds; the fixed one's, seconds from now.
        assert float(answers[0].headers["RateLimit-Reset"]) <= 1.0
        reset = client.get("quota/sliding").headers["X-RateLimit-Reset"]
        assert reset.isdigit()
        assert int(reset) > 1e12


def test_a_tiny_run_measures_every_goal_and_writes_the_report(tmp_path: Path) -> None:
    """One tiny run (one test, so xdist never runs it twice): figures, goals, skips, report, plot."""
    sections = bench.run(TINY, presets=["rest"])

    assert [section.key for section in sections] == list(bench.SECTIONS)
    for section in sections:
        assert section.rows, section.key
        assert all(row.runs for row in section.rows), section.key
    goals = [goal for section in sections for goal in section.goals]
    names = " ".join(goal.name for goal in goals)
    for expected in (
        "copier copy",
        "copier update",
        "generated operations",
        "linearly",
        "overhead",
        "quota",
        "extraction",
        "peak RSS",
    ):
        assert expected in names
    assert all(goal.measured and (goal.met or goal.why) for goal in goals)

    # dlt is a figure when installed and a skipped line when not.
    quota = next(section for section in sections if section.key == "quota")
    measured = any("dlt" in row.name for row in quota.rows)
    assert measured == (importlib.util.find_spec("dlt") is not None)
    assert measured or quota.skipped

    environment = Environment(command="python -m benchmarks --quick")
    environment.collect()
    report = markdown(sections, environment, "results.png")
    assert f"Machine: {environment.cores} cores" in report
    assert "## Goals" in report
    text = table(sections, environment)
    assert all(section.title in text for section in sections)

    if importlib.util.find_spec("matplotlib") is not None:
        path = tmp_path / "results.png"
        plot(sections, path)
        assert path.read_bytes().startswith(b"\x89PNG")
