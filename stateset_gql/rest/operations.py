"""The GraphQL operation behind each route, derived from the schema once and cached.

The selection is every field of the returned type, recursively, except: fields that
need arguments, and a single related object that is itself a ``Node`` (an order's
``customer``): REST names it by id (``customer_id``), as Stripe does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    ast_from_value,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    print_ast,
)

from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.limits import is_connection
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


def _implements_node(type_: GraphQLObjectType) -> bool:
    return any(isinstance(i, GraphQLInterfaceType) and i.name == "Node" for i in type_.interfaces)


def _needs_arguments(field: GraphQLField) -> bool:
    return any(
        isinstance(arg.type, GraphQLNonNull) and arg.default_value is None
        for arg in field.args.values()
    )


def carried(type_: GraphQLObjectType | GraphQLInterfaceType) -> dict[str, GraphQLField]:
    """The fields of ``type_`` that its representation carries: all but those that need
    arguments and a single related ``Node`` (named by its id instead)."""
    fields = {}
    for name, field in type_.fields.items():
        if _needs_arguments(field):
            continue
        child = get_named_type(field.type)
        is_list = isinstance(get_nullable_type(field.type), GraphQLList)
        if isinstance(child, GraphQLObjectType) and _implements_node(child) and not is_list:
            continue
        fields[name] = field
    return fields


def selection(type_: GraphQLOutputType, depth: int = 0) -> str:
    named = get_named_type(type_)
    if is_leaf_type(named) or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return ""
    if depth > 4:
        raise ValueError(f"{named.name} nests too deeply for a REST selection")
    parts = []
    for name, field in carried(named).items():
        if is_leaf_type(get_named_type(field.type)):
            parts.append(name)
        else:
            parts.append(f"{name} {{ {selection(field.type, depth + 1)} }}")
    return " ".join(parts)


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
