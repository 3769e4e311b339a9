"""`copier update` keeps what users wrote and brings what the template improved (issue 7).

Each test builds a git repository of this template, renders a project at 0.1.0, commits it,
makes a user's edits and commits them, then changes the template, tags 0.2.0 and 0.3.0, and
updates the project through Copier's API. Scenarios:

 1. custom-method      a custom method in the user module (extensions.py) survives, word for word,
                       while the template rewrites that module's source
 2. user-hook          a user hook added in ``_setup`` still runs after the update
 3. config-default     the template changes one default in config.py, the user overrides another:
                       both hold
 4. dependency         the template adds a dependency, the user adds another and bumps the version
 5. readme             the user's paragraph in README.md and the template's new sentence both stay
 6. new-question       a new question with a default: answered with its default, used in README.md
 7. renamed-file       the template renames observability.py to telemetry.py with a gated
                       migration; the user's edits of observability.py move into telemetry.py
 8. renamed-question   the template renames the question ``license`` to ``license_id`` with a
                       gated migration; the user's answer (Apache-2.0) is kept
 9. template-module    the user and the template edit different parts of pagination.py: both stay
10. two-versions       0.1.0 to 0.3.0 in one update: everything above holds, each migration ran once
11. removed-file       the template drops a file: gone from the project if the user never edited it;
                       if they did, their edits are kept in ``<file>.rej`` (migration
                       ``save-deleted-edits``, run on every update), which the guard reports
12. version-gates      0.1.0 to 0.2.0 to 0.3.0: each migration runs when its version is crossed,
                       never again
13. conflict           the user and the template change the same line: the update leaves conflict
                       markers (``--conflict inline``, the default) or a ``.rej`` file
                       (``--conflict rej``); pytest stops, listing them, until they are resolved,
                       and ``git reset --hard`` plus ``git clean -fd`` roll the update back
14. regenerated-model  the user changes api/ and regenerates; the update regenerates models/ and
                       operations.py from the project's own api/ (the original description is gone:
                       offline), with the new version's generator
15. generated-edit     a hand edit to a generated module is kept and surfaced as a conflict (both
                       versions between markers), never overwritten; the guard reports it
16. generator          the template improves its generator (codegen/): every project gets the new
                       codegen/, and a generated project's modules are regenerated with it

Scenarios 1 to 9 and 11 run together in two projects, one updated a version at a time and one
across two versions at once; the second project's own test suite and ruff run once at the end.
To add one, write a class with ``edit_project``, ``change_template`` and ``check`` (see
`Scenario`) and list it in `SCENARIOS`: it joins both projects and gets its own test.
"""

from __future__ import annotations

import re
import runpy
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
import yaml
from packaging.version import Version

from hooks import migrate
from tests.helpers import ROOT
from tests.template_repo import Project, TemplateRepo, git

VERSIONS = ("0.1.0", "0.2.0", "0.3.0")
ANSWERS = {"connector_name": "Acme", "license": "Apache-2.0"}
PACKAGE = "src/acme_connector"
MIGRATE = "{{ _copier_conf.src_path }}/hooks/migrate.py"
USER_EDITS = "our-edits"  # the tag of the user's commit in each project
AGENT_NOTE = ".claude/agents/debug-failure.md"  # a rendered file scenario 11 removes from the template


class Scenario(Protocol):
    """What a user does, what the template changes in ``version``, and what must hold after updating."""

    name: str
    version: str

    def edit_project(self, project: Project) -> None:
        """Make the user's edits to a project rendered at 0.1.0 (committed afterwards)."""

    def change_template(self, template: TemplateRepo) -> None:
        """Change the template before ``version`` is tagged."""

    def check(self, project: Project) -> None:
        """Assert, on a project updated to 0.3.0, that the user's edits and the template's change are there."""


def _migration(version: str, stage: str, *command: str) -> dict[str, object]:
    """A `_migrations` entry for ``hooks/migrate.py``, as copier.yml's comment shows it."""
    return {
        "version": version,
        "when": f"{{{{ _stage == '{stage}' }}}}",
        "command": ["{{ _copier_python }}", MIGRATE, *command],
    }


