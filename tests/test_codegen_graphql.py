"""Connectors generated from GraphQL schemas and operation files: real-world schemas, bad input, regeneration.

Every ``.graphql`` schema of ``../shared/realworld`` is rendered with operation files written here
(root fields with arguments, nested selections, lists, a Relay connection where the schema has
one, a fragment on an interface or union where it has one); its project must pass ruff,
``ruff format --check``, ``mypy --strict src`` and the generated-method tests, which run each
method against a graphql-core server executing the project's own schema.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers import REALWORLD, ROOT, copier_cli, render
from tests.test_codegen import _checks, _run

GRAPHQL_SCHEMAS = sorted(REALWORLD.glob("*.graphql"))
GENERATED_TESTS = ("tests/test_graphql_operations.py", "tests/conformance/test_typed_graphql.py")

# Operations written for each schema (keyed by the start of its file name), and what their
# generated code must contain.
OPERATIONS: dict[str, dict[str, str]] = {
    "swapi.dev": {
        "films.graphql": """
            query FilmTitle($id: ID) {
              film(id: $id) { title episodeID releaseDate producers }
            }
            query AllPeople($first: Int, $after: String) {
              allPeople(first: $first, after: $after) {
                pageInfo { hasNextPage endCursor }
                totalCount
                edges { cursor node { ...PersonBits homeworld { name } } }
              }
            }
            fragment PersonBits on Person { id name birthYear }
        """,
        "nodes.graphql": """
            query NodeById($id: ID!) {
              node(id: $id) { __typename id ... on Person { name height } ... on Planet { name population } }
            }
            query NodeTitle($id: ID!) {
              thing: node(id: $id) { id ... on Film { title } }
            }
        """,
    },
    "spacex.land": {
        "launches.graphql": """
            query PastLaunches($limit: Int, $offset: Int, $find: LaunchFind) {
              launchesPast(limit: $limit, offset: $offset, find: $find) {
                id
                mission_name
                launch_date_utc
                launch_success
                rocket { rocket_name rocket { id name } }
                links { article_link video_link }
                ships { name home_port }
              }
            }
            query Company { company { name ceo headquarters { city state } } }
            query CapsuleById($id: ID!) { capsule(id: $id) { ...CapsuleParts missions { name flight } } }
            fragment CapsuleParts on Capsule { id status original_launch reuse_count }
        """,
    },
    "snapshot.org": {
        "governance.graphql": """
            query Spaces($first: Int!, $skip: Int!, $where: SpaceWhere, $direction: OrderDirection) {
              spaces(first: $first, skip: $skip, where: $where, orderBy: "created", orderDirection: $direction) {
                id name network admins strategies { name network params }
              }
            }
            query ProposalById($id: String!) {
              proposal(id: $id) { id title choices scores state plugins space { id name } }
            }
            query Votes($first: Int!, $where: VoteWhere) {
              votes(first: $first, where: $where) { id voter choice vp created }
            }
        """,
    },
    "braintreepayments.com": {
        "payments.graphql": """
            query Ping { ping }
            query Locations($first: Int, $after: String) {
              inStoreLocations(first: $first, after: $after) {
                pageInfo { hasNextPage endCursor }
                edges { node { id name internalName } }
              }
            }
            query SearchTransactions($input: TransactionSearchInput!, $first: Int, $after: String) {
              search {
                transactions(input: $input, first: $first, after: $after) {
                  pageInfo { hasNextPage endCursor }
                  edges {
                    node {
                      id
                      createdAt
                      status
                      amount { value currencyCode }
                      paymentMethodSnapshot {
                        __typename
                        ...CardSnapshot
                        ... on PayPalTransactionDetails { payerStatus }
                      }
                    }
                  }
                }
              }
            }
            fragment CardSnapshot on CreditCardDetails { brandCode last4 expirationMonth }
        """,
        "nodes.graphql": """
            query NodeById($id: ID!) {
              node(id: $id) { __typename id ... on Transaction { orderId } ... on Customer { email } }
            }
            mutation CaptureTransaction($input: CaptureTransactionInput!) {
              captureTransaction(input: $input) { transaction { id status } }
            }
        """,
    },
}
EXPECTED: dict[str, list[str]] = {
    "swapi.dev": [
        "def iter_all_people(self, *, first: int | None = None) -> Iterator[models.AllPeopleAllPeopleEdgesNode]:",
        'typename: Literal["Person"] = Field(alias="__typename")',
        "class NodeByIdNodeOther(GraphQLModel):",
        'birth_year: str | None = Field(default=None, alias="birthYear")',  # from the fragment
        "title: str | None = None",  # a fragment only some nodes match: optional
    ],
    "spacex.land": ["launch_date_utc: JSONValue | None = None", "def capsule_by_id(self, *, id: str)"],
    "snapshot.org": ['OrderDirection = Literal["asc", "desc"]', "plugins: JSONValue", "first: int\n"],
    "braintreepayments.com": [
        "def iter_search_transactions(",
        "self, *, input: models.CaptureTransactionInput\n    ) -> OperationResult[models.CaptureTransaction]:",
        'typename: Literal["CreditCardDetails"] = Field(alias="__typename")',
    ],
}


def _schema_id(path: Path) -> str:
    return path.name.split("__")[0]


def write_description(folder: Path, schema: str, operations: dict[str, str], scalars: str | None = None) -> Path:
    """Write a GraphQL description folder: schema.graphql, operations/*.graphql and scalars.json."""
    (folder / "operations").mkdir(parents=True)
    (folder / "schema.graphql").write_text(schema)
    for name, text in operations.items():
        (folder / "operations" / name).write_text(text)
    if scalars is not None:
        (folder / "scalars.json").write_text(scalars)
    return folder


def render_graphql(destination: Path, description: Path, **answers: object) -> Path:
    """Render a GraphQL connector generated from ``description``."""
    answers.setdefault("connector_name", "Real World")
    return render(destination, transport="graphql", api_source="graphql", api_source_path=str(description), **answers)


@pytest.mark.skipif(not GRAPHQL_SCHEMAS, reason="../shared/realworld is not beside the project")
@pytest.mark.parametrize("schema", GRAPHQL_SCHEMAS, ids=_schema_id)
def test_realworld_schema_renders_a_checked_connector(tmp_path: Path, schema: Path) -> None:
    """Generation succeeds; ruff, ruff format, mypy --strict and the generated-method tests pass."""
    operations = OPERATIONS.get(_schema_id(schema))
    assert operations is not None, f"write operation files for {schema.name} in OPERATIONS"
    description = write_description(tmp_path / "description", schema.read_text(encoding="utf-8"), operations)
    started = time.perf_counter()
    project = render_graphql(tmp_path / "p", description)
    elapsed = time.perf_counter() - started
    print(f"{schema.name}: rendered in {elapsed:.1f} s")
    assert (project / "api" / "schema.graphql").read_bytes() == schema.read_bytes()
    assert sorted(p.name for p in (project / "api" / "operations").iterdir()) == sorted(operations)
    package = project / "src" / "real_world_connector"
    generated = (package / "operations.py").read_text() + (package / "models" / "__init__.py").read_text()
    assert generated.startswith("# Generated by Connector Factory from api/schema.graphql and api/operations.")
    assert "class Operations(GraphQLConnector):" in generated
    for expected in EXPECTED[_schema_id(schema)]:
        assert expected in generated
    failures = _checks(project, *GENERATED_TESTS)
    assert not failures, failures


# A schema of our own with everything the generator must handle; its operations below use all of it.
SHOP_SCHEMA = """
scalar DateTime
scalar Money
scalar JSON

interface Node { id: ID! }
enum ProductStatus { ACTIVE DRAFT ARCHIVED }

type Product implements Node {
  id: ID!
  title: String!
  status: ProductStatus!
  price: Money
  tags: [String!]!
  updatedAt: DateTime
  json: String
  metadata: JSON
}
type Collection implements Node { id: ID! handle: String! products(first: Int, after: String): ProductConnection! }
union SearchResult = Product | Collection

type PageInfo { hasNextPage: Boolean! endCursor: String }
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! pageInfo: PageInfo! }

input ProductFilter { status: [ProductStatus!] titleContains: String and: [ProductFilter!] }
input ProductInput { title: String! status: ProductStatus = DRAFT tags: [String!] }

type Query {
  products(first: Int = 10, after: String, filter: ProductFilter): ProductConnection!
  node(id: ID!): Node
  search(text: String!): [SearchResult!]!
}
type Mutation { productCreate(input: ProductInput!): Product }
"""
SHOP_OPERATIONS = {
    "products.graphql": """
        # A Relay connection with an input object that refers to itself, and a shared fragment.
        query Products($first: Int = 10, $after: String, $filter: ProductFilter) {
          products(first: $first, after: $after, filter: $filter) {
            pageInfo { hasNextPage endCursor }
            edges { node { ...ProductCard updatedAt metadata } }
          }
        }
        query ProductNode($id: ID!, $withTags: Boolean!) {
          node(id: $id) { __typename id ...ProductCard ... on Product { tags @include(if: $withTags) } }
        }
        mutation CreateProduct($input: ProductInput!) {
          productCreate(input: $input) { id title status }
        }
    """,
    "search.graphql": """
        query Search($text: String!) {
          hits: search(text: $text) {
            __typename
            ... on Node { id }
            ... on Collection { handle }
            ...ProductCard
          }
          plain: search(text: $text) { ... on Product { title } }
        }
        fragment ProductCard on Product { id title status price json }
    """,
}


def test_every_graphql_feature_renders_a_checked_connector(tmp_path: Path) -> None:
    """Aliases, fragments, unions, interfaces, @include, enums, custom scalars and inputs all type-check and run."""
    description = write_description(
        tmp_path / "shop", SHOP_SCHEMA, SHOP_OPERATIONS, scalars='{"DateTime": "str", "Money": "float"}'
    )
    project = render_graphql(tmp_path / "p", description, connector_name="Shop")
    package = project / "src" / "shop_connector"
    models = (package / "models" / "__init__.py").read_text()
    operations = (package / "operations.py").read_text()
    for expected in [
        'ProductStatus = Literal["ACTIVE", "DRAFT", "ARCHIVED"]',
        'updated_at: str | None = Field(default=None, alias="updatedAt")',  # scalars.json: DateTime is text
        "price: float | None = None",  # scalars.json: Money is a number
        "metadata: JSONValue | None = None",  # not in scalars.json: any JSON
        'json_: str | None = Field(default=None, alias="json")',  # never shadows BaseModel.json
        "tags: list[str] | None = None",  # under @include: optional although non-null
        'and_: list[ProductFilter] | None = Field(default=None, alias="and")',  # a keyword, and recursive
        "class SearchHitsProduct(GraphQLModel):",
        "class SearchHitsCollection(GraphQLModel):",
        "class SearchPlain(GraphQLModel):",  # no __typename: one model, fragment fields optional
        "status: ProductStatus | None = None",  # the input's default makes it optional
    ]:
        assert expected in models, expected
    for expected in [
        # $after is the iterator's own business; the node type is the model of edges.node.
        "def iter_products(\n        self, *, first: int | None = None, filter: models.ProductFilter | None = None\n"
        "    ) -> Iterator[models.ProductsProductsEdgesNode]:",
        "def create_product(self, *, input: models.ProductInput) -> OperationResult[models.CreateProduct]:",
        "def product_node(self, *, id: str, with_tags: bool) -> OperationResult[models.ProductNode]:",
        '"iter_products": ("Products", "products")',
    ]:
        assert expected in operations, expected
    failures = _checks(project, *GENERATED_TESTS)
    assert not failures, failures
    assert _run(project, "-m", "codegen", "--check").returncode == 0


def _copy(folder: Path, source: Path, destination: Path) -> tuple[int, str]:
    """Run `copier copy` as a user would, generating from the GraphQL description at ``source``."""
    data = {
        "connector_name": "Bad",
        "transport": "graphql",
        "api_source": "graphql",
        "api_source_path": str(source),
    }
    options = [item for key, value in data.items() for item in ("--data", f"{key}={value}")]
    result = copier_cli(
        "copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *options, str(ROOT), str(destination), cwd=folder
    )
    return result.returncode, result.stderr


GOOD_SCHEMA = "type Query { hello(name: String): String }\n"
GOOD_OPERATION = "query Hello($name: String) { hello(name: $name) }\n"
BAD_DESCRIPTIONS = {
    "missing-schema": (None, {"a.graphql": GOOD_OPERATION}, "schema.graphql: no such file"),
    "schema-syntax": (
        "type Query { hello: String\n",
        {"a.graphql": GOOD_OPERATION},
        "schema.graphql:1:27: Syntax Error",
    ),
    "schema-does-not-build": (
        "type Query { hello: Missing }\n",
        {"a.graphql": GOOD_OPERATION},
        "Unknown type 'Missing'",
    ),
    "no-operations": (GOOD_SCHEMA, {}, "no *.graphql files"),
    "invalid-operation": (
        GOOD_SCHEMA,
        {"a.graphql": "query Hello { goodbye }\n"},
        "a.graphql:1:15: Cannot query field 'goodbye' on type 'Query'.",
    ),
    "anonymous-operation": (GOOD_SCHEMA, {"a.graphql": "{ hello }\n"}, "a.graphql:1: anonymous query: give it a name"),
    "duplicate-names": (
        GOOD_SCHEMA,
        {"a.graphql": GOOD_OPERATION, "b.graphql": GOOD_OPERATION},
        "b.graphql:1: operation 'Hello' is also defined in operations/a.graphql",
    ),
    "operation-syntax": (GOOD_SCHEMA, {"a.graphql": "query Hello { hello\n"}, "a.graphql:1:20: Syntax Error"),
    "subscription": (
        GOOD_SCHEMA + "type Subscription { ticks: Int }\n",
        {"a.graphql": "subscription Ticks { ticks }\n"},
        "subscriptions are not supported over HTTP",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_DESCRIPTIONS))
def test_a_bad_graphql_description_stops_the_copy_and_writes_nothing(tmp_path: Path, case: str) -> None:
    """Non-zero exit, one message naming the file and the problem, no traceback, no destination."""
    schema, operations, expected = BAD_DESCRIPTIONS[case]
    source = tmp_path / "description"
    write_description(source, schema or "", operations)
    if schema is None:
        (source / "schema.graphql").unlink()
    destination = tmp_path / "out"
    code, stderr = _copy(tmp_path, source, destination)
    assert code != 0
    assert str(source) in stderr, stderr
    assert expected in stderr, stderr
    assert "Traceback" not in stderr
    assert not destination.exists()


@pytest.mark.parametrize(
    ("scalars", "expected"),
    [
        ('{"Nope": "str"}', "'Nope' is not a custom scalar of the schema"),
        ('{"When": "datetime"}', "scalar 'When' maps to 'datetime'; use one of"),
        ("[1", "scalars.json: malformed JSON"),
    ],
    ids=["unknown-scalar", "unknown-type", "malformed"],
)
def test_a_bad_scalar_mapping_stops_the_copy(tmp_path: Path, scalars: str, expected: str) -> None:
    """scalars.json may only map the schema's custom scalars to str, int, float, bool or JSONValue."""
    source = write_description(
        tmp_path / "description",
        "scalar When\ntype Query { hello: When }\n",
        {"a.graphql": "query Hello { hello }\n"},
        scalars=scalars,
    )
    code, stderr = _copy(tmp_path, source, tmp_path / "out")
    assert code != 0
    assert expected in stderr, stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_folder_stops_the_copy(tmp_path: Path) -> None:
    """A path that does not exist is refused before anything is written."""
    code, stderr = _copy(tmp_path, tmp_path / "nowhere", tmp_path / "out")
    assert code != 0
    assert "api_source_path" in stderr
    assert "does not exist" in stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("regen")
    description = write_description(folder / "d", SHOP_SCHEMA, SHOP_OPERATIONS)
    return render_graphql(folder / "p", description, connector_name="Shop")


def test_regeneration_is_idempotent_and_follows_api(small_project: Path) -> None:
    """`python -m codegen` twice writes the same bytes; a changed operation file makes --check fail until rerun."""
    package = small_project / "src" / "shop_connector"
    generated = [package / "operations.py", package / "models" / "__init__.py"]
    before = [path.read_bytes() for path in generated]
    assert _run(small_project, "-m", "codegen").returncode == 0
    assert [path.read_bytes() for path in generated] == before
    assert _run(small_project, "-m", "codegen", "--check").returncode == 0
    (small_project / "api" / "operations" / "more.graphql").write_text(
        "query Again($text: String!) { search(text: $text) { __typename } }\n"
    )
    stale = _run(small_project, "-m", "codegen", "--check")
    assert stale.returncode == 1
    assert "operations.py is not what" in stale.stdout
    assert _run(small_project, "-m", "codegen").returncode == 0
    assert "def again(self, *, text: str) -> OperationResult[models.Again]:" in generated[0].read_text()
    assert _run(small_project, "-m", "codegen", "--check").returncode == 0
