"""``/graphql`` over HTTP: GraphiQL for browsers, GET for queries, POST for everything.

The request runs through the pipeline (``pipeline.http``); this module only reads a
GraphQL-over-HTTP request into a ``Call`` and renders the result.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import OperationType
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access.principal import Principal
from stateset_gql.errors import (
    BadRequest,
    InvalidJSON,
    MethodNotAllowed,
    StateSetError,
)
from stateset_gql.graphql.engine import GraphQLEngine, Operation
from stateset_gql.graphql.errors import format_error
from stateset_gql.graphql.realtime.schema import OVER_WEBSOCKET
from stateset_gql.http import graphiql
from stateset_gql.http.body import read_json_object
from stateset_gql.http.responses import error_body
from stateset_gql.pipeline.http import Pipeline
from stateset_gql.pipeline.runner import Call, Outcome


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
    return await read_json_object(request)


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
    body["extensions"] = result.extensions
    return 200, orjson.dumps(body)


class GraphQLSurface:
    graphql = True

    def __init__(self, engine: GraphQLEngine) -> None:
        self.engine = engine

    async def prepare(self, request: Request, principal: Principal) -> Call:
        # Checked before anything else runs (API.md section 11); a refused document is
        # answered by the engine as errors, and nothing of it is kept.
        operation = self.engine.check(_operation(await _read_params(request)))
        assert operation.checked is not None
        kind = operation.checked.kind
        if kind is OperationType.SUBSCRIPTION:
            raise BadRequest(OVER_WEBSOCKET, param="query")
        if kind is OperationType.MUTATION and request.method != "POST":
            raise MethodNotAllowed("Mutations must be sent with POST")
        request_id: str = request.scope["state"]["request_id"]
        return Call(
            operation=operation,
            write=kind is OperationType.MUTATION,
            render=lambda outcome: render_graphql(outcome, request_id),
            fingerprint=(
                "POST",
                "/graphql",
                {
                    "query": operation.query,
                    "variables": operation.variables,
                    "operationName": operation.operation_name,
                },
            ),
        )

    def answer_error(self, error: StateSetError, request_id: str) -> tuple[int, bytes]:
        """On /graphql only a bad key (401) and rate limiting (429) change the HTTP
        status (API.md section 4): other errors are answered 200 with ``errors``."""
        status = error.status if error.status in (401, 429) else 200
        return status, orjson.dumps(error_body(error, request_id, graphql=True))


class GraphQLEndpoint:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.surface = GraphQLSurface(pipeline.runner.engine)

    async def handle(self, request: Request) -> Response:
        if _wants_html(request):
            key = self.pipeline.runner.settings.demo_key
            return graphiql.page(url=request.url.path, key=key)
        return await self.pipeline.serve(request, self.surface)
