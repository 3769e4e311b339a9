"""Name derivation and validation used by copier.yml (hooks/names.py)."""

from __future__ import annotations

import pytest

from hooks import names


@pytest.mark.parametrize(
    ("display", "slug", "package", "prefix", "env"),
    [
        ("Frankfurter", "frankfurter-connector", "frankfurter_connector", "Frankfurter", "FRANKFURTER_"),
        ("OpenWeather", "openweather-connector", "openweather_connector", "OpenWeather", "OPENWEATHER_"),
        ("HubSpot", "hubspot-connector", "hubspot_connector", "HubSpot", "HUBSPOT_"),
        ("open weather", "open-weather-connector", "open_weather_connector", "OpenWeather", "OPEN_WEATHER_"),
        ("ADS-B", "ads-b-connector", "ads_b_connector", "ADSB", "ADS_B_"),
    ],
)
def test_derived_names(display: str, slug: str, package: str, prefix: str, env: str) -> None:
    """Each display name derives the documented slug, package, class prefix and env prefix."""
    assert names.project_slug(display) == slug
    assert names.package_name(slug) == package
    assert names.class_prefix(display) == prefix
    assert names.env_prefix(package) == env
    assert names.name_error(display) == ""


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("../x", "must not contain"),
        ("a/b", "must not contain"),
        ("a\\b", "must not contain"),
        ("class", "keyword"),
        ("--", "at least one letter"),
        ("2fa", "start with a letter"),
    ],
)
def test_bad_connector_names_are_explained(value: str, fragment: str) -> None:
    """A bad display name gets a message naming the field and the problem."""
    message = names.name_error(value)
    assert message.startswith("connector_name")
    assert fragment in message


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("json", "standard-library"),
        ("os", "standard-library"),
        ("class", "keyword"),
        ("match", "keyword"),
        ("My-Package", "lowercase Python identifier"),
        ("../pkg", "must not contain"),
        ("1abc", "lowercase Python identifier"),
    ],
)
def test_bad_package_names_are_explained(value: str, fragment: str) -> None:
    """Keywords, stdlib modules, path tricks and non-identifiers are rejected as package names."""
    message = names.package_error(value)
    assert message.startswith("package_name")
    assert fragment in message


def test_good_package_name_passes() -> None:
    """An ordinary identifier is accepted."""
    assert names.package_error("frankfurter_connector") == ""


@pytest.mark.parametrize("value", ["../evil", "a/b", "Upper", "-lead", ""])
def test_bad_slugs_are_rejected(value: str) -> None:
    """Slugs must be lowercase words joined by '-', with no path separators."""
    assert names.slug_error(value).startswith("project_slug")


@pytest.mark.parametrize("value", ["lower", "Has Space", "Class-", "", "None"])
def test_bad_class_prefixes_are_rejected(value: str) -> None:
    """Class prefixes must be CamelCase identifiers and not keywords."""
    assert names.prefix_error(value).startswith("class_prefix")


@pytest.mark.parametrize("value", ["ftp://x.example", "api.example.com", "https://", "javascript:alert(1)", ""])
def test_non_http_urls_are_rejected(value: str) -> None:
    """Only absolute http(s) URLs are accepted as base URLs."""
    assert names.url_error(value).startswith("base_url")


@pytest.mark.parametrize("value", ["https://api.example.com", "http://127.0.0.1:8080/v1", "https://x.io/a?b=c"])
def test_http_urls_are_accepted(value: str) -> None:
    """Absolute http(s) URLs pass."""
    assert names.url_error(value) == ""


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ('https://api.example.com/"+__import__("os").getcwd()+"', "a character that a URL cannot"),
        ("https://api.example.com/'", "a character that a URL cannot"),
        ("https://api.example.com/a b", "a character that a URL cannot"),
        ("https://api.example.com/\tb", "a character that a URL cannot"),
        ("https://api.example.com\\x", "a character that a URL cannot"),
        ("https://api.example.com/\x1b", "a character that a URL cannot"),
        ("https://api.example.com/\u2028", "a character that a URL cannot"),
        ("https://api.example.com/{id}", "a character that a URL cannot"),
        ("https://[::1", "cannot be parsed"),
        ("https://api.example.com:99999", "cannot be parsed"),
        ("https://:80/v1", "host name"),
    ],
)
def test_urls_with_characters_a_url_cannot_hold_or_that_do_not_parse_are_rejected(value: str, fragment: str) -> None:
    """Quotes, whitespace, backslashes, control characters and unparseable URLs are refused, naming the field."""
    message = names.url_error(value, "token_url")
    assert message.startswith("token_url")
    assert fragment in message


@pytest.mark.parametrize("value", ["https://user:hunter2@api.example.com/v1", "https://hunter2@api.example.com"])
def test_urls_with_credentials_are_refused_naming_the_variables_without_repeating_them(value: str) -> None:
    """user:password@ is refused with where credentials go instead; the secret is not echoed."""
    message = names.validate(value, "base_url", "ACME_")
    assert message.startswith("base_url must not carry credentials")
    for variable in ("ACME_USERNAME", "ACME_PASSWORD", "ACME_TOKEN", "ACME_API_KEY"):
        assert variable in message
    assert "hunter2" not in message


