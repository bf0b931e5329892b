"""A client's GraphQL document, measured against API.md section 11 before anything runs.

``parse_limited`` refuses a document over ``MAX_DOCUMENT_BYTES`` before reading any of
it, then counts tokens while parsing and stops at the 4,001st, so a document of megabytes
costs no more than a small one (a comment or a string literal is one token however long,
so the tokens alone do not bound the lexer's work). ``measure`` then walks the chosen operation in
one pass: each fragment definition is measured once and its measures are reused at every
spread, so the walk is linear in the document's size however often a fragment is spread
(twenty levels of ``...F ...F`` are twenty fragments measured, not a million spreads). A
fragment that spreads itself is refused.

    depth    nested selections; a field without a selection adds nothing
    aliases  every alias, once per use (a fragment spread twice counts its aliases twice)
    cost     every field 1; a list or a connection multiplies the cost of its selection
             by its ``first`` (the argument, a variable, the schema's default, or 10)
    repeats  how often one response name is selected in one selection set (at most 10:
             validation compares every pair, so hundreds would stall the server)

Introspection (``__schema``, ``__type``) reads the schema from memory: its selection
adds no depth and its lists count once, so GraphiQL's introspection query passes.

The walk runs before validation, so it tolerates what validation refuses afterwards: an
unknown field costs 1 and multiplies nothing, an unknown fragment adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    VariableNode,
    get_named_type,
    parse,
)

from stateset_gql.errors import QueryTooComplex

MAX_TOKENS = 4000
# Far above any document 4,000 tokens of real work need (GraphiQL's introspection query is
# under 3 KB), and small enough that lexing it never holds up the process.
MAX_DOCUMENT_BYTES = 100_000
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_COST = 10_000
# One response name selected this often in one selection set: validation compares every
# pair of them (with their selections), so a few hundred would stall the server.
MAX_REPEATS = 10
DEFAULT_FIRST = 10

_META_FIELDS = {
    "__schema": SchemaMetaFieldDef,
    "__type": TypeMetaFieldDef,
    "__typename": TypeNameMetaFieldDef,
}


@dataclass(frozen=True)
class Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def __add__(self, other: Measure) -> Measure:
        """Two selections side by side: the deeper one, and both counts."""
        return Measure(
            max(self.depth, other.depth), self.aliases + other.aliases, self.cost + other.cost
        )


def too_complex(limit: str, maximum: int, value: int, what: str) -> QueryTooComplex:
    return QueryTooComplex(
        f"The document's {what} is {value}, over the limit of {maximum}",
        limit=limit,
        maximum=maximum,
        value=value,
        param="query",
    )


def parse_limited(query: str) -> DocumentNode:
    """The document, or a syntax error (a ``GraphQLError``); over 4,000 tokens,
    ``QueryTooComplex`` without reading the rest; so is one over ``MAX_DOCUMENT_BYTES``."""
    # A character is at least one byte of UTF-8: only a document near the cap is encoded.
    size = len(query)
    if size > MAX_DOCUMENT_BYTES or (
        4 * size > MAX_DOCUMENT_BYTES
        and (size := len(query.encode("utf-8", "surrogatepass"))) > MAX_DOCUMENT_BYTES
    ):
        raise QueryTooComplex(
            f"The document is over {MAX_DOCUMENT_BYTES} bytes",
            limit="bytes",
            maximum=MAX_DOCUMENT_BYTES,
            value=size,
            param="query",
        )
    try:
        return parse(query, max_tokens=MAX_TOKENS)
    except GraphQLSyntaxError as error:
        if f"more than {MAX_TOKENS} tokens" in error.message:
            raise QueryTooComplex(
                f"The document has more than {MAX_TOKENS} tokens",
                limit="tokens",
                maximum=MAX_TOKENS,
                value=MAX_TOKENS + 1,
                param="query",
            ) from None
        raise


def is_connection(type_: GraphQLOutputType | GraphQLNamedType | None) -> bool:
    """A Relay connection: a page of edges (and nodes) with its ``pageInfo``."""
    named = get_named_type(type_) if type_ is not None else None
    return isinstance(named, GraphQLObjectType) and {"edges", "pageInfo"} <= set(named.fields)


def _introspection(type_: GraphQLNamedType | None) -> bool:
    return type_ is not None and type_.name.startswith("__")


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = dict(variables)
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and isinstance(definition.default_value, IntValueNode):
                self.variables[name] = int(definition.default_value.value)
        self.measured: dict[str, Measure] = {}
        self.open: set[str] = set()

    def selections(self, node: SelectionSetNode, parent: GraphQLNamedType | None) -> Measure:
        names = Counter(
            (s.alias or s.name).value for s in node.selections if isinstance(s, FieldNode)
        )
        if names and (repeats := max(names.values())) > MAX_REPEATS:
            raise too_complex(
                "repeats", MAX_REPEATS, repeats, "repeats of one field in one selection"
            )
        total = Measure()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, on)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value)
        return total

    def fragment(self, name: str) -> Measure:
        if name in self.measured:
            return self.measured[name]
        definition = self.fragments.get(name)
        if definition is None:
            return Measure()  # validation names it
        if name in self.open:
            raise GraphQLError(f"Cannot spread fragment '{name}' within itself.")
        self.open.add(name)
        on = self.schema.get_type(definition.type_condition.name.value)
        measure = self.measured[name] = self.selections(definition.selection_set, on)
        self.open.discard(name)
        return measure

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measure:
        aliases = 1 if node.alias else 0
        if node.selection_set is None:
            return Measure(0, aliases, 1)
        definition = self._definition(node.name.value, parent)
        below = self.selections(
            node.selection_set, get_named_type(definition.type) if definition else None
        )
        factor = self._factor(node, parent, definition)
        # Introspection reads the schema in memory: as before, its depth is not counted
        # (the introspection query nests ``ofType`` deeper than 12).
        depth = 0 if node.name.value in _META_FIELDS else 1 + below.depth
        return Measure(depth, aliases + below.aliases, 1 + factor * below.cost)

    def _definition(self, name: str, parent: GraphQLNamedType | None) -> GraphQLField | None:
        if name in _META_FIELDS:
            meta: GraphQLField = _META_FIELDS[name]
            return meta
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            found: GraphQLField | None = parent.fields.get(name)
            return found
        return None

    def _factor(
        self, node: FieldNode, parent: GraphQLNamedType | None, definition: GraphQLField | None
    ) -> int:
        # A connection's edges and nodes are the page its ``first`` already counted; the
        # schema's own lists (types, fields, args) are counted at one each.
        if definition is None or is_connection(parent) or _introspection(parent):
            return 1
        if not (_is_list(definition.type) or is_connection(definition.type)):
            return 1
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, int(value.value))
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, int) and not isinstance(given, bool):
                    return max(0, given)
        declared = definition.args.get("first")
        if declared is not None and isinstance(declared.default_value, int):
            return max(0, declared.default_value)
        return DEFAULT_FIRST


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None = None,
) -> Measure:
    """The operation's depth, aliases and cost; a fragment cycle is a ``GraphQLError``,
    and so is a chain of fragments too long to follow (the parser refuses nesting too
    deep the same way)."""
    root = schema.get_root_type(operation.operation)
    walk = _Walk(schema, document, operation, variables or {})
    try:
        return walk.selections(operation.selection_set, root)
    except RecursionError:
        raise GraphQLError("Fragments are spread too deeply. Measuring aborted.") from None


def enforce(measured: Measure) -> None:
    """``QueryTooComplex`` naming the first limit the measures are over."""
    if measured.depth > MAX_DEPTH:
        raise too_complex("depth", MAX_DEPTH, measured.depth, "depth")
    if measured.aliases > MAX_ALIASES:
        raise too_complex("aliases", MAX_ALIASES, measured.aliases, "number of aliases")
    if measured.cost > MAX_COST:
        raise too_complex("cost", MAX_COST, measured.cost, "cost")
