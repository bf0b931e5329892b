"""What a ``POST /v1/batch`` body holds (API.md section 12), and how each of its
operations becomes a request of its own on its route.

``parse_batch`` checks the batch's own shape (its faults answer the whole call);
``prepare`` reads one operation into a request — its method, its path with the query
string as the client wrote it, its body as JSON — matched by the router's own matching
over the REST paths, or the error that answers that operation alone (``rest.batch`` runs
what is prepared).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson
from starlette.requests import Request
from starlette.routing import Match
from starlette.types import Message, Scope

from stateset_gql.errors import BadRequest, StateSetError, shown
from stateset_gql.http.middleware import not_allowed, not_found
from stateset_gql.rest.endpoint import RestPath, RestSurface

PATH = "/v1/batch"
MAX_OPERATIONS = 1000
# What a batch does not carry: itself, and the routes for work larger than one call.
NOT_BATCHED = ("/v1/batch", "/v1/jobs", "/v1/files")
OPERATION_KEYS = ("method", "path", "body", "idempotency_key")
BATCH_KEYS = ("operations", "atomic")
# What a path may hold unquoted: a client alone would have percent-encoded the rest.
PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


def too_many(count: int) -> BadRequest:
    return BadRequest(
        f"A batch holds 1 to {MAX_OPERATIONS} operations, not {count}; send larger work "
        "to POST /v1/jobs",
        param="operations",
    ).as_named()


@dataclass(frozen=True)
class Parsed:
    operations: list[Any]
    atomic: bool


def parse_batch(body: dict[str, Any]) -> Parsed:
    """The batch's own shape; raises the 400 that answers the whole call."""
    for key in body:
        if key not in BATCH_KEYS:
            raise BadRequest(
                f"Received unknown parameter: {shown(key)}", param=shown(key)
            ).as_named()
    operations = body.get("operations")
    if not isinstance(operations, list):
        raise BadRequest(
            "operations must be a list of 1 to "
            f"{MAX_OPERATIONS} operations ({{method, path, body, idempotency_key}})",
            param="operations",
        ).as_named()
    if not 1 <= len(operations) <= MAX_OPERATIONS:
        raise too_many(len(operations))
    atomic = body.get("atomic", False)
    if not isinstance(atomic, bool):
        raise BadRequest("atomic must be true or false", param="atomic").as_named()
    return Parsed(operations, atomic)


@dataclass(frozen=True)
class Prepared:
    """An operation read as its own request: its route's surface and that request, or
    the error that answers it before any route."""

    request: Request | None
    surface: RestSurface | None
    idempotency_key: str | None
    refused: StateSetError | None = None
    allow: str | None = None


def invalid_operation(index: int, name: str, message: str) -> BadRequest:
    param = f"operations[{index}][{name}]" if name else f"operations[{index}]"
    return BadRequest(message, param=param).as_named()


def operation_request(
    method: str, path: str, body: bytes, request_id: str, match: Scope | None = None
) -> Request:
    raw, _, query = path.partition("?")
    scope: Scope = {
        "type": "http",
        "method": method,
        "path": raw,
        "raw_path": raw.encode("latin-1"),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": [(b"content-type", b"application/json")],
        "state": {"request_id": request_id},
        **(match or {}),
    }
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(scope, receive)


def prepare(paths: Sequence[RestPath], index: int, operation: object, request_id: str) -> Prepared:
    """The operation as its own request on its route among ``paths``, or why it is none."""
    if not isinstance(operation, dict):
        error = invalid_operation(index, "", "Each operation must be an object {method, path, ...}")
        return Prepared(None, None, None, error)
    for key in operation:
        if key not in OPERATION_KEYS:
            error = invalid_operation(
                index, shown(key), f"Received unknown parameter: {shown(key)}"
            )
            return Prepared(None, None, None, error)
    method, path = operation.get("method"), operation.get("path")
    key = operation.get("idempotency_key")
    if not isinstance(method, str) or not method:
        error = invalid_operation(index, "method", "method must be GET, POST, PATCH or DELETE")
        return Prepared(None, None, None, error)
    if not isinstance(path, str) or not path.startswith("/v1/"):
        error = invalid_operation(index, "path", "path must be a /v1 route, e.g. /v1/customers")
        return Prepared(None, None, None, error)
    if key is not None and not isinstance(key, str):
        error = invalid_operation(index, "idempotency_key", "idempotency_key must be a string")
        return Prepared(None, None, None, error)
    path = quote(path, safe=PATH_SAFE)
    route_path = path.split("?", 1)[0]
    if any(route_path == p or route_path.startswith(f"{p}/") for p in NOT_BATCHED):
        error = invalid_operation(
            index, "path", f"{shown(route_path)} can not be called inside a batch"
        )
        return Prepared(None, None, None, error)
    method = method.upper()
    body = orjson.dumps(operation["body"]) if "body" in operation else b""
    request = operation_request(method, path, body, request_id)
    allowed: RestPath | None = None
    for route in paths:
        match, child = route.matches(request.scope)
        if match is Match.FULL and method in route.surfaces:
            request = operation_request(method, path, body, request_id, child)
            return Prepared(request, route.surfaces[method], key)
        if match is not Match.NONE and allowed is None:
            allowed = route
    if allowed is not None:
        return Prepared(
            None, None, None, not_allowed(method, route_path, allowed.allow), allowed.allow
        )
    return Prepared(None, None, None, not_found(method, route_path))
