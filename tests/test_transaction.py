"""hooks/transaction.py: a snapshot of a destination puts back every byte, mode and link a copy changed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hooks import transaction
from tests.helpers import folder_bytes


def _modes(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): stat.S_IMODE(path.lstat().st_mode) for path in folder.rglob("*")}


def _user_folder(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "README.md").write_text("# mine\n")
    (folder / "docs" / "plan.bin").write_bytes(b"\x00\xff plan")
    (folder / "run.sh").write_text("#!/bin/sh\n")
    (folder / "run.sh").chmod(0o755)
    (folder / "latest").symlink_to("docs/plan.bin")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return folder


def test_restore_undoes_created_changed_deleted_and_retyped_paths(tmp_path: Path) -> None:
    """Whatever a failed copy did to the files, the folder comes back byte for byte, with modes and links."""
    destination = _user_folder(tmp_path / "out")
    before, modes = folder_bytes(destination), _modes(destination)
    store = transaction.snapshot(destination)

    (destination / "README.md").write_text("# replaced by the template\n")  # --overwrite
    (destination / "docs" / "plan.bin").unlink()
    (destination / "docs" / "plan.bin").mkdir()  # a file became a folder
    (destination / "run.sh").chmod(0o644)
    (destination / "latest").unlink()
    (destination / "latest").write_text("not a link any more\n")
    (destination / "src" / "pkg").mkdir(parents=True)
    (destination / "src" / "pkg" / "config.py").write_text("x = 1\n")
    (destination / "pyproject.toml").write_text("[project]\n")

    restored, removed = transaction.restore(store)
    assert folder_bytes(destination) == before
    assert _modes(destination) == modes
    assert os.readlink(destination / "latest") == "docs/plan.bin"
    assert (restored, removed) == (4, 4)  # README, plan.bin, run.sh, latest; src, src/pkg, its file, pyproject
    assert not store.exists()


def test_a_repository_folder_is_neither_copied_nor_touched(tmp_path: Path) -> None:
    """.git is left out of the snapshot: Copier never writes there, and restoring leaves it alone."""
    destination = _user_folder(tmp_path / "out")
    store = transaction.snapshot(destination)
    assert not (store / "files" / ".git").exists()
    (destination / ".git" / "index").write_text("changed by git, not by the copy\n")
    transaction.restore(store)
    assert (destination / ".git" / "index").exists()


def test_commit_deletes_only_a_snapshot(tmp_path: Path) -> None:
    """The commit task removes the snapshot it is given, and nothing that is not one."""
    store = transaction.snapshot(_user_folder(tmp_path / "out"))
    other = tmp_path / "not-a-snapshot"
    other.mkdir()
    (other / "manifest.json").write_text("{}")
    transaction.commit(other)
    transaction.commit(store)
    assert other.exists()
    assert not store.exists()


def test_a_destination_deleted_since_is_not_recreated(tmp_path: Path) -> None:
    """Restoring at exit into a folder that is gone (a test's temporary folder) writes nothing."""
    destination = _user_folder(tmp_path / "out")
    store = transaction.snapshot(destination)
    for path in sorted(destination.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    destination.rmdir()
    assert transaction.restore(store) == (0, 0)
    assert not destination.exists()


def test_a_copy_into_an_existing_folder_takes_one_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a copy into an existing folder needs one: Copier deletes a folder it created itself."""
    monkeypatch.setattr(transaction, "_operation", lambda: "copy")
    existing = _user_folder(tmp_path / "out")
    assert transaction.snapshot_destination({"dst_path": str(tmp_path / "missing")}) == ""
    assert transaction.snapshot_destination({"dst_path": str(existing), "pretend": True}) == ""
    assert transaction.snapshot_destination({"dst_path": str(existing), "skip_tasks": True}) == ""
    store = transaction.snapshot_destination({"dst_path": str(existing)})
    assert store
    assert transaction.snapshot_destination({"dst_path": str(existing)}) == store  # Copier asks twice
    transaction.commit(Path(store))
    monkeypatch.setattr(transaction, "_operation", lambda: "update")
    assert transaction.snapshot_destination({"dst_path": str(existing)}) == ""
