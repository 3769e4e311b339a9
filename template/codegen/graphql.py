"""Plans pydantic models and typed methods from a GraphQL schema and its ``.graphql`` operation files.

Hand-written on graphql-core: ariadne-codegen adds its own HTTP client and ``Any`` scalars, and
datamodel-code-generator models schema types, not each operation's selection, and fails ``mypy --strict``.

The input is a folder (copied to the project's ``api/``)::

    schema.graphql          the schema, in SDL
    operations/*.graphql    named queries and mutations; fragments may be shared between files
    scalars.json            optional: {"DateTime": "str", ...} for custom scalars (see below)

Each operation gives ``<Name>Variables`` (its variables) and ``<Name>`` (its ``data``, shaped by the
selection set) in the models module, and one method on the connector. GraphQL types become:

============================  =================================================================
``Int`` ``Float``             ``int``, ``float``
``String`` ``ID``             ``str``
``Boolean``                   ``bool``
custom scalars                ``JSONValue`` (any JSON), or ``scalars.json``'s ``str``, ``int``,
                              ``float``, ``bool`` or ``JSONValue``
enums                         ``Literal["A", "B"]``, one alias per enum; open in results
                              (``Annotated[Alias | str, OPEN]``: an unknown value is kept)
``T`` and ``T!``              ``T | None = None`` and ``T``; ``[T!]`` is ``list[T]``
objects, input objects        one model per selection (per input type), aliases as field names
interfaces, unions            one model; with ``__typename`` selected and type conditions, a model
                              per type named in a condition plus one for the others, tried in order
============================  =================================================================

Fields under ``@skip``/``@include``, or from a fragment that only some possible types match, are
optional. Operations whose ``$after`` variable is the ``after`` argument of a Relay connection
that selects ``pageInfo { hasNextPage endCursor }`` and ``edges { node }`` or ``nodes`` also get an
``iter_<name>`` method (a leading ``list_`` or ``get_`` dropped) that yields every node, page by page.
"""

from __future__ import annotations

import json
import keyword
from dataclasses import dataclass, field
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Source,
    VariableNode,
    build_ast_schema,
    get_named_type,
    parse,
    print_ast,
    separate_operations,
    type_from_ast,
    validate,
    validate_schema,
)
from graphql.pyutils import Undefined

from .names import camel, python_literal, snake, unique
from .openapi import RESERVED_METHODS
from .spec import SpecError, listed

__all__ = [
    "BUILT_IN_SCALARS",
    "GraphQLPlan",
    "GraphQLSource",
    "Method",
    "Model",
    "ModelField",
    "load_graphql",
    "plan_graphql",
]

#: GraphQL's built-in scalars as Python types.
BUILT_IN_SCALARS = {"Int": "int", "Float": "float", "String": "str", "Boolean": "bool", "ID": "str"}
#: What ``scalars.json`` may map a custom scalar to.
SCALAR_CHOICES = frozenset({"str", "int", "float", "bool", "JSONValue"})
# Attributes of pydantic's BaseModel: a field may not shadow one (pydantic warns), nor use its namespace.
_MODEL_ATTRIBUTES = frozenset(
    {
        "construct", "copy", "dict", "from_orm", "json", "parse_file", "parse_obj", "parse_raw", "schema",
        "schema_json", "update_forward_refs", "validate",
    }
)  # fmt: skip
# Names a field may not take: BaseModel's attributes, and the builtins that annotations use (a field
# named ``str`` would hide the type from every later annotation of its class).
_RESERVED_FIELDS = _MODEL_ATTRIBUTES | {"self", "bool", "float", "int", "list", "str"}
# A variable is also an argument of its method, whose body uses the modules ``models`` and ``typed``.
_RESERVED_VARIABLES = _RESERVED_FIELDS | {"models", "typed"}
# Names the models module imports or defines itself: a generated class may not take them.
_RESERVED_CLASSES = frozenset(
    {"Annotated", "BaseModel", "ConfigDict", "Field", "GraphQLModel", "JSONValue", "Literal", "OPEN", "annotations"}
)
# Names the connector classes already use: a generated method never shadows one.
_RESERVED_METHODS = RESERVED_METHODS | {"paginate_query"}


