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
    return _converter(type_)(value)


Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@cache
def _converter(type_: GraphQLOutputType) -> Converter:
    """A function converting values of ``type_``, built once per type: a page of fifty
    orders is converted without looking anything up in the schema again."""
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        item = _converter(nullable.of_type)
        if item is _identity:
            return _identity
        return lambda value: None if value is None else [item(v) for v in value]
    if isinstance(nullable, GraphQLEnumType):
        values = {name: item.value for name, item in nullable.values.items()}
        return lambda value: None if value is None else values[value]
    if isinstance(nullable, GraphQLObjectType):
        fields = nullable.fields
        # Resolved on first use, so types that refer to themselves do not recurse here.
        plan: dict[str, tuple[str, Converter]] = {}

        def convert(value: Any) -> Any:
            if value is None:
                return None
            converted = {}
            for key, item in value.items():
                entry = plan.get(key)
                if entry is None:
                    entry = plan[key] = (to_snake(key), _converter(fields[key].type))
                converted[entry[0]] = entry[1](item)
            return converted

        return convert
    return _identity


def check(problems: list[ErrorDetail]) -> None:
    if problems:
        raise ValidationFailed.from_details(problems)


def from_rest(value: Any, type_: GraphQLOutputType) -> Any:
    """REST JSON as the GraphQL result value of ``type_``: the inverse of ``to_rest``, for
    an object in hand (an event's) that a GraphQL selection is then run on."""
    return _reverse(type_)(value)


@cache
def _reverse(type_: GraphQLOutputType) -> Converter:
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        item = _reverse(nullable.of_type)
        if item is _identity:
            return _identity
        return lambda value: None if value is None else [item(v) for v in value]
    if isinstance(nullable, GraphQLEnumType):
        names = {item.value: name for name, item in nullable.values.items()}
        return lambda value: None if value is None else names[value]
    if isinstance(nullable, GraphQLObjectType):
        fields = nullable.fields
        plan: dict[str, tuple[str, Converter]] = {}

        def convert(value: Any) -> Any:
            if value is None:
                return None
            converted = {}
            for key, item in value.items():
                entry = plan.get(key)
                if entry is None:
                    name = to_camel(key)
                    entry = plan[key] = (name, _reverse(fields[name].type))
                converted[entry[0]] = entry[1](item)
            return converted

        return convert
    return _identity