def _probe(version: str) -> dict[str, object]:
    """A migration that appends ``version: from -> to`` to ``<project>.migrations.log`` beside the project."""
    record = f"{version}: {{{{ _version_pep440_from }}}} -> {{{{ _version_pep440_to }}}}"
    script = "import sys; open(sys.argv[1], 'a').write(sys.argv[2] + chr(10))"
    log = "{{ _copier_conf.dst_path }}.migrations.log"
    command = ["{{ _copier_python }}", "-c", script, log, record]
    return {"version": version, "when": "{{ _stage == 'after' }}", "command": command}


class CustomMethod:
    """1. A custom method in the user module survives, word for word."""

    name = "custom-method"
    version = "0.2.0"
    template_line = "    Prefer one method per endpoint, named after what it returns.\n"

    def edit_project(self, project: Project) -> None:
        module = f"{PACKAGE}/extensions.py"
        project.insert_after(module, "from .client import Connector as Base\n", "from .response import Response\n")
        project.insert_after(
            module,
            '    """Methods and hooks you add to `AcmeConnector`."""\n',
            '\n    def latest(self) -> Response:\n        """Return the newest rates."""\n'
            '        return self.get("latest")\n',
        )
        project.insert_after(
            module,
            '    """Methods and hooks you add to `AsyncAcmeConnector`."""\n',
            '\n    async def latest(self) -> Response:\n        """Return the newest rates."""\n'
            '        return await self.get("latest")\n',
        )
        project.write(
            "tests/test_latest.py",
            '"""Our method: latest()."""\n\nfrom .api import Connector\nfrom .conftest import settings_for\n'
            "from .server import FaultServer\n\n\n"
            "def test_latest_reads_the_latest_path(server: FaultServer) -> None:\n"
            "    with Connector(settings_for(server)) as api:\n"
            '        assert api.latest().data["path"] == "/latest"\n',
        )

    def change_template(self, template: TemplateRepo) -> None:
        anchor = "so that retries, rate limits and the circuit breaker apply to them."
        template.insert_after(template.file_containing(anchor), anchor, "\n" + self.template_line.rstrip("\n"))

    def check(self, project: Project) -> None:
        module = project.read(f"{PACKAGE}/extensions.py")
        assert module == project.show(USER_EDITS, f"{PACKAGE}/extensions.py"), "the user module was rewritten"
        assert "    def latest(self) -> Response:" in module
        assert "    async def latest(self) -> Response:" in module
        assert self.template_line.strip() not in module
        assert (project.path / "tests/test_latest.py").is_file()


class UserHook:
    """2. A user hook added in ``_setup`` still runs after the update."""

    name = "user-hook"
    version = "0.2.0"

    def edit_project(self, project: Project) -> None:
        module = f"{PACKAGE}/extensions.py"
        project.insert_after(module, "from __future__ import annotations\n", "\nimport httpx\n")
        project.insert_after(
            module,
            '__all__ = ["AsyncExtensions", "Extensions"]\n',
            "\n\ndef add_team(request: httpx.Request) -> None:\n"
            '    """Name our team on every request."""\n'
            '    request.headers["X-Team"] = "data-platform"\n',
        )
        project.insert_after(
            module,
            '    """Methods and hooks you add to `AcmeConnector`."""\n',
            "\n    def _setup(self) -> None:\n        super()._setup()\n"
            "        self.hooks.before_request.append(add_team)\n",
        )
        project.write(
            "tests/test_team.py",
            '"""Our hook: every request names the team."""\n\nfrom .api import Connector\n'
            "from .conftest import settings_for\nfrom .server import FaultServer\n\n\n"
            "def test_requests_name_the_team(server: FaultServer) -> None:\n"
            "    with Connector(settings_for(server)) as api:\n"
            '        api.get("items")\n'
            '    headers = {name.lower(): value for name, value in server.requests_to("/items")[0].headers.items()}\n'
            '    assert headers["x-team"] == "data-platform"\n',
        )

    def change_template(self, template: TemplateRepo) -> None:
        """Nothing: the template's change to extensions.py is scenario 1's."""

    def check(self, project: Project) -> None:
        module = project.read(f"{PACKAGE}/extensions.py")
        assert "        self.hooks.before_request.append(add_team)\n" in module
        assert '    request.headers["X-Team"] = "data-platform"\n' in module


