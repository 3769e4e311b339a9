"""Migrations that `copier update` runs (copier.yml ``_migrations``) in the project being updated.

Written by hand: Copier merges template changes file by file and question by question, so it
cannot follow a renamed file or question, and it deletes a dropped file with the user's edits in
it. Three commands keep the user's work:

``move-file OLD NEW`` (stage ``after``)
    The template renamed the file OLD to NEW. Copier deletes OLD, edits and all, and writes NEW
    fresh. This takes the user's OLD from the last commit (``HEAD``), renders the template
    version the project had to get the template's OLD, and merges the user's edits into NEW (a
    three-way ``git merge-file``). Edits that clash with the template's are left as conflict
    markers in NEW, labelled like Copier's own, so the project's conflict guard catches them.

``rename-answer OLD NEW`` (stage ``before``)
    The template renamed the question OLD to NEW. This renames the key in the answers file, so
    the user's answer is kept instead of being replaced by NEW's default.

``save-deleted-edits`` (stage ``after``, every update)
    The safety net for a file the template dropped with no migration: for each file the update
    deleted that the user had edited, the user's edits (a diff from the template's version) go
    to ``<file>.rej``, which the project's conflict guard reports. Listed before the ``move-file``
    migrations, which remove the ``.rej`` of a file whose edits they carried over.

Each prints one line saying what it did. ``rename-answer`` changes nothing the second time;
``move-file`` neither, once its merge was clean (it re-merges while ``HEAD`` still has OLD).
Only ``move-file``, and ``save-deleted-edits`` when the update deleted a file, render the
template version the project had (about as long as ``copier copy``). Copier runs them from the
project's root as ``python <template>/hooks/migrate.py <command> [OLD NEW]``.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath

import yaml

__all__ = ["ANSWERS_FILE", "MERGE_LABELS", "main", "merge", "move_file", "rename_answer", "save_deleted_edits"]

# copier.yml's `_answers_file`; changing it would itself need a migration.
ANSWERS_FILE = ".copier-answers.yml"
# The labels Copier gives its own inline conflicts, so that both read the same way.
MERGE_LABELS = ("before updating", "last update", "after updating")


def _relative(path: str) -> str:
    """Return ``path`` if it names a file inside the project; raise `ValueError` otherwise."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"{path!r} must be a relative path inside the project")
    return pure.as_posix()


def _committed(project: Path, path: str) -> bytes | None:
    """Return the content of ``path`` in the project's last commit, or None if it has none there."""
    result = subprocess.run(
        ["git", "show", f"HEAD:./{path}"], cwd=project, capture_output=True, check=False, timeout=60
    )
    return result.stdout if result.returncode == 0 else None


def merge(ours: bytes, base: bytes, theirs: bytes) -> tuple[bytes, int]:
    """Merge two edits of ``base`` as ``git merge-file`` does; return the result and its conflict count.

    Args:
        ours: the user's version.
        base: the version both sides started from (the template as the user last got it).
        theirs: the template's new version.

    Returns:
        The merged content, with conflict markers where the edits clash, and how many clashed.
    """
    with tempfile.TemporaryDirectory(prefix="connector-factory-merge.") as scratch:
        files = []
        for name, content in (("ours", ours), ("base", base), ("theirs", theirs)):
            file = Path(scratch) / name
            file.write_bytes(content)
            files.append(str(file))
        labels = [argument for label in MERGE_LABELS for argument in ("-L", label)]
        result = subprocess.run(
            ["git", "merge-file", "-p", *labels, *files], capture_output=True, check=False, timeout=60
        )
    if result.returncode < 0 or result.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout, result.returncode


@contextlib.contextmanager
def _template_as_it_was(project: Path) -> Iterator[Path]:
    """Render the template version and answers recorded in the last commit; yield the rendered tree."""
    import copier  # only the migrations that render need it, and it is slow to import

    recorded = _committed(project, ANSWERS_FILE)
    if recorded is None:
        raise RuntimeError(f"{ANSWERS_FILE} is not in the last commit: commit before running copier update")
    answers = yaml.safe_load(recorded) or {}
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    own = _own_description(project, str(data.get("api_source", "none")))
    if own is not None:
        # The description answered at copy time may be gone; the project keeps its own copy in
        # api/, which is what the question checks need (the generator does not run here).
        data["api_source_path"] = str(own)
    with tempfile.TemporaryDirectory(prefix="connector-factory-base.") as scratch:
        destination = Path(scratch) / project.name
        # The same render Copier makes of the old version during the update: same source, commit
        # and answers; tasks are skipped because only the template's own files are wanted.
        copier.run_copy(
            str(answers["_src_path"]),
            str(destination),
            data=data,
            vcs_ref=str(answers["_commit"]),
            defaults=True,
            unsafe=True,
            quiet=True,
            skip_tasks=True,
        )
        yield destination


