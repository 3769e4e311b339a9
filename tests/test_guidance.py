"""Agent guidance in rendered projects: valid subagent files, and every named check command runs.

The check commands are the project's whole suite (pytest, the conformance report, ruff, mypy and,
for a generated connector, `python -m codegen --check`). `tests.helpers.run_checks` runs exactly
these commands wherever a rendered project is checked end to end (the defaults, which are the
``rest`` preset, in test_render.py; every reference preset, ``frankfurter`` among them, in
test_reference_presets.py), so here they run for the two archetypes checked nowhere else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.helpers import guidance_commands, render, run_checks

ARCHETYPES = ["rest", "graphql", "domain"]
PRESETS = [*ARCHETYPES, "frankfurter"]  # frankfurter: methods generated from an API description
CHECKED_ELSEWHERE = {"rest", "frankfurter"}  # by run_checks, in test_render.py and test_reference_presets.py


@pytest.fixture(scope="module", params=PRESETS)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    preset = str(request.param)
    names = {"connector_name": "Acme"} if preset in ARCHETYPES else {}  # a reference preset names itself
    return render(tmp_path_factory.mktemp(preset) / "p", preset=preset, **names)


def test_the_answers_record_the_preset(project: Path) -> None:
    """`--data preset=<name>` is saved, so `copier update` renders the same preset again."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["preset"] in PRESETS
    assert (project / "src" / f"{answers['package_name']}" / "connector.py").exists()


def _frontmatter(path: Path) -> dict[str, object]:
    text = path.read_text()
    match = re.match(r"---\n(.*?)\n---\n", text, flags=re.DOTALL)
    assert match, f"{path.name} has no frontmatter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data


def test_every_subagent_has_valid_frontmatter_and_one_job(project: Path) -> None:
    """Each .claude/agents/*.md has name (= file stem), description and tools, and a body."""
    agents = sorted((project / ".claude" / "agents").glob("*.md"))
    assert [agent.stem for agent in agents] == ["add-resource", "audit-spec", "debug-failure", "write-tests"]
    for agent in agents:
        meta = _frontmatter(agent)
        assert meta["name"] == agent.stem
        assert isinstance(meta["description"], str)
        assert len(meta["description"]) > 40
        tools = [tool.strip() for tool in str(meta["tools"]).split(",")]
        assert set(tools) <= {"Read", "Edit", "Write", "Grep", "Glob", "Bash"}
        assert "AGENTS.md" in agent.read_text()


def test_every_command_the_guidance_names_passes(project: Path) -> None:
    """The check commands listed in AGENTS.md run and pass in a freshly rendered project."""
    commands = guidance_commands(project)
    assert {"pytest", "ruff check .", "ruff format --check .", "mypy --strict src"} <= set(commands)
    if (project / "api").is_dir():
        assert "python -m codegen --check" in commands
    preset = yaml.safe_load((project / ".copier-answers.yml").read_text())["preset"]
    if preset in CHECKED_ELSEWHERE:
        pytest.skip(f"{preset}: run_checks runs these commands in test_render.py or test_reference_presets.py")
    failures = {
        command: (result.stdout[-2000:], result.stderr[-2000:])
        for command, result in run_checks(project).items()
        if result.returncode != 0
    }
    assert not failures, failures


def test_guidance_points_at_files_that_exist(project: Path) -> None:
    """Every `src/...` or `tests/...` path AGENTS.md names exists in the rendered project."""
    text = (project / "AGENTS.md").read_text()
    package = next((project / "src").iterdir()).name
    for path in set(re.findall(r"`((?:src|tests)/[^`\s]+)`", text)):
        assert (project / path.replace("<package>", package)).exists(), path
