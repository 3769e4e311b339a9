"""The command line: ``check`` the API, ``get`` one resource, ``extract`` a collection to JSON Lines.

``extract`` can be stopped at any point (Ctrl-C, SIGKILL, a failed call) and run again with the
same arguments: it truncates the output to the last complete page recorded in its checkpoint
(``<out>.checkpoint.json``) and continues from the next page, so no record is lost or written
twice (CF-PAGE-7). The checkpoint is written before the output file is created and after each
page is on disk, so an output file never exists without one. Checkpoints are mode 0600: they
hold the walk's URLs and parameters. Each error class exits with its own code (`EXIT_CODES`);
an invalid setting exits 2, naming the variable and the rule.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import pydantic
from pydantic_settings import SettingsError

from .client import Connector
from .errors import AuthError, ConnectorError, ErrorCode, ParsingError
from .pagination import PageState
from .response import JSONValue

__all__ = ["EXIT_CODES", "EXIT_INTERRUPTED", "EXIT_USAGE", "main"]

#: Exit code per error code; 0 is success, 2 a usage error, 130 an interruption.
EXIT_CODES: dict[ErrorCode, int] = {
    ErrorCode.NETWORK_ERROR: 10,
    ErrorCode.TIMEOUT: 11,
    ErrorCode.AUTH_FAILED: 12,
    ErrorCode.RATE_LIMIT: 13,
    ErrorCode.INVALID_REQUEST: 14,
    ErrorCode.NOT_FOUND: 15,
    ErrorCode.SERVER_ERROR: 16,
    ErrorCode.PARSING_ERROR: 17,
    ErrorCode.VALIDATION_ERROR: 18,
    ErrorCode.CANCELLED: 19,
    ErrorCode.UNSUPPORTED: 20,
    ErrorCode.CIRCUIT_OPEN: 21,
}
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_CREDENTIALS = {
    "api_key_header": ["API_KEY"],
    "api_key_query": ["API_KEY"],
    "bearer": ["TOKEN"],
    "basic": ["USERNAME", "PASSWORD"],
    "oauth2_client_credentials": ["CLIENT_ID", "CLIENT_SECRET"],
}


class UsageError(Exception):
    """A bad command line; reported with exit code 2."""


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--param needs key=value, got {pair!r}")
        params[key] = value
    return params


def _path(connector: Connector, resource: str) -> str:
    """A domain or attribute with a ``path`` (e.g. ``contacts``) names its collection; else it is a path."""
    attribute = getattr(connector, resource, None) if resource.isidentifier() else None
    path = getattr(attribute, "path", None)
    return path if isinstance(path, str) else resource


def _hint(connector: Connector, error: ConnectorError) -> str:
    prefix = str(connector.settings.model_config.get("env_prefix", ""))
    if isinstance(error, AuthError):
        names = [prefix + name for name in _CREDENTIALS.get(connector.settings.auth, [])]
        return f"check {' and '.join(names)}" if names else "this API expects no credentials: check the base URL"
    if error.code is ErrorCode.NETWORK_ERROR:
        return f"check the network and {prefix}BASE_URL ({connector.settings.base_url})"
    if error.code is ErrorCode.TIMEOUT:
        return f"the API is slow: raise {prefix}TIMEOUT_READ or try later"
    if error.code in (ErrorCode.RATE_LIMIT, ErrorCode.CIRCUIT_OPEN):
        return "try again later"
    return ""


def _invalid_settings(error: pydantic.ValidationError | SettingsError, connector_class: type[Connector]) -> str:
    """Name each invalid setting's variable and the rule it breaks; never its value, which may be a secret."""
    prefix = str(connector_class.settings_class.model_config.get("env_prefix", ""))
    if isinstance(error, SettingsError):  # a value the environment source could not parse at all
        return f"error: invalid setting: {error}\nfix: correct or unset the {prefix}* variable it names"
    lines, names = [], []
    for problem in error.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in problem["loc"])
        name = prefix + str(problem["loc"][0]).upper() if problem["loc"] else prefix
        rule = problem["msg"].removeprefix("Value error, ")
        lines.append(f"error: invalid setting {name} ({field}): {rule}")
        names.append(name)
    return "\n".join([*lines, f"fix: correct or unset {', '.join(dict.fromkeys(names))} (environment or .env)"])


def _check(connector: Connector, args: argparse.Namespace, out: TextIO) -> int:
    started = time.monotonic()
    response = connector.get(_path(connector, args.path))
    elapsed = (time.monotonic() - started) * 1000
    print(f"ok: {connector.settings.base_url} answered {response.status} in {elapsed:.0f} ms", file=out)
    return 0


def _get(connector: Connector, args: argparse.Namespace, out: TextIO) -> int:
    response = connector.get(_path(connector, args.resource), params=_params(args.param))
    print(json.dumps(response.data, indent=2, ensure_ascii=False), file=out)
    return 0


