"""The dlt hand-off runs with dlt installed from the rendered project's own `dlt` extra."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

import pytest

from tests.helpers import render


@pytest.mark.slow
def test_dlt_extra_installs_and_the_incremental_load_test_passes(tmp_path: Path) -> None:
    """`pip install -e .[dlt]` in a fresh environment, then the project's dlt test passes (not skips)."""
    project = render(tmp_path / "acme", connector_name="Acme", pagination="cursor", records_path="data")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = str(environment / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "-q", "-e", f"{project}[dlt]", "pytest", "pytest-timeout"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    result = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:xdist", "tests/test_dlt.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout
