"""Each operation on a socket, through the pipeline's door (API.md section 9).

``Subscriptions.stream`` is what the handlers call for each ``subscribe`` (``start``):
each is admitted as a request; the door checks the document as it checks one over HTTP
(``pipeline.document``). A subscription is turned into a topic, which the fan-out
follows; a query or a mutation is run by the door as ``POST /graphql`` runs it (the
runner's transaction, outbox and Idempotency-Key, given as ``extensions.idempotencyKey``
in the message's payload) and answered with one ``next`` (``data``) and ``complete``. No
event committed after a revocation of the socket's key is sent: each waits for a reading
of the access version begun after it (``Gate.current``).
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from typing import Any, cast

import orjson
from graphql import GraphQLError, OperationType
from strawberry.types.execution import ExecutionResult, PreExecutionError

from stateset_gql.access.principal import Principal
from stateset_gql.errors import (
    BadRequest,
    StateSetError,
)
from stateset_gql.graphql.errors import format_error, to_domain_errors
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.realtime.topics import Snapshots, SubscriptionRefused, topic_of
from stateset_gql.http.graphql_endpoint import graphql_call
from stateset_gql.http.ws_protocol import Shown, SocketContext, contract_error, operation_extensions
from stateset_gql.ops.metrics import Metrics
from stateset_gql.pipeline.document import Over
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.realtime.fanout import FanOut, TooSlow


def _idempotency_key(extensions: object) -> str | None:
    key = extensions.get("idempotencyKey") if isinstance(extensions, dict) else None
    if key is not None and not isinstance(key, str):
        raise BadRequest(
            "'extensions.idempotencyKey' must be a string", param="extensions.idempotencyKey"
        )
    return key


def _answer(body: bytes) -> ExecutionResult | PreExecutionError:
    """A query's or mutation's answer, as ``POST /graphql`` has it, for the handlers:
    without ``data`` (refused before execution) it is the operation's ``error``."""
    answer = orjson.loads(body)
    errors: list[GraphQLError] = [Shown(error) for error in answer.get("errors", ())]
    if "data" not in answer:
        return PreExecutionError(data=None, errors=errors)
    return ExecutionResult(
        data=answer["data"], errors=errors or None, extensions=answer.get("extensions")
    )


class Subscriptions:
    """What the handlers call ``schema``: ``stream`` (and ``subscribe``) per operation."""

    def __init__(self, *, pipeline: Pipeline, fanout: FanOut, metrics: Metrics) -> None:
        self.pipeline = pipeline
        self.fanout = fanout
        self.metrics = metrics
        self.snapshots = Snapshots(pipeline.engine.schema)

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any = None,
        root_value: Any = None,
        operation_name: str | None = None,
        **_: Any,
    ) -> AsyncGenerator[ExecutionResult | PreExecutionError, None]:
        return self._results(
            cast(SocketContext, context_value), query, variable_values, operation_name
        )

    subscribe = stream

    def _refused(self, errors: list[GraphQLError], request_id: str) -> PreExecutionError:
        pairs = to_domain_errors(errors, core_schema(self.pipeline.engine.schema))
        shown: list[GraphQLError] = [Shown(format_error(e, d, request_id)) for e, d in pairs]
        return PreExecutionError(data=None, errors=shown)

    async def _results(
        self,
        context: SocketContext,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> AsyncGenerator[ExecutionResult | PreExecutionError, None]:
        request_id = context.request_id
        principal = context.principal
        assert principal is not None, "the handlers subscribe only after connection_ack"
        try:
            topic = await self._start(principal, request_id, query, variables, operation_name)
        except SubscriptionRefused as refused:
            yield self._refused(refused.errors, request_id)
            return
        except StateSetError as error:
            yield PreExecutionError(data=None, errors=[contract_error(error, request_id)])
            return
        if isinstance(topic, ExecutionResult):
            yield topic  # a query's or a mutation's one result
            return
        self.metrics.subscriptions.inc()
        started = False
        try:
            async for item in self.fanout.follow(principal.owner, topic, since=topic.since):
                await self.pipeline.gate.current(item.committed)
                if context.revoked:
                    return  # the socket is closed with 4403
                started = True
                self.metrics.send_latency.observe(max(0.0, time.time() - item.committed))
                yield ExecutionResult(data=item.payload.data, errors=item.payload.errors)
        except TooSlow as slow:
            ended = Shown(
                {
                    "message": "This subscriber fell 1,000 events behind and was ended; "
                    "subscribe again with 'since' set to 'resume_after'",
                    "extensions": {
                        "code": "SUBSCRIBER_TOO_SLOW",
                        "resume_after": slow.resume_after,
                        "request_id": request_id,
                    },
                }
            )
            yield ExecutionResult(data=None, errors=[ended])
        except StateSetError as error:
            if started:
                raise
            yield PreExecutionError(data=None, errors=[contract_error(error, request_id)])
        finally:
            self.metrics.subscriptions.dec()

    async def _start(
        self,
        principal: Principal,
        request_id: str,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> Any:
        """Through the door: a subscription's topic, or a query's or mutation's result.
        Each start counts as a request (API.md section 11); a query or mutation holds its
        admission while it runs, as over HTTP."""
        admission = await self.pipeline.admit(principal)
        try:
            if admission.refused is not None:
                raise admission.refused
            extensions = operation_extensions.get()
            operation = self.pipeline.check(
                query,
                variables,
                operation_name,
                over=Over.WEBSOCKET,
                principal=principal,
                extensions=extensions,
            )
            checked = operation.checked
            assert checked is not None
            if checked.document is None:
                raise SubscriptionRefused(list(checked.errors))
            if checked.kind is not OperationType.SUBSCRIPTION:
                rendered = await self.pipeline.run(
                    principal=principal,
                    request_id=request_id,
                    call=graphql_call(operation, request_id),
                    idempotency_key=_idempotency_key(extensions),
                )
                return _answer(rendered.body)
        finally:
            await admission.release()
        return topic_of(
            self.snapshots,
            principal,
            checked.document,
            operation.variables,
            operation.operation_name,
        )
