"""Type-directed conversion between a GraphQL result and the representation's form.

The representation speaks snake_case and lower-case enum values; GraphQL camelCase and
upper-case enum names. Conversions walk the GraphQL types, so ``metadata`` (a JSON
scalar) passes through untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    get_nullable_type,
)

from stateset_gql.naming import to_camel, to_snake


def to_representation(value: Any, type_: GraphQLOutputType) -> Any:
    """A GraphQL result value in the representation's form."""
    return _converter(type_, True)(value)


def from_representation(value: Any, type_: GraphQLOutputType) -> Any:
    """The representation as the GraphQL result value of ``type_``: the inverse of
    ``to_representation``, for an object in hand (an event's) that a GraphQL selection
    is then run on."""
    return _converter(type_, False)(value)


Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@cache
def _converter(type_: GraphQLOutputType, outward: bool) -> Converter:
    """A function converting values of ``type_`` into the representation (``outward``)
    or back, built once per type: a page of fifty orders is converted without looking
    anything up in the schema again."""
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        item = _converter(nullable.of_type, outward)
        if item is _identity:
            return _identity
        return lambda value: None if value is None else [item(v) for v in value]
    if isinstance(nullable, GraphQLEnumType):
        pairs = [(name, item.value) for name, item in nullable.values.items()]
        values = dict(pairs) if outward else {value: name for name, value in pairs}
        return lambda value: None if value is None else values[value]
    if isinstance(nullable, GraphQLObjectType):
        fields = nullable.fields
        # Resolved on first use, so types that refer to themselves do not recurse here.
        plan: dict[str, tuple[str, Converter]] = {}

        def entry(key: str) -> tuple[str, Converter]:
            graphql_name = key if outward else to_camel(key)
            converter = _converter(fields[graphql_name].type, outward)
            return (to_snake(key) if outward else graphql_name), converter

        def convert(value: Any) -> Any:
            if value is None:
                return None
            converted = {}
            for key, item in value.items():
                found = plan.get(key) or plan.setdefault(key, entry(key))
                converted[found[0]] = found[1](item)
            return converted

        return convert
    return _identity
