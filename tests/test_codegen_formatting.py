"""How ``python -m codegen`` formats what it generates (template/codegen/formatting.py): ruff, started once per step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import ruff  # type: ignore[import-untyped]  # the package ships no type hints

from hooks.api_source import _submodule

UNSORTED = "import sys\nimport os\n\nx = os.sep   +  sys.platform\n"
LONG_CALL = "value = compute(first_argument_name, second_argument_name, third_argument_name)\n"  # 82 columns
DESCRIPTION = """\
openapi: 3.0.3
info: {title: Demo, version: "1"}
paths:
  /items/{item_id}:
    get:
      operationId: getItem
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: One item.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
components:
  schemas:
    Item:
      type: object
      required: [id]
      properties:
        id: {type: string}
        name: {type: string}
"""


@pytest.fixture
def formatting() -> ModuleType:
    return _submodule("formatting")


def _project(root: Path, pyproject: str) -> Path:
    """A project as the generator sees one: answers, api/, and a pyproject.toml that configures ruff."""
    (root / "api").mkdir(parents=True)
    (root / "api" / "openapi.yaml").write_text(DESCRIPTION)
    (root / ".copier-answers.yml").write_text(
        "api_source: openapi\nconnector_name: Demo\npackage_name: demo\ntransport: rest\n"
    )
    (root / "pyproject.toml").write_text(pyproject)
    return root


def test_every_module_is_formatted_by_one_ruff_process_per_step(
    formatting: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three modules, two ruff processes (import order, then layout), each given all three files."""
    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        return real_run(command, **options)  # type: ignore[call-overload, no-any-return]  # passed through

    monkeypatch.setattr(formatting.subprocess, "run", spy)
    sources = {"src/p/a.py": UNSORTED, "src/p/models/__init__.py": UNSORTED, "src/p/b.py": LONG_CALL}
    formatted = formatting.format_modules(sources)
    assert [command[1] for command in calls] == ["check", "format"]
    for command in calls:
        assert sum(argument.endswith((".py",)) for argument in command) == 3
    assert formatted["src/p/a.py"] == "import os\nimport sys\n\nx = os.sep + sys.platform\n"
    assert formatted["src/p/models/__init__.py"] == formatted["src/p/a.py"]
    assert formatted["src/p/b.py"] == LONG_CALL  # 120 columns without a project


def test_modules_are_laid_out_as_the_projects_own_ruff_configuration_says(
    formatting: ModuleType, tmp_path: Path
) -> None:
    """The project's pyproject.toml decides, so `ruff format --check` there agrees byte for byte."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.ruff]\nline-length = 60\n\n[tool.ruff.format]\nquote-style = "single"\n'
    )
    formatted = formatting.format_modules({"wrapped.py": LONG_CALL + 'name = "x"\n'}, project)["wrapped.py"]
    assert formatted.startswith("value = compute(\n")
    assert "name = 'x'" in formatted
    (project / "wrapped.py").write_text(formatted)
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "wrapped.py"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_ruff_is_the_binary_of_the_ruff_package_this_python_imports(
    formatting: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not whatever `ruff` is first on PATH: with no PATH at all, formatting still works."""
    assert formatting._ruff() == ruff.find_ruff_bin()
    monkeypatch.setenv("PATH", "")
    assert formatting.format_modules({"m.py": UNSORTED})["m.py"].startswith("import os\n")


def test_generated_code_that_is_not_python_raises_a_syntax_error(formatting: ModuleType) -> None:
    """A generator bug surfaces as SyntaxError, not as a half-formatted module."""
    with pytest.raises(SyntaxError, match="not valid Python"):
        formatting.format_modules({"broken.py": "def f(:\n"})


def test_a_missing_ruff_binary_stops_codegen_with_one_message_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ruff package without its binary: exit 2, one line that names ruff, no module written."""
    project = _project(tmp_path / "p", "[tool.ruff]\nline-length = 120\n")

    def missing() -> str:
        raise FileNotFoundError("no ruff binary in the scripts folder")

    monkeypatch.setattr(ruff, "find_ruff_bin", missing)
    assert _submodule("__main__").main(["--project", str(project)]) == 2
    error = capsys.readouterr().err
    assert "codegen: the ruff package is installed but its binary is missing" in error
    assert "Traceback" not in error
    assert not (project / "src").exists()


def test_generated_modules_pass_the_projects_ruff_checks_as_written(tmp_path: Path) -> None:
    """Regenerating writes exactly what `ruff format` and ruff's import sorting want, header included."""
    project = _project(tmp_path / "p", '[tool.ruff]\nline-length = 120\n\n[tool.ruff.format]\nline-ending = "lf"\n')
    assert _submodule("__main__").main(["--project", str(project)]) == 0
    modules = [str(path) for path in (project / "src" / "demo").rglob("*.py")]
    assert len(modules) == 2
    for command in (["format", "--check"], ["check", "--select", "I"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", *modules],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
