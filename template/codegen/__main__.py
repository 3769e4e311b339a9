"""``python -m codegen``: regenerate the models and typed methods of this project from ``api/``.

Copier runs it after ``copier copy`` (with ``--source``, to copy the description into ``api/``: an
OpenAPI file, a folder of JSON samples, or for GraphQL ``schema.graphql``, ``operations/*.graphql``
and an optional ``scalars.json``) and after ``copier update`` (with ``--if-present``); with the
domain layout also with ``--domains``, so that the same process then creates the domains' modules
as ``python -m codegen.domains`` does. Run it yourself after you change ``api/``. It writes
``src/<package>/models/__init__.py`` and ``src/<package>/operations.py``, never any other file
(but new domain modules with ``--domains``), and never overwrites a generated file you edited by
hand (see ``codegen/project.py``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

__all__ = ["main"]


def _missing_dependency(kind: str) -> str:
    """Return what to install when this interpreter cannot generate ``kind``, or ``""``."""
    from .check import missing_packages

    package = " ".join(missing_packages(kind))
    if not package:
        return ""
    return (
        f"python -m codegen needs {package}, which this Python ({sys.executable}) does not have.\n"
        f"Install it with `{sys.executable} -m pip install {package}`; if Copier was installed with pipx, run "
        f"`pipx inject copier {package}`. Then run the command again."
    )


def _copy_source(source: Path, api: Path, kind: str) -> None:
    """Copy the user's API description into ``api/`` (a file, or a folder's description files)."""
    if source.resolve().is_relative_to(api.resolve()):
        return  # already the project's own: copying would delete it before reading it
    api.mkdir(parents=True, exist_ok=True)
    if kind == "openapi":
        for old in api.iterdir():
            if old.is_file() and old.suffix.lower() in (".yaml", ".yml", ".json"):
                old.unlink()
        shutil.copyfile(source, api / source.name)
    elif kind == "json_samples":
        _replace_folder(api / "samples", sorted(source.glob("*.json")))
    elif kind == "graphql":
        _replace_folder(api / "operations", sorted((source / "operations").glob("*.graphql")))
        shutil.copyfile(source / "schema.graphql", api / "schema.graphql")
        scalars = api / "scalars.json"
        if (source / "scalars.json").is_file():
            shutil.copyfile(source / "scalars.json", scalars)
        elif scalars.exists():
            scalars.unlink()


def _replace_folder(folder: Path, files: list[Path]) -> None:
    """Replace ``folder`` with one that holds copies of ``files``."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    for path in files:
        shutil.copyfile(path, folder / path.name)


def _description(api: Path) -> Path:
    """Return the one OpenAPI or Swagger file in ``api/``."""
    from .spec import SpecError

    found = sorted(p for p in api.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".json"))
    if len(found) != 1:
        names = ", ".join(p.name for p in found) or "none"
        raise SpecError(f"{api}: expected exactly one OpenAPI or Swagger file (.yaml, .yml or .json), found {names}")
    return found[0]


def main(argv: list[str] | None = None) -> int:
    """Run the generator; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="copy this API description into api/ first")
    parser.add_argument("--if-present", action="store_true", help="do nothing when the project has no api/ folder")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a generated file is stale")
    parser.add_argument("--force", action="store_true", help="overwrite generated files even if edited by hand")
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project root (default: here)")
    parser.add_argument(
        "--domains",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="then create the domain modules the answers list that do not exist yet, as python -m codegen.domains does",
    )
    args = parser.parse_args(argv)
    if args.check and args.source is not None:
        parser.error("--check changes nothing, so it cannot copy --source into api/: run without --check first")
    status = _generate(args)
    if status == 0 and args.domains and not args.check:
        from . import domains

        return domains.main(["--project", str(args.project)])
    return status


def _generate(args: argparse.Namespace) -> int:
    """Regenerate the typed modules as ``args`` say; return the exit code."""
    from .project import Project

    try:
        project = Project.load(args.project)
    except FileNotFoundError as error:
        print(f"codegen: {error}", file=sys.stderr)
        return 2
    kind = project.answer("api_source", "none")
    if kind == "none":
        print("codegen: api_source is 'none': nothing to generate")
        return 0
    if args.source is None and not project.api.is_dir():
        if args.if_present:
            return 0  # one of Copier's temporary renders during an update: nothing to regenerate from
        print(f"codegen: {project.api} does not exist: pass --source with your API description", file=sys.stderr)
        return 2
    problem = _missing_dependency(kind)
    if problem:
        print(f"codegen: {problem}", file=sys.stderr)
        return 2

    from .formatting import FormatterError
    from .generate import generate
    from .spec import SpecError

    try:
        document = None
        if args.source is not None:
            from .check import check_source

            document = check_source(args.source, kind)  # the copy in api/ is the same: not read again
            _copy_source(args.source, project.api, kind)
        description = _description(project.api) if kind == "openapi" else None
        files, warnings, notes = generate(project, kind, description, document)
    except (SpecError, FormatterError) as error:
        print(f"codegen: {error}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(f"codegen: warning: {warning}", file=sys.stderr)
    if args.check:
        stale = [relative for relative, (body, source) in files.items() if project.is_stale(relative, body, source)]
        for relative in stale:
            print(f"codegen: {relative} is not what {files[relative][1]} generates; run python -m codegen")
        return 1 if stale else 0
    for relative, (body, source) in files.items():
        outcome = project.write(relative, body, source, force=args.force)
        if outcome == "conflict":
            print(
                f"codegen: CONFLICT {relative} was edited by hand: both versions are in the file between "
                "conflict markers; keep one (or move your change to extensions.py) and delete the markers",
                file=sys.stderr,
            )
        elif outcome != "unchanged":
            print(f"codegen: {outcome} {relative}")
    for note in notes:
        print(f"codegen: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
