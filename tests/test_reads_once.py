"""An API description is read once at question time and once per generation (a read is ~1 s at 5,000 operations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hooks import api_source
from tests.test_codegen_formatting import DESCRIPTION


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count the generator's reads of OpenAPI files, wherever its modules call them from."""
    spec = api_source._submodule("spec")
    real = spec.load_openapi
    reads: list[Path] = []

    def load_openapi(path: Path) -> Any:
        reads.append(path)
        return real(path)

    for module in (spec, api_source._submodule("check"), api_source._submodule("generate")):
        monkeypatch.setattr(module, "load_openapi", load_openapi)
    return reads


def test_the_questions_check_the_description_and_take_its_defaults_from_one_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """api_source_path's check, then base_url's and auth's defaults: the file is parsed once."""
    reads = _counting_reads(monkeypatch)
    monkeypatch.setattr(api_source, "_operation", lambda: "copy")
    description = tmp_path / "openapi.yaml"
    description.write_text(
        DESCRIPTION.replace("paths:", "servers: [{url: 'https://api.demo.test/v1'}]\nsecurity: [{key: []}]\npaths:")
        + "  securitySchemes:\n    key: {type: apiKey, in: header, name: X-Key}\n"
    )
    assert api_source.api_source_error(str(description), "openapi") == ""
    assert api_source.spec_default(str(description), "openapi", "base_url", "") == "https://api.demo.test/v1"
    assert api_source.spec_default(str(description), "openapi", "auth", "none") == "api_key_header"
    assert reads == [description.resolve()]


def test_generating_from_a_source_reads_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m codegen --source FILE` checks FILE, copies it into api/ and generates from what it read."""
    reads = _counting_reads(monkeypatch)
    project = tmp_path / "p"
    project.mkdir()
    (project / ".copier-answers.yml").write_text(
        "api_source: openapi\nconnector_name: Demo\npackage_name: demo\ntransport: rest\n"
    )
    source = tmp_path / "openapi.yaml"
    source.write_text(DESCRIPTION)
    assert api_source._submodule("__main__").main(["--project", str(project), "--source", str(source)]) == 0
    assert (project / "api" / "openapi.yaml").read_text() == DESCRIPTION
    assert (project / "src" / "demo" / "operations.py").is_file()
    assert reads == [source]
