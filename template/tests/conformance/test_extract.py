"""Long walks (CF-PAGE-6, CF-PAGE-7, CF-SEC-7): faults lose nothing, interruptions leave a clean resume."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..api import ENV_PREFIX, PACKAGE, Connector, cli, errors, testing
from ..conftest import MakeDriver
from ..server import FaultServer, Reply

spec = pytest.mark.spec

CURSOR = {
    "pagination": "cursor",
    "records_path": "data",
    "page_size": 100,
    "page_param": "cursor",
    "page_size_param": "limit",
    "next_path": "next_cursor",
}


def _chaos(server: FaultServer) -> None:
    """10 000 records; 20 % 503s, 5 % resets, 5 % 429s; after 40 pages, seven 503s in a row."""
    server.records = [{"id": n} for n in range(10_000)]
    server.chaos(server_errors=0.20, resets=0.05, rate_limits=0.05, seed=11)
    server.script_after("/cursor/items", 40, *[Reply(503, {"message": "down"})] * 7)


def _breaker_opened(events: list[Any]) -> bool:
    return any(change.new == "open" for change in events)


@spec("CF-PAGE-6")
def test_a_walk_under_faults_with_default_settings_reads_every_record_once(
    make: MakeDriver, server: FaultServer, clock: testing.FakeClock
) -> None:
    """10 000 records through 5xx, resets, 429s and a burst that opens the breaker: none lost, none twice."""
    from ..api import events

    _chaos(server)
    changes: list[Any] = []
    api = make(hooks=events.Hooks(on_breaker_change=[changes.append]), **CURSOR)  # every other setting: default
    ids = [record["id"] for record in api.collect("items", "cursor/items")]
    assert len(ids) == 10_000
    assert sorted(ids) == list(range(10_000))
    assert _breaker_opened(changes)  # the burst really opened the circuit, and the walk waited it out
    assert len(server.requests_to("/cursor/items")) > 130  # the faults happened: 100 pages took many more calls
    assert any(wait >= 59 for wait in clock.sleeps)  # it slept until the circuit half-opened (cool-down 60 s)


@spec("CF-PAGE-6")
def test_single_calls_still_fail_fast_while_the_circuit_is_open(make: MakeDriver, server: FaultServer) -> None:
    """Only walks wait out an open circuit: a plain call raises CircuitOpenError at once."""
    server.script("/down", *[Reply(503)] * 5)
    api = make(max_retries=4)
    with pytest.raises(errors.ServerError):
        api("get", "down")
    before = len(server.received)
    with pytest.raises(errors.CircuitOpenError):
        api("get", "down")
    assert len(server.received) == before


@pytest.fixture
def env(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> FaultServer:
    """The command line's settings, from the environment: the fault server, cursor pages of 10."""
    values = {"BASE_URL": server.url, "AUTH": "none", **{k.upper(): str(v) for k, v in CURSOR.items()}}
    for name, value in {**values, "PAGE_SIZE": "10"}.items():
        monkeypatch.setenv(ENV_PREFIX + name, value)
    return server


def _extract(
    out: Path, *extra: str, resource: str = "cursor/items", connector_class: type[Connector] = Connector
) -> tuple[int, str]:
    err = io.StringIO()
    argv = ["extract", resource, "--out", str(out), *extra]
    code = cli.main(argv, connector_class=connector_class, stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def _ids(path: Path) -> list[int]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines()]


def _checkpoint(out: Path) -> Path:
    return out.with_name(out.name + ".checkpoint.json")


def _fake_time(clock: testing.FakeClock) -> type[Connector]:
    class FakeTime(Connector):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, clock=clock, rng=random.Random(5), **kwargs)

    return FakeTime


@spec("CF-PAGE-6", "CF-PAGE-7")
def test_extract_under_faults_with_default_settings_writes_every_record_once(
    env: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: testing.FakeClock
) -> None:
    """The command line's extract rides out the same faults: exit 0, 10 000 lines, each record once."""
    monkeypatch.setenv(ENV_PREFIX + "PAGE_SIZE", "100")
    _chaos(env)
    out = tmp_path / "items.jsonl"
    code, err = _extract(out, connector_class=_fake_time(clock))
    assert code == 0, err
    assert _ids(out) == list(range(10_000))
    assert json.loads(_checkpoint(out).read_text())["done"] is True