@pytest.mark.parametrize("value", ["https://[::1]:8080/v1", "https://münchen.example/v1", "https://x.io/a%20b;c=d"])
def test_unusual_but_valid_urls_are_accepted(value: str) -> None:
    """IPv6 hosts, international names and percent-escapes are URLs."""
    assert names.url_error(value) == ""


@pytest.mark.parametrize("package", ["httpx", "pydantic", "pydantic_settings", "anyio", "h11", "certifi", "codegen"])
def test_packages_the_connector_imports_are_refused_as_package_names(package: str) -> None:
    """A package named like a dependency would shadow it: refused like a standard-library name."""
    assert "a module the connector itself imports" in names.package_error(package)


@pytest.mark.parametrize(
    ("field", "length"), [("connector_name", 300), ("connector_name", 5000), ("package_name", 65), ("author_name", 301)]
)
def test_over_long_answers_are_refused_with_their_length(field: str, length: int) -> None:
    """Names become folders and files: a limit with a message, never an OSError later."""
    assert names.validate("a" * length, field) == f"{field} is {length} characters long; at most " + (
        f"{names.NAME_LIMIT} are accepted." if field != "author_name" else f"{names.TEXT_LIMIT} are accepted."
    )


def test_a_long_list_of_domains_is_accepted_but_not_an_over_long_domain() -> None:
    """domains is a list: 40 names pass, one name longer than a file name should be does not."""
    assert names.validate(",".join(f"business_domain_{n}" for n in range(40)), "domains") == ""
    assert "at most 64" in names.validate("a" * 65, "domains")


def test_long_hostile_input_is_fast() -> None:
    """The patterns run in linear time: a long adversarial string is checked at once."""
    hostile = "a" * 200_000 + "!"
    assert names.name_error(hostile) == ""
    assert names.package_error(hostile).startswith("package_name")
    assert names.url_error("http://" + "a" * 200_000 + " ")


@pytest.mark.parametrize("value", ['say "hi"', "back\\slash", "two\nlines"])
def test_free_text_that_would_break_toml_or_docstrings_is_rejected(value: str) -> None:
    """Descriptions and author names go into TOML strings and docstrings verbatim."""
    assert names.text_error(value, "description").startswith("description")


def test_given_answers_are_checked_before_copier_sees_them() -> None:
    """A bad --data answer stops the copy with a clean message; other answers pass through."""
    from copier.errors import UserMessageError

    assert names.given_answer_is_valid("connector_name", {"data": {}})
    assert names.given_answer_is_valid("connector_name", {"data": {"connector_name": "Frankfurter"}})
    with pytest.raises(UserMessageError, match="connector_name"):
        names.given_answer_is_valid("connector_name", {"data": {"connector_name": "class"}})
    with pytest.raises(UserMessageError, match="page_size"):
        names.given_answer_is_valid("page_size", {"data": {"page_size": "0"}})
    with pytest.raises(UserMessageError, match="required"):
        names.given_answer_is_valid("connector_name", {"data": {}, "defaults": True}, required=True)
    assert names.given_answer_is_valid("connector_name", {"data": {}, "defaults": False}, required=True)


@pytest.mark.parametrize("field", sorted(names._VALIDATORS))
def test_every_validated_question_has_a_guard_in_copier_yml(field: str) -> None:
    """copier.yml guards and validates each question that has a validator, with the same function."""
    from tests.helpers import ROOT

    config = (ROOT / "copier.yml").read_text()
    assert f"{field} | validate('{field}')" in config
    assert f"('{field}' | given_answer_is_valid(_copier_conf" in config


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "at least one"),
        ("contacts,contacts", "repeat"),
        ("Contacts", "lowercase"),
        ("base", "lowercase"),
        ("a-b", "lowercase"),
    ],
)
def test_bad_domain_lists_are_rejected(value: str, fragment: str) -> None:
    """Domain names become module and attribute names: identifiers, unique, not 'base'."""
    assert fragment in names.domains_error(value)


def test_domain_imports_are_sorted_as_isort_sorts_them() -> None:
    """A domain that sorts before 'base' still gives import lines in isort order."""
    lines = names.domain_imports(["accounts", "zones"])
    assert [module for module, _ in lines] == ["domains", "domains.accounts", "domains.base", "domains.zones"]
    assert ("domains.accounts", "Accounts, AsyncAccounts") in lines
    assert ("domains.zones", "AsyncZones, Zones") in lines


@pytest.mark.parametrize("value", ["../x", "/abs/", "a b/"])
def test_bad_domain_path_prefixes_are_rejected(value: str) -> None:
    """The path prefix stays relative to base_url."""
    assert names.path_prefix_error(value).startswith("domain_path_prefix")
