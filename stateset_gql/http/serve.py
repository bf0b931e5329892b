"""An HTTP request through the pipeline's door: ``/graphql`` and every REST route.

Before it, the middleware gives the request its id and holds its body to the limit
(``http.middleware``). Here the key is read from ``Authorization`` and the door
authenticates and admits the caller before any body is read; the surface reads its
request into a ``Call`` (``/graphql`` has the door check its document); the door runs it
with the ``Idempotency-Key`` header. A surface decides only how its own request reads
and how an error about the operation is answered: REST with the error's status,
``/graphql`` as the GraphQL-over-HTTP media type it answers in has it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import orjson
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access.principal import Principal
from stateset_gql.errors import StateSetError
from stateset_gql.http.auth import secret_from_headers
from stateset_gql.http.responses import JSONResponse, error_body, error_response
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.runner import Call, Gathered


class Surface(Protocol):
    graphql: bool
    # The Content-Type of every answer (``/graphql`` answers in the one the client chose).
    media_type: str

    async def prepare(self, request: Request, principal: Principal) -> Call: ...

    def answer_error(self, error: StateSetError, request_id: str) -> tuple[int, bytes]:
        """How an error about the operation (not the HTTP request) is answered."""
        ...


def request_id_of(request: Request) -> str:
    request_id: str = request.scope["state"]["request_id"]
    return request_id


@dataclass(frozen=True)
class Answered:
    """What one request's operation answered, before the admission's headers join it."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False
    committed: bool = False
    shown_once: frozenset[str] = frozenset()


async def answer(
    pipeline: Pipeline,
    request: Request,
    surface: Surface,
    principal: Principal,
    *,
    idempotency_key: str | None,
    gathered: Gathered | None = None,
) -> Answered:
    """An authenticated, admitted request's answer: the surface reads it into a call,
    the door runs it (a batch's operations are answered by this too, their after-commit
    work held in ``gathered`` for the batch to hand on before its answer)."""
    request_id = request_id_of(request)
    try:
        call = await surface.prepare(request, principal)
    except StateSetError as error:
        body = orjson.dumps(error_body(error, request_id, graphql=surface.graphql))
        return Answered(error.status, body, dict(error.headers))
    headers = dict(call.headers)
    try:
        rendered = await pipeline.run(
            principal=principal,
            request_id=request_id,
            call=call,
            idempotency_key=idempotency_key,
            gathered=gathered,
        )
    except StateSetError as error:
        headers.update(error.headers)
        status, body = surface.answer_error(error, request_id)
        return Answered(status, body, headers)
    if rendered.replayed:
        headers["Idempotent-Replayed"] = "true"
    headers["X-StateSet-Engine"] = rendered.engine
    return Answered(
        rendered.status,
        rendered.body,
        headers,
        replayed=rendered.replayed,
        committed=rendered.committed,
        shown_once=rendered.shown_once,
    )


async def serve_request(pipeline: Pipeline, request: Request, surface: Surface) -> Response:
    request_id = request_id_of(request)
    try:
        principal = await pipeline.authenticate(secret_from_headers(request.headers))
    except StateSetError as error:
        return error_response(
            error, request_id, graphql=surface.graphql, media_type=surface.media_type
        )
    admission = await pipeline.admit(principal)
    headers = dict(admission.headers)
    if admission.refused is not None:
        return error_response(
            admission.refused,
            request_id,
            graphql=surface.graphql,
            headers=headers,
            media_type=surface.media_type,
        )
    try:
        answered = await answer(
            pipeline,
            request,
            surface,
            principal,
            idempotency_key=request.headers.get("idempotency-key"),
        )
        return JSONResponse(
            answered.body,
            status_code=answered.status,
            headers={**headers, **answered.headers},
            media_type=surface.media_type,
        )
    finally:
        await admission.release()
