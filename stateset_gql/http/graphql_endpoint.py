"""``/graphql`` over HTTP: GraphiQL for browsers, GET for queries, POST for everything.

The request goes through the pipeline's door (``http.serve``); this module only reads a
GraphQL-over-HTTP request, has the door check its document, and renders the result.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import OperationType
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access.principal import Principal
from stateset_gql.errors import InvalidJSON, StateSetError
from stateset_gql.graphql.errors import format_error
from stateset_gql.http import graphiql
from stateset_gql.http.body import read_json_object
from stateset_gql.http.responses import error_body
from stateset_gql.http.serve import request_id_of, serve_request
from stateset_gql.pipeline.document import Over
from stateset_gql.pipeline.door import Pipeline
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

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    async def prepare(self, request: Request, principal: Principal) -> Call:
        # Checked before anything else runs (API.md section 11); a refused document is
        # answered by the engine as errors, and nothing of it is kept.
        params = await _read_params(request)
        operation = self.pipeline.check(
            params.get("query"),
            params.get("variables"),
            params.get("operationName"),
            over=Over.POST if request.method == "POST" else Over.GET,
        )
        assert operation.checked is not None
        request_id = request_id_of(request)
        return Call(
            operation=operation,
            write=operation.checked.kind is OperationType.MUTATION,
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
        self.surface = GraphQLSurface(pipeline)

    async def handle(self, request: Request) -> Response:
        if _wants_html(request):
            key = self.pipeline.runner.settings.demo_key
            return graphiql.page(url=request.url.path, key=key)
        return await serve_request(self.pipeline, request, self.surface)
