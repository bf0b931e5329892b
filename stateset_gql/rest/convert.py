"""Type-directed conversion between REST JSON and GraphQL values.

REST speaks snake_case and lower-case enum values; GraphQL camelCase and upper-case
enum names. Conversions walk the GraphQL types, so ``metadata`` (a JSON scalar) passes
through untouched and an unknown body field is named in REST words.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    get_nullable_type,
)

from stateset_gql.errors import ErrorDetail, ValidationFailed, shown
from stateset_gql.rest.naming import to_camel, to_snake


def enum_name(enum: GraphQLEnumType, value: Any) -> str | None:
    """The GraphQL name of a REST value, or None when there is none."""
    for name, item in enum.values.items():
        if item.value == value or (isinstance(value, str) and name == value.upper()):
            return str(name)
    return None


def to_graphql_input(
    value: Any, type_: GraphQLInputType, param: str, problems: list[ErrorDetail]
) -> Any:
    """A REST body value as the GraphQL variable of ``type_``; problems are collected."""
    if value is None:
        return None
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        if not isinstance(value, list):
            return value  # GraphQL coerces a single value, or reports the type
        return [
            to_graphql_input(v, nullable.of_type, f"{param}.{i}", problems)
            for i, v in enumerate(value)
        ]
    if isinstance(nullable, GraphQLInputObjectType):
        if not isinstance(value, dict):
            problems.append(
                ErrorDetail(param, "INVALID_FIELD_FORMAT", f"{param} must be an object")
            )
            return None
        converted: dict[str, Any] = {}
        for key, item in value.items():
            name = to_camel(key)
            child = f"{param}.{shown(key)}" if param else shown(key)
            field = nullable.fields.get(name)
            if field is None or not isinstance(key, str):
                problems.append(
                    ErrorDetail(child, "VALIDATION_ERROR", f"Received unknown parameter: {child}")
                )
                continue
            converted[name] = to_graphql_input(item, field.type, child, problems)
        return converted
    if isinstance(nullable, GraphQLEnumType):
        enum = enum_name(nullable, value) if isinstance(value, str) else None
        if enum is None:
            allowed = ", ".join(str(v.value) for v in nullable.values.values())
            problems.append(
                ErrorDetail(param, "INVALID_FIELD_FORMAT", f"{param} must be one of: {allowed}")
            )
        return enum
    return value


def to_rest(value: Any, type_: GraphQLOutputType) -> Any:
    """A GraphQL result value as REST JSON."""
    return _converter(type_, True)(value)


def from_rest(value: Any, type_: GraphQLOutputType) -> Any:
    """REST JSON as the GraphQL result value of ``type_``: the inverse of ``to_rest``, for
    an object in hand (an event's) that a GraphQL selection is then run on."""
    return _converter(type_, False)(value)


Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@cache
def _converter(type_: GraphQLOutputType, to_rest: bool) -> Converter:
    """A function converting values of ``type_`` into REST's words (``to_rest``) or back,
    built once per type: a page of fifty orders is converted without looking anything up
    in the schema again."""
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        item = _converter(nullable.of_type, to_rest)
        if item is _identity:
            return _identity
        return lambda value: None if value is None else [item(v) for v in value]
    if isinstance(nullable, GraphQLEnumType):
        pairs = [(name, item.value) for name, item in nullable.values.items()]
        values = dict(pairs) if to_rest else {value: name for name, value in pairs}
        return lambda value: None if value is None else values[value]
    if isinstance(nullable, GraphQLObjectType):
        fields = nullable.fields
        # Resolved on first use, so types that refer to themselves do not recurse here.
        plan: dict[str, tuple[str, Converter]] = {}

        def entry(key: str) -> tuple[str, Converter]:
            graphql_name = key if to_rest else to_camel(key)
            converter = _converter(fields[graphql_name].type, to_rest)
            return (to_snake(key) if to_rest else graphql_name), converter

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


def check(problems: list[ErrorDetail]) -> None:
    if problems:
        raise ValidationFailed.from_details(problems)