class _Interrupt(Connector):
    """Stops during the first request, as Ctrl-C would."""

    def get(self, *args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt


@spec("CF-PAGE-7")
@pytest.mark.parametrize("interruption", ["first request fails", "Ctrl-C during the first request"])
def test_an_extract_stopped_before_its_first_page_resumes_cleanly(
    env: FaultServer, tmp_path: Path, interruption: str
) -> None:
    """No output file without a checkpoint: the same command run again starts over and completes."""
    out = tmp_path / "items.jsonl"
    if interruption == "first request fails":
        env.script("/cursor/items", Reply(401, {"message": "expired"}))
        assert _extract(out)[0] == cli.EXIT_CODES[errors.ErrorCode.AUTH_FAILED]
    else:
        assert _extract(out, connector_class=_Interrupt)[0] == cli.EXIT_INTERRUPTED
    assert not out.exists() or _checkpoint(out).exists()
    code, err = _extract(out)
    assert code == 0, err
    assert _ids(out) == list(range(45))


#: Where the extract is killed: (os function, which call, before or after it runs).
KILL_POINTS = {
    "before its first checkpoint is in place": ("replace", 1, "before"),
    "after its first checkpoint, before the output exists": ("replace", 1, "after"),
    "after page 2 is on disk, before its checkpoint": ("fsync", 4, "after"),
    "while page 3's checkpoint is being replaced": ("replace", 4, "before"),
}

# Imports the package once, then runs each extract at once in a forked child: one interpreter
# start in all. A child with a kill point SIGKILLs itself there; the one without is pointed at the
# slow server, writes its pid next to its output and is killed by the test. The parent prints the
# children's exit codes.
_KILLER = """
import json, os, signal, sys
from {package} import cli
from {package}.connector import {connector} as connector_class
children = []
for name, nth, when, out, base_url in json.loads(sys.argv[1]):
    child = os.fork()
    children.append(child)
    if child == 0:
        if base_url:
            os.environ["{prefix}BASE_URL"] = base_url
            with open(out + ".pid", "w") as pid:
                pid.write(str(os.getpid()))
        if name:
            original, calls = getattr(os, name), []
            def stop(*args, original=original, calls=calls, nth=nth, when=when):
                calls.append(1)
                if len(calls) == nth and when == "before":
                    os.kill(os.getpid(), signal.SIGKILL)
                result = original(*args)
                if len(calls) == nth and when == "after":
                    os.kill(os.getpid(), signal.SIGKILL)
                return result
            setattr(os, name, stop)
        os._exit(cli.main(["extract", "cursor/items", "--out", out], connector_class=connector_class))
for child in children:
    print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
"""


def _wait_for(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def slow_server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        running.script("/cursor/items", Reply(200, {"data": []}, delay=30))  # the first answer never comes in time
        yield running


@spec("CF-PAGE-7")
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX")
def test_an_extract_killed_at_any_point_resumes_with_each_record_once(
    env: FaultServer, slow_server: FaultServer, tmp_path: Path
) -> None:
    """SIGKILL at five points: the same command run again completes, each record once."""
    points: dict[str, tuple[str | None, int, str, str | None]] = {
        "while waiting for the first answer": (None, 0, "", slow_server.url)
    }
    points.update({point: (*where, None) for point, where in KILL_POINTS.items()})
    outs = {point: tmp_path / f"run{number}" / "items.jsonl" for number, point in enumerate(points)}
    for out in outs.values():
        out.parent.mkdir()
    plan = json.dumps([[name, nth, when, str(outs[point]), url] for point, (name, nth, when, url) in points.items()])
    script = _KILLER.format(package=PACKAGE, connector=Connector.__name__, prefix=ENV_PREFIX)
    command = [sys.executable, "-c", script, plan]
    pid = outs["while waiting for the first answer"].with_suffix(".jsonl.pid")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as killer:
        _wait_for(lambda: slow_server.requests_to("/cursor/items") and pid.exists())
        os.kill(int(pid.read_text()), signal.SIGKILL)
        stdout, stderr = killer.communicate(timeout=120)
    assert killer.returncode == 0, stderr
    assert stdout.split() == [str(-signal.SIGKILL)] * len(points), stderr
    for point, out in outs.items():
        assert not out.exists() or _checkpoint(out).exists(), point  # never an output without a checkpoint
        if _checkpoint(out).exists():
            assert stat.S_IMODE(_checkpoint(out).stat().st_mode) == 0o600, point
        code, err = _extract(out)
        assert code == 0, (point, err)
        assert _ids(out) == list(range(45)), point
        assert not out.with_name(out.name + ".checkpoint.json.tmp").exists(), point


@spec("CF-SEC-7")
def test_checkpoints_are_private_and_hold_no_echoed_key(
    env: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checkpoints and their temporary files are mode 0600, and the key the API echoes is not in them."""
    key = "key-ec40-PLANTED"
    monkeypatch.setenv(ENV_PREFIX + "PAGINATION", "next_url")
    monkeypatch.setenv(ENV_PREFIX + "NEXT_PATH", "next")
    monkeypatch.setenv(ENV_PREFIX + "AUTH", "api_key_query")
    monkeypatch.setenv(ENV_PREFIX + "AUTH_PARAM_NAME", "api_key")
    monkeypatch.setenv(ENV_PREFIX + "API_KEY", key)
    env.echo_param = "api_key"
    out = tmp_path / "items.jsonl"
    checkpoint = _checkpoint(out)
    leftover = checkpoint.with_name(checkpoint.name + ".tmp")
    leftover.write_text("{}")
    leftover.chmod(0o644)  # a temporary file left by a crash must not lend its mode
    modes: list[int] = []
    written: list[str] = []
    replace = os.replace

    def spy(source: Any, target: Any) -> None:
        modes.append(stat.S_IMODE(os.stat(source).st_mode))
        written.append(Path(source).read_text())
        replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    code, err = _extract(out, "--restart", resource="next_url/items")
    monkeypatch.setattr(os, "replace", replace)
    assert code == 0, err
    assert _ids(out) == list(range(45))
    assert len(modes) >= 6
    assert set(modes) == {0o600}
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o600
    assert key in str(env.requests_to("/next_url/items")[1].query)  # the key was sent, and echoed back
    assert "next_url/items?cursor=10" in written[1]  # the checkpoints hold the next URLs ...
    assert [text for text in written if key in text] == []  # ... without the key