class ConfigDefault:
    """3. The template changes one default in config.py, the user overrides another: both hold."""

    name = "config-default"
    version = "0.2.0"
    user_line = "    max_pages: int = Field(default=500, ge=1)  # our exports never need more\n"

    def edit_project(self, project: Project) -> None:
        config = f"{PACKAGE}/config.py"
        project.insert_after(config, "from __future__ import annotations\n\n", "from pydantic import Field\n")
        project.insert_after(config, '    pagination: PaginationKind = "none"\n', self.user_line)
        project.write(
            "tests/test_our_config.py",
            '"""Our defaults."""\n\nimport pydantic\nimport pytest\n\nfrom .api import Config\n\n\n'
            "def test_walks_stop_after_500_pages() -> None:\n"
            "    assert Config().max_pages == 500\n"
            '    with pytest.raises(pydantic.ValidationError, match="max_pages"):\n'
            "        Config(max_pages=0)\n",
        )

    def change_template(self, template: TemplateRepo) -> None:
        template.replace(
            "template/src/{{package_name}}/config.py.jinja",
            "user_agent: str = {{ project_slug | python_literal }}",
            'user_agent: str = {{ (project_slug ~ " (connector-factory)") | python_literal }}',
        )

    def check(self, project: Project) -> None:
        config = project.read(f"{PACKAGE}/config.py")
        assert "from pydantic import Field\n" in config
        assert self.user_line in config
        assert '    user_agent: str = "acme-connector (connector-factory)"\n' in config


class Dependency:
    """4. The template adds a dependency, the user adds another and bumps the version."""

    name = "dependency"
    version = "0.2.0"
    anchor = '    "pydantic-settings>=2.2",\n'
    template_line = '    "python-dateutil>=2.9",\n'

    def edit_project(self, project: Project) -> None:
        project.insert_after("pyproject.toml", '    "httpx>=0.27",\n', '    "orjson>=3.9",\n')
        project.replace("pyproject.toml", 'version = "0.1.0"', 'version = "1.4.0"')

    def change_template(self, template: TemplateRepo) -> None:
        template.insert_after("template/pyproject.toml.jinja", self.anchor, self.template_line)

    def check(self, project: Project) -> None:
        ours = project.show(USER_EDITS, "pyproject.toml")
        assert project.read("pyproject.toml") == ours.replace(self.anchor, self.anchor + self.template_line)


class Readme:
    """5. The user's paragraph in README.md and the template's new sentence both stay."""

    name = "readme"
    version = "0.2.0"
    user_text = "\nOwned by the data platform team; on-call notes are in docs/runbook.md.\n"
    template_text = " Install it in a virtual environment."

    def edit_project(self, project: Project) -> None:
        project.insert_after("README.md", "A typed, resilient Python connector for the Acme API.\n", self.user_text)

    def change_template(self, template: TemplateRepo) -> None:
        readme = "template/README.md.jinja"
        template.insert_after(readme, "The `dev` extra adds pytest, ruff and mypy.", self.template_text)

    def check(self, project: Project) -> None:
        readme = project.read("README.md")
        assert self.user_text in readme
        assert "The `dev` extra adds pytest, ruff and mypy." + self.template_text in readme


class NewQuestion:
    """6. A new question with a default is answered with its default and used."""

    name = "new-question"
    version = "0.2.0"

    def edit_project(self, project: Project) -> None:
        """Nothing: the user has no answer to a question that did not exist."""

    def change_template(self, template: TemplateRepo) -> None:
        template.insert_after(
            "copier.yml",
            "  validator: \"{{ base_url | validate('base_url') }}\"\n",
            '\ndocs_url:\n  type: str\n  help: Where the API\'s documentation is\n  default: "{{ base_url }}/docs"\n',
        )
        readme = "template/README.md.jinja"
        template.insert_after(readme, "License: {{ license }}.\n", "API documentation: {{ docs_url }}.\n")

    def check(self, project: Project) -> None:
        assert project.answers()["docs_url"] == "https://api.example.com/docs"
        assert "API documentation: https://api.example.com/docs.\n" in project.read("README.md")


