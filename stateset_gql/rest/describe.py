"""What every REST route takes and answers, derived once from the route table and the
GraphQL schema; ``openapi.py`` and ``manifest.py`` only render it.

A type here is a small neutral dict, never JSON Schema nor a language's type:
``{"type": "string" | "integer" | "number" | "boolean" | "datetime" | "date_or_datetime"
| "json"}``, ``{"type": "list", "items": TYPE}`` or ``{"type": "ref", "name": "Order"}``
(an object, input or enum of ``Description.types``), with ``"nullable": true`` when null
is a value. Names are REST's (snake_case fields, enum values as the wire carries them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    get_named_type,
)

from stateset_gql.db.listing import MAX_FIRST, MAX_OFFSET
from stateset_gql.graphql.representation.selection import selection
from stateset_gql.graphql.schema import Schema
from stateset_gql.naming import to_snake
from stateset_gql.rest.operations import RouteOperation, operation_for
from stateset_gql.rest.params import DEFAULT_LIMIT, OPERATORS, own_arguments
from stateset_gql.rest.routes import ROUTES, RestRoute

Type = dict[str, Any]
Kind = Literal["object", "input", "enum"]

SCALARS = {
    "String": "string",
    "ID": "string",
    "Int": "integer",
    "Float": "number",
    "Boolean": "boolean",
    "DateTime": "datetime",
    "DateOrDateTime": "date_or_datetime",
    "JSON": "json",
}
# The contract's error statuses (API.md section 4) and when a route can answer each.
ERROR_STATUSES: dict[int, str] = {
    400: "Bad request: a bad parameter, cursor, filter or JSON body",
    401: "Missing, malformed, unknown or revoked API key",
    402: "Card declined; the failed payment is recorded",
    403: "The key lacks the scope this route needs",
    404: "No such object in this account and mode",
    409: "Conflict: already exists, an illegal state transition, insufficient stock, "
    "or the idempotency key is in use",
    413: "Body over 10 MB",
    415: "Body that is not application/json",
    422: "Body failed validation; one details entry per field",
    429: "Rate limited; details name the limit hit",
    500: "Internal error",
    503: "Service unavailable: the database refused or the server is at its request budget",
}
ERROR_TYPES = (
    "invalid_request_error", "authentication_error", "permission_error", "not_found_error",
    "card_error", "idempotency_error", "rate_limit_error", "api_error",
)  # fmt: skip
# Routes whose answer may be a declined card (402).
CARD_FIELDS = frozenset({"payOrder"})


@dataclass(frozen=True)
class Param:
    name: str
    type: Type
    required: bool = False
    description: str | None = None
    # Bounds and defaults the server enforces: minimum, maximum, default, max_length.
    constraints: dict[str, Any] = field(default_factory=dict)
    deprecated: bool = False
    # A list sent as one comma-separated query value (``status_in=pending,paid``).
    comma_separated: bool = False


@dataclass(frozen=True)
class TypeDef:
    name: str
    kind: Kind
    fields: tuple[Param, ...] = ()
    values: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True)
class Operation:
    route: RestRoute
    resource: str
    method: str
    path_params: tuple[Param, ...]
    query_params: tuple[Param, ...]
    # The body as one type (a ref to an input, or None without a body) and its top-level
    # fields, which SDKs take as keyword arguments.
    body: Type | None
    body_params: tuple[Param, ...]
    # The object answered, or each item of a list.
    response: Type
    is_list: bool
    errors: tuple[int, ...]
    description: str

    @property
    def operation_id(self) -> str:
        return f"{self.resource}_{self.method}"

    @property
    def idempotency_key(self) -> bool:
        """Takes an ``Idempotency-Key``: a retry with the same key replays the answer."""
        return self.route.is_mutation


@dataclass(frozen=True)
class Description:
    operations: tuple[Operation, ...]
    types: dict[str, TypeDef]


def resource_of(route: RestRoute) -> str:
    """The collection a route belongs to: the path's segment after ``/v1``."""
    return route.path.strip("/").split("/")[1]


def method_of(route: RestRoute, *, is_list: bool) -> str:
    """``create``, ``retrieve``, ``update``, ``delete``, ``list``, or an action by its
    path's last segment (``pay``, ``rotate_secret``), unless the route names it."""
    if route.method_name:
        return route.method_name
    rest = route.path.strip("/").split("/")[2:]
    if not rest or rest == ["{id}"]:
        if route.method == "GET":
            return "list" if is_list else "retrieve"
        return {"POST": "create", "PATCH": "update", "DELETE": "delete"}[route.method]
    return rest[-1]


