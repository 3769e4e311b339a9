"""A generated connector's `dev` extra holds everything its generator imports."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

from tests.helpers import render


@pytest.mark.slow
def test_codegen_runs_with_only_the_dev_extra_installed(tmp_path: Path) -> None:
    """`pip install -e .[dev]` in a fresh environment, then `python -m codegen --check` passes (GraphQL preset)."""
    project = render(tmp_path / "shop", preset="shopify", connector_name="Shopify")
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
    result = subprocess.run(
        [python, "-m", "codegen", "--check"], cwd=project, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
