"""The GraphQL operation behind each route, derived from the schema once and cached.

The selection is the returned type's representation (``graphql.representation.selection``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    ast_from_value,
    get_named_type,
    print_ast,
)

from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.limits import is_connection
from stateset_gql.graphql.representation.selection import selection
from stateset_gql.graphql.schema import Schema
from stateset_gql.rest.routes import RestRoute


@dataclass(frozen=True)
class RouteOperation:
    route: RestRoute
    field: GraphQLField
    # The type of each node of a list route, or of the single object otherwise.
    item_type: GraphQLOutputType
    is_list: bool
    query: str
    query_with_total: str

    @property
    def args(self) -> dict[str, GraphQLArgument]:
        return dict(self.field.args)


def _declare(name: str, arg: GraphQLArgument) -> str:
    if arg.default_value is Undefined or arg.default_value is None:
        return f"${name}: {arg.type}"
    default = ast_from_value(arg.default_value, arg.type)
    return f"${name}: {arg.type} = {print_ast(default)}" if default else f"${name}: {arg.type}"


@cache
def operation_for(schema: Schema, route: RestRoute) -> RouteOperation:
    root = (
        core_schema(schema).mutation_type if route.is_mutation else core_schema(schema).query_type
    )
    assert root is not None
    field = root.fields.get(route.field)
    if field is None:
        raise LookupError(f"{route.method} {route.path}: no GraphQL field {route.field!r}")
    kind = "mutation" if route.is_mutation else "query"
    declared = ", ".join(_declare(name, arg) for name, arg in field.args.items())
    passed = ", ".join(f"{name}: ${name}" for name in field.args)
    head = f"{kind} Rest_{route.field}" + (f"({declared})" if declared else "")
    call = f"{route.field}({passed})" if passed else route.field
    if is_connection(field.type):
        connection = get_named_type(field.type)
        assert isinstance(connection, GraphQLObjectType)
        edge = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        item_type = edge.fields["node"].type
        nodes = selection(item_type)
        body = f"edges {{ cursor node {{ {nodes} }} }} pageInfo {{ hasNextPage endCursor }}"
        return RouteOperation(
            route=route,
            field=field,
            item_type=item_type,
            is_list=True,
            query=f"{head} {{ result: {call} {{ {body} }} }}",
            query_with_total=f"{head} {{ result: {call} {{ {body} totalCount }} }}",
        )
    query = f"{head} {{ result: {call} {{ {selection(field.type)} }} }}"
    return RouteOperation(
        route=route, field=field, item_type=field.type, is_list=False, query=query,
        query_with_total=query,
    )  # fmt: skip
