"""``POST /v1/batch``: up to 1,000 REST requests in one call (API.md section 12).

Each operation is read into a request of its own — its method, its path with the query
string as the client wrote it, its body as JSON — and finds its route by the router's own
matching over the REST paths (``rest.endpoint.RestPath``): no route is a 404, another
method a 405, as alone. Its route's surface then reads and runs it exactly as it would
that request alone (``http.serve.answer``: the scope first, the body, the variables, the
door's run with the operation's ``idempotency_key`` as its Idempotency-Key), so each
result's ``body`` is byte for byte what the request alone answers, its own request id
aside.

What is the batch's and what is an operation's:
- the batch's own faults answer the whole call: a body that is no JSON object (400
  ``INVALID_JSON``, 415 for another media type), ``operations`` missing, not a list, empty
  or over ``MAX_OPERATIONS`` (400 ``VALIDATION_ERROR``, param ``operations``, naming the
  limit and ``/v1/jobs``), ``atomic`` not a boolean, an unknown top-level key;
- an operation's own faults are its result: not an object, ``method`` or ``path`` not a
  string, an unknown key, a ``path`` that is no ``/v1`` route or one a batch does not
  carry (``/v1/batch``, ``/v1/jobs...``, ``/v1/files...``) answer 400 ``VALIDATION_ERROR``
  naming ``operations[i][...]``; an unknown ``/v1`` path 404, a method its path does not
  take 405 (with ``Allow``), a key or scope refused 400/403 — whatever alone would say.

Admission: the key is authenticated, then the body read, then every operation admitted
at once (``Pipeline.admit(count=N)``): the batch is refused 429 before anything runs when
they do not all fit in the minute's and the day's limits, and its rate-limit headers
show what is left after all N. A body that is not a batch counts as one request.

Not atomic (default), the operations run one after another, each its own request id and
transaction, and a failure does not stop the rest. Their events are published in commit
order before the answer, several operations' at once (``runner.Gathered``: handed on
after the operation that finds the oldest held a quarter of a second old), so the
after-commit work — a session, the events' numbers read, one publish, the webhooks
woken — is not paid per operation.
``atomic: true`` runs them in one transaction (``pipeline.together``) under the batch's
request id; at the first failure nothing is kept and the answer is that
operation's status and error body, its ``details`` led by ``{"param": "operations[i]",
"code", "message"}``. The batch's Idempotency-Key replays the whole answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from stateset_gql.access.principal import Principal
from stateset_gql.errors import StateSetError
from stateset_gql.http.auth import secret_from_headers
from stateset_gql.http.body import read_json_object
from stateset_gql.http.middleware import internal_error
from stateset_gql.http.responses import JSONResponse, error_body, error_response
from stateset_gql.http.routing import route_label
from stateset_gql.http.serve import Answered, answer, request_id_of
from stateset_gql.ids import new_id
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.runner import Call, Gathered, Rendered
from stateset_gql.pipeline.together import Step, Together
from stateset_gql.requestlogs import record
from stateset_gql.rest.batch_input import (
    MAX_OPERATIONS,
    Parsed,
    Prepared,
    parse_batch,
    prepare,
)
from stateset_gql.rest.endpoint import RestPath

log = logging.getLogger("stateset_gql.batch")

# An operation's response headers its result shows; the rest are the batch's.
RESULT_HEADERS = ("Allow", "Deprecation", "Idempotent-Replayed", "Retry-After")


class Batch:
    """The ``/v1/batch`` endpoint over the REST paths it routes operations among."""

    def __init__(self, pipeline: Pipeline, paths: Sequence[RestPath]) -> None:
        self.pipeline = pipeline
        self.paths = list(paths)

    async def handle(self, request: Request) -> Response:
        request_id = request_id_of(request)
        try:
            principal = await self.pipeline.authenticate(secret_from_headers(request.headers))
        except StateSetError as error:
            return error_response(error, request_id)
        refused: StateSetError | None = None
        parsed: Parsed | None = None
        body: dict[str, Any] = {}
        try:
            body = await read_json_object(request)
            parsed = parse_batch(body)
        except StateSetError as error:
            refused = error
        admission = await self.pipeline.admit(principal, len(parsed.operations) if parsed else 1)
        headers = dict(admission.headers)
        try:
            if admission.refused is not None:
                return error_response(admission.refused, request_id, headers=headers)
            if refused is not None or parsed is None:
                assert refused is not None
                return error_response(refused, request_id, headers=headers)
            batch, key = parsed, request.headers.get("idempotency-key")
            fingerprint = (request.method, request.url.path, body)
            try:
                if parsed.atomic:
                    rendered = await self._atomic(principal, request_id, parsed, fingerprint, key)
                else:
                    rendered = await self.pipeline.run_claimed(
                        principal=principal,
                        idempotency_key=key,
                        fingerprint=fingerprint,
                        work=lambda: self._each(principal, batch),
                    )
            except StateSetError as error:
                return error_response(error, request_id, headers=headers)
            if rendered.replayed:
                headers["Idempotent-Replayed"] = "true"
            return JSONResponse(rendered.body, status_code=rendered.status, headers=headers)
        finally:
            await admission.release()

    async def _each(self, principal: Principal, parsed: Parsed) -> Rendered:
        """Not atomic: each operation as its own request, one after another."""
        results: list[dict[str, Any]] = []
        committed = False
        shown_once: set[str] = set()
        gathered = Gathered()
        try:
            for index, operation in enumerate(parsed.operations):
                answered = await self._one(principal, index, operation, gathered)
                if gathered.due():
                    await self.pipeline.hand_on(gathered)
                committed = committed or answered.committed
                shown_once |= answered.shown_once
                results.append(_result(answered.status, answered.body, answered.headers))
        finally:
            # What committed is published before the answer, whatever stopped the loop.
            await self.pipeline.hand_on(gathered)
        body = orjson.dumps({"object": "batch", "atomic": False, "results": results})
        return Rendered(200, body, committed=committed, shown_once=frozenset(shown_once))

    async def _one(
        self, principal: Principal, index: int, operation: object, gathered: Gathered
    ) -> Answered:
        """One operation answered as alone, and logged as its own request."""
        request_id = new_id("req")
        started = time.perf_counter()
        prepared = prepare(self.paths, index, operation, request_id)
        answered = await self._answer(principal, index, prepared, request_id, gathered)
        request = prepared.request
        record.operation(
            request_id=request_id,
            method=request.method if request is not None else _method_of(operation),
            path=route_label(request.scope) if request is not None else route_label({}),
            status=answered.status,
            duration_ms=(time.perf_counter() - started) * 1000,
            idempotency_key=prepared.idempotency_key,
            body=answered.body,
        )
        return answered

    async def _answer(
        self,
        principal: Principal,
        index: int,
        prepared: Prepared,
        request_id: str,
        gathered: Gathered,
    ) -> Answered:
        if prepared.refused is not None:
            return _refusal(prepared, request_id)
        assert prepared.request is not None
        assert prepared.surface is not None
        try:
            return await answer(
                self.pipeline,
                prepared.request,
                prepared.surface,
                principal,
                idempotency_key=prepared.idempotency_key,
                gathered=gathered,
            )
        except Exception:
            # Alone, the middleware's last resort would answer it: here only its slot.
            log.exception("unhandled error in a batch's operation %d", index)
            error = internal_error()
            return Answered(error.status, _error_bytes(error, request_id))

    async def _atomic(
        self,
        principal: Principal,
        request_id: str,
        parsed: Parsed,
        fingerprint: tuple[str, str, object],
        key: str | None,
    ) -> Rendered:
        steps: list[Step] = []
        calls: list[Call | None] = []
        for index, operation in enumerate(parsed.operations):
            step, call = await self._step(principal, index, operation, request_id)
            steps.append(step)
            calls.append(call)

        def whole(together: Together) -> tuple[int, bytes]:
            if together.failed is not None:
                return _failure(together.failed, together.results[-1])
            results = [
                _result(r.status, r.body, _headers(r, call))
                for r, call in zip(together.results, calls, strict=True)
            ]
            return 200, orjson.dumps({"object": "batch", "atomic": True, "results": results})

        return await self.pipeline.run_together(
            principal=principal,
            request_id=request_id,
            steps=steps,
            answer=whole,
            fingerprint=fingerprint,
            idempotency_key=key,
        )

    async def _step(
        self, principal: Principal, index: int, operation: object, request_id: str
    ) -> tuple[Step, Call | None]:
        prepared = prepare(self.paths, index, operation, request_id)
        surface = prepared.surface
        if prepared.refused is not None or surface is None or prepared.request is None:
            refusal = _refusal(prepared, request_id)
            return Step(Rendered(refusal.status, refusal.body), _plain(request_id)), None

        def answer_error(error: StateSetError) -> tuple[int, bytes]:
            assert surface is not None
            return surface.answer_error(error, request_id)

        try:
            call = await surface.prepare(prepared.request, principal)
        except StateSetError as error:
            refused = Rendered(error.status, _error_bytes(error, request_id))
            return Step(refused, answer_error), None
        return Step(call, answer_error, prepared.idempotency_key), call


def _method_of(operation: object) -> str:
    """A refused operation's method as it was sent (cut to a method's length)."""
    method = operation.get("method") if isinstance(operation, dict) else None
    return method.upper()[:10] if isinstance(method, str) and method else "?"


def _error_bytes(error: StateSetError, request_id: str) -> bytes:
    """An error answered as alone, before any route's surface renamed it."""
    return orjson.dumps(error_body(error, request_id, graphql=False))