class RenamedFile:
    """7. A file renamed by the template takes the user's edits along (migration ``move-file``)."""

    name = "renamed-file"
    version = "0.2.0"
    user_function = (
        "\n\ndef log_to_stderr(level: int = logging.INFO) -> None:\n"
        '    """Print the connector\'s log records on standard error (our scripts call this)."""\n'
        "    logger.addHandler(logging.StreamHandler())\n"
        "    logger.setLevel(level)\n"
    )
    template_line = '"""Telemetry: structured log records on the package logger, and optional OpenTelemetry spans.\n'

    def edit_project(self, project: Project) -> None:
        module = f"{PACKAGE}/observability.py"
        project.replace(module, '__all__ = ["logger", ', '__all__ = ["log_to_stderr", "logger", ')
        project.write(module, project.read(module) + self.user_function)

    def change_template(self, template: TemplateRepo) -> None:
        package = "template/src/{{package_name}}"
        template.rename(f"{package}/observability.py", f"{package}/telemetry.py")
        template.replace(
            f"{package}/telemetry.py",
            '"""Logging and tracing: structured log records',
            '"""Telemetry: structured log records',
        )
        importers = template.replace_everywhere("from .observability import", "from .telemetry import")
        template.replace_everywhere('.observability"]', '.telemetry"]')
        template.sort_imports(*[file for file in importers if file.endswith(".py")])
        old, new = "src/{{ package_name }}/observability.py", "src/{{ package_name }}/telemetry.py"
        template.add_migration(_migration(self.version, "after", "move-file", old, new))

    def check(self, project: Project) -> None:
        assert not (project.path / PACKAGE / "observability.py").exists()
        module = project.read(f"{PACKAGE}/telemetry.py")
        assert module.startswith(self.template_line)
        assert '__all__ = ["log_to_stderr", "logger", ' in module
        assert module.endswith(self.user_function)


class RenamedQuestion:
    """8. A question renamed by the template keeps the user's answer (migration ``rename-answer``)."""

    name = "renamed-question"
    version = "0.3.0"

    def edit_project(self, project: Project) -> None:
        """Nothing: the user's edit is the answer Apache-2.0, given when rendering."""

    def change_template(self, template: TemplateRepo) -> None:
        template.replace("copier.yml", "\nlicense:\n", "\nlicense_id:\n")
        template.replace_everywhere("{{ license }}", "{{ license_id }}")
        template.replace_everywhere("{{ license | toml_string }}", "{{ license_id | toml_string }}")
        template.add_migration(_migration(self.version, "before", "rename-answer", "license", "license_id"))

    def check(self, project: Project) -> None:
        answers = project.answers()
        assert answers["license_id"] == "Apache-2.0"
        assert "license" not in answers
        assert 'license = "Apache-2.0"\n' in project.read("pyproject.toml")


class TemplateModule:
    """9. The user and the template edit different parts of pagination.py: both stay."""

    name = "template-module"
    version = "0.3.0"
    user_lines = (
        "        if isinstance(current, list) and key.isdigit():  # our API nests pages in lists\n"
        "            current = current[int(key)] if int(key) < len(current) else None\n"
        "            continue\n"
    )
    template_line = "A paginator is one walk: make a new one for each walk.\n"

    def edit_project(self, project: Project) -> None:
        project.insert_after(f"{PACKAGE}/pagination.py", '    for key in path.split("."):\n', self.user_lines)
        project.write(
            "tests/test_our_dig.py",
            '"""Our dig(): list indexes."""\n\nfrom .api import pagination\n\n\n'
            "def test_dig_reads_list_items() -> None:\n"
            '    assert pagination.dig({"pages": [{"id": 7}]}, "pages.0.id") == 7\n'
            '    assert pagination.dig({"pages": []}, "pages.3.id") is None\n',
        )

    def change_template(self, template: TemplateRepo) -> None:
        template.insert_after(
            "template/src/{{package_name}}/pagination.py",
            "response to `Paginator.advance` (`records`, then `next`), and stops when no next request comes.\n",
            self.template_line,
        )

    def check(self, project: Project) -> None:
        module = project.read(f"{PACKAGE}/pagination.py")
        assert self.user_lines in module
        assert self.template_line in module


class RemovedFile:
    """11. A file the template drops goes; the conflict test shows that a user's edits to it stay."""

    name = "removed-file"
    version = "0.2.0"

    def edit_project(self, project: Project) -> None:
        """Nothing: with no edits of the user's in it, the file simply goes."""

    def change_template(self, template: TemplateRepo) -> None:
        template.remove(f"template/{AGENT_NOTE}.jinja")

    def check(self, project: Project) -> None:
        assert not (project.path / AGENT_NOTE).exists()
        assert not (project.path / f"{AGENT_NOTE}.rej").exists()


