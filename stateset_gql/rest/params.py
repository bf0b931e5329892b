"""Query strings of list routes as connection arguments (API.md section 5).

``limit/cursor/offset/page`` become ``first/after/offset``; ``sort=-amount,created``
becomes ``orderBy``; a list field's own scalar arguments are parameters of the same
snake_case name (``events(type:)`` is ``type=order.*``); every other ``FIELD_OP=value``
becomes a ``where`` condition, its value parsed by the GraphQL type of that operator, so
``amount_gt=abc`` is a 400 naming ``amount_gt`` before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLScalarType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from starlette.datastructures import QueryParams

from stateset_gql.db.listing import MAX_FIRST, MAX_OFFSET
from stateset_gql.errors import BadRequest, shown
from stateset_gql.graphql.scalars import parse_date_or_datetime
from stateset_gql.naming import to_camel, to_snake
from stateset_gql.rest.convert import enum_name
from stateset_gql.rest.operations import RouteOperation

RESERVED = frozenset({"limit", "cursor", "offset", "page", "sort", "include_total"})
# Longest first, so "_gte" is never read as "_gt" + "e".
OPERATORS = ("_between", "_ilike", "_like", "_gte", "_lte", "_eq", "_ne", "_gt", "_lt", "_in")
DEFAULT_LIMIT = 10
# The arguments every connection takes; REST reads them from the parameters above.
CONNECTION_ARGS = frozenset({"first", "after", "offset", "where", "orderBy"})


@dataclass(frozen=True)
class ListArguments:
    variables: dict[str, Any]
    include_total: bool
    deprecated_page: bool


def _integer(params: QueryParams, name: str, low: int, high: int) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be an integer", param=name) from None
    if not low <= value <= high:
        raise BadRequest(f"'{name}' must be between {low} and {high}", param=name)
    return value


def _boolean(raw: str, param: str) -> bool:
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise BadRequest(f"'{param}' must be true or false", param=param)


def _scalar(raw: str, type_: Any, param: str) -> Any:
    """``raw`` as the GraphQL scalar or enum of ``type_`` takes it; a value the type
    refuses (``amount_eq=38738065640868`` is past a 32-bit Int) is a 400 naming ``param``
    as it was sent, never the variable path it would have become."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        name = enum_name(named, raw)
        if name is None:
            allowed = ", ".join(str(v.value) for v in named.values.values())
            raise BadRequest(f"'{param}' must be one of: {allowed}", param=param)
        return name
    if not isinstance(named, GraphQLScalarType):
        return raw
    if named.name == "Int":
        try:
            value: Any = int(raw)
        except ValueError:
            raise BadRequest(f"'{param}' must be an integer", param=param) from None
        if not GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
            raise BadRequest(
                f"'{param}' must be an integer between {GRAPHQL_MIN_INT} and {GRAPHQL_MAX_INT}",
                param=param,
            )
        return value
    if named.name == "Boolean":
        return _boolean(raw, param)
    if named.name in ("DateOrDateTime", "DateTime"):
        try:
            parse_date_or_datetime(raw)
        except ValueError:
            raise BadRequest(
                f"'{param}' must be an ISO-8601 date or date-time", param=param
            ) from None
    try:
        named.parse_value(raw)
    except (GraphQLError, ValueError, TypeError):
        raise BadRequest(f"'{param}' is not a valid {named.name}", param=param) from None
    return raw


def _filter(where_type: GraphQLInputObjectType, key: str, raw: str) -> tuple[str, str, Any]:
    for operator in OPERATORS:
        if key.endswith(operator) and len(key) > len(operator):
            field = key[: -len(operator)]
            break
    else:
        raise BadRequest(
            f"Unknown parameter '{key}': filters are FIELD_OP=value, e.g. status_eq=paid",
            param=key,
        )
    where_field = where_type.fields.get(to_camel(field))
    # Only the snake_case name the list declares: never ``onHand`` or ``on__hand``.
    if where_field is None or field.startswith("_") or to_snake(to_camel(field)) != field:
        raise BadRequest(f"Unknown filter field '{field}'", param=key)
    filter_type = get_named_type(where_field.type)
    assert isinstance(filter_type, GraphQLInputObjectType)
    operator_field = filter_type.fields.get(operator)
    if operator_field is None:
        raise BadRequest(f"'{field}' cannot be filtered with '{operator}'", param=key)
    op_type = get_nullable_type(operator_field.type)
    if isinstance(op_type, GraphQLList):
        parts = [p for p in raw.split(",")] if raw else []
        if operator == "_between" and len(parts) != 2:
            raise BadRequest(f"'{key}' takes two values: low,high", param=key)
        return to_camel(field), operator, [_scalar(p.strip(), op_type.of_type, key) for p in parts]
    return to_camel(field), operator, _scalar(raw, op_type, key)