def _plain(request_id: str) -> Callable[[StateSetError], tuple[int, bytes]]:
    def answer_error(error: StateSetError) -> tuple[int, bytes]:
        return error.status, _error_bytes(error, request_id)

    return answer_error


def _refusal(prepared: Prepared, request_id: str) -> Answered:
    error = prepared.refused
    assert error is not None
    headers = {"Allow": prepared.allow} if prepared.allow else {}
    return Answered(error.status, _error_bytes(error, request_id), headers)


def _headers(rendered: Rendered, call: Call | None) -> dict[str, str]:
    headers = dict(call.headers) if call is not None else {}
    if rendered.replayed:
        headers["Idempotent-Replayed"] = "true"
    return headers


def _result(status: int, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {"status": status, "body": orjson.Fragment(body)}
    shown_headers = {k: v for k, v in headers.items() if k in RESULT_HEADERS}
    if shown_headers:
        result["headers"] = shown_headers
    return result


def _failure(index: int, failed: Rendered) -> tuple[int, bytes]:
    """An atomic batch's answer when operation ``index`` failed: its status and error,
    with ``details`` led by the operation's index."""
    body = orjson.loads(failed.body)
    problem = body.get("error") if isinstance(body, dict) else None
    if not isinstance(problem, dict):
        problem = {"type": "api_error", "code": "INTERNAL_ERROR", "message": "", "details": []}
        body = {"error": problem}
    named = {
        "param": f"operations[{index}]",
        "code": problem.get("code"),
        "message": f"operations[{index}] failed: {problem.get('message', '')}",
    }
    problem["details"] = [named, *(problem.get("details") or [])]
    return failed.status, orjson.dumps(body)


# ``/v1/batch`` in OpenAPI (``rest.openapi``): its components, and its path's operation.
OPENAPI_COMPONENTS: dict[str, Any] = {
    "BatchOperation": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "method": {"type": "string", "enum": ["GET", "POST", "PATCH", "DELETE"]},
            "path": {
                "type": "string",
                "description": "A /v1 route with its query string (not /v1/batch, /v1/jobs "
                "or /v1/files)",
            },
            "body": {"type": "object", "description": "That route's body"},
            "idempotency_key": {
                "type": "string",
                "maxLength": 255,
                "description": "That operation's own Idempotency-Key",
            },
        },
        "required": ["method", "path"],
    },
    "BatchRequest": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "operations": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_OPERATIONS,
                "items": {"$ref": "#/components/schemas/BatchOperation"},
            },
            "atomic": {"type": "boolean", "default": False},
        },
        "required": ["operations"],
    },
    "BatchResult": {
        "type": "object",
        "properties": {
            "status": {"type": "integer"},
            "body": {"description": "What the request alone answers (an Error on failure)"},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "required": ["status", "body"],
    },
    "Batch": {
        "type": "object",
        "properties": {
            "object": {"const": "batch"},
            "atomic": {"type": "boolean"},
            "results": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/BatchResult"},
            },
        },
        "required": ["object", "atomic", "results"],
    },
}


def openapi_operation(error_responses: dict[int, str]) -> dict[str, Any]:
    """``POST /v1/batch`` as an OpenAPI operation; ``error_responses`` names the shared
    response component of each error status: any may answer (an atomic batch answers its
    failing operation's)."""
    return {
        "operationId": "batch_create",
        "tags": ["batch"],
        "summary": "Run up to 1,000 operations in one call",
        "description": "Each operation runs as its own request would, in order; with "
        "atomic, all in one transaction, the first failure keeping nothing. Every "
        "operation counts toward the rate limits.",
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "schema": {"type": "string", "maxLength": 255},
                "description": "Retries with the same key replay the whole answer (24 hours)",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}}
            },
        },
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}},
            },
            **{
                str(status): {"$ref": f"#/components/responses/{name}"}
                for status, name in sorted(error_responses.items())
            },
        },
    }
