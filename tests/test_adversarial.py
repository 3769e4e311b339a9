"""Hostile input to `copier copy`: each is refused with one message, no traceback, and nothing written.

Answers come through ``--data`` and API descriptions through ``api_source_path``, as a user gives
them. Every case runs into an existing destination holding a user's files, whose bytes must not
change and next to which nothing may appear, and one case of each kind also runs into a missing
destination, which must not appear. All are refused at question time, before Copier writes
anything; the last test covers a copy that fails after writing, which `hooks/transaction.py` undoes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import copy_answers, folder_bytes
from tests.template_repo import TemplateRepo

Description = Callable[[Path], str]  # writes a description into a folder and returns its path


def _openapi(folder: Path, name: str, **top: object) -> str:
    """Write a small, valid OpenAPI description with ``top`` merged in; return its file name."""
    document: dict[str, object] = {
        "openapi": "3.0.3",
        "info": {"title": "Hostile", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": {"/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "ok"}}}}},
    }
    document.update(top)
    (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return name


def _server(url: str) -> Description:
    return lambda folder: _openapi(folder, "servers.json", servers=[{"url": url}])


def _schemes(scheme: dict[str, object]) -> Description:
    def write(folder: Path) -> str:
        return _openapi(folder, "security.json", components={"securitySchemes": {"s": scheme}}, security=[{"s": []}])

    return write


def _schemas(schemas: dict[str, object]) -> Description:
    def write(folder: Path) -> str:
        answer = {"description": "ok", "content": {"application/json": {"schema": {"$ref": A}}}}
        paths = {"/a": {"get": {"operationId": "getA", "responses": {"200": answer}}}}
        return _openapi(folder, "cycle.json", paths=paths, components={"schemas": schemas})

    return write


def _text(name: str, text: str) -> Description:
    def write(folder: Path) -> str:
        (folder / name).write_text(text, encoding="utf-8")
        return name

    return write


def _samples(text: str) -> Description:
    def write(folder: Path) -> str:
        (folder / "samples").mkdir()
        (folder / "samples" / "contacts.json").write_text(text, encoding="utf-8")
        return "samples"

    return write


def _laughs() -> str:
    """A "billion laughs" YAML file: 9 aliases per level, 10 levels: 3.5 billion nodes from 1 kB."""
    lines = [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 10)]
    return HEADER + "l0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]\n" + "\n".join(lines) + "\n"


A = "#/components/schemas/A"
B = "#/components/schemas/B"
LONG = "Acme" * 75  # 300 characters
HEADER = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
DEEP = "[" * 50_000 + "]" * 50_000
TOKEN_URL_WITH_PASSWORD: dict[str, object] = {
    "type": "oauth2",
    "flows": {"clientCredentials": {"tokenUrl": "https://id:hunter2@auth.example.com/token", "scopes": {}}},
}
REQUIRED_SELF = {"type": "object", "required": ["a"], "properties": {"a": {"$ref": A}}}

# (answers, a description or None, what the message must name)
CASES = [
    # -- URLs that would break out of config.py's string, or that do not parse -----------------------
    pytest.param(['base_url=https://api.example.com/"+__import__("os").getcwd()+"'], None, "base_url", id="url-quote"),
    pytest.param(["base_url=https://api.example.com/'"], None, "base_url", id="url-single-quote"),
    pytest.param(["base_url=https://api.example.com/a b"], None, "base_url", id="url-space"),
    pytest.param(["base_url=https://api.example.com\\x"], None, "base_url", id="url-backslash"),
    pytest.param(["base_url=https://api.example.com/\x1bx"], None, "base_url", id="url-control"),
    pytest.param(["base_url=https://api.example.com/\nimport os"], None, "base_url", id="url-newline"),
    pytest.param(["base_url=https://[::1"], None, "base_url", id="url-unparseable"),
    pytest.param(["base_url=https://api.example.com:99999"], None, "base_url", id="url-port"),
    pytest.param(["base_url=https://"], None, "base_url", id="url-no-host"),
    pytest.param(["base_url=https://a.example.com/" + "x" * 2100], None, "base_url", id="url-too-long"),
    # -- credentials in URLs: refused, saying where they go instead -----------------------------------
    pytest.param(["base_url=https://user:hunter2@api.example.com"], None, "ACME_PASSWORD", id="url-password"),
    pytest.param(["base_url=https://token@api.example.com"], None, "ACME_TOKEN", id="url-user"),
    pytest.param(
        ["auth=oauth2_client_credentials", "token_url=https://id:hunter2@auth.example.com/token"],
        None,
        "token_url must not carry credentials",
        id="token-url-password",
    ),
    pytest.param(
        ["auth=oauth2_client_credentials", 'token_url=https://a.example.com/"'], None, "token_url", id="token-quote"
    ),
    # -- names that shadow a dependency, or are too long for a file system ---------------------------
    *(
        pytest.param([f"package_name={name}"], None, "package_name", id=f"package-{name}")
        for name in ("httpx", "pydantic", "pydantic_settings", "anyio", "httpcore", "codegen")
    ),
    pytest.param([f"connector_name={LONG}"], None, "connector_name is 300 characters", id="name-300"),
    pytest.param([f"connector_name={'A' * 5000}"], None, "connector_name is 5000 characters", id="name-5000"),
    pytest.param([f"project_slug={'a' * 300}"], None, "project_slug", id="slug-300"),
    pytest.param([f"package_name={'a' * 300}"], None, "package_name", id="package-300"),
    pytest.param([f"class_prefix={'A' * 300}"], None, "class_prefix", id="prefix-300"),
    pytest.param([f"description={'words ' * 900}"], None, "description", id="description-5400"),
    # -- text that would end a string or a docstring -----------------------------------------------
    pytest.param(['description=ends """ here'], None, "description", id="description-docstring"),
    pytest.param(["author_name=Data\nimport os"], None, "author_name", id="author-newline"),
    pytest.param(["auth=api_key_header", 'auth_param_name=X-Key"'], None, "auth_param_name", id="param-quote"),
    pytest.param(["pagination=cursor", 'records_path=data"]'], None, "records_path", id="records-quote"),
    pytest.param(["pagination=cursor", "next_path=a\nb"], None, "next_path", id="next-newline"),
    pytest.param(["pagination=page", "page_param=p'"], None, "page_param", id="page-param-quote"),
    pytest.param(["layout=domains", 'domain_path_prefix=crm/"x/'], None, "domain_path_prefix", id="prefix-quote"),
    pytest.param(["api_source=openapi", f"api_source_path={'a' * 5000}.yaml"], None, "api_source_path", id="path-5000"),
    pytest.param(["api_source=openapi", "api_source_path=a\nb.yaml"], None, "api_source_path", id="path-newline"),
    # -- descriptions whose values would become bad answers --------------------------------------------
    pytest.param([], _server('https://api.example.com/"+str(open("x","w"))+"'), "base_url", id="servers-quote"),
    pytest.param([], _server("https://user:hunter2@api.example.com"), "ACME_USERNAME", id="servers-password"),
    pytest.param([], _server("https://[::1"), "base_url", id="servers-unparseable"),
    pytest.param([], _server("https://api.example.com/a\\b"), "base_url", id="servers-backslash"),
    pytest.param([], _schemes({"type": "apiKey", "in": "header", "name": 'X-Key"'}), "auth_param_name", id="key-quote"),
    pytest.param([], _schemes({"type": "apiKey", "in": "query", "name": "k\nx"}), "auth_param_name", id="key-newline"),
    pytest.param([], _schemes(TOKEN_URL_WITH_PASSWORD), "token_url", id="token-url-described"),
    # -- descriptions that would exhaust the parser or break the generator -----------------------------
    pytest.param([], _text("laughs.yaml", _laughs()), "laughs.yaml", id="yaml-bomb"),
    pytest.param([], _text("self.yaml", HEADER + "x: &a [*a]\n"), "self.yaml", id="yaml-recursive-alias"),
    pytest.param([], _text("deep.yaml", HEADER + f"x: {DEEP}\n"), "deep.yaml", id="yaml-deep"),
    pytest.param(
        [], _text("deep.json", f'{{"openapi": "3.0.3", "paths": {{}}, "x": {DEEP}}}'), "deep.json", id="json-deep"
    ),
    pytest.param([], _text("broken.yaml", "openapi: 3.0.3\npaths: {a: [\n"), "broken.yaml", id="yaml-malformed"),
    pytest.param(["api_source=json_samples"], _samples(DEEP), "contacts.json", id="sample-deep"),
    pytest.param([], _schemas({"A": {"$ref": A}}), "cycle.json", id="ref-a-a"),
    pytest.param([], _schemas({"A": {"$ref": B}, "B": {"$ref": A}}), "cycle.json", id="ref-a-b-a"),
    pytest.param([], _schemas({"A": REQUIRED_SELF}), "cycle.json", id="ref-required-self"),
    pytest.param([], _schemas({"A": {"allOf": [{"$ref": A}]}}), "cycle.json", id="ref-allof-self"),
]
# Also run into a missing destination (which must not appear): one case of each kind. Running all
# of them twice would double the module's time for a check that cannot differ at question time.
ALSO_MISSING = {
    "url-quote",
    "url-password",
    "package-httpx",
    "name-5000",
    "param-quote",
    "servers-quote",
    "yaml-bomb",
    "ref-a-b-a",
}
RUNS = [
    pytest.param(*case.values, existing, id=f"{case.id}-{'existing' if existing else 'missing'}-destination")
    for case in CASES
    for existing in (True, False)
    if existing or case.id in ALSO_MISSING
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as a committed repository: Copier clones it faster than a dirty work tree."""
    return TemplateRepo.from_worktree(tmp_path_factory.mktemp("template"), "0.0.1").path


def _existing(folder: Path) -> dict[str, bytes | None]:
    """Fill ``folder`` with a user's files; return its contents."""
    (folder / "docs").mkdir(parents=True)
    (folder / "README.md").write_text("# My notes\n\nNot a connector yet.\n")
    (folder / "docs" / "plan.txt").write_bytes(b"step 1\x00\xff binary too\n")
    return folder_bytes(folder)


@pytest.mark.parametrize(("answers", "description", "named", "existing"), RUNS)
def test_hostile_input_is_refused_cleanly_and_writes_nothing(
    template: Path,
    tmp_path: Path,
    answers: list[str],
    description: Description | None,
    named: str,
    existing: bool,
) -> None:
    """Non-zero exit, one message naming the field or file, no traceback, the destination as it was."""
    given = ["connector_name=Acme", *answers]
    if description is not None:
        kind = [] if any(answer.startswith("api_source=") for answer in answers) else ["api_source=openapi"]
        given += [*kind, f"api_source_path={description(tmp_path)}"]
    destination = tmp_path / "out"
    before = _existing(destination) if existing else None
    code, output = copy_answers(destination, given, cwd=tmp_path, template=template)
    assert code != 0, output
    assert named in output
    assert "Traceback" not in output
    assert "hunter2" not in output  # a password in a URL is never repeated
    if existing:
        assert folder_bytes(destination) == before
    else:
        assert not destination.exists()


def test_a_copy_that_fails_after_writing_puts_the_destination_back(template: Path, tmp_path: Path) -> None:
    """With --overwrite, a copy whose generator task fails leaves every file as it was, README included."""
    destination = tmp_path / "out"
    _existing(destination)
    (destination / "api").write_text("a file where the generator wants its api/ folder\n")  # the task fails on it
    before = folder_bytes(destination)
    code, output = copy_answers(destination, ["preset=frankfurter"], "--overwrite", cwd=tmp_path, template=template)
    assert code != 0
    assert "put back as it was" in output
    assert folder_bytes(destination) == before
