"""A rendered connector builds into a wheel that installs and imports in a fresh environment."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.helpers import render


@pytest.mark.slow
def test_rendered_project_builds_installs_and_imports(tmp_path: Path) -> None:
    """`python -m build` gives a wheel; a new virtual environment installs it and imports the API."""
    project = render(tmp_path / "frankfurter-connector")
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(project)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheels = list(dist.glob("frankfurter_connector-0.1.0-*.whl"))
    assert len(wheels) == 1
    # The runtime dependencies come from the test environment's site-packages (a .pth file adds
    # them), so no network is needed; the package itself only from the wheel.
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    site_dir = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site_dir, "_test_environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheels[0])],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = (
        "import frankfurter_connector as f, pathlib;"
        "assert f.FrankfurterConnector.__name__ == 'FrankfurterConnector';"
        "assert f.AsyncFrankfurterConnector and f.FrankfurterConfig and f.ConnectorError;"
        "print(pathlib.Path(f.__file__).parent.joinpath('py.typed').exists())"
    )
    result = subprocess.run(
        [str(python), "-c", probe], check=True, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.stdout.strip() == "True"