# -- loading and checking --------------------------------------------------------------------------


@dataclass(frozen=True)
class GraphQLSource:
    """A checked GraphQL description: the schema, every operation file as one document, scalar types."""

    folder: Path
    schema: GraphQLSchema
    document: DocumentNode
    files: dict[str, str]  # operation name -> the file that defines it, relative to the folder
    scalars: dict[str, str]
    warnings: tuple[str, ...] = ()  # type-system rules the schema breaks (it is used anyway)


def _located(error: GraphQLError, fallback: Path) -> str:
    """Return ``file:line:column: message`` for a graphql-core error."""
    node = error.nodes[0] if error.nodes else None
    location = node.loc if node is not None else None
    if location is not None:
        source = location.source
        where = source.get_location(location.start)
        return f"{source.name}:{where.line}:{where.column}: {error.message}"
    if error.source is not None and error.locations:
        first = error.locations[0]
        return f"{error.source.name}:{first.line}:{first.column}: {error.message}"
    return f"{fallback}: {error.message}"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"{path}: cannot be read as UTF-8 text ({error})") from error


def _load_schema(path: Path) -> tuple[GraphQLSchema, tuple[str, ...]]:
    """Build the schema; return it with the type-system rules it breaks, as warnings.

    A schema that does not build (bad syntax, an unknown type) is refused. Type-system rules are
    another matter: newer graphql-core releases add some (3.3 refuses a deprecated field that
    implements a non-deprecated interface field), and real schemas break them without harm to the
    types a client reads. They are reported, and the schema is used anyway (``assume_valid``),
    still checking every operation against it.
    """
    if not path.is_file():
        raise SpecError(f"{path}: no such file (a GraphQL description is a folder with schema.graphql in it)")
    try:
        document = parse(Source(_read(path), str(path)))
        schema = build_ast_schema(document)
        broken = validate_schema(schema)
        if broken:
            schema = build_ast_schema(document, assume_valid=True)
    except GraphQLError as error:
        raise SpecError(f"{_located(error, path)} (the schema does not build)") from error
    except (TypeError, ValueError) as error:  # build_ast_schema reports some problems this way
        raise SpecError(f"{path}: the schema does not build: {error}") from error
    shown = listed([problem.message for problem in broken], 3)
    return schema, (f"{path.name}: breaks {len(broken)} type-system rule(s), used anyway: {shown}",) if broken else ()


