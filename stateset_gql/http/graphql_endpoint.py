"""``/graphql`` over HTTP: GraphiQL for browsers, GET for queries, POST for everything."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
from graphql import DocumentNode, GraphQLError, OperationType, parse
from graphql.utilities import get_operation_ast
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.exceptions import MissingQueryError
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from stateset_gql.access import idempotency
from stateset_gql.errors import (
    BadRequest,
    IdempotencyKeyInUse,
    IdempotencyKeyMismatch,
    InvalidJSON,
    MethodNotAllowed,
    StateSetError,
    UnsupportedMediaType,
)
from stateset_gql.graphql.errors import format_error
from stateset_gql.graphql.executor import Executor, IdempotencyRequest, Operation, Outcome
from stateset_gql.http.auth import principal_for
from stateset_gql.http.responses import JSONResponse, error_body


@lru_cache(maxsize=1024)
def _document(query: str) -> DocumentNode | None:
    try:
        return parse(query)
    except GraphQLError:
        return None


def is_mutation(query: str, operation_name: str | None) -> bool:
    document = _document(query)
    if document is None:
        return False
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation is OperationType.MUTATION


def _wants_html(request: Request) -> bool:
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


async def _read_params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        if "variables" in params:
            try:
                params["variables"] = orjson.loads(params["variables"])
            except orjson.JSONDecodeError as exc:
                raise InvalidJSON("'variables' is not valid JSON", param="variables") from exc
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("application/json", ""):
        raise UnsupportedMediaType(f"Send GraphQL requests as application/json, not {content_type}")
    body = await request.body()
    try:
        params = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidJSON(f"The request body is not valid JSON: {exc.msg}") from exc
    if not isinstance(params, dict):
        raise InvalidJSON("The request body must be a JSON object")
    return params


def _operation(params: dict[str, Any]) -> Operation:
    query = params.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadRequest("A GraphQL request needs a 'query' string", param="query")
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be a JSON object", param="variables")
    name = params.get("operationName")
    if name is not None and not isinstance(name, str):
        raise BadRequest("'operationName' must be a string", param="operationName")
    return Operation(query=query, variables=variables, operation_name=name)


def render_graphql(outcome: Outcome, request_id: str) -> tuple[int, bytes]:
    result = outcome.result
    body: dict[str, Any] = {}
    if outcome.errors:
        body["errors"] = [format_error(e, d, request_id) for e, d in outcome.errors]
    # A mutation that was rolled back shows no data: none of it was kept.
    rolled_back = bool(outcome.errors) and not outcome.committed
    body["data"] = None if rolled_back and outcome.write else result.data
    return 200, orjson.dumps(body)


def _answer_in_errors(error: StateSetError, request_id: str) -> Response:
    """An error about the operation, not the HTTP request: on /graphql only a bad API key
    (401) and rate limiting (429) change the HTTP status (API.md section 4), so it is
    answered 200 with ``errors``, its own status in ``extensions``."""
    return JSONResponse(error_body(error, request_id, graphql=True), status_code=200)


class GraphQLEndpoint:
    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    async def handle(self, request: Request) -> Response:
        if _wants_html(request):
            return HTMLResponse(get_graphql_ide_html())
        if request.method not in ("GET", "POST"):
            raise MethodNotAllowed("Use GET or POST on /graphql")
        request_id: str = request.scope["state"]["request_id"]
        params = await _read_params(request)
        operation = _operation(params)
        principal = await principal_for(request.headers, self.executor.db)
        write = request.method == "POST" and is_mutation(operation.query, operation.operation_name)
        idempotency_request = None
        key = request.headers.get("idempotency-key")
        if write and key is not None:
            try:
                checked_key = idempotency.check_key(key)
            except BadRequest as exc:
                return _answer_in_errors(exc, request_id)
            idempotency_request = IdempotencyRequest(
                key=checked_key,
                fingerprint=idempotency.fingerprint(
                    "POST",
                    "/graphql",
                    {
                        "query": operation.query,
                        "variables": operation.variables,
                        "operationName": operation.operation_name,
                    },
                ),
            )

        try:
            rendered = await self.executor.run(
                principal=principal,
                request_id=request_id,
                operation=operation,
                write=write,
                render=lambda outcome: render_graphql(outcome, request_id),
                idempotency_request=idempotency_request,
            )
        except (IdempotencyKeyMismatch, IdempotencyKeyInUse) as exc:
            return _answer_in_errors(exc, request_id)
        except MissingQueryError as exc:
            raise BadRequest("A GraphQL request needs a 'query' string", param="query") from exc
        except InvalidOperationTypeError as exc:
            raise MethodNotAllowed("Mutations must be sent with POST") from exc
        except CannotGetOperationTypeError as exc:
            raise BadRequest(
                "Could not choose the operation to run; check 'operationName'",
                param="operationName",
            ) from exc
        headers = {"Idempotent-Replayed": "true"} if rendered.replayed else None
        return JSONResponse(rendered.body, status_code=rendered.status, headers=headers)