def _order_by(operation: RouteOperation, raw: str) -> list[dict[str, str]]:
    arg = operation.args.get("orderBy")
    if arg is None:
        raise BadRequest("This list cannot be sorted", param="sort")
    order_type = get_named_type(arg.type)
    assert isinstance(order_type, GraphQLInputObjectType)
    field_enum = get_named_type(order_type.fields["field"].type)
    assert isinstance(field_enum, GraphQLEnumType)
    # Each field by its declared (snake_case) name, which is its enum value.
    names = {item.value: name for name, item in field_enum.values.items()}
    order: list[dict[str, str]] = []
    for part in (p.strip() for p in raw.split(",")):
        descending = part.startswith("-")
        name = names.get(part.lstrip("-+"))
        if name is None:
            allowed = ", ".join(str(v.value) for v in field_enum.values.values())
            raise BadRequest(f"Cannot sort by '{shown(part)}'; sortable: {allowed}", param="sort")
        order.append({"field": name, "direction": "DESC" if descending else "ASC"})
    return order


def own_arguments(operation: RouteOperation) -> dict[str, tuple[str, GraphQLArgument]]:
    """A list field's scalar arguments beyond the connection's, by their REST name."""
    return {
        to_snake(name): (name, arg)
        for name, arg in operation.args.items()
        if name not in CONNECTION_ARGS and is_leaf_type(get_nullable_type(arg.type))
    }


def list_arguments(operation: RouteOperation, params: QueryParams) -> ListArguments:
    limit = _integer(params, "limit", 1, MAX_FIRST) or DEFAULT_LIMIT
    offset = _integer(params, "offset", 0, MAX_OFFSET)
    page = _integer(params, "page", 1, MAX_OFFSET + 1)
    cursor = params.get("cursor")
    if page is not None:
        if offset is not None:
            raise BadRequest("'page' cannot be combined with 'offset'", param="page")
        offset = (page - 1) * limit
        if offset > MAX_OFFSET:
            raise BadRequest(f"'page' reaches past offset {MAX_OFFSET}", param="page")
    if cursor is not None and offset is not None:
        raise BadRequest("'cursor' cannot be combined with 'offset' or 'page'", param="cursor")
    if cursor is not None and not cursor:
        raise BadRequest("'cursor' is empty", param="cursor")
    variables: dict[str, Any] = {"first": limit}
    if cursor:
        variables["after"] = cursor
    if offset is not None:
        variables["offset"] = offset
    if "sort" in params:
        variables["orderBy"] = _order_by(operation, params["sort"])
    where: dict[str, dict[str, Any]] = {}
    where_arg = operation.args.get("where")
    own = own_arguments(operation)
    for key, raw in params.multi_items():
        if key in RESERVED:
            continue
        if key in own:
            name, arg = own[key]
            if name in variables:
                raise BadRequest(f"'{key}' is given more than once", param=key)
            variables[name] = _scalar(raw, arg.type, key)
            continue
        if where_arg is None:
            raise BadRequest(f"Unknown parameter '{shown(key)}'", param=shown(key))
        where_type = get_named_type(where_arg.type)
        assert isinstance(where_type, GraphQLInputObjectType)
        field, operator, value = _filter(where_type, shown(key), raw)
        where.setdefault(field, {})[operator] = value
    if where:
        variables["where"] = where
    include_total = _boolean(params.get("include_total", "false"), "include_total")
    return ListArguments(
        variables=variables, include_total=include_total, deprecated_page=page is not None
    )
