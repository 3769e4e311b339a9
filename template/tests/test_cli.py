"""The command line against the fault server: check, get, and an interrupted extract that resumes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from .api import ENV_PREFIX, Connector, cli
from .server import FaultServer, Reply


@pytest.fixture
def env(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> FaultServer:
    settings = {
        "BASE_URL": server.url,
        "AUTH": "none",
        "PAGINATION": "cursor",
        "RECORDS_PATH": "data",
        "PAGE_SIZE": "10",
        "PAGE_PARAM": "cursor",
        "PAGE_SIZE_PARAM": "limit",
        "NEXT_PATH": "next_cursor",
        "MAX_RETRIES": "0",
        "PAGE_RECOVERY_BUDGET": "0",  # a failed page ends the extract, as these tests need
    }
    for name, value in settings.items():
        monkeypatch.setenv(ENV_PREFIX + name, value)
    return server


def run(*argv: str, connector_class: type[Connector] = Connector) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), connector_class=connector_class, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_check_reports_success(env: FaultServer) -> None:
    """check probes the API and says how it answered."""
    code, out, _ = run("check")
    assert code == 0
    assert out.startswith(f"ok: {env.url} answered 200")


@pytest.mark.parametrize(
    ("reply", "code", "hint"),
    [
        (Reply(401), cli.EXIT_CODES[cli.ErrorCode.AUTH_FAILED], "fix: this API expects no credentials"),
        (Reply(503), cli.EXIT_CODES[cli.ErrorCode.SERVER_ERROR], "SERVER_ERROR"),
        (Reply(reset=True), cli.EXIT_CODES[cli.ErrorCode.NETWORK_ERROR], "fix: check the network"),
    ],
)
def test_check_explains_each_failure_with_its_own_exit_code(
    env: FaultServer, reply: Reply, code: int, hint: str
) -> None:
    """Each error class has a distinct exit code and a message saying what to do."""
    env.script("/", reply)
    result, _, err = run("check")
    assert result == code
    assert hint in err


def test_exit_codes_are_distinct_per_error_code() -> None:
    """No two error codes share an exit code, and none collides with 0, 1, 2 or 130."""
    codes = list(cli.EXIT_CODES.values())
    assert len(set(codes)) == len(codes) == len(cli.ErrorCode)
    assert not {0, 1, cli.EXIT_USAGE, cli.EXIT_INTERRUPTED} & set(codes)


def test_get_prints_json_with_params(env: FaultServer) -> None:
    """get sends --param values and prints the body as JSON."""
    code, out, _ = run("get", "things", "--param", "q=1", "--param", "r=two")
    assert code == 0
    assert json.loads(out)["path"] == "/things"
    assert env.requests_to("/things")[0].query == {"q": ["1"], "r": ["two"]}


def test_bad_params_are_a_usage_error(env: FaultServer) -> None:
    """A --param without '=' exits 2 and sends nothing."""
    code, _, err = run("get", "things", "--param", "oops")
    assert code == cli.EXIT_USAGE
    assert "key=value" in err
    assert env.received == []


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_extract_resumes_after_a_failure_without_duplicates(env: FaultServer, tmp_path: Path) -> None:
    """A failure on page 3 stops the extract; running it again finishes with each record once."""
    out = tmp_path / "items.jsonl"
    env.script("/cursor/items", Reply(200, {"data": env.records[:10], "next_cursor": "10"}))
    env.script("/cursor/items", Reply(200, {"data": env.records[10:20], "next_cursor": "20"}), Reply(500))
    code, _, err = run("extract", "cursor/items", "--out", str(out))
    assert code == cli.EXIT_CODES[cli.ErrorCode.SERVER_ERROR]
    assert len(_lines(out)) == 20
    code, _, err = run("extract", "cursor/items", "--out", str(out))
    assert code == 0
    assert "extracted 45 records" in err
    assert [record["id"] for record in _lines(out)] == list(range(45))
    assert run("extract", "cursor/items", "--out", str(out))[2].endswith("already complete (45 records)\n")


def test_extract_interrupted_mid_page_drops_the_partial_page(env: FaultServer, tmp_path: Path) -> None:
    """Ctrl-C after some records of a page were written: the re-run truncates them and continues."""
    out = tmp_path / "items.jsonl"

    class Interrupted(Connector):
        def pages(self, *args: Any, **kwargs: Any) -> Any:
            for number, page in enumerate(super().pages(*args, **kwargs)):
                if number == 2:
                    with out.open("a") as handle:
                        handle.write('{"id": "half-written"}\n')
                    raise KeyboardInterrupt
                yield page

    code, _, err = run("extract", "cursor/items", "--out", str(out), connector_class=Interrupted)
    assert code == cli.EXIT_INTERRUPTED
    assert "run the same command again to resume" in err
    code, _, _ = run("extract", "cursor/items", "--out", str(out))
    assert code == 0
    assert [record["id"] for record in _lines(out)] == list(range(45))


def test_extract_refuses_to_mix_with_an_unknown_file(env: FaultServer, tmp_path: Path) -> None:
    """An existing output without a checkpoint is not appended to, unless --restart."""
    out = tmp_path / "items.jsonl"
    out.write_text("mine\n")
    assert run("extract", "cursor/items", "--out", str(out))[0] == cli.EXIT_USAGE
    assert run("extract", "cursor/items", "--out", str(out), "--restart")[0] == 0
    assert len(_lines(out)) == 45


def test_python_dash_m_entry_point_runs(env: FaultServer) -> None:
    """`python -m <package> check` works as a subprocess, with the console script's code path."""
    import os
    import subprocess
    import sys

    from .api import PACKAGE

    command = [sys.executable, "-m", PACKAGE, "check"]
    result = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ), timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "answered 200" in result.stdout
