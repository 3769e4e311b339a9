"""Bad answers stop `copier copy` with a message naming the field, and create nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_answers

BAD_ANSWERS = [
    pytest.param(["connector_name=class"], "connector_name", id="keyword"),
    pytest.param(["connector_name=../x"], "connector_name", id="parent-path"),
    pytest.param(["connector_name="], "connector_name", id="empty"),
    pytest.param([], "connector_name is required", id="missing"),
    pytest.param(["connector_name=Acme", "package_name=json"], "package_name", id="stdlib-package"),
    pytest.param(["connector_name=Acme", "package_name=a/b"], "package_name", id="package-path"),
    pytest.param(["connector_name=Acme", "project_slug=../evil"], "project_slug", id="slug-path"),
    pytest.param(["connector_name=Acme", "class_prefix=acme"], "class_prefix", id="lowercase-prefix"),
    pytest.param(["connector_name=Acme", "base_url=ftp://files.example.com"], "base_url", id="ftp-url"),
    pytest.param(
        ["connector_name=Acme", "auth=api_key_header", "auth_param_name=X Key"], "auth_param_name", id="header"
    ),
    pytest.param(["connector_name=Acme", 'description=say "hi"'], "description", id="quote"),
    pytest.param(["connector_name=Acme", "pagination=cursor", "next_path=a b"], "next_path", id="next-path"),
    pytest.param(["preset=hubspt"], "preset 'hubspt' is not one of its choices", id="unknown-preset"),
    pytest.param(["connector_name=Acme", "auth=oauth"], "auth 'oauth' is not one of its choices", id="unknown-auth"),
    pytest.param(
        ["connector_name=Acme", "api_source=graphql"], "api_source 'graphql' needs transport 'graphql'", id="kind"
    ),
]


@pytest.mark.parametrize(("answers", "field"), BAD_ANSWERS)
def test_bad_answer_fails_cleanly_and_creates_nothing(tmp_path: Path, answers: list[str], field: str) -> None:
    """Non-zero exit, the field named in the message, no traceback, no destination folder."""
    destination = tmp_path / "out"
    code, output = copy_answers(destination, answers, cwd=tmp_path)
    assert code != 0
    assert field in output
    assert "Traceback" not in output
    assert not destination.exists()


def test_bad_answer_leaves_an_existing_destination_as_it_was(tmp_path: Path) -> None:
    """A failed copy into an existing folder changes nothing in it."""
    destination = tmp_path / "existing"
    destination.mkdir()
    (destination / "notes.txt").write_text("mine\n")
    code, _ = copy_answers(destination, ["connector_name=class"], cwd=tmp_path)
    assert code != 0
    assert [path.name for path in destination.iterdir()] == ["notes.txt"]
    assert (destination / "notes.txt").read_text() == "mine\n"
