"""Guard: no conflict from `copier update` is left unresolved in the project.

`copier update` exits 0 even when it could not merge a template change with your edits: it
leaves conflict markers in the file, or the change in a ``.rej`` file next to it. Until every one
is resolved (README.md, "Updating"), importing the tests (``tests/__init__.py``) stops pytest with
`UnresolvedConflictsError` listing them, before a marker in a module can end it with a bare
SyntaxError. From a pre-commit hook or a shell, ``python tests/test_no_conflicts.py`` lists them
and exits 1.

Files over 2 MB (data, not source) and the directories in ``SKIPPED_DIRS`` or holding a virtual
environment are not read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
# Built rather than written out, so that this file does not flag itself.
MARKERS = ("<" * 7, ">" * 7)
MAX_BYTES = 2_000_000
SKIPPED_DIRS = frozenset(
    {".git", ".mypy_cache", ".nox", ".pytest_cache", ".ruff_cache", ".tox", "__pycache__", "build", "dist"}
)


def _files(directory: Path) -> Iterator[Path]:
    """Yield the files under ``directory``, skipping caches, build output and virtual environments."""
    for path in sorted(directory.iterdir()):
        if path.is_symlink():
            continue
        if path.is_dir():
            skipped = path.name in SKIPPED_DIRS or path.name.endswith(".egg-info")
            if not skipped and not (path / "pyvenv.cfg").exists():
                yield from _files(path)
        elif path.is_file():
            yield path


def find_conflicts(root: Path) -> list[str]:
    """Return one line per leftover conflict under ``root``: a ``.rej`` file or a conflict marker."""
    found = []
    for path in _files(root):
        name = path.relative_to(root).as_posix()
        if path.suffix == ".rej":
            found.append(f"{name}: changes the update could not apply; apply them by hand, then delete it")
            continue
        if path.stat().st_size > MAX_BYTES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # binary or unreadable: no markers to resolve
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith(MARKERS) and line[7:8] in ("", " "):
                found.append(f"{name}:{number}: conflict marker {line}")
    return found


class UnresolvedConflictsError(Exception):
    """Raised while conflicts from `copier update` are left in the project."""


def stop_on_conflicts(root: Path = PROJECT) -> None:
    """Raise `UnresolvedConflictsError` naming every leftover conflict under ``root``; do nothing if none."""
    left = find_conflicts(root)
    if left:
        raise UnresolvedConflictsError("resolve what `copier update` could not merge:\n" + "\n".join(left))


def test_no_update_conflict_is_left() -> None:
    """No conflict marker and no `.rej` file from `copier update` remains in the project."""
    stop_on_conflicts()


def test_guard_finds_markers_and_rejected_changes(tmp_path: Path) -> None:
    """The guard reports marker lines and `.rej` files, and nothing in a clean tree."""
    (tmp_path / "clean.py").write_text("x = 1\n# a divider\n" + "=" * 7 + "\n")
    assert find_conflicts(tmp_path) == []

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "config.py").write_text(
        "\n".join([MARKERS[0] + " before updating", "a = 1", "=" * 7, "a = 2", MARKERS[1] + " after updating", ""])
    )
    (tmp_path / "README.md.rej").write_text("@@ -1 +1 @@\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / ".venv" / "vendored.py.rej").write_text("not ours\n")

    assert find_conflicts(tmp_path) == [
        "README.md.rej: changes the update could not apply; apply them by hand, then delete it",
        "pkg/config.py:1: conflict marker " + MARKERS[0] + " before updating",
        "pkg/config.py:5: conflict marker " + MARKERS[1] + " after updating",
    ]
    with pytest.raises(UnresolvedConflictsError, match=r"could not merge:\nREADME\.md\.rej: "):
        stop_on_conflicts(tmp_path)


if __name__ == "__main__":
    try:
        stop_on_conflicts()
    except UnresolvedConflictsError as error:
        sys.exit(str(error))
