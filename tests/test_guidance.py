"""Agent guidance in rendered projects: valid subagent files, and every named check command runs.

The check commands are the project's whole suite (pytest, the conformance report, ruff, mypy and,
for a generated connector, `python -m codegen --check`), so this module is also where the
archetype presets and one generated reference connector are checked end to end as rendered.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import child_env, render

ARCHETYPES = ["rest", "graphql", "domain"]
PRESETS = [*ARCHETYPES, "frankfurter"]  # frankfurter: methods generated from an API description


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


def _commands(project: Path) -> list[str]:
    section = (project / "AGENTS.md").read_text().split("## Commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert block
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_every_command_the_guidance_names_passes(project: Path) -> None:
    """The check commands listed in AGENTS.md run and pass in a freshly rendered project."""
    commands = _commands(project)
    assert {"pytest", "ruff check .", "ruff format --check .", "mypy --strict src"} <= set(commands)
    if (project / "api").is_dir():
        assert "python -m codegen --check" in commands
    bin_dir = str(Path(sys.executable).parent)
    env = child_env(PYTHONPATH=str(project / "src"), PATH=bin_dir + os.pathsep + os.environ["PATH"])
    for command in commands:
        result = subprocess.run(
            shlex.split(command), cwd=project, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])


def test_guidance_points_at_files_that_exist(project: Path) -> None:
    """Every `src/...` or `tests/...` path AGENTS.md names exists in the rendered project."""
    text = (project / "AGENTS.md").read_text()
    package = next((project / "src").iterdir()).name
    for path in set(re.findall(r"`((?:src|tests)/[^`\s]+)`", text)):
        assert (project / path.replace("<package>", package)).exists(), path
