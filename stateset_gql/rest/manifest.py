"""The SDK manifest: every REST route, object type and enum, for the SDK generators.

``python -m stateset_gql.rest.manifest > sdks/manifest.json`` (``make manifest``); a test
fails when the checked-in file differs. It renders ``describe`` as OpenAPI does, so the
two never disagree. Types are ``describe``'s neutral form: ``{"type": "string"}``,
``{"type": "list", "items": ...}``, ``{"type": "ref", "name": "Order"}`` (a key of
``objects``, ``inputs`` or ``enums``), with ``"nullable": true`` when null is a value.
"""

from __future__ import annotations

import sys
from typing import Any

import orjson

from stateset_gql import __version__
from stateset_gql.graphql.schema import Schema, build_schema
from stateset_gql.rest.describe import (
    ERROR_STATUSES,
    ERROR_TYPES,
    Operation,
    Param,
    TypeDef,
    describe,
)

FORMAT_VERSION = 1


def _param(param: Param) -> dict[str, Any]:
    return {
        "name": param.name,
        "type": param.type,
        "required": param.required,
        **({"description": param.description} if param.description else {}),
        **({"constraints": param.constraints} if param.constraints else {}),
        **({"deprecated": True} if param.deprecated else {}),
        **({"style": "comma_separated"} if param.comma_separated else {}),
    }


def _method(operation: Operation) -> dict[str, Any]:
    route = operation.route
    return {
        "name": operation.method,
        "operation_id": operation.operation_id,
        "http_method": route.method,
        "path": route.path,
        "summary": route.summary or route.field,
        "graphql_field": route.field,
        "path_params": [_param(p) for p in operation.path_params],
        "query_params": [_param(p) for p in operation.query_params],
        "body_params": [_param(p) for p in operation.body_params],
        "body_type": operation.body["name"] if operation.body else None,
        "response": {
            "type": operation.response["name"],
            "list": operation.is_list,
            "status": route.status,
        },
        # Every POST, PATCH and DELETE takes an Idempotency-Key and replays its first
        # answer to a retry with that key; a GET changes nothing. Both are safe to retry.
        "idempotency_key": operation.idempotency_key,
        "errors": list(operation.errors),
    }


def _type(definition: TypeDef) -> dict[str, Any]:
    described = {"description": definition.description} if definition.description else {}
    if definition.kind == "enum":
        return {"values": list(definition.values), **described}
    fields = [_param(p) for p in definition.fields]
    if definition.kind == "object":
        # An object answers every field; whether it may be null is in its type.
        for entry in fields:
            del entry["required"]
    return {"fields": fields, **described}


def manifest(schema: Schema) -> dict[str, Any]:
    description = describe(schema)
    resources: dict[str, list[dict[str, Any]]] = {}
    for operation in description.operations:
        resources.setdefault(operation.resource, []).append(_method(operation))
    kinds: dict[str, dict[str, Any]] = {"objects": {}, "inputs": {}, "enums": {}}
    section = {"object": "objects", "input": "inputs", "enum": "enums"}
    for name, definition in description.types.items():
        kinds[section[definition.kind]][name] = _type(definition)
    return {
        "format": FORMAT_VERSION,
        "api_version": __version__,
        "base_path": "/v1",
        "resources": {name: {"methods": methods} for name, methods in resources.items()},
        **kinds,
        "errors": {
            "types": list(ERROR_TYPES),
            "statuses": {str(status): text for status, text in ERROR_STATUSES.items()},
        },
    }


def export(schema: Schema | None = None) -> bytes:
    return orjson.dumps(
        manifest(schema or build_schema()), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )


if __name__ == "__main__":
    sys.stdout.buffer.write(export())
