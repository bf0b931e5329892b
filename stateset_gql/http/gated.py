"""An ASGI endpoint outside the route table behind the same gate as every request: the
key authenticated and admitted, its scope checked, then the handler; errors answered in
the contract's format. The admission is released once the answer is sent (after the
last byte of a streamed download)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from stateset_gql.access.principal import Principal
from stateset_gql.errors import StateSetError
from stateset_gql.http.auth import secret_from_headers
from stateset_gql.http.responses import error_response
from stateset_gql.http.serve import request_id_of
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.runner import database_answers

Handler = Callable[[Request, Principal], Awaitable[Response]]


class GatedEndpoint:
    """``handle`` behind the gate, for a key holding ``scope``."""

    def __init__(self, pipeline: Pipeline, scope: str, handle: Handler) -> None:
        self.pipeline = pipeline
        self.scope = scope
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        request_id = request_id_of(request)
        try:
            principal = await self.pipeline.authenticate(secret_from_headers(request.headers))
        except StateSetError as error:
            await error_response(error, request_id)(scope, receive, send)
            return
        admission = await self.pipeline.admit(principal)
        headers = dict(admission.headers)
        try:
            response: Response
            if admission.refused is not None:
                response = error_response(admission.refused, request_id, headers=headers)
            else:
                try:
                    principal.require(self.scope)
                    with database_answers():
                        response = await self.handle(request, principal)
                    response.headers.update(headers)
                except StateSetError as error:
                    response = error_response(
                        error, request_id, headers={**headers, **error.headers}
                    )
            await response(scope, receive, send)
        finally:
            await admission.release()
