"""A throwaway git repository of the template with tagged versions, and projects rendered from it.

`TemplateRepo.from_worktree` copies this working tree (tracked files and untracked ones that are
not ignored, so uncommitted work is tested too) into a new repository and tags it; a test then
edits the copy and tags the next version. `Project` renders a version, commits it as a user
would, and updates it through Copier's API. Edits go through `Files.replace`, which fails when
its anchor is missing or ambiguous, so a scenario cannot pass by editing nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import copier
import yaml

from tests.helpers import ROOT, child_env

__all__ = ["Files", "Project", "TemplateRepo", "git"]


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; return its standard output, or raise with its standard error."""
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {result.stderr.strip()}")
    return result.stdout


class Files:
    """Text edits inside one directory, each checked to have changed something."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, relative: str) -> str:
        """Return the text of ``relative``."""
        return (self.path / relative).read_text(encoding="utf-8")

    def write(self, relative: str, text: str) -> None:
        """Create or overwrite ``relative`` with ``text``."""
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def replace(self, relative: str, old: str, new: str) -> None:
        """Replace the one occurrence of ``old`` in ``relative`` with ``new``."""
        text = self.read(relative)
        count = text.count(old)
        if count != 1:
            raise AssertionError(f"{relative}: expected {old!r} once, found it {count} times")
        self.write(relative, text.replace(old, new))

    def insert_after(self, relative: str, anchor: str, addition: str) -> None:
        """Insert ``addition`` right after the one occurrence of ``anchor`` in ``relative``."""
        self.replace(relative, anchor, anchor + addition)


class TemplateRepo(Files):
    """A git repository holding a copy of the template; versions are PEP 440 tags."""

    @classmethod
    def from_worktree(cls, destination: Path, version: str) -> TemplateRepo:
        """Copy the working tree into ``destination``, commit it and tag it ``version``."""
        listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
        for relative in filter(None, listed):
            source = ROOT / relative
            if source.is_file():
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
        git(destination, "init", "-q")
        repo = cls(destination)
        repo.release(version)
        return repo

    def file_containing(self, text: str, *, under: str = "template") -> str:
        """Return the one file under ``under`` that contains ``text`` (its name may be conditional)."""
        found = [
            file.relative_to(self.path).as_posix()
            for file in sorted((self.path / under).rglob("*"))
            if file.is_file() and text in file.read_text(encoding="utf-8")
        ]
        if len(found) != 1:
            raise AssertionError(f"expected one file under {under} with {text!r}, found {found}")
        return found[0]

    def remove(self, relative: str) -> None:
        """Delete a file of the repository, as ``git rm`` does."""
        git(self.path, "rm", "-q", relative)

    def rename(self, old: str, new: str) -> None:
        """Rename a file of the repository, as ``git mv`` does."""
        git(self.path, "mv", old, new)

    def replace_everywhere(self, old: str, new: str, *, under: str = "template") -> list[str]:
        """Replace ``old`` with ``new`` in every file under ``under`` that has it; return those files."""
        changed = []
        for file in sorted((self.path / under).rglob("*")):
            if file.is_file() and old in file.read_text(encoding="utf-8"):
                file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
                changed.append(file.relative_to(self.path).as_posix())
        if not changed:
            raise AssertionError(f"no file under {under} contains {old!r}")
        return changed

    def sort_imports(self, *files: str) -> None:
        """Sort the imports of plain Python ``files`` with ruff, as a maintainer does after a rename."""
        command = [sys.executable, "-m", "ruff", "check", "--quiet", "--select", "I", "--fix", *files]
        result = subprocess.run(command, cwd=self.path, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"ruff could not sort the imports of {files}: {result.stdout}{result.stderr}")

    def add_migration(self, migration: dict[str, object]) -> None:
        """Append ``migration`` to copier.yml's ``_migrations``, keeping the ones already there."""
        text = self.read("copier.yml")
        existing = (yaml.safe_load(text) or {}).get("_migrations") or []
        lines = text.splitlines(keepends=True)
        start = next((n for n, line in enumerate(lines) if line.startswith("_migrations:")), None)
        end = start
        if start is None:
            start = end = len(lines)
        else:
            end = start + 1
            # The key's block goes on while lines are indented, list items or blank.
            while end < len(lines) and (lines[end].startswith((" ", "-", "\t")) or not lines[end].strip()):
                end += 1
        # JSON is YAML in flow style: one line, whatever the entries hold.
        lines[start:end] = [f"_migrations: {json.dumps([*existing, migration])}\n"]
        self.write("copier.yml", "".join(lines))

    def release(self, version: str) -> None:
        """Commit every change and tag the commit ``version``."""
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", f"Template {version}")
        git(self.path, "tag", version)


class Project(Files):
    """A connector rendered from a `TemplateRepo` into its own git repository."""

    def __init__(self, path: Path, template: TemplateRepo) -> None:
        super().__init__(path)
        self.template = template

    @classmethod
    def render(cls, template: TemplateRepo, destination: Path, version: str, **answers: object) -> Project:
        """Render ``version`` of ``template`` into ``destination`` with ``answers``, then commit it."""
        copier.run_copy(
            str(template.path),
            str(destination),
            data=answers,
            defaults=True,
            unsafe=True,
            quiet=True,
            vcs_ref=version,
        )
        git(destination, "init", "-q")
        project = cls(destination, template)
        project.commit(f"Render template {version}")
        return project

    def commit(self, message: str) -> None:
        """Commit every change, as a user does before `copier update`."""
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)

    def update(self, version: str, *, conflict: Literal["inline", "rej"] = "inline") -> None:
        """Run `copier update` to ``version`` through Copier's API, answering as before."""
        copier.run_update(
            str(self.path),
            defaults=True,
            overwrite=True,
            unsafe=True,
            quiet=True,
            vcs_ref=version,
            conflict=conflict,
        )

    def show(self, revision: str, relative: str) -> str:
        """Return ``relative`` as it was committed in ``revision``."""
        return git(self.path, "show", f"{revision}:{relative}")

    def answers(self) -> dict[str, Any]:
        """Return the recorded answers (`.copier-answers.yml`)."""
        loaded: dict[str, Any] = yaml.safe_load(self.read(".copier-answers.yml"))
        return loaded

    def status(self) -> list[str]:
        """Return ``git status --porcelain`` lines, ignored files included."""
        return git(self.path, "status", "--porcelain", "--ignored", "--untracked-files=all").splitlines()

    def run(self, *command: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run ``python <command>`` in the project with its ``src`` importable, as its checks do."""
        env = child_env(PYTHONPATH=str(self.path / "src"), PYTHONDONTWRITEBYTECODE="1")
        return subprocess.run(
            [sys.executable, *command],
            cwd=self.path,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )

    def pytest(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        """Run the project's own pytest (one process) with ``arguments``."""
        return self.run("-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist", *arguments)

    def conflict_markers(self, relative: str) -> list[str]:
        """Return the conflict-marker lines of ``relative`` (built, so this file holds none)."""
        marker = re.compile("^(" + "<" * 7 + "|" + ">" * 7 + ")( |$)")
        return [line for line in self.read(relative).splitlines() if marker.match(line)]
