"""``/graphql`` over HTTP: GraphiQL for browsers, GET for queries, POST for everything.

The request goes through the pipeline's door (``http.serve``); this module only reads a
GraphQL-over-HTTP request, has the door check its document, and renders the result in
the media type the client accepts (the GraphQL-over-HTTP spec):

- ``application/graphql-response+json`` (asked for by name): a request refused before
  execution began (not a GraphQL request, its document refused, its variables not
  coerced) is a 4xx — 400 for the document and its variables — with ``errors`` and no
  ``data``; an operation that ran is 200, whatever its field errors.
- ``application/json`` (also for ``*/*``, ``application/*`` and no ``Accept``, as legacy
  clients send): the same bodies; an error of the operation keeps its 200 (only a bad
  key, 401, and rate limiting, 429, change the status, API.md section 4).
- neither: 406, nothing run.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import orjson
from graphql import OperationType
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access.principal import Principal
from stateset_gql.errors import InvalidJSON, NotAcceptable, StateSetError
from stateset_gql.graphql.engine import Operation
from stateset_gql.graphql.errors import format_error
from stateset_gql.http import graphiql
from stateset_gql.http.body import read_json_object
from stateset_gql.http.responses import error_body, error_response
from stateset_gql.http.serve import request_id_of, serve_request
from stateset_gql.pipeline.document import Over
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.runner import Call, Outcome

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
# Each media range of an Accept header we serve, and the media type it is answered in.
SERVED = {
    GRAPHQL_RESPONSE: GRAPHQL_RESPONSE,
    JSON: JSON,
    "application/*": JSON,
    "*/*": JSON,
}


def answer_type(accept: str | None) -> str | None:
    """The media type to answer in: of the ranges ``accept`` lists, the one the client
    prefers (by ``q``, then by order) that is served here; ``application/json`` when it
    lists none (no ``Accept`` header); ``None`` when it accepts neither."""
    if accept is None or not accept.strip():
        return JSON
    chosen, preference = None, 0.0
    for listed in accept.split(","):
        media_range, *params = (part.strip() for part in listed.split(";"))
        served = SERVED.get(media_range.lower())
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if served is not None and weight > preference:
            chosen, preference = served, weight
    return chosen


def _loopback(host: str | None) -> bool:
    """Whether a ``Host`` names this machine by its loopback address or ``localhost``:
    a page served under any other name may be a rebinding attacker's."""
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _wants_html(request: Request) -> bool:
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


async def _read_params(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        params: dict[str, Any] = dict(request.query_params)
        for name in ("variables", "extensions"):
            if name in params:
                try:
                    params[name] = orjson.loads(params[name])
                except orjson.JSONDecodeError as exc:
                    raise InvalidJSON(f"'{name}' is not valid JSON", param=name) from exc
        return params
    return await read_json_object(request)


def render_graphql(outcome: Outcome, request_id: str, media_type: str = JSON) -> tuple[int, bytes]:
    result = outcome.result
    body: dict[str, Any] = {}
    if outcome.errors:
        body["errors"] = [format_error(e, d, request_id) for e, d in outcome.errors]
    if not outcome.executed:
        # Execution never began: no ``data`` at all (GraphQL's request error).
        body["extensions"] = result.extensions
        return (400 if media_type == GRAPHQL_RESPONSE else 200), orjson.dumps(body)
    # A mutation that was rolled back shows no data: none of it was kept.
    rolled_back = bool(outcome.errors) and not outcome.committed
    body["data"] = None if rolled_back and outcome.write else result.data
    body["extensions"] = result.extensions
    return 200, orjson.dumps(body)


def graphql_call(operation: Operation, request_id: str, media_type: str = JSON) -> Call:
    """A client's checked operation as the runner runs it, whatever carried it: over
    WebSocket too, so an Idempotency-Key covers the same operation either way."""
    assert operation.checked is not None
    return Call(
        operation=operation,
        write=operation.checked.kind is OperationType.MUTATION,
        render=lambda outcome: render_graphql(outcome, request_id, media_type),
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


class GraphQLSurface:
    """``/graphql`` answering in one media type (``JSON`` or ``GRAPHQL_RESPONSE``)."""

    graphql = True

    def __init__(self, pipeline: Pipeline, media_type: str) -> None:
        self.pipeline = pipeline
        self.media_type = media_type

    async def prepare(self, request: Request, principal: Principal) -> Call:
        # Checked before anything else runs (API.md section 11); a refused document is
        # answered by the engine as errors, and nothing of it is kept.
        params = await _read_params(request)
        operation = self.pipeline.check(
            params.get("query"),
            params.get("variables"),
            params.get("operationName"),
            over=Over.POST if request.method == "POST" else Over.GET,
            principal=principal,
            extensions=params.get("extensions"),
        )
        return graphql_call(operation, request_id_of(request), self.media_type)

    def answer_error(self, error: StateSetError, request_id: str) -> tuple[int, bytes]:
        """In ``application/json`` only a bad key (401) and rate limiting (429) change the
        HTTP status (API.md section 4): other errors are answered 200 with ``errors``. In
        ``application/graphql-response+json`` an answer without ``data`` is never 2xx."""
        keeps_200 = self.media_type == JSON and error.status not in (401, 429)
        status = 200 if keeps_200 else error.status
        return status, orjson.dumps(error_body(error, request_id, graphql=True))


class GraphQLEndpoint:
    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.surfaces = {
            media: GraphQLSurface(pipeline, media) for media in (JSON, GRAPHQL_RESPONSE)
        }

    async def handle(self, request: Request) -> Response:
        if _wants_html(request):
            # The demo key only to a page this machine asked for by a loopback name.
            loopback = _loopback(request.url.hostname)
            key = self.pipeline.runner.settings.demo_key if loopback else None
            return graphiql.page(url=request.url.path, key=key)
        media_type = answer_type(request.headers.get("accept"))
        if media_type is None:
            refused = NotAcceptable(
                f"/graphql answers in {GRAPHQL_RESPONSE} or {JSON}; "
                "the Accept header allows neither"
            )
            return error_response(refused, request_id_of(request), graphql=True)
        return await serve_request(self.pipeline, request, self.surfaces[media_type])
