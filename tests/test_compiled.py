"""Templated strings compiled once per Copier run (hooks/compiled.py)."""

from __future__ import annotations

from copier._jinja_ext import YieldExtension, get_yield_context
from jinja2 import Environment
from jinja2.ext import Extension
from jinja2.sandbox import SandboxedEnvironment

from hooks.compiled import CompiledStringsExtension


def test_a_repeated_string_is_compiled_once_and_renders_every_context() -> None:
    """The same source gives back the same compiled template, which renders what each call passes."""
    environment = Environment(extensions=[CompiledStringsExtension], autoescape=False)  # noqa: S701 - paths, not HTML
    first = environment.from_string("{{ name }}/{{ n }}")
    again = environment.from_string("{{ name }}/{{ n }}")
    assert again is first
    assert first.render(name="src", n=1) == "src/1"
    assert again.render(name="tests", n=2) == "tests/2"
    assert environment.from_string("{{ name }}") is not first


def test_the_extensions_still_preprocess_a_string_served_from_the_cache() -> None:
    """Copier's yield tag resets its state while preprocessing: a cached plain path must not keep a stale yield."""
    environment = SandboxedEnvironment(extensions=[YieldExtension, CompiledStringsExtension])
    looped = "{% yield fixture from names %}{{ fixture }}{% endyield %}"
    for _ in range(2):
        environment.from_string(looped).render(names=["a.json", "b.json"])
        assert get_yield_context(environment).yield_name == "fixture"
        environment.from_string("src").render()
        assert get_yield_context(environment).yield_name is None


def test_a_string_with_its_own_globals_is_compiled_each_time() -> None:
    """Only the plain ``from_string(source)`` call is cached; the environment's other callers are untouched."""
    calls: list[str] = []

    class Counting(Extension):
        def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
            calls.append(source)
            return source

    environment = Environment(extensions=[Counting, CompiledStringsExtension], autoescape=False)  # noqa: S701 - not HTML
    one = environment.from_string("{{ x }}", globals={"x": 1})
    two = environment.from_string("{{ x }}", globals={"x": 2})
    assert one is not two
    assert (one.render(), two.render()) == ("1", "2")
    assert len(calls) == 2
