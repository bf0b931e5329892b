"""The one door every operation enters by, whatever carried it.

The stages, in order, each decided in one place:

1. authenticate — ``Gate.authenticate``: the caller behind a secret, or 401
2. admit — ``Gate.admit``: rate limits and concurrency; a refusal is a 429, and the
   admission's headers go on every answer
3. check — ``document.check``: the request's shape, the engine's limits and validation,
   the kinds of operation the transport carries, the root fields' scopes, the input
   boundary
4. run — ``Runner.run``: the Idempotency-Key, the transaction, the after-commit work

Nothing here knows a transport. Each reads its own request into these stages and
answers in its own words: ``http/serve.py`` (``/graphql`` and the REST routes) and
``http/websocket.py`` (subscriptions, which end in a topic followed rather than a run).
"""

from __future__ import annotations

import dataclasses

from stateset_gql.access import idempotency
from stateset_gql.access.principal import Principal
from stateset_gql.graphql.engine import GraphQLEngine, Operation
from stateset_gql.pipeline import document
from stateset_gql.pipeline.document import Over
from stateset_gql.pipeline.gate import Admission, Gate
from stateset_gql.pipeline.runner import Call, Rendered, Runner, database_answers


class Pipeline:
    def __init__(self, *, gate: Gate, runner: Runner) -> None:
        self.gate = gate
        self.runner = runner

    @property
    def engine(self) -> GraphQLEngine:
        return self.runner.engine

    async def authenticate(self, secret: str | None) -> Principal:
        with database_answers():
            return await self.gate.authenticate(secret)

    async def admit(self, principal: Principal, count: int = 1) -> Admission:
        return await self.gate.admit(principal, count)

    def check(
        self,
        query: object,
        variables: object,
        operation_name: object,
        *,
        over: Over,
        principal: Principal,
        extensions: object = None,
    ) -> Operation:
        """A client's operation, as it arrived, checked for ``principal`` (see
        ``pipeline.document``)."""
        operation = document.operation_of(query, variables, operation_name, extensions)
        return document.check(self.engine, operation, over, principal)

    async def run(
        self,
        *,
        principal: Principal,
        request_id: str,
        call: Call,
        idempotency_key: str | None = None,
    ) -> Rendered:
        """Runs ``call``; a document the server wrote has its input checked first."""
        key = idempotency_key
        checked_key = idempotency.check_key(key) if call.write and key is not None else None
        if call.operation.checked is None:
            operation = document.check_server(self.engine, call.operation)
            call = dataclasses.replace(call, operation=operation)
        return await self.runner.run(
            principal=principal, request_id=request_id, call=call, idempotency_key=checked_key
        )