class Generator:
    """16. The template's generator improves: the project's codegen/ follows (see 14 for regeneration)."""

    name = "generator"
    version = "0.2.0"
    generator = "template/codegen/templates/operations.py.j2"
    old = '"""Generated methods of the blocking connector."""'
    new = '"""Generated methods of the blocking connector, one per operation."""'

    def edit_project(self, project: Project) -> None:
        """No edit: codegen/ belongs to the template."""

    def change_template(self, template: TemplateRepo) -> None:
        template.replace(self.generator, self.old, self.new)

    def check(self, project: Project) -> None:
        assert self.new in project.read("codegen/templates/operations.py.j2")


SCENARIOS: list[Scenario] = [
    CustomMethod(),
    UserHook(),
    ConfigDefault(),
    Dependency(),
    Readme(),
    NewQuestion(),
    RenamedFile(),
    RenamedQuestion(),
    TemplateModule(),
    RemovedFile(),
    Generator(),
]


@dataclass(frozen=True)
class Updated:
    """A project after its updates, and what was true of it along the way."""

    project: Project
    migrations_log: list[str]
    answers_before: dict[str, object]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> TemplateRepo:
    """The template at 0.1.0 (this working tree), 0.2.0 and 0.3.0 (the scenarios' changes)."""
    repo = TemplateRepo.from_worktree(tmp_path_factory.mktemp("template"), VERSIONS[0])
    for version in VERSIONS[1:]:
        for scenario in SCENARIOS:
            if scenario.version == version:
                scenario.change_template(repo)
        repo.add_migration(_probe(version))
        repo.release(version)
    return repo


def _render_edited(template: TemplateRepo, destination: Path) -> Project:
    project = Project.render(template, destination, VERSIONS[0], **ANSWERS)
    for scenario in SCENARIOS:
        scenario.edit_project(project)
    project.commit("Our edits")
    git(project.path, "tag", USER_EDITS)
    return project


def _updated(template: TemplateRepo, destination: Path, steps: tuple[str, ...]) -> Updated:
    project = _render_edited(template, destination)
    answers_before = project.answers()
    for version in steps:
        project.update(version)
        project.commit(f"Update to template {version}")
    log = Path(f"{destination}.migrations.log")
    return Updated(project, log.read_text().splitlines() if log.exists() else [], answers_before)


@pytest.fixture(scope="module")
def stepwise(template: TemplateRepo, tmp_path_factory: pytest.TempPathFactory) -> Updated:
    """A project updated 0.1.0 to 0.2.0, committed, then to 0.3.0."""
    return _updated(template, tmp_path_factory.mktemp("stepwise") / "acme", ("0.2.0", "0.3.0"))


@pytest.fixture(scope="module")
def direct(template: TemplateRepo, tmp_path_factory: pytest.TempPathFactory) -> Updated:
    """A project updated 0.1.0 to 0.3.0 at once."""
    return _updated(template, tmp_path_factory.mktemp("direct") / "acme", ("0.3.0",))


@pytest.fixture(params=["stepwise", "direct"])
def updated(request: pytest.FixtureRequest) -> Updated:
    result: Updated = request.getfixturevalue(request.param)
    return result


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_scenario(scenario: Scenario, updated: Updated) -> None:
    """After updating, the user's edits and the template's change are both in the project."""
    scenario.check(updated.project)


def test_answers_are_kept(updated: Updated) -> None:
    """Every answer survives; only the version, the renamed question and the new one's default change."""
    expected = {key: value for key, value in updated.answers_before.items() if key != "license"}
    expected.update(_commit="0.3.0", license_id="Apache-2.0", docs_url="https://api.example.com/docs")
    assert updated.project.answers() == expected


def test_update_leaves_nothing_to_resolve(updated: Updated) -> None:
    """The project's own guard finds no conflict marker and no .rej file anywhere."""
    guard = runpy.run_path(str(updated.project.path / "tests" / "test_no_conflicts.py"))
    assert guard["find_conflicts"](updated.project.path) == []
    assert not list(updated.project.path.rglob("*.rej"))


