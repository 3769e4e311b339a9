"""A failed `copier copy` leaves the destination exactly as it was: nothing written, nothing lost.

Copier removes a destination it created when a copy fails (``cleanup_on_error``), but into a
folder that already existed it leaves every file it wrote, and with ``--overwrite`` the files it
replaced stay replaced. This template keeps the README's promise, "nothing is written", in two steps:

1. Every check runs at question time, before Copier writes anything: the validators and ``when``
   guards of copier.yml (``hooks/names.py``), the API description's check with the generator's
   own loader (``hooks/api_source.py``) and the defaults it implies (``spec_default``). Bad input
   therefore stops the copy before the destination is touched.
2. For what can still fail after writing starts (the generator task, a full disk, Ctrl-C), the
   last question, ``destination_snapshot`` (``when: false``), copies the files of an existing
   destination (all but ``.git/``, which Copier never writes) into a temporary folder and
   registers an exit handler. The last task runs ``transaction.py commit``, which deletes the
   snapshot: it only runs when every earlier task succeeded. If the copy failed, the snapshot is
   still there when the process exits, and the handler restores the destination: files the copy
   created are deleted, files it changed or deleted get their bytes and mode back.

Restoring happens when Copier's process exits: at once for the ``copier`` command, at interpreter
exit for a program that calls ``copier.run_copy``. The price is a copy of the destination's files
for the length of the copy. With ``--pretend`` nothing is written, and with ``--skip-tasks`` the
commit task cannot run, so no snapshot is taken.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

__all__ = ["SnapshotExtension", "commit", "restore", "snapshot", "snapshot_destination"]

_PREFIX = "connector-factory-snapshot-"
_MANIFEST = "manifest.json"
_FILES = "files"
_SKIPPED = ".git"  # Copier never writes into a repository's own folder


def _entries(root: Path) -> dict[str, tuple[str, int, str]]:
    """Return ``{relative path: (kind, mode, link target)}`` for everything under ``root`` but ``.git``."""
    found: dict[str, tuple[str, int, str]] = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not (Path(folder) == root and name == _SKIPPED)]
        for name in [*folders, *files]:
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[relative] = ("link", 0, os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[relative] = ("dir", stat.S_IMODE(info.st_mode), "")
            else:
                found[relative] = ("file", stat.S_IMODE(info.st_mode), "")
    return found


def snapshot(destination: Path) -> Path:
    """Copy ``destination``'s files into a new temporary folder and return that folder."""
    store = Path(tempfile.mkdtemp(prefix=_PREFIX))
    entries = _entries(destination)
    for relative, (kind, _, _) in entries.items():
        if kind == "file":
            copy = store / _FILES / relative
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(destination / relative, copy)
    manifest = {"destination": str(destination), "entries": entries}
    (store / _MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return store


def _remove(path: Path) -> None:
    """Delete a file, link or folder; nothing if it is already gone."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _same_file(path: Path, copy: Path, mode: int) -> bool:
    info = path.lstat()
    return (
        stat.S_ISREG(info.st_mode)
        and stat.S_IMODE(info.st_mode) == mode
        and info.st_size == copy.stat().st_size
        and path.read_bytes() == copy.read_bytes()
    )


def restore(store: Path) -> tuple[int, int]:
    """Put the destination a snapshot was taken of back as it was; delete the snapshot.

    Returns ``(files restored, paths removed)``.
    """
    manifest = json.loads((store / _MANIFEST).read_text(encoding="utf-8"))
    destination = Path(manifest["destination"])
    entries = {key: (str(kind), int(mode), str(target)) for key, (kind, mode, target) in manifest["entries"].items()}
    restored = removed = 0
    if not destination.is_dir():  # deleted since (a test's temporary folder): nothing to put back
        shutil.rmtree(store, ignore_errors=True)
        return restored, removed
    for relative in sorted(_entries(destination), key=len, reverse=True):  # children before parents
        if relative not in entries:
            _remove(destination / relative)
            removed += 1
    for relative, (kind, mode, target) in sorted(entries.items()):
        path = destination / relative
        if kind == "dir":
            if path.is_symlink() or (path.exists() and not path.is_dir()):
                _remove(path)
            path.mkdir(exist_ok=True)
            path.chmod(mode)
        elif kind == "link":
            if not path.is_symlink() or os.readlink(path) != target:
                _remove(path)
                path.symlink_to(target)
                restored += 1
        elif path.is_symlink() or not path.exists() or not _same_file(path, store / _FILES / relative, mode):
            _remove(path)
            shutil.copy2(store / _FILES / relative, path)
            restored += 1
    shutil.rmtree(store, ignore_errors=True)
    return restored, removed


def _restore_if_uncommitted(store: Path) -> None:
    """Exit handler: the copy did not reach its commit task, so undo what it wrote."""
    if not (store / _MANIFEST).is_file():
        return  # committed, or already restored
    restored, removed = restore(store)
    print(
        f"The copy did not finish: the destination was put back as it was ({restored} file(s) restored, "
        f"{removed} removed).",
        file=sys.stderr,
    )


def commit(store: Path) -> None:
    """Delete a snapshot: the copy it guarded succeeded (only a folder `snapshot` made is deleted)."""
    if store.name.startswith(_PREFIX) and (store / _MANIFEST).is_file():
        shutil.rmtree(store, ignore_errors=True)


_TAKEN: dict[str, Path] = {}  # destination -> snapshot, so that one copy takes one snapshot


def _operation() -> str:
    """Return Copier's current operation (``"copy"``, ``"update"``; ``"update"`` when it cannot tell)."""
    try:
        from copier._main import _operation as operation  # private; tests/test_codegen.py checks it exists
    except ImportError:
        return "update"
    return str(operation.get("update"))


def snapshot_destination(conf: Mapping[str, object]) -> str:
    """``destination_snapshot``'s default: snapshot an existing destination before a copy writes to it.

    Returns the snapshot's folder for the commit task, or ``""`` when none is needed: the
    destination does not exist yet (Copier deletes it on failure), nothing is written
    (``--pretend``), the commit task would not run (``--skip-tasks``), or this is an update.
    """
    destination = Path(str(conf.get("dst_path", ""))).absolute()
    if _operation() != "copy" or conf.get("pretend") or conf.get("skip_tasks") or not destination.is_dir():
        return ""
    key = hashlib.sha256(str(destination).encode()).hexdigest()
    if key not in _TAKEN or not (_TAKEN[key] / _MANIFEST).is_file():
        _TAKEN[key] = snapshot(destination)
        atexit.register(_restore_if_uncommitted, _TAKEN[key])
    return str(_TAKEN[key])


class SnapshotExtension(Extension):
    """Registers `snapshot_destination` as a Jinja filter of the same name."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["snapshot_destination"] = snapshot_destination


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "commit":
        sys.exit("usage: transaction.py commit SNAPSHOT")
    commit(Path(sys.argv[2]))