def _own_description(project: Path, kind: str) -> Path | None:
    """Return the project's copy of its API description in ``api/``, or None (see codegen/__main__.py)."""
    api = project / "api"
    if kind == "openapi" and api.is_dir():
        found = [p for p in sorted(api.iterdir()) if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".json")]
        return found[0] if len(found) == 1 else None
    if kind == "json_samples":
        return api / "samples" if (api / "samples").is_dir() else None
    if kind == "graphql":
        return api if (api / "schema.graphql").is_file() else None
    return None


def _read(path: Path) -> bytes:
    return path.read_bytes() if path.is_file() else b""


def move_file(project: Path, old: str, new: str) -> str:
    """Carry the user's edits of ``old`` into ``new`` after the template renamed one to the other.

    Returns:
        One line saying what was done.
    """
    old, new = _relative(old), _relative(new)
    ours = _committed(project, old)
    if ours is None:
        return f"{old}: not in the last commit, nothing to carry over to {new}"
    with _template_as_it_was(project) as rendered:
        base = _read(rendered / old)
    target = project / new
    if ours == base:
        outcome = f"{old}: no local edits; {new} is the template's"
    elif not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(ours)
        outcome = f"{old}: moved to {new} as it was"
    else:
        merged, conflicts = merge(ours, base, target.read_bytes())
        target.write_bytes(merged)
        if conflicts:
            outcome = f"{old}: your edits moved to {new} with {conflicts} conflict(s) to resolve"
        else:
            outcome = f"{old}: your edits moved to {new}"
    # Copier has deleted `old` already; with `--conflict rej` it may also have left the edits it
    # could not apply to `old` in `old.rej`. Both are handled above.
    for leftover in (project / old, project / f"{old}.rej"):
        leftover.unlink(missing_ok=True)
    return outcome


def save_deleted_edits(project: Path) -> str:
    """Write the user's edits of each file the update deleted to ``<file>.rej``.

    Returns:
        One line saying what was done.
    """
    listed = subprocess.run(
        ["git", "ls-files", "--deleted", "-z"], cwd=project, capture_output=True, check=True, timeout=60
    )
    deleted = sorted(filter(None, listed.stdout.decode().split("\0")))
    if not deleted:
        return "no file deleted"
    saved = []
    with _template_as_it_was(project) as rendered:
        for path in deleted:
            if not (rendered / path).is_file():
                continue  # not a file of the template's (Copier deletes only those)
            ours, base = _committed(project, path), (rendered / path).read_bytes()
            if ours is None or ours == base:
                continue  # not committed, or committed as the template rendered it
            try:
                lines = difflib.unified_diff(
                    base.decode().splitlines(keepends=True),
                    ours.decode().splitlines(keepends=True),
                    fromfile=f"a/{path} (the template, as you last got it)",
                    tofile=f"b/{path} (yours)",
                )
                report = "".join(lines)
            except UnicodeDecodeError:
                report = f"{path} is binary; your version is in git: git show HEAD:{path}\n"
            (project / f"{path}.rej").write_text(report, encoding="utf-8")
            saved.append(path)
    if not saved:
        return f"{len(deleted)} deleted file(s), none with edits of yours"
    return f"the update deleted {', '.join(saved)}; your edits are in .rej files next to them"


def rename_answer(project: Path, old: str, new: str) -> str:
    """Rename the question ``old`` to ``new`` in the answers file, keeping the answer.

    Returns:
        One line saying what was done.
    """
    answers_file = project / ANSWERS_FILE
    lines = answers_file.read_text(encoding="utf-8").splitlines(keepends=True)

    def key_line(key: str) -> int | None:
        pattern = re.compile(rf"{re.escape(key)}:(\s|$)")
        return next((number for number, line in enumerate(lines) if pattern.match(line)), None)

    old_line, new_line = key_line(old), key_line(new)
    if new_line is not None:
        return f"{ANSWERS_FILE}: {new} is answered already"
    if old_line is None:
        return f"{ANSWERS_FILE}: no answer to {old}; {new} takes its default"
    lines[old_line] = new + lines[old_line][len(old) :]
    answers_file.write_text("".join(lines), encoding="utf-8")
    return f"{ANSWERS_FILE}: your answer to {old} is now the answer to {new}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one migration in the current directory; return the exit status."""
    parser = argparse.ArgumentParser(prog="migrate.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("move-file", "carry edits of a file the template renamed (stage after)"),
        ("rename-answer", "keep the answer to a question the template renamed (stage before)"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("old")
        command.add_argument("new")
    commands.add_parser("save-deleted-edits", help="keep edits of files the update deleted (stage after)")
    arguments = parser.parse_args(argv)
    project = Path.cwd()
    if arguments.command == "move-file":
        outcome = move_file(project, arguments.old, arguments.new)
    elif arguments.command == "rename-answer":
        outcome = rename_answer(project, arguments.old, arguments.new)
    else:
        outcome = save_deleted_edits(project)
    print(f"migration {arguments.command}: {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