def test_each_migration_runs_once_when_its_version_is_crossed(stepwise: Updated, direct: Updated) -> None:
    """Version gates: 0.2.0's migrations run on the way to 0.2.0 and are skipped from 0.2.0 on."""
    assert stepwise.migrations_log == ["0.2.0: 0.1.0 -> 0.2.0", "0.3.0: 0.2.0 -> 0.3.0"]
    assert direct.migrations_log == ["0.2.0: 0.1.0 -> 0.3.0", "0.3.0: 0.1.0 -> 0.3.0"]


def test_updated_project_passes_its_own_checks(direct: Updated) -> None:
    """The project's whole test suite, the user's tests and the conflict guard included, and ruff pass."""
    project = direct.project
    results = {
        "pytest": project.pytest("-rA"),
        "ruff check": project.run("-m", "ruff", "check", "."),
        "ruff format": project.run("-m", "ruff", "format", "--check", "."),
    }
    failures = {name: (r.stdout + r.stderr)[-3000:] for name, r in results.items() if r.returncode != 0}
    assert not failures, failures
    report = results["pytest"].stdout.splitlines()
    passed = {line.split()[1].split("::")[0] for line in report if line.startswith("PASSED ")}
    users_tests = {"tests/test_latest.py", "tests/test_team.py", "tests/test_our_config.py", "tests/test_our_dig.py"}
    assert users_tests | {"tests/test_no_conflicts.py"} <= passed


CONFIG = f"{PACKAGE}/config.py"
USER_AGENT = '    user_agent: str = "acme-etl/2.1"\n'
TEMPLATE_USER_AGENT = '    user_agent: str = "acme-connector (connector-factory)"\n'
TEMPLATE_DOCSTRING = (
    '"""Logging and tracing: structured log records on the package logger, and optional OpenTelemetry spans.\n'
)
USER_DOCSTRING = '"""Logs and spans: what our dashboards read.\n'
COPIER_MARKERS = ["<" * 7 + " before updating", ">" * 7 + " after updating"]
AGENT_NOTE_LINE = "\nOur gateway logs are in Grafana, dashboard 'connectors'.\n"


def test_a_conflict_is_surfaced_caught_by_the_guard_and_can_be_rolled_back(
    template: TemplateRepo, tmp_path: Path
) -> None:
    """13. Same line changed on both sides: markers or a .rej file, the guard fails, nothing is lost."""
    project = Project.render(template, tmp_path / "acme", VERSIONS[0], **ANSWERS)
    project.replace(CONFIG, '    user_agent: str = "acme-connector"\n', USER_AGENT)
    project.replace(f"{PACKAGE}/observability.py", TEMPLATE_DOCSTRING, USER_DOCSTRING)
    project.write(AGENT_NOTE, project.read(AGENT_NOTE) + AGENT_NOTE_LINE)
    project.commit("Our edits")

    project.update("0.2.0", conflict="inline")
    config = project.read(CONFIG)
    assert USER_AGENT in config
    assert TEMPLATE_USER_AGENT in config
    assert project.conflict_markers(CONFIG) == COPIER_MARKERS
    # The migration's merge labels its conflict as Copier does, and keeps the user's line too.
    assert project.conflict_markers(f"{PACKAGE}/telemetry.py") == COPIER_MARKERS
    assert USER_DOCSTRING in project.read(f"{PACKAGE}/telemetry.py")
    # The template dropped a file the user had edited: the edits are kept in a .rej file.
    assert not (project.path / AGENT_NOTE).exists()
    assert "+Our gateway logs are in Grafana" in project.read(f"{AGENT_NOTE}.rej")
    # What did not clash is merged as usual.
    assert '"python-dateutil>=2.9"' in project.read("pyproject.toml")

    # Any pytest run stops at once, naming each marker (a bare SyntaxError would name one).
    guard = project.pytest("tests/test_policies.py")
    assert guard.returncode != 0
    assert "UnresolvedConflictsError: resolve what `copier update` could not merge" in guard.stderr
    for path in (CONFIG, f"{PACKAGE}/telemetry.py"):
        assert re.search(rf"{re.escape(path)}:\d+: conflict marker " + "<" * 7, guard.stderr)
    assert f"{AGENT_NOTE}.rej: changes the update could not apply" in guard.stderr
    script = project.run("tests/test_no_conflicts.py")
    assert script.returncode == 1
    assert len(script.stderr.splitlines()) == 6  # the heading, a .rej file, two markers in each file

    # Roll back, as README.md says: the project is exactly as committed before the update.
    git(project.path, "reset", "--hard", "-q")
    git(project.path, "clean", "-fd", "-q")
    assert project.status() == []
    assert project.answers()["_commit"] == VERSIONS[0]
    assert USER_AGENT in project.read(CONFIG)

    project.update("0.2.0", conflict="rej")
    # The file gets the template's version; the user's change that did not apply is in the .rej file.
    assert "+" + USER_AGENT in project.read(f"{CONFIG}.rej")
    assert TEMPLATE_USER_AGENT in project.read(CONFIG)
    assert project.conflict_markers(CONFIG) == []
    # move-file merged the renamed file's edits (with markers) and removed the .rej Copier left for it.
    assert sorted(project.path.rglob("*.rej")) == [project.path / f"{name}.rej" for name in (AGENT_NOTE, CONFIG)]
    assert project.conflict_markers(f"{PACKAGE}/telemetry.py") == COPIER_MARKERS
    guard = project.pytest()
    assert guard.returncode != 0
    assert f"{CONFIG}.rej: changes the update could not apply" in guard.stderr

    # Resolved: the user's line kept, the .rej file and the markers gone; the guard passes.
    project.replace(CONFIG, TEMPLATE_USER_AGENT, USER_AGENT)
    (project.path / f"{CONFIG}.rej").unlink()
    (project.path / f"{AGENT_NOTE}.rej").unlink()
    telemetry = project.read(f"{PACKAGE}/telemetry.py")
    start, end = telemetry.index("<" * 7), telemetry.index(">" * 7 + " after updating\n")
    resolved = telemetry[:start] + USER_DOCSTRING + telemetry[end + len(">" * 7 + " after updating\n") :]
    project.write(f"{PACKAGE}/telemetry.py", resolved)
    assert project.run("tests/test_no_conflicts.py").returncode == 0
    assert project.pytest("tests/test_no_conflicts.py").returncode == 0


