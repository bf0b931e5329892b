"""OpenAPI 3.1 for the REST facade, generated from the route table and the GraphQL types.

Nothing here is written by hand per resource: each route's parameters, body and
response come from its GraphQL field, in the REST (snake_case) form.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql import __version__
from stateset_gql.graphql.representation.selection import selection
from stateset_gql.graphql.schema import Schema
from stateset_gql.http.responses import JSONResponse
from stateset_gql.naming import to_snake
from stateset_gql.rest.operations import RouteOperation, operation_for
from stateset_gql.rest.params import OPERATORS, own_arguments
from stateset_gql.rest.routes import ROUTES, RestRoute

ERROR_STATUSES = {
    "400": "Bad request: a bad parameter, cursor, filter or JSON body",
    "401": "Missing, malformed, unknown or revoked API key",
    "403": "The key lacks the scope this route needs",
    "404": "No such object in this account and mode",
    "409": "Conflict: already exists, an illegal state transition, insufficient stock",
    "413": "Body over 10 MB",
    "415": "Body that is not application/json",
    "422": "Body failed validation; one details entry per field",
    "429": "Rate limited",
    "500": "Internal error",
}
SCALARS: dict[str, dict[str, Any]] = {
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Int": {"type": "integer"},
    "Float": {"type": "number"},
    "Boolean": {"type": "boolean"},
    "DateTime": {"type": "string", "format": "date-time"},
    "DateOrDateTime": {"type": "string"},
    "JSON": {},
}


class _Builder:
    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def ref(self, name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    def output(self, type_: Any) -> dict[str, Any]:
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            schema: dict[str, Any] = {"type": "array", "items": self.output(inner.of_type)}
        elif isinstance(inner, GraphQLEnumType):
            schema = {"type": "string", "enum": [str(v.value) for v in inner.values.values()]}
        elif isinstance(inner, GraphQLScalarType):
            schema = dict(SCALARS.get(inner.name, {"type": "string"}))
        else:
            assert isinstance(inner, GraphQLObjectType | GraphQLInterfaceType)
            self._object(inner)
            schema = self.ref(inner.name)
        return _nullable(schema) if nullable else schema

    def _object(self, type_: GraphQLObjectType | GraphQLInterfaceType) -> None:
        if type_.name in self.schemas:
            return
        self.schemas[type_.name] = {}  # placeholder: types may refer to themselves
        selected = set(re.findall(r"\b(\w+)\b", selection(type_)))
        properties: dict[str, Any] = {}
        for name, field in type_.fields.items():
            if name not in selected:
                continue
            properties[to_snake(name)] = self.output(field.type)
            if field.description:
                properties[to_snake(name)]["description"] = field.description
        self.schemas[type_.name] = {
            "type": "object",
            "properties": properties,
            "required": sorted(properties),
            **({"description": type_.description} if type_.description else {}),
        }

    def input(self, type_: Any) -> dict[str, Any]:
        nullable = not isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            schema: dict[str, Any] = {"type": "array", "items": self.input(inner.of_type)}
        elif isinstance(inner, GraphQLEnumType):
            schema = {"type": "string", "enum": [str(v.value) for v in inner.values.values()]}
        elif isinstance(inner, GraphQLScalarType):
            schema = dict(SCALARS.get(inner.name, {"type": "string"}))
        else:
            assert isinstance(inner, GraphQLInputObjectType)
            name = f"{inner.name}"
            if name not in self.schemas:
                self.schemas[name] = {}
                self.schemas[name] = {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        to_snake(k): self.input(f.type) for k, f in inner.fields.items()
                    },
                    "required": sorted(
                        to_snake(k)
                        for k, f in inner.fields.items()
                        if isinstance(f.type, GraphQLNonNull) and f.default_value is None
                    ),
                }
            schema = self.ref(name)
        return _nullable(schema) if nullable else schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema or not schema:
        return {"anyOf": [schema, {"type": "null"}]} if schema else schema
    kind = schema.get("type")
    if isinstance(kind, str):
        return {
            **schema,
            "type": [kind, "null"],
            **({"enum": [*schema["enum"], None]} if "enum" in schema else {}),
        }
    return schema


def _list_parameters(builder: _Builder, operation: RouteOperation) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": "limit", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
        {"name": "cursor", "in": "query", "schema": {"type": "string"},
         "description": "`next_cursor` of the previous page; not with `offset`"},
        {"name": "offset", "in": "query",
         "schema": {"type": "integer", "minimum": 0, "maximum": 10000}},
        {"name": "page", "in": "query", "deprecated": True,
         "schema": {"type": "integer", "minimum": 1},
         "description": "Deprecated: offset = (page-1) * limit"},
        {"name": "include_total", "in": "query", "schema": {"type": "boolean"}},
    ]  # fmt: skip
    for rest_name, (_, arg) in own_arguments(operation).items():
        parameters.append({
            "name": rest_name, "in": "query",
            "schema": builder.input(GraphQLNonNull(get_named_type(arg.type))),
            **({"description": arg.description} if arg.description else {}),
        })  # fmt: skip
    order = operation.args.get("orderBy")
    if order is not None:
        order_type = get_named_type(order.type)
        assert isinstance(order_type, GraphQLInputObjectType)
        field_enum = get_named_type(order_type.fields["field"].type)
        assert isinstance(field_enum, GraphQLEnumType)
        names = [str(v.value) for v in field_enum.values.values()]
        parameters.append({
            "name": "sort", "in": "query", "schema": {"type": "string"},
            "description": "Comma list, `-` for descending; of: " + ", ".join(names),
        })  # fmt: skip
    where = operation.args.get("where")
    if where is not None:
        where_type = get_named_type(where.type)
        assert isinstance(where_type, GraphQLInputObjectType)
        for name, field in where_type.fields.items():
            if name.startswith("_"):
                continue
            filter_type = get_named_type(field.type)
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
                schema = (
                    {"type": "string"}
                    if is_list
                    else builder.input(GraphQLNonNull(get_named_type(inner)))
                )
                parameters.append({
                    "name": f"{to_snake(name)}{operator}", "in": "query", "schema": schema,
                    **({"description": "comma list" if operator == "_in" else "low,high"}
                       if is_list else {}),
                })  # fmt: skip
    return parameters


def _operation(builder: _Builder, schema: Schema, route: RestRoute) -> dict[str, Any]:
    operation = operation_for(schema, route)
    spec: dict[str, Any] = {
        "operationId": route.field,
        "summary": route.summary or route.field,
        "description": operation.field.description or f"GraphQL field `{route.field}`.",
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"\{(\w+)\}", route.path)
        ],
    }
    if operation.is_list:
        spec["parameters"] += _list_parameters(builder, operation)
        item = builder.output(operation.item_type)
        result: dict[str, Any] = {
            "type": "object",
            "properties": {
                "object": {"const": "list"}, "url": {"type": "string"},
                "data": {"type": "array", "items": item}, "has_more": {"type": "boolean"},
                "next_cursor": {"type": ["string", "null"]}, "total_count": {"type": "integer"},
            },
            "required": ["object", "url", "data", "has_more", "next_cursor"],
        }  # fmt: skip
    else:
        result = builder.output(operation.field.type)
    if route.is_mutation:
        spec["parameters"].append({
            "name": "Idempotency-Key", "in": "header",
            "schema": {"type": "string", "maxLength": 255},
            "description": "Retries with the same key replay the first response (24 hours)",
        })  # fmt: skip
        path_args = set(re.findall(r"\{(\w+)\}", route.path)) | {v for _, v in route.rename}
        if "input" in operation.args:
            body = builder.input(operation.args["input"].type)
        else:
            extra = {k: a for k, a in operation.args.items() if k not in path_args}
            body = {
                "type": "object", "additionalProperties": False,
                "properties": {to_snake(k): builder.input(a.type) for k, a in extra.items()},
            }  # fmt: skip
        spec["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": body}},
        }
    responses: dict[str, Any] = {
        str(route.status): {
            "description": "Created" if route.status == 201 else "OK",
            "content": {"application/json": {"schema": result}},
        }
    }
    for status, text in ERROR_STATUSES.items():
        responses[status] = {
            "description": text,
            "content": {"application/json": {"schema": builder.ref("Error")}},
        }
    if route.field == "payOrder":
        responses["402"] = {
            "description": "Card declined; the failed payment is recorded",
            "content": {"application/json": {"schema": builder.ref("Error")}},
        }
    spec["responses"] = responses
    return spec


@cache
def openapi(schema: Schema) -> dict[str, Any]:
    builder = _Builder()
    builder.schemas["Error"] = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["type", "code", "message", "param", "details", "request_id"],
                "properties": {
                    "type": {"type": "string", "enum": [
                        "invalid_request_error", "authentication_error", "permission_error",
                        "not_found_error", "card_error", "idempotency_error", "rate_limit_error",
                        "api_error",
                    ]},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "param": {"type": ["string", "null"]},
                    "details": {"type": "array", "items": {
                        "type": "object", "required": ["param", "code", "message"],
                    }},
                    "request_id": {"type": ["string", "null"]},
                    "decline_code": {"type": "string"},
                    "payment_id": {"type": "string"},
                },
            }
        },
    }  # fmt: skip
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(builder, schema, route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "StateSet GQL REST API",
            "version": __version__,
            "description": "The REST facade of StateSet GQL: every route runs the GraphQL "
            "field of the same name. See /schema.graphql.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"basicAuth": []}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(builder.schemas.items())),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "sk_, rk_ or pk_ key",
                },
                "basicAuth": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "The key as user name",
                },
            },
        },
    }


def openapi_json(schema: Schema) -> Callable[[Request], Awaitable[Response]]:
    """``/openapi.json``."""

    async def endpoint(_request: Request) -> Response:
        return JSONResponse(openapi(schema))

    return endpoint
