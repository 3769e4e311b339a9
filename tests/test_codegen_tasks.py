"""What Copier runs after rendering (copier.yml ``_tasks``): one generator process per render."""

from __future__ import annotations

import itertools
from pathlib import Path

import jinja2
import pytest
import yaml

from hooks.api_source import _submodule
from tests.helpers import ROOT
from tests.test_codegen_formatting import DESCRIPTION


def _tasks(operation: str, api_source: str, layout: str) -> list[list[str]]:
    """Return the commands copier.yml's tasks run for these answers, rendered as Copier renders them."""
    environment = jinja2.Environment(autoescape=False)  # noqa: S701 - command lines, not HTML
    environment.filters["api_source_file"] = lambda path: f"/abs/{path}"
    answers = {
        "_copier_python": "python",
        "_copier_operation": operation,
        "api_source": api_source,
        "api_source_path": "openapi.yaml",
        "layout": layout,
        "_copier_conf": {"src_path": "/template"},
        "destination_snapshot": "",  # a new destination: nothing to restore, so no transaction task
    }
    tasks = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))["_tasks"]
    commands = []
    for task in tasks:
        if environment.from_string(task["when"]).render(answers) == "True":
            command = task["command"]
            if isinstance(command, str):  # run by a shell: split after rendering
                commands.append(environment.from_string(command).render(answers).split())
            else:
                commands.append([environment.from_string(part).render(answers) for part in command])
    return commands


@pytest.mark.parametrize(
    ("operation", "api_source", "layout"),
    list(itertools.product(["copy", "update"], ["none", "openapi", "graphql"], ["flat", "domains"])),
)
def test_every_render_starts_at_most_one_generator_process(operation: str, api_source: str, layout: str) -> None:
    """Generation and the domain modules share a process: each Python start-up costs a tenth of a second or more."""
    commands = _tasks(operation, api_source, layout)
    assert len(commands) == (0 if api_source == "none" and layout != "domains" else 1)
    if commands and layout == "domains":
        assert commands[0][-1] == "--domains" or commands[0][-2:] == ["-m", "codegen.domains"]
    if commands and api_source != "none":
        assert commands[0][:3] == ["python", "-m", "codegen"]
        assert (commands[0][3:5] == ["--source", "/abs/openapi.yaml"]) == (operation == "copy")


def test_one_codegen_process_generates_the_modules_then_the_domains_that_use_them(tmp_path: Path) -> None:
    """`--domains` creates each missing domain module after generating, so it imports the generated record model."""
    project = tmp_path / "p"
    (project / "api").mkdir(parents=True)
    (project / "api" / "openapi.yaml").write_text(DESCRIPTION)
    (project / "src" / "demo" / "domains").mkdir(parents=True)
    (project / ".copier-answers.yml").write_text(
        "api_source: openapi\nconnector_name: Demo\npackage_name: demo\ntransport: rest\nlayout: domains\n"
        "domains: items\ndomain_path_prefix: v1/\n"
    )
    main = _submodule("__main__").main
    assert main(["--project", str(project), "--check", "--domains"]) == 1  # stale, and --check writes nothing
    assert not (project / "src" / "demo" / "domains" / "items.py").exists()
    assert main(["--project", str(project), "--domains"]) == 0
    module = (project / "src" / "demo" / "domains" / "items.py").read_text()
    assert "from ..models import Item\n" in module
    assert 'path = "v1/items"' in module
    assert (project / "src" / "demo" / "operations.py").is_file()