def test_rename_answer_keeps_the_answer_once(tmp_path: Path) -> None:
    """rename-answer renames the key only, leaves similar keys alone, and does nothing the second time."""
    answers = tmp_path / migrate.ANSWERS_FILE
    answers.write_text("# header\n_commit: 0.2.0\nlicense: Apache-2.0\nlicense_note: see LICENSE\n")
    assert "now the answer to license_id" in migrate.rename_answer(tmp_path, "license", "license_id")
    assert answers.read_text() == "# header\n_commit: 0.2.0\nlicense_id: Apache-2.0\nlicense_note: see LICENSE\n"
    assert "answered already" in migrate.rename_answer(tmp_path, "license", "license_id")
    assert "takes its default" in migrate.rename_answer(tmp_path, "author", "maintainer")
    assert answers.read_text() == "# header\n_commit: 0.2.0\nlicense_id: Apache-2.0\nlicense_note: see LICENSE\n"


def test_merge_keeps_both_edits_or_marks_the_clash() -> None:
    """The three-way merge behind move-file: separate edits both land; a clash is marked as Copier marks it."""
    base = b"a\nb\nc\nd\ne\n"
    merged, conflicts = migrate.merge(b"A\nb\nc\nd\ne\n", base, b"a\nb\nc\nd\nE\n")
    assert (merged, conflicts) == (b"A\nb\nc\nd\nE\n", 0)
    merged, conflicts = migrate.merge(b"ours\nb\nc\nd\ne\n", base, b"theirs\nb\nc\nd\ne\n")
    assert conflicts == 1
    assert merged.decode().splitlines()[:5] == [COPIER_MARKERS[0], "ours", "=" * 7, "theirs", COPIER_MARKERS[1]]