def _load_scalars(path: Path, schema: GraphQLSchema) -> dict[str, str]:
    if not path.exists():
        return {}
    try:
        data = json.loads(_read(path))
    except json.JSONDecodeError as error:
        raise SpecError(f"{path}: malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from error
    choices = ", ".join(sorted(SCALAR_CHOICES))
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected an object mapping custom scalar names to one of {choices}")
    for name, kind in data.items():
        if not isinstance(schema.get_type(name), GraphQLScalarType) or name in BUILT_IN_SCALARS:
            raise SpecError(f"{path}: {name!r} is not a custom scalar of the schema")
        if kind not in SCALAR_CHOICES:
            raise SpecError(f"{path}: scalar {name!r} maps to {kind!r}; use one of {choices}")
    return dict(data)


def load_graphql(folder: Path) -> GraphQLSource:
    """Read and check a GraphQL description folder; raise `SpecError` naming the file and the problem."""
    if not folder.is_dir():
        raise SpecError(f"{folder}: no such folder (give a folder holding schema.graphql and operations/*.graphql)")
    schema, schema_warnings = _load_schema(folder / "schema.graphql")
    files = sorted((folder / "operations").glob("*.graphql"))
    if not files:
        raise SpecError(f"{folder / 'operations'}: no *.graphql files; write one or more named operations there")
    definitions = []
    defined_in: dict[str, str] = {}
    fragments: dict[str, str] = {}
    for path in files:
        relative = path.relative_to(folder).as_posix()
        try:
            document = parse(Source(_read(path), str(path)))
        except GraphQLError as error:
            raise SpecError(_located(error, path)) from error
        for definition in document.definitions:
            line = _line(definition)
            if isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise SpecError(f"{path}:{line}: anonymous {definition.operation.value}: give it a name")
                name = definition.name.value
                if name in defined_in:
                    raise SpecError(f"{path}:{line}: operation {name!r} is also defined in {defined_in[name]}")
                if definition.operation is OperationType.SUBSCRIPTION:
                    raise SpecError(f"{path}:{line}: subscription {name!r}: subscriptions are not supported over HTTP")
                defined_in[name] = relative
            elif isinstance(definition, FragmentDefinitionNode):
                name = definition.name.value
                if name in fragments:
                    raise SpecError(f"{path}:{line}: fragment {name!r} is also defined in {fragments[name]}")
                fragments[name] = relative
            else:
                raise SpecError(f"{path}:{line}: only operations and fragments belong in operation files")
            definitions.append(definition)
    if not defined_in:
        raise SpecError(f"{folder / 'operations'}: the files define fragments but no operation")
    combined = DocumentNode(definitions=tuple(definitions))
    problems = validate(schema, combined)
    if problems:
        shown = listed([_located(problem, folder) for problem in problems], 3)
        raise SpecError(f"an operation does not validate against {folder / 'schema.graphql'}: {shown}")
    scalars = _load_scalars(folder / "scalars.json", schema)
    return GraphQLSource(folder, schema, combined, defined_in, scalars, schema_warnings)


def _line(node: OperationDefinitionNode | FragmentDefinitionNode | object) -> int:
    location = getattr(node, "loc", None)
    return location.source.get_location(location.start).line if location is not None else 1


# -- the plan --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelField:
    """One field of a generated model: its Python name, its GraphQL name, its type and its default."""

    name: str
    wire: str
    annotation: str
    required: bool

    @property
    def declaration(self) -> str:
        """The field's line in the class body."""
        options = [] if self.required else ["default=None"]
        if self.name != self.wire:
            options.append(f"alias={python_literal(self.wire)}")
        if not options:
            return f"{self.name}: {self.annotation}"
        if options == ["default=None"]:
            return f"{self.name}: {self.annotation} = None"
        return f"{self.name}: {self.annotation} = Field({', '.join(options)})"


@dataclass
class Model:
    """One generated pydantic class."""

    name: str
    doc: str
    fields: list[ModelField] = field(default_factory=list)


@dataclass(frozen=True)
class Argument:
    """One keyword argument of a generated method: a variable of its operation."""

    name: str
    wire: str
    annotation: str
    required: bool
    doc: str


@dataclass(frozen=True)
class Method:
    """One generated method: run an operation and return its typed data (``kind == "call"``), or iterate."""

    name: str
    kind: str  # "call" or "iterate"
    operation: str
    operation_type: str
    file: str
    arguments: tuple[Argument, ...]
    variables: str  # the variables model
    returns: str  # the data model, or the node type an iterator yields
    connection: str = ""  # dotted path of the Relay connection (iterators)


@dataclass
class GraphQLPlan:
    """Everything an operation folder yields: models, enum aliases, documents and methods."""

    models: list[Model]
    aliases: dict[str, str]  # enum alias -> Literal[...]
    documents: dict[str, str]  # operation name -> its document (the operation and its fragments)
    methods: list[Method]
    uses_json: bool
    source: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Selected:
    """Everything selected under one response key at one level, merged."""

    key: str
    name: str
    field_type: GraphQLOutputType | None  # None for __typename
    parts: list[tuple[GraphQLNamedType, SelectionSetNode]] = field(default_factory=list)
    conditional: bool = True


def _conditional(node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
    return any(directive.name.value in ("skip", "include") for directive in node.directives or ())


class _Planner:
    """One pass over a `GraphQLSource`; see `plan_graphql`."""

    def __init__(self, source: GraphQLSource, folder: str) -> None:
        self.source = source
        self.folder = folder
        self.schema = source.schema
        self.fragments = {d.name.value: d for d in source.document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.classes: set[str] = set(_RESERVED_CLASSES)
        self.methods: set[str] = set(_RESERVED_METHODS)
        self.models: list[Model] = []
        self.inputs: dict[str, str] = {}  # input type name -> class name
        self.aliases: dict[str, str] = {}  # enum alias -> Literal[...]
        self.enum_names: dict[str, str] = {}  # enum type name -> alias
        self.uses_json = False
        self.documents: dict[str, str] = {}
        self.warnings: list[str] = list(source.warnings)
        self.paths: dict[tuple[str, ...], tuple[str, bool]] = {}  # key path -> (element type, under a list)

    # -- types -----------------------------------------------------------------------------------

    def class_name(self, wanted: str) -> str:
        name = camel(wanted)
        return unique(f"{name}Type" if keyword.iskeyword(name) else name, self.classes, separator="")

    def scalar(self, named: GraphQLScalarType) -> str:
        kind = BUILT_IN_SCALARS.get(named.name) or self.source.scalars.get(named.name, "JSONValue")
        if kind == "JSONValue":
            self.uses_json = True
        return kind

    def enum(self, named: GraphQLEnumType) -> str:
        alias = self.enum_names.get(named.name)
        if alias is None:
            alias = self.enum_names[named.name] = self.class_name(named.name)
            values = ", ".join(python_literal(value) for value in named.values)
            self.aliases[alias] = f"Literal[{values}]"
        return alias

    def input_annotation(self, kind: GraphQLInputType) -> str:
        if isinstance(kind, GraphQLNonNull):
            return self._input_inner(kind.of_type)
        return f"{self._input_inner(kind)} | None"

    def _input_inner(self, kind: GraphQLInputType) -> str:
        if isinstance(kind, GraphQLList):
            return f"list[{self.input_annotation(kind.of_type)}]"
        if isinstance(kind, GraphQLScalarType):
            return self.scalar(kind)
        if isinstance(kind, GraphQLEnumType):
            return self.enum(kind)
        if isinstance(kind, GraphQLInputObjectType):
            return self.input_model(kind)
        raise SpecError(f"input type {kind} is not supported")  # pragma: no cover - graphql-core has no other

    def input_model(self, kind: GraphQLInputObjectType) -> str:
        name = self.inputs.get(kind.name)
        if name is not None:
            return name
        name = self.inputs[kind.name] = self.class_name(kind.name)
        model = Model(name, f"The ``{kind.name}`` input.")
        taken = set(_MODEL_ATTRIBUTES)
        fields = []
        for wire, definition in kind.fields.items():
            annotation = self.input_annotation(definition.type)
            required = isinstance(definition.type, GraphQLNonNull) and definition.default_value is Undefined
            annotation = _optional(annotation, required)
            fields.append(ModelField(_field_name(wire, taken), wire, annotation, required))
        model.fields = sorted(fields, key=lambda f: not f.required)
        self.models.append(model)  # after the models it refers to, except in a cycle (pydantic defers those)
        return name

    # -- selections ------------------------------------------------------------------------------

    def possible(self, named: GraphQLNamedType) -> list[GraphQLObjectType]:
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            return list(self.schema.get_possible_types(named))
        return [named] if isinstance(named, GraphQLObjectType) else []

    def applies(self, condition: GraphQLNamedType, runtime: list[GraphQLObjectType]) -> tuple[bool, bool]:
        """Return (matches every type in ``runtime``, matches some) for a type condition."""
        matching = {t.name for t in self.possible(condition)}
        hits = [t for t in runtime if t.name in matching]
        return len(hits) == len(runtime), bool(hits)

    def collect(
        self,
        parts: list[tuple[GraphQLNamedType, SelectionSetNode]],
        runtime: list[GraphQLObjectType],
        everything: list[GraphQLObjectType],
    ) -> tuple[dict[str, _Selected], bool]:
        """Merge the fields selected for objects of the ``runtime`` types; say if a type-specific fragment applied.

        ``everything`` is every type the model stands for: a fragment that matches only some of
        them is type-specific, and its fields are optional in a model shared by all of them.
        """
        selected: dict[str, _Selected] = {}
        specific = False

        def visit(parent: GraphQLNamedType, selection_set: SelectionSetNode, conditional: bool) -> None:
            nonlocal specific
            for node in selection_set.selections:
                if isinstance(node, FieldNode):
                    key = node.alias.value if node.alias else node.name.value
                    name = node.name.value
                    if name == "__typename":
                        field_type = None
                    elif isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) and name in parent.fields:
                        field_type = parent.fields[name].type
                    else:  # pragma: no cover - validation rejects unknown fields
                        continue
                    entry = selected.setdefault(key, _Selected(key, name, field_type))
                    entry.conditional = entry.conditional and (conditional or _conditional(node))
                    if node.selection_set is not None and field_type is not None:
                        entry.parts.append((get_named_type(field_type), node.selection_set))
                    continue
                if isinstance(node, InlineFragmentNode):
                    condition = self.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
                    inner = node.selection_set
                elif isinstance(node, FragmentSpreadNode):
                    fragment = self.fragments[node.name.value]
                    condition = self.schema.get_type(fragment.type_condition.name.value)
                    inner = fragment.selection_set
                else:  # pragma: no cover - graphql-core has no other selection
                    continue
                if condition is None:  # pragma: no cover - validation rejects unknown types
                    continue
                every, some = self.applies(condition, runtime)
                if not some:
                    continue
                covers_all = self.applies(condition, everything)[0]
                specific = specific or not covers_all
                visit(condition, inner, conditional or not every or _conditional(node))

        for parent, selection_set in parts:
            visit(parent, selection_set, False)
        return selected, specific

    def output(self, kind: GraphQLOutputType, entry: _Selected, owner: str, path: tuple[str, ...], listed: bool) -> str:
        """Return the annotation of a selected field of type ``kind`` (wrappers included)."""
        if isinstance(kind, GraphQLNonNull):
            return self._output_inner(kind.of_type, entry, owner, path, listed)
        return f"{self._output_inner(kind, entry, owner, path, listed)} | None"

    def _output_inner(
        self, kind: GraphQLOutputType, entry: _Selected, owner: str, path: tuple[str, ...], listed: bool
    ) -> str:
        if isinstance(kind, GraphQLList):
            return f"list[{self.output(kind.of_type, entry, owner, path, True)}]"
        if isinstance(kind, GraphQLScalarType):
            return self.scalar(kind)
        if isinstance(kind, GraphQLEnumType):
            return f"Annotated[{self.enum(kind)} | str, OPEN]"  # open in answers (CF-VAL-3)
        element = self.selection_model(get_named_type(kind), entry.parts, owner + camel(entry.key), path)
        if path:
            self.paths[path] = (element, listed)
        return element

    def selection_model(
        self,
        named: GraphQLNamedType,
        parts: list[tuple[GraphQLNamedType, SelectionSetNode]],
        wanted: str,
        path: tuple[str, ...] | None,
        doc: str = "",
    ) -> str:
        """Plan the model(s) of one selection set on ``named``; return the annotation of its values."""
        everything = self.possible(named)
        selected, specific = self.collect(parts, everything, everything)
        typename = "__typename" in {entry.name for entry in selected.values() if not entry.conditional}
        if not (specific and typename and isinstance(named, (GraphQLInterfaceType, GraphQLUnionType))):
            name = self.class_name(wanted)
            self.add_model(name, doc or f"``{named.name}`` as selected.", selected, path, typename=None)
            return name
        # A model per type a fragment names, then one for every other type, tried in that order.
        members = []
        others = []
        for concrete in everything:
            own, specific_here = self.collect(parts, [concrete], everything)
            if not specific_here:
                others.append(concrete)
                continue
            name = self.class_name(wanted + concrete.name)
            self.add_model(name, f"``{named.name}`` when it is a ``{concrete.name}``.", own, None, concrete.name)
            members.append(name)
        if others:
            common, _ = self.collect(parts, others, everything)
            name = self.class_name(wanted + "Other")
            self.add_model(name, f"``{named.name}`` of any other type.", common, None, typename="")
            members.append(name)
        return f'Annotated[{" | ".join(members)}, Field(union_mode="left_to_right")]'

    def add_model(
        self,
        name: str,
        doc: str,
        selected: dict[str, _Selected],
        path: tuple[str, ...] | None,
        typename: str | None,
    ) -> None:
        """Plan the fields of one model from its merged selection, then append it after its children."""
        model = Model(name, doc)
        taken = set(_MODEL_ATTRIBUTES)
        for entry in selected.values():
            python = _field_name("typename" if entry.key == "__typename" else entry.key, taken)
            if entry.field_type is None:
                if typename:
                    model.fields.append(ModelField(python, entry.key, f"Literal[{python_literal(typename)}]", True))
                    continue
                annotation = "str | None" if entry.conditional else "str"
                model.fields.append(ModelField(python, entry.key, annotation, not entry.conditional))
                continue
            child = None if path is None or entry.conditional else (*path, entry.key)
            annotation = self.output(entry.field_type, entry, name, child or (), listed=False)
            required = not annotation.endswith(" | None") and not entry.conditional
            annotation = _optional(annotation, required)
            model.fields.append(ModelField(python, entry.key, annotation, required))
        self.models.append(model)

    # -- operations ------------------------------------------------------------------------------

    def operation(self, node: OperationDefinitionNode, document: str) -> list[Method]:
        """Plan the variables, the data model and the method(s) of one named operation."""
        name = node.name.value if node.name else "Operation"
        kind = node.operation.value
        root = self.schema.get_root_type(node.operation)
        if root is None:  # pragma: no cover - validation rejects operations the schema has no root for
            return []
        file = self.folder + self.source.files[name]
        variables = Model(self.class_name(name + "Variables"), f"Variables of the ``{name}`` {kind}.")
        taken = set(_MODEL_ATTRIBUTES)
        arguments = []
        for definition in node.variable_definitions or ():
            wire = definition.variable.name.value
            graphql_type = type_from_ast(self.schema, definition.type)
            annotation = self.input_annotation(graphql_type)  # type: ignore[arg-type]  # validated: an input type
            required = isinstance(graphql_type, GraphQLNonNull) and definition.default_value is None
            annotation = _optional(annotation, required)
            python = _field_name(wire, taken, _RESERVED_VARIABLES)
            variables.fields.append(ModelField(python, wire, annotation, required))
            doc = f"The ``${wire}`` variable (``{print_ast(definition.type)}``)."
            arguments.append(Argument(python, wire, annotation, required, doc))
        variables.fields.sort(key=lambda f: not f.required)
        arguments.sort(key=lambda a: not a.required)
        self.models.append(variables)
        self.paths = {}
        data = self.selection_model(root, [(root, node.selection_set)], name, (), doc=f"Data of the ``{name}`` {kind}.")
        self.documents[name] = document
        method = snake(name)
        method = unique(f"call_{method}" if method in _RESERVED_METHODS else method, self.methods)
        planned = [Method(method, "call", name, kind, file, tuple(arguments), variables.name, data)]
        connection = self.connection(node, root)
        if connection is not None:
            path, element = connection
            after = next(a for a in arguments if a.wire == "after")
            if element.startswith("Annotated["):
                self.warnings.append(f"{file}: {name}: no iterator: its nodes are a union of models")
            elif after.required:
                self.warnings.append(f"{file}: {name}: no iterator: $after is required, so no first page")
            else:
                kept = tuple(a for a in arguments if a.wire != "after")
                stem = method.removeprefix("call_").removeprefix("list_").removeprefix("get_")
                iterator = unique(f"iter_{stem}", self.methods)  # ListProducts gives iter_products
                planned.append(
                    Method(iterator, "iterate", name, kind, file, kept, variables.name, element, ".".join(path))
                )
        return planned

    def under_list(self, path: tuple[str, ...]) -> bool:
        """Return whether the field at ``path``, or one above it, is a list."""
        return any(self.paths.get(path[:end], ("", False))[1] for end in range(1, len(path) + 1))

    def connection(self, node: OperationDefinitionNode, root: GraphQLObjectType) -> tuple[tuple[str, ...], str] | None:
        """Return the key path and node type of the Relay connection ``$after`` pages through, if any."""
        if "after" not in {d.variable.name.value for d in node.variable_definitions or ()}:
            return None
        for path, field_node in self.fields_with_after(root, node.selection_set, ()):
            if not _has_page_info(field_node) or self.under_list(path):
                continue
            for tail in (("nodes",), ("edges", "node")):  # where relay_page looks, in its order
                found = self.paths.get((*path, *tail))
                if found is not None:
                    return path, found[0]
        return None

    def fields_with_after(
        self, parent: GraphQLNamedType, selection_set: SelectionSetNode, path: tuple[str, ...]
    ) -> list[tuple[tuple[str, ...], FieldNode]]:
        """Return each field (with its key path) whose ``after`` argument is ``$after``; fragments not followed."""
        found = []
        for node in selection_set.selections:
            if not isinstance(node, FieldNode) or node.selection_set is None or _conditional(node):
                continue
            key = node.alias.value if node.alias else node.name.value
            for argument in node.arguments or ():
                value = argument.value
                if argument.name.value == "after" and isinstance(value, VariableNode) and value.name.value == "after":
                    found.append(((*path, key), node))
            if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)) and node.name.value in parent.fields:
                inner = get_named_type(parent.fields[node.name.value].type)
                found.extend(self.fields_with_after(inner, node.selection_set, (*path, key)))
        return found