class _Types:
    def __init__(self) -> None:
        self.defs: dict[str, TypeDef] = {}

    def of(self, type_: Any, *, output: bool) -> Type:
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            described: Type = {"type": "list", "items": self.of(inner.of_type, output=output)}
        elif isinstance(inner, GraphQLScalarType):
            described = {"type": SCALARS.get(inner.name, "string")}
        elif isinstance(inner, GraphQLEnumType):
            self._enum(inner)
            described = {"type": "ref", "name": inner.name}
        elif output:
            assert isinstance(inner, GraphQLObjectType | GraphQLInterfaceType)
            self._object(inner)
            described = {"type": "ref", "name": inner.name}
        else:
            assert isinstance(inner, GraphQLInputObjectType)
            self._input(inner)
            described = {"type": "ref", "name": inner.name}
        return {**described, "nullable": True} if nullable else described

    def _enum(self, type_: GraphQLEnumType) -> None:
        if type_.name not in self.defs:
            values = tuple(str(v.value) for v in type_.values.values())
            self.defs[type_.name] = TypeDef(
                type_.name, "enum", values=values, description=type_.description
            )

    def _object(self, type_: GraphQLObjectType | GraphQLInterfaceType) -> None:
        if type_.name in self.defs:
            return
        # A placeholder first: types may refer to themselves.
        self.defs[type_.name] = TypeDef(type_.name, "object")
        # The fields REST answers: those of the type's representation.
        selected = set(re.findall(r"\b(\w+)\b", selection(type_)))
        fields = tuple(
            Param(to_snake(name), self.of(f.type, output=True), True, f.description)
            for name, f in type_.fields.items()
            if name in selected
        )
        self.defs[type_.name] = TypeDef(type_.name, "object", fields, (), type_.description)

    def _input(self, type_: GraphQLInputObjectType) -> None:
        if type_.name in self.defs:
            return
        self.defs[type_.name] = TypeDef(type_.name, "input")
        fields = tuple(
            Param(
                to_snake(name),
                self.of(f.type, output=False),
                isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined,
                f.description,
            )
            for name, f in type_.fields.items()
        )
        self.defs[type_.name] = TypeDef(type_.name, "input", fields, (), type_.description)


def _paging() -> list[Param]:
    return [
        Param("limit", {"type": "integer"},
              constraints={"minimum": 1, "maximum": MAX_FIRST, "default": DEFAULT_LIMIT}),
        Param("cursor", {"type": "string"},
              description="`next_cursor` of the previous page; not with `offset`"),
        Param("offset", {"type": "integer"}, constraints={"minimum": 0, "maximum": MAX_OFFSET}),
        Param("page", {"type": "integer"}, description="Deprecated: offset = (page-1) * limit",
              constraints={"minimum": 1}, deprecated=True),
        Param("include_total", {"type": "boolean"}),
    ]  # fmt: skip


def _list_params(types: _Types, operation: RouteOperation) -> list[Param]:
    params = _paging()
    for rest_name, (_, arg) in own_arguments(operation).items():
        named = types.of(get_named_type(arg.type), output=False)
        named.pop("nullable", None)
        params.append(Param(rest_name, named, description=arg.description))
    order = operation.args.get("orderBy")
    if order is not None:
        order_type = get_named_type(order.type)
        assert isinstance(order_type, GraphQLInputObjectType)
        field_enum = get_named_type(order_type.fields["field"].type)
        assert isinstance(field_enum, GraphQLEnumType)
        names = ", ".join(str(v.value) for v in field_enum.values.values())
        sort = f"Comma list, `-` for descending; of: {names}"
        params.append(Param("sort", {"type": "string"}, description=sort))
    where = operation.args.get("where")
    if where is not None:
        where_type = get_named_type(where.type)
        assert isinstance(where_type, GraphQLInputObjectType)
        for name, where_field in where_type.fields.items():
            if name.startswith("_"):
                continue
            filter_type = get_named_type(where_field.type)
            assert isinstance(filter_type, GraphQLInputObjectType)
            for operator in OPERATORS:
                op_field = filter_type.fields.get(operator)
                if op_field is None:
                    continue
                inner = (
                    op_field.type.of_type
                    if isinstance(op_field.type, GraphQLNonNull)
                    else op_field.type
                )
                is_list = isinstance(inner, GraphQLList)
                item = types.of(GraphQLNonNull(get_named_type(inner)), output=False)
                params.append(Param(
                    f"{to_snake(name)}{operator}",
                    {"type": "list", "items": item} if is_list else item,
                    description=("comma list" if operator == "_in" else "low,high")
                    if is_list else None,
                    comma_separated=is_list,
                ))  # fmt: skip
    return params


def _errors(route: RestRoute) -> tuple[int, ...]:
    statuses = {400, 401, 403, 429, 500, 503}
    if "{" in route.path:
        statuses.add(404)
    if route.is_mutation:
        # Every write reads a JSON body, if only to refuse an unknown field (422).
        statuses |= {409, 413, 415, 422}
    if route.field in CARD_FIELDS:
        statuses.add(402)
    return tuple(sorted(statuses))


def _operation(types: _Types, schema: Schema, route: RestRoute) -> Operation:
    operation = operation_for(schema, route)
    path_names = re.findall(r"\{(\w+)\}", route.path)
    path_params = tuple(Param(name, {"type": "string"}, required=True) for name in path_names)
    query_params: tuple[Param, ...] = ()
    if operation.is_list:
        query_params = tuple(_list_params(types, operation))
    body: Type | None = None
    body_params: tuple[Param, ...] = ()
    if route.is_mutation:
        path_args = set(path_names) | {graphql for _, graphql in route.rename}
        if "input" in operation.args:
            body = types.of(operation.args["input"].type, output=False)
            body_def = types.defs[body["name"]]
            body_params = body_def.fields
        else:
            body_params = tuple(
                Param(
                    to_snake(name),
                    types.of(arg.type, output=False),
                    isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined,
                    arg.description,
                )
                for name, arg in operation.args.items()
                if name not in path_args
            )
    return Operation(
        route=route,
        resource=resource_of(route),
        method=method_of(route, is_list=operation.is_list),
        path_params=path_params,
        query_params=query_params,
        body=body,
        body_params=body_params,
        response=types.of(operation.item_type, output=True),
        is_list=operation.is_list,
        errors=_errors(route),
        description=operation.field.description or f"GraphQL field `{route.field}`.",
    )


@cache
def describe(schema: Schema) -> Description:
    types = _Types()
    operations = tuple(_operation(types, schema, route) for route in ROUTES)
    return Description(operations=operations, types=dict(sorted(types.defs.items())))
