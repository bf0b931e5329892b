"""OpenAPI 3.1 for the REST facade, rendered from ``describe`` (the route table and the
GraphQL types): a tag per resource, a named component per object, input, enum, list and
the error, ``operationId`` as ``<resource>_<method>``, every error status a route can
answer. Nothing here is written by hand per resource.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from stateset_gql import __version__
from stateset_gql.graphql.schema import Schema
from stateset_gql.http.responses import JSONResponse
from stateset_gql.rest import batch, batch_input, files, jobs
from stateset_gql.rest.describe import (
    ERROR_STATUSES,
    ERROR_TYPES,
    Operation,
    Param,
    Type,
    TypeDef,
    describe,
)

STATUS_NAMES = {
    400: "BadRequest", 401: "Unauthorized", 402: "CardDeclined", 403: "Forbidden",
    404: "NotFound", 409: "Conflict", 413: "PayloadTooLarge", 415: "UnsupportedMediaType",
    422: "UnprocessableEntity", 429: "TooManyRequests", 500: "InternalError",
    503: "ServiceUnavailable",
}  # fmt: skip
SCALARS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "datetime": {"type": "string", "format": "date-time"},
    "date_or_datetime": {"type": "string"},
    "json": {},
}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "code", "message", "param", "details", "request_id"],
            "properties": {
                "type": {"type": "string", "enum": list(ERROR_TYPES)},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "details": {"type": "array", "items": {"$ref": "#/components/schemas/ErrorDetail"}},
                "request_id": {"type": ["string", "null"]},
                "decline_code": {"type": "string"},
                "payment_id": {"type": "string"},
            },
        }
    },
}  # fmt: skip
ERROR_DETAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["param", "code", "message"],
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_schema(type_: Type) -> dict[str, Any]:
    """A described type (``describe.Type``) as JSON Schema."""
    kind = type_["type"]
    if kind == "list":
        schema: dict[str, Any] = {"type": "array", "items": json_schema(type_["items"])}
    elif kind == "ref":
        schema = _ref(type_["name"])
    else:
        schema = dict(SCALARS[kind])
    return _nullable(schema) if type_.get("nullable") else schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if not schema:
        return schema
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return schema


def _component(definition: TypeDef) -> dict[str, Any]:
    described = {"description": definition.description} if definition.description else {}
    if definition.kind == "enum":
        return {"type": "string", "enum": list(definition.values), **described}
    properties: dict[str, Any] = {}
    for param in definition.fields:
        properties[param.name] = json_schema(param.type)
        if param.description:
            properties[param.name]["description"] = param.description
    if definition.kind == "object":
        # Every field REST answers is present; nullability is in its type.
        required = sorted(properties)
    else:
        required = sorted(p.name for p in definition.fields if p.required)
    return {
        "type": "object",
        **({"additionalProperties": False} if definition.kind == "input" else {}),
        "properties": properties,
        "required": required,
        **described,
    }


def _parameter(param: Param, where: str) -> dict[str, Any]:
    # A comma-separated list travels as one string (``status_in=pending,paid``).
    schema = {"type": "string"} if param.comma_separated else json_schema(param.type)
    for key, value in param.constraints.items():
        schema[key] = value
    return {
        "name": param.name,
        "in": where,
        **({"required": True} if param.required else {}),
        **({"deprecated": True} if param.deprecated else {}),
        "schema": schema,
        **({"description": param.description} if param.description else {}),
    }


def list_name(item: Type) -> str:
    """The component of a list of ``item``: ``OrderList``."""
    return f"{item['name']}List"


def _list_component(item: Type) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "object": {"const": "list"}, "url": {"type": "string"},
            "data": {"type": "array", "items": json_schema(item)},
            "has_more": {"type": "boolean"},
            "next_cursor": {"type": ["string", "null"]}, "total_count": {"type": "integer"},
        },
        "required": ["object", "url", "data", "has_more", "next_cursor"],
    }  # fmt: skip


def _operation(operation: Operation) -> dict[str, Any]:
    route = operation.route
    spec: dict[str, Any] = {
        "operationId": operation.operation_id,
        "tags": [operation.resource],
        "summary": route.summary or route.field,
        "description": operation.description,
        "parameters": [
            *(_parameter(p, "path") for p in operation.path_params),
            *(_parameter(p, "query") for p in operation.query_params),
        ],
    }
    result = (
        _ref(list_name(operation.response))
        if operation.is_list
        else json_schema(operation.response)
    )
    if operation.idempotency_key:
        spec["parameters"].append({
            "name": "Idempotency-Key", "in": "header",
            "schema": {"type": "string", "maxLength": 255},
            "description": "Retries with the same key replay the first response (24 hours)",
        })  # fmt: skip
        if operation.body is not None:
            body = json_schema(operation.body)
        else:
            body = {
                "type": "object", "additionalProperties": False,
                "properties": {p.name: json_schema(p.type) for p in operation.body_params},
                "required": sorted(p.name for p in operation.body_params if p.required),
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
    for status in operation.errors:
        responses[str(status)] = {"$ref": f"#/components/responses/{STATUS_NAMES[status]}"}
    spec["responses"] = responses
    return spec


@cache
def openapi(schema: Schema) -> dict[str, Any]:
    description = describe(schema)
    schemas: dict[str, Any] = {
        name: _component(definition) for name, definition in description.types.items()
    }
    schemas["Error"] = ERROR_SCHEMA
    schemas["ErrorDetail"] = ERROR_DETAIL_SCHEMA
    schemas.update(batch.OPENAPI_COMPONENTS)
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, None] = {}
    for operation in description.operations:
        if operation.is_list:
            schemas[list_name(operation.response)] = _list_component(operation.response)
        tags[operation.resource] = None
        paths.setdefault(operation.route.path, {})[operation.route.method.lower()] = _operation(
            operation
        )
    # The routes outside the route table, each described by its own module.
    paths.update(files.openapi_paths(STATUS_NAMES))
    paths.update(jobs.openapi_paths(STATUS_NAMES))
    schemas["File"] = files.FILE_SCHEMA
    tags["files"] = None
    tags[batch_input.PATH.rsplit("/", 1)[1]] = None
    errors = {status: STATUS_NAMES[status] for status in ERROR_STATUSES}
    paths[batch_input.PATH] = {"post": batch.openapi_operation(errors)}
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
        "tags": [{"name": name} for name in sorted(tags)],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "responses": {
                STATUS_NAMES[status]: {
                    "description": text,
                    "content": {"application/json": {"schema": _ref("Error")}},
                }
                for status, text in ERROR_STATUSES.items()
            },
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