def _has_page_info(node: FieldNode) -> bool:
    """Return whether a connection field selects ``pageInfo { hasNextPage endCursor }``, unaliased."""
    for child in node.selection_set.selections if node.selection_set else ():
        if isinstance(child, FieldNode) and child.name.value == "pageInfo" and child.alias is None:
            names = {
                grandchild.name.value
                for grandchild in (child.selection_set.selections if child.selection_set else ())
                if isinstance(grandchild, FieldNode) and grandchild.alias is None
            }
            return {"hasNextPage", "endCursor"} <= names
    return False


def _optional(annotation: str, required: bool) -> str:
    """Return ``annotation``, admitting None when the value is not ``required``."""
    return annotation if required or annotation.endswith(" | None") else f"{annotation} | None"


def _field_name(wire: str, taken: set[str], reserved: frozenset[str] = _RESERVED_FIELDS) -> str:
    """Return a Python field name for a GraphQL name: snake_case, never a ``reserved`` name, unique."""
    name = snake(wire, fallback="field")
    if name in reserved or name.startswith("model_"):
        name = f"{name}_"
    return unique(name, taken)


def plan_graphql(source: GraphQLSource, description: str, *, folder: str = "api/") -> GraphQLPlan:
    """Plan the models and methods of every operation in ``source``.

    Args:
        source: The checked schema and operations.
        description: What they are, for the generated files' docstrings.
        folder: Where the project keeps them, for the methods' docstrings.
    """
    planner = _Planner(source, folder)
    documents = separate_operations(source.document)
    methods: list[Method] = []
    for definition in source.document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None:
            methods.extend(planner.operation(definition, print_ast(documents[definition.name.value])))
    return GraphQLPlan(
        models=planner.models,
        aliases=planner.aliases,
        documents=planner.documents,
        methods=methods,
        uses_json=planner.uses_json,
        source=description,
        warnings=planner.warnings,
    )
