"""A REST body as GraphQL variables, converted by the GraphQL input types.

REST speaks snake_case and lower-case enum values; GraphQL camelCase and upper-case
enum names. Conversions walk the GraphQL types, so ``metadata`` (a JSON scalar) passes
through untouched and an unknown body field is named in REST words. Answers go the
other way through ``graphql.representation.convert``.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    get_nullable_type,
)

from stateset_gql.errors import ErrorDetail, ValidationFailed, shown
from stateset_gql.naming import to_camel


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


def check(problems: list[ErrorDetail]) -> None:
    if problems:
        raise ValidationFailed.from_details(problems)