class _Progress:
    """A one-line progress report on a terminal; nothing but the summary otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def update(self, pages: int, records: int) -> None:
        if self.live:
            self.stream.write(f"\r[{'#' * min(pages, 30):<30}] {pages} pages, {records} records")
            self.stream.flush()

    def done(self, pages: int, records: int, out: Path) -> None:
        if self.live:
            self.stream.write("\n")
        print(f"extracted {records} records in {pages} pages to {out}", file=self.stream)


def _read_checkpoint(path: Path) -> dict[str, JSONValue] | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path} is not a checkpoint ({exc}); delete it or pass --restart") from exc
    if not isinstance(data, dict) or not {"path", "params", "records", "pages", "bytes", "next"} <= data.keys():
        raise UsageError(f"{path} is not a checkpoint; delete it or pass --restart")
    return data


def _write_checkpoint(path: Path, data: dict[str, JSONValue]) -> None:
    """Replace the checkpoint in one step: a crash leaves the old one or the new one, mode 0600."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.unlink(missing_ok=True)  # a leftover of a crash: os.open keeps an existing file's mode
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())  # on disk before it replaces the old one
    os.replace(temporary, path)


def _open_output(out: Path, size: int) -> io.BufferedWriter:
    """Open the output for appending, cut to the ``size`` bytes its checkpoint vouches for."""
    handle = out.open("ab")
    if handle.seek(0, os.SEEK_END) < size:
        handle.close()
        raise UsageError(f"{out} is shorter than its checkpoint records ({size} bytes); pass --restart")
    handle.truncate(size)  # drop a page written after the last checkpoint
    return handle


def _extract(connector: Connector, args: argparse.Namespace, err: TextIO) -> int:
    out: Path = args.out
    checkpoint = out.with_name(out.name + ".checkpoint.json")
    path, params = _path(connector, args.resource), _params(args.param)
    saved_params: dict[str, JSONValue] = dict(params)
    # The checkpoint comes first: from here on, the output never exists without one (CF-PAGE-7).
    fresh: dict[str, JSONValue] = {"path": path, "params": saved_params, "records": 0, "pages": 0, "bytes": 0}
    fresh.update({"next": None, "done": False})
    saved = None if args.restart else _read_checkpoint(checkpoint)
    if saved is None:
        if out.exists() and not args.restart:
            raise UsageError(f"{out} exists without a checkpoint; pass --restart to overwrite it")
        _write_checkpoint(checkpoint, fresh)
        saved = fresh
    if saved["path"] != path or saved["params"] != saved_params:
        raise UsageError(f"{checkpoint} is for another extract; pass --restart to begin again")
    if saved.get("done", saved["next"] is None):  # checkpoints without "done" end with next = null
        print(f"{out} is already complete ({saved['records']} records)", file=err)
        return 0
    try:
        resume = None if saved["next"] is None else PageState.from_json(saved["next"])
        records, pages, size = (int(str(saved[key])) for key in ("records", "pages", "bytes"))
    except (ParsingError, ValueError) as exc:
        raise UsageError(f"{checkpoint} is not a checkpoint ({exc}); pass --restart") from exc
    progress = _Progress(err)
    with _open_output(out, size) as handle:
        for page in connector.pages(path, params=params, resume=resume):
            for record in page.records:
                handle.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
            handle.flush()
            os.fsync(handle.fileno())  # the records are on disk before the checkpoint vouches for them
            records, pages = records + len(page.records), pages + 1
            state: dict[str, JSONValue] = {"path": path, "params": saved_params, "records": records, "pages": pages}
            state.update({"bytes": handle.tell(), "next": page.next.to_json() if page.next else None})
            state["done"] = page.next is None
            _write_checkpoint(checkpoint, state)
            progress.update(pages, records)
    progress.done(pages, records, out)
    return 0


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="probe connectivity and credentials")
    check.add_argument("--path", default="", help="path to probe (default: the base URL)")
    get = commands.add_parser("get", help="GET a resource or path and print its JSON")
    get.add_argument("resource", help="a domain name (e.g. contacts) or a path relative to the base URL")
    get.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="query parameter")
    extract = commands.add_parser("extract", help="stream every page of a collection to a JSON Lines file")
    extract.add_argument("resource", help="a domain name or a path relative to the base URL")
    extract.add_argument("--out", type=Path, required=True, help="output file (.jsonl)")
    extract.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="query parameter")
    extract.add_argument("--restart", action="store_true", help="ignore any checkpoint and start over")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    connector_class: type[Connector],
    prog: str | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line and return its exit code (see `EXIT_CODES`)."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = _parser(prog or connector_class.__module__.split(".")[0])
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage message
        return int(exit_.code or 0)
    try:
        connector = connector_class()
    except (pydantic.ValidationError, SettingsError) as error:
        print(_invalid_settings(error, connector_class), file=err)
        return EXIT_USAGE
    except ConnectorError as error:  # a missing credential (CF-AUTH-2)
        print(f"error: {error}", file=err)
        return EXIT_CODES[error.code]
    try:
        with connector:
            if args.command == "check":
                return _check(connector, args, out)
            if args.command == "get":
                return _get(connector, args, out)
            return _extract(connector, args, err)
    except UsageError as error:
        print(f"error: {error}", file=err)
        return EXIT_USAGE
    except OSError as error:  # the output or checkpoint cannot be written: a bad --out, a full disk
        print(f"error: {error.strerror or error}: {error.filename}", file=err)
        return EXIT_USAGE
    except ConnectorError as error:
        hint = _hint(connector, error)
        print(f"error: {error}" + (f"\nfix: {hint}" if hint else ""), file=err)
        return EXIT_CODES[error.code]
    except KeyboardInterrupt:
        print("interrupted; run the same command again to resume", file=err)
        return EXIT_INTERRUPTED
