"""A bulk job's document (API.md section 14): checked when the job is created, as the
document of a request would be, and what the worker runs.

A *bulk mutation* is one mutation whose one root field runs once per line of variables;
each line is checked before any runs (``line_refusal``: a JSON object, its variables
coerced by the document's definitions, the input boundary), and a line then runs as a
``/graphql`` request with those variables would.

Each document is checked by the ``Checker`` the request's context carries (or the job's
worker holds): as the document of a ``/graphql`` request of the same key
(``pipeline.document.checker``).

A *bulk query* is one query whose one root field is a connection. The worker pages through
it with the document ``paged`` writes: the client's, with the root field's ``first`` and
``after`` its own variables and its ``pageInfo`` selected under an alias of its own, so
each page is one more request of the same document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    print_ast,
)
from graphql.execution.values import get_variable_values

from stateset_gql.db.listing import MAX_FIRST
from stateset_gql.errors import BadRequest, StateSetError
from stateset_gql.graphql.boundary import check_input
from stateset_gql.graphql.context import Checker
from stateset_gql.graphql.scopes import operation_fields

# The names the paged document adds; a client's document may not use them.
FIRST, AFTER, PAGE = "bulkFirst_", "bulkAfter_", "bulkPage_"
# The page sizes tried, largest first, until the document's cost allows one.
PAGE_SIZES = (MAX_FIRST, 50, 20, 10, 5, 1)


@dataclass(frozen=True)
class BulkMutation:
    text: str
    document: DocumentNode
    operation: OperationDefinitionNode
    field: str


@dataclass(frozen=True)
class BulkQuery:
    """The client's query, and the document the worker pages with (``page_size`` rows a
    page); ``nodes`` says where a page's rows are in its answer."""

    text: str
    paged: str
    page_size: int
    # The root field's key in an answer, and the path to the rows under it:
    # ``("nodes",)`` or ``("edges", "node")``.
    field: str
    nodes: tuple[str, ...]


def _refused(error: StateSetError | GraphQLError, param: str) -> StateSetError:
    if isinstance(error, GraphQLError):
        original = error.original_error
        if isinstance(original, StateSetError):
            return original
        return BadRequest(error.message, param=param)
    return error


def _checked(
    check: Checker, text: str, param: str, kind: OperationType
) -> tuple[DocumentNode, OperationDefinitionNode, FieldNode]:
    """The client's document checked as a request's (limits, validation, its root field's
    scope), of ``kind``, with exactly one root field; else the error naming ``param``."""
    if not text.strip():
        raise BadRequest(f"'{param}' must be a GraphQL document", param=param)
    try:
        operation = check(text, None)
    except BadRequest as error:
        raise BadRequest(error.message, param=param) from None
    checked = operation.checked
    assert checked is not None
    if checked.errors or checked.document is None:
        raise _refused(checked.errors[0], param)
    document = checked.document
    chosen = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    if chosen.operation is not kind:
        raise BadRequest(f"'{param}' must be a {kind.value}", param=param)
    fields = operation_fields(document, None)
    if len(fields) != 1:
        raise BadRequest(
            f"'{param}' must select exactly one root field (it selects {len(fields)})",
            param=param,
        )
    return document, chosen, fields[0]


def bulk_mutation(check: Checker, text: str, param: str = "mutation") -> BulkMutation:
    """The bulk mutation of ``text``, or the error naming ``param`` (where it was given)."""
    document, chosen, field = _checked(check, text, param, OperationType.MUTATION)
    return BulkMutation(text=text, document=document, operation=chosen, field=field.name.value)


