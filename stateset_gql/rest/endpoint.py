"""``/v1/...``: matches a route, turns the request into its GraphQL field's arguments,
runs it through the same executor as ``/graphql``, and shapes the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access import idempotency
from stateset_gql.errors import (
    BadRequest,
    ErrorDetail,
    InvalidJSON,
    MethodNotAllowed,
    NotFound,
    StateSetError,
    UnsupportedMediaType,
    ValidationFailed,
)
from stateset_gql.graphql.executor import Executor, IdempotencyRequest, Operation, Outcome
from stateset_gql.http.auth import principal_for
from stateset_gql.http.responses import JSONResponse, error_body
from stateset_gql.rest.convert import check, to_graphql_input, to_rest
from stateset_gql.rest.naming import to_camel, to_snake
from stateset_gql.rest.operations import RouteOperation, operation_for
from stateset_gql.rest.params import list_arguments
from stateset_gql.rest.routes import ROUTES, RestRoute

# GraphQL's words for list arguments, as REST clients know them.
_PARAM_NAMES = {"first": "limit", "after": "cursor", "orderBy": "sort"}


@dataclass(frozen=True)
class _Compiled:
    route: RestRoute
    pattern: re.Pattern[str]


def _compile(route: RestRoute) -> _Compiled:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route.path)
    return _Compiled(route=route, pattern=re.compile(f"^{regex}/?$"))


def rest_param(param: str | None) -> str | None:
    """``address.postalCode`` → ``address.postal_code``; ``first`` → ``limit``."""
    if param is None:
        return None
    if param in _PARAM_NAMES:
        return _PARAM_NAMES[param]
    return ".".join(to_snake(part) for part in param.split("."))


def _rest_error(error: StateSetError) -> StateSetError:
    error.param = rest_param(error.param)
    error.details = [
        ErrorDetail(rest_param(d.param) or d.param, d.code, d.message, d.extra)
        for d in error.details
    ]
    return error


def _primary_error(outcome: Outcome) -> StateSetError:
    """The error a REST response reports: field problems together, else the first."""
    errors = [domain for _, domain in outcome.errors]
    invalid = [e for e in errors if isinstance(e, ValidationFailed)]
    if len(invalid) > 1:
        return ValidationFailed.from_details([d for e in invalid for d in e.details])
    return errors[0]


class RestEndpoint:
    def __init__(self, executor: Executor, routes: list[RestRoute] | None = None) -> None:
        self.executor = executor
        self.compiled = [_compile(route) for route in routes or ROUTES]

    def _match(self, method: str, path: str) -> tuple[RestRoute, dict[str, str]]:
        allowed: list[str] = []
        for compiled in self.compiled:
            match = compiled.pattern.match(path)
            if match is None:
                continue
            if compiled.route.method == method:
                return compiled.route, match.groupdict()
            allowed.append(compiled.route.method)
        if allowed:
            raise _MethodNotAllowed(sorted(set(allowed)))
        raise NotFound(f"Unrecognized request URL ({method} {path})")

    async def handle(self, request: Request) -> Response:
        request_id: str = request.scope["state"]["request_id"]
        try:
            route, path_params = self._match(request.method, request.url.path)
        except _MethodNotAllowed as exc:
            allow = {"Allow": ", ".join(exc.allowed)}
            error = MethodNotAllowed(
                f"{request.method} is not allowed on {request.url.path}; "
                f"allowed: {', '.join(exc.allowed)}"
            )
            return JSONResponse(error_body(error, request_id, graphql=False), 405, headers=allow)
        operation = operation_for(route)
        body = await _read_body(request) if route.is_mutation else None
        variables, include_total, deprecated = self._variables(
            operation, request, path_params, body
        )
        principal = await principal_for(request.headers, self.executor.db)
        idempotency_request = None
        key = request.headers.get("idempotency-key")
        if route.is_mutation and key is not None:
            idempotency_request = IdempotencyRequest(
                key=idempotency.check_key(key),
                fingerprint=idempotency.fingerprint(request.method, request.url.path, body),
            )
        query = operation.query_with_total if include_total else operation.query
        rendered = await self.executor.run(
            principal=principal,
            request_id=request_id,
            operation=Operation(query=query, variables=variables),
            write=route.is_mutation,
            render=lambda outcome: _render(outcome, operation, request, include_total, request_id),
            idempotency_request=idempotency_request,
        )
        headers: dict[str, str] = {}
        if rendered.replayed:
            headers["Idempotent-Replayed"] = "true"
        if deprecated:
            headers["Deprecation"] = "true"
        return JSONResponse(rendered.body, status_code=rendered.status, headers=headers)

    def _variables(
        self,
        operation: RouteOperation,
        request: Request,
        path_params: dict[str, str],
        body: dict[str, Any] | None,
    ) -> tuple[dict[str, Any], bool, bool]:
        renames = dict(operation.route.rename)
        variables: dict[str, Any] = {renames.get(k, k): v for k, v in path_params.items()}
        if operation.is_list:
            arguments = list_arguments(operation, request.query_params)
            return (
                {**variables, **arguments.variables},
                arguments.include_total,
                arguments.deprecated_page,
            )
        if not operation.route.is_mutation:
            if request.query_params:
                key = next(iter(request.query_params))
                raise BadRequest(f"Unknown parameter '{key}'", param=key)
            return variables, False, False
        problems: list[ErrorDetail] = []
        args = operation.args
        if "input" in args:
            variables["input"] = to_graphql_input(body or {}, args["input"].type, "", problems)
        else:
            for key, value in (body or {}).items():
                camel = to_camel(key)
                # Path parameters come from the path, never from the body.
                if camel not in args or camel in variables:
                    problems.append(
                        ErrorDetail(key, "VALIDATION_ERROR", f"Received unknown parameter: {key}")
                    )
                    continue
                variables[camel] = to_graphql_input(value, args[camel].type, key, problems)
        check(problems)
        return variables, False, False


class _MethodNotAllowed(Exception):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(allowed)
        self.allowed = allowed


async def _read_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType(
            f"Send request bodies as application/json, not {content_type or 'no content type'}"
        )
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSON(f"The request body is not valid JSON: {exc.msg}") from exc
    if not isinstance(body, dict):
        raise InvalidJSON("The request body must be a JSON object")
    return body


def _render(
    outcome: Outcome,
    operation: RouteOperation,
    request: Request,
    include_total: bool,
    request_id: str,
) -> tuple[int, bytes]:
    if outcome.errors:
        error = _rest_error(_primary_error(outcome))
        return error.status, orjson.dumps(error_body(error, request_id, graphql=False))
    data = (outcome.result.data or {})["result"]
    if not operation.is_list:
        return operation.route.status, orjson.dumps(to_rest(data, operation.field.type))
    page: dict[str, Any] = {
        "object": "list",
        "url": request.url.path,
        "data": [to_rest(edge["node"], operation.item_type) for edge in data["edges"]],
        "has_more": data["pageInfo"]["hasNextPage"],
        "next_cursor": data["pageInfo"]["endCursor"] if data["pageInfo"]["hasNextPage"] else None,
    }
    if include_total:
        page["total_count"] = data["totalCount"]
    return 200, orjson.dumps(page)