def test_move_file_refuses_paths_outside_the_project_and_skips_what_was_never_committed(tmp_path: Path) -> None:
    """move-file only touches files inside the project, and does nothing for a file the last commit lacks."""
    git(tmp_path, "init", "-q")
    (tmp_path / "kept.py").write_text("x = 1\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "start")
    for bad in ("../elsewhere.py", "/etc/passwd"):
        with pytest.raises(ValueError, match="relative path inside the project"):
            migrate.move_file(tmp_path, bad, "kept.py")
    assert "nothing to carry over" in migrate.move_file(tmp_path, "gone.py", "kept.py")
    assert (tmp_path / "kept.py").read_text() == "x = 1\n"


def test_changelog_has_every_version_and_what_users_must_do() -> None:
    """CHANGELOG.md: PEP 440 versions newest first, each with Changes, Action and Migrations; every
    version tag and every migration's version has its entry."""
    sections = re.split(r"^## ", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    headings = [section.splitlines()[0].strip() for section in sections]
    for heading, section in zip(headings, sections, strict=True):
        for field in ("Changes", "Action", "Migrations"):
            assert f"\n- **{field}**: " in section, f"{heading} says nothing under {field}"
    assert "Unreleased" not in headings[1:], "Unreleased comes first"
    released = [Version(heading) for heading in headings if heading != "Unreleased"]
    assert released == sorted(released, reverse=True)

    tags = [Version(tag) for tag in git(ROOT, "tag", "--list", "[0-9]*").split()]
    assert set(tags) <= set(released), "a version tag has no CHANGELOG entry"
    newest = max(released, default=Version("0"))
    migrations = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))["_migrations"]
    for migration in (migration for migration in migrations if "version" in migration):
        version = Version(migration["version"])
        pending = "Unreleased" in headings and version > newest
        assert version in released or pending, f"migration for {version} has no CHANGELOG entry"


# -- 14 and 15: a connector generated from an API description -------------------------------------

DESCRIPTION = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "servers": [{"url": "https://pets.example.com/v1"}],
    "paths": {
        "/pets/{petId}": {
            "get": {
                "operationId": "get_pet",
                "summary": "Return one pet.",
                "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {"Pet": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}}
    },
}
GENERATED = "src/pets_connector/operations.py"
MODELS = "src/pets_connector/models/__init__.py"
HAND_EDIT = "    # our note: the pets API answers slowly at night\n"


@pytest.fixture(scope="module")
def generated(template: TemplateRepo, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A connector generated from a description: api/ changed and regenerated, a generated module edited."""
    folder = tmp_path_factory.mktemp("generated")
    description = folder / "pets.yaml"
    description.write_text(yaml.safe_dump(DESCRIPTION), encoding="utf-8")
    project = Project.render(
        template, folder / "pets", VERSIONS[0], connector_name="Pets", api_source="openapi",
        api_source_path=str(description),
    )  # fmt: skip
    description.unlink()  # the update must work from the project's own api/
    # 14: the API grew a field; the user adds it to api/ and regenerates.
    grown = yaml.safe_load(project.read("api/pets.yaml"))
    grown["components"]["schemas"]["Pet"]["properties"]["nickname"] = {"type": "string"}
    project.write("api/pets.yaml", yaml.safe_dump(grown))
    result = project.run("-m", "codegen")
    assert result.returncode == 0, result.stderr
    project.commit("The API has nicknames now")
    # 15: a hand edit to a generated module.
    project.insert_after(GENERATED, '    """Generated methods of the blocking connector."""\n', HAND_EDIT)
    project.commit("A note in the generated module")
    project.update(VERSIONS[-1])
    return project


def test_an_update_regenerates_from_the_projects_own_description(generated: Project) -> None:
    """14. The user's field is still modelled, the description is theirs, and models/ is current."""
    assert "nickname" in generated.read("api/pets.yaml")
    assert "nickname: str | None = None" in generated.read(MODELS)
    assert generated.conflict_markers(MODELS) == []
    assert "class Pet(BaseModel)" in generated.read(MODELS)


def test_a_hand_edit_to_a_generated_module_is_surfaced_not_lost(generated: Project) -> None:
    """15. Both the edit and the regenerated module (with 16's generator) are kept, between markers."""
    text = generated.read(GENERATED)
    assert generated.conflict_markers(GENERATED) == [
        "<" * 7 + " your edit",
        ">" * 7 + " regenerated by python -m codegen",
    ]
    assert HAND_EDIT in text
    assert Generator.new in text  # the regenerated side was written by the new generator
    guard = runpy.run_path(str(generated.path / "tests" / "test_no_conflicts.py"))
    assert any(finding.startswith(GENERATED) for finding in guard["find_conflicts"](generated.path))
    assert generated.pytest("tests/test_no_conflicts.py").returncode != 0
