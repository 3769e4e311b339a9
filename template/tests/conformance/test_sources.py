"""What the template and the generator wrote: escaped literals only (CF-SEC-4), URLs without credentials (CF-SEC-5)."""

from __future__ import annotations

import ast
from pathlib import Path

import pydantic
import pytest

from ..api import ENV_PREFIX, Config, package

spec = pytest.mark.spec

PACKAGE_DIR = Path(str(package.__file__)).parent
PLANTED = "pw-5e7c-PLANTED"


def _is_literal(node: ast.expr) -> bool:
    """Whether ``node`` is a constant, or a list, tuple or dict of constants (``-1`` included)."""
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


# The modules written from the answers or the API description (templates and generators), and the
# fields of config.py the template writes from the answers; the user may add fields of any form.
WRITTEN = ("__init__.py", "__main__.py", "connector.py", "dlt_source.py", "operations.py")
ANSWERED = (
    "base_url", "auth", "auth_param_name", "token_url", "user_agent", "pagination", "records_path", "page_size",
    "page_size_param", "page_param", "next_path",
)  # fmt: skip


def _code_run_on_import(tree: ast.Module) -> list[str]:
    """Return the module- and class-level expressions beyond docstrings and ``Model.model_rebuild()``."""
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    found = []
    for body in [tree.body] + [node.body for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]:
        for index, node in enumerate(body):
            if not isinstance(node, ast.Expr):
                continue
            docstring = index == 0 and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            call = node.value.func if isinstance(node.value, ast.Call) else None
            rebuild = (  # datamodel-code-generator's way to finish recursive models
                isinstance(call, ast.Attribute)
                and call.attr == "model_rebuild"
                and isinstance(call.value, ast.Name)
                and call.value.id in classes
            )
            if not (docstring or rebuild):
                found.append(ast.unparse(node)[:80])
    return found


@spec("CF-SEC-4")
def test_config_holds_each_default_from_the_answers_as_a_literal() -> None:
    """config.py's defaults from the answers and the description are constants equal to the settings'."""
    tree = ast.parse((PACKAGE_DIR / "config.py").read_text(encoding="utf-8"))
    [config] = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    defaults: dict[str, object] = {}
    for node in config.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id in ANSWERED:
            assert node.value is not None
            assert _is_literal(node.value), ast.unparse(node)
            defaults[node.target.id] = ast.literal_eval(node.value)
        elif isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "model_config":
            assert isinstance(node.value, ast.Call)
            prefix = [keyword.value for keyword in node.value.keywords if keyword.arg == "env_prefix"]
            assert [ast.literal_eval(value) for value in prefix if _is_literal(value)] == [ENV_PREFIX]
    assert {"base_url", "auth", "pagination", "user_agent"} <= defaults.keys()
    for name, value in defaults.items():
        assert Config.model_fields[name].default == value, name


@spec("CF-SEC-4")
def test_package_and_generated_modules_run_nothing_from_the_description_on_import() -> None:
    """The modules written from answers and the description run nothing but definitions; routes are literals."""
    written = [PACKAGE_DIR / name for name in WRITTEN] + [PACKAGE_DIR / "models" / "__init__.py"]
    written += sorted((PACKAGE_DIR / "domains").glob("*.py"))
    checked = [path for path in written if path.is_file()]
    assert len(checked) >= 4
    for path in checked:
        assert _code_run_on_import(ast.parse(path.read_text(encoding="utf-8"))) == [], path.name
    operations = PACKAGE_DIR / "operations.py"
    if operations.is_file():  # generated from the API description
        tree = ast.parse(operations.read_text(encoding="utf-8"))
        [table] = [
            node
            for node in tree.body
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "OPERATIONS"
        ]
        assert table.value is not None
        assert _is_literal(table.value)


@spec("CF-SEC-5")
@pytest.mark.parametrize("field", ["base_url", "token_url"])
@pytest.mark.parametrize("source", ["keyword", "environment"])
def test_a_url_with_credentials_is_refused_without_repeating_them(
    monkeypatch: pytest.MonkeyPatch, field: str, source: str
) -> None:
    """user:password@ in a URL is refused when the config is built, naming the variables to use instead."""
    url = f"https://someone:{PLANTED}@api.example.com/v1"
    keywords = {field: url} if source == "keyword" else {}
    if source == "environment":
        monkeypatch.setenv(f"{ENV_PREFIX}{field.upper()}", url)
    with pytest.raises(pydantic.ValidationError) as caught:
        Config(**keywords)
    message = str(caught.value)
    assert field in message
    for variable in ("USERNAME", "PASSWORD", "TOKEN", "API_KEY"):
        assert f"{ENV_PREFIX}{variable}" in message
    for text in (message, repr(caught.value), caught.value.json(), str(caught.value.errors())):
        assert PLANTED not in text
        assert "someone" not in text


@spec("CF-SEC-5")
def test_the_default_urls_carry_no_credentials() -> None:
    """The base URL and token URL the template wrote have no user-info."""
    for field in ("base_url", "token_url"):
        default = Config.model_fields[field].default
        assert default is None or "@" not in default.split("/")[2], field