def line_refusal(schema: GraphQLSchema, bulk: BulkMutation, variables: Any) -> str | None:
    """Why one line's variables cannot run the mutation, or None: what a request with
    them would be refused for before its field ran."""
    if not isinstance(variables, dict):
        return "a line must be a JSON object of variables"
    coerced = get_variable_values(schema, bulk.operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        return coerced[0].message
    refused = check_input(bulk.document, bulk.text, variables, None, schema)
    return None if refused is None else refused.message


def bulk_query(check: Checker, schema: GraphQLSchema, text: str, param: str = "query") -> BulkQuery:
    """The export of ``text``'s one connection; a document whose root field is no
    connection, or that already uses the names the paging adds, is refused."""
    document, chosen, field = _checked(check, text, param, OperationType.QUERY)
    root = schema.query_type
    assert root is not None
    definition = root.fields[field.name.value]
    connection = get_named_type(definition.type)
    if not (
        isinstance(connection, GraphQLObjectType)
        and "pageInfo" in connection.fields
        and {"first", "after"} <= set(definition.args)
    ):
        raise BadRequest(
            f"'{field.name.value}' is not a list: a bulk query exports one connection "
            "(orders, customers, ...)",
            param=param,
        )
    if field not in chosen.selection_set.selections:
        raise BadRequest(
            "A bulk query selects its connection at the root, not through a fragment",
            param=param,
        )
    nodes = _nodes_path(field)
    if nodes is None:
        raise BadRequest(
            "A bulk query selects its rows as 'nodes { ... }' or 'edges { node { ... } }'",
            param=param,
        )
    if any(v.variable.name.value in (FIRST, AFTER) for v in chosen.variable_definitions or ()):
        raise BadRequest(f"'${FIRST}' and '${AFTER}' are the export's own", param=param)
    for size in PAGE_SIZES:
        paged = _paged(document, chosen, field)
        probe = check(paged, {FIRST: size, AFTER: None})
        assert probe.checked is not None
        if not probe.checked.errors:
            key = field.alias.value if field.alias else field.name.value
            return BulkQuery(text=text, field=key, paged=paged, page_size=size, nodes=nodes)
        if size == PAGE_SIZES[-1]:
            raise _refused(probe.checked.errors[0], param)
    raise AssertionError("unreachable")


def _nodes_path(field: FieldNode) -> tuple[str, ...] | None:
    for selection in _fields(field.selection_set):
        if selection.alias is not None:
            continue
        if selection.name.value == "nodes":
            return ("nodes",)
        if selection.name.value == "edges":
            inner = [s for s in _fields(selection.selection_set) if s.name.value == "node"]
            if inner and inner[0].alias is None:
                return ("edges", "node")
    return None


def _fields(selections: SelectionSetNode | None) -> Iterator[FieldNode]:
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            yield selection


def _variable(name: str, type_name: str, required: bool) -> VariableDefinitionNode:
    named = NamedTypeNode(name=NameNode(value=type_name))
    return VariableDefinitionNode(
        variable=VariableNode(name=NameNode(value=name)),
        type=NonNullTypeNode(type=named) if required else named,
        directives=(),
    )


def _paged(document: DocumentNode, chosen: OperationDefinitionNode, field: FieldNode) -> str:
    """The client's document with the root field paged by the export's variables."""
    arguments = [
        a for a in field.arguments or () if a.name.value not in ("first", "after", "offset")
    ]
    arguments += [
        ArgumentNode(name=NameNode(value=name), value=VariableNode(name=NameNode(value=var)))
        for name, var in (("first", FIRST), ("after", AFTER))
    ]
    page_info = FieldNode(
        alias=NameNode(value=PAGE),
        name=NameNode(value="pageInfo"),
        arguments=(),
        directives=(),
        selection_set=SelectionSetNode(
            selections=tuple(
                FieldNode(name=NameNode(value=n), arguments=(), directives=())
                for n in ("hasNextPage", "endCursor")
            )
        ),
    )
    selections = (*(field.selection_set.selections if field.selection_set else ()), page_info)
    paged_field = dataclasses.replace(
        field,
        arguments=tuple(arguments),
        selection_set=SelectionSetNode(selections=selections),
    )
    paged_operation = dataclasses.replace(
        chosen,
        variable_definitions=(
            *(chosen.variable_definitions or ()),
            _variable(FIRST, "Int", True),
            _variable(AFTER, "String", False),
        ),
        selection_set=SelectionSetNode(
            selections=tuple(
                paged_field if s is field else s for s in chosen.selection_set.selections
            )
        ),
    )
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    return print_ast(DocumentNode(definitions=(paged_operation, *fragments)))


def page_of(data: dict[str, Any], bulk: BulkQuery) -> tuple[list[Any], str | None]:
    """A page's rows, and the cursor after it (None: the last page)."""
    connection = data[bulk.field]
    rows: Any = connection
    for key in bulk.nodes[:1]:
        rows = rows[key]
    if len(bulk.nodes) == 2:
        rows = [edge[bulk.nodes[1]] for edge in rows]
    page = connection[PAGE]
    return list(rows), page["endCursor"] if page["hasNextPage"] else None
