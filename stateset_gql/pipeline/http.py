"""Every HTTP request that reaches the engine goes through ``Pipeline.serve``.

The stages, in order, each decided in one place:

1. request id — ``http.middleware.RequestMiddleware`` (outermost ASGI layer)
2. body limit — ``http.middleware.BodyLimitMiddleware``
3. authenticate — ``Gate.authenticate``, before any body is read or validated
4. rate limit — ``Gate.admit``: 429 over a limit; its headers go on every response
5. prepare — the surface (``/graphql`` or a REST route) reads and validates its request
   into a ``Call``
6. idempotency — the ``Idempotency-Key`` header, checked here and claimed by the runner
7. engine, commit, after-commit work — ``Runner.run``

A surface decides only how its own request reads and how an error about the operation
is answered: REST with the error's status, ``/graphql`` with 200 and ``errors``.
"""

from __future__ import annotations

from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access import idempotency
from stateset_gql.access.principal import Principal
from stateset_gql.errors import StateSetError
from stateset_gql.http.auth import secret_from_headers
from stateset_gql.http.responses import JSONResponse, error_response
from stateset_gql.pipeline.gate import Gate
from stateset_gql.pipeline.runner import Call, Runner


class Surface(Protocol):
    graphql: bool

    async def prepare(self, request: Request, principal: Principal) -> Call: ...

    def answer_error(self, error: StateSetError, request_id: str) -> tuple[int, bytes]:
        """How an error about the operation (not the HTTP request) is answered."""
        ...


def request_id_of(request: Request) -> str:
    request_id: str = request.scope["state"]["request_id"]
    return request_id


class Pipeline:
    def __init__(self, *, gate: Gate, runner: Runner) -> None:
        self.gate = gate
        self.runner = runner

    async def serve(self, request: Request, surface: Surface) -> Response:
        request_id = request_id_of(request)
        principal = await self.gate.authenticate(secret_from_headers(request.headers))
        admission = await self.gate.admit(principal)
        headers = dict(admission.headers)
        if admission.refused is not None:
            return error_response(
                admission.refused, request_id, graphql=surface.graphql, headers=headers
            )
        try:
            try:
                call = await surface.prepare(request, principal)
            except StateSetError as error:
                return error_response(error, request_id, graphql=surface.graphql, headers=headers)
            headers.update(call.headers)
            try:
                key = request.headers.get("idempotency-key")
                checked = idempotency.check_key(key) if call.write and key is not None else None
                rendered = await self.runner.run(
                    principal=principal, request_id=request_id, call=call, idempotency_key=checked
                )
            except StateSetError as error:
                status, body = surface.answer_error(error, request_id)
                return JSONResponse(body, status_code=status, headers=headers)
            if rendered.replayed:
                headers["Idempotent-Replayed"] = "true"
            headers["X-StateSet-Engine"] = rendered.engine
            return JSONResponse(rendered.body, status_code=rendered.status, headers=headers)
        finally:
            await admission.release()
