"""A generated connector's `dev` extra holds everything its generators import."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

from tests.helpers import render


@pytest.mark.slow
@pytest.mark.parametrize(
    ("preset", "name", "command"),
    [
        ("shopify", "Shopify", ("-m", "codegen", "--check")),
        ("domain", "Acme", ("-m", "codegen.domains", "invoices")),
    ],
    ids=["graphql-codegen", "domains"],
)
def test_generators_run_with_only_the_dev_extra_installed(
    tmp_path: Path, preset: str, name: str, command: tuple[str, ...]
) -> None:
    """`pip install -e .[dev]` in a fresh environment, then the project's generator runs as AGENTS.md says."""
    project = render(tmp_path / "project", preset=preset, connector_name=name)
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = str(environment / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", "-e", f"{project}[dev]"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    result = subprocess.run([python, *command], cwd=project, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    if preset == "domain":
        assert (project / "src" / "acme_connector" / "domains" / "invoices.py").is_file()
