"""The one door every operation enters by, whatever carried it.

The stages, in order, each decided in one place:

1. authenticate — ``Gate.authenticate``: the caller behind a secret, or 401
2. admit — ``Gate.admit``: rate limits and concurrency; a refusal is a 429, and the
   admission's headers go on every answer
3. check — ``document.check``: the request's shape, the engine's limits and validation,
   the kinds of operation the transport carries, the root fields' scopes, the input
   boundary
4. run — ``Runner.run``: the Idempotency-Key, the transaction, the after-commit work;
   several calls in one transaction (an atomic batch) by ``run_together``, and several
   runs' answer under one key by ``run_claimed`` (``pipeline/together.py``)

Nothing here knows a transport. Each reads its own request into these stages and
answers in its own words: ``http/serve.py`` (``/graphql`` and the REST routes) and
``http/websocket.py`` (subscriptions, which end in a topic followed rather than a run).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from stateset_gql.access import idempotency
from stateset_gql.access.principal import Principal
from stateset_gql.errors import StateSetError
from stateset_gql.graphql.engine import GraphQLEngine, Operation
from stateset_gql.pipeline import document
from stateset_gql.pipeline.document import Over
from stateset_gql.pipeline.gate import Admission, Gate
from stateset_gql.pipeline.runner import Call, Gathered, Rendered, Runner, database_answers
from stateset_gql.pipeline.together import (
    Answer,
    Record,
    Step,
    run_chunk,
    run_claimed,
    run_together,
)
from stateset_gql.requestlogs import record


class Pipeline:
    def __init__(self, *, gate: Gate, runner: Runner) -> None:
        self.gate = gate
        self.runner = runner

    @property
    def engine(self) -> GraphQLEngine:
        return self.runner.engine

    async def authenticate(self, secret: str | None) -> Principal:
        """The caller behind ``secret``, or 401; the current request (if an HTTP one)
        becomes the caller's, and so is logged (``requestlogs.record``)."""
        with database_answers():
            principal = await self.gate.authenticate(secret)
        record.authenticated(principal)
        return principal

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
        record.named(operation.operation_name)
        checked = document.check(self.engine, operation, over, principal)
        record.named(document.operation_name(checked))
        return checked

    async def run(
        self,
        *,
        principal: Principal,
        request_id: str,
        call: Call,
        idempotency_key: str | None = None,
        gathered: Gathered | None = None,
    ) -> Rendered:
        """Runs ``call``; a document the server wrote has its input checked first. With
        ``gathered``, its after-commit work waits for ``hand_on``."""
        checked_key = _checked_key(call, idempotency_key)
        return await self.runner.run(
            principal=principal,
            request_id=request_id,
            call=self._input_checked(call),
            idempotency_key=checked_key,
            gathered=gathered,
        )

    async def hand_on(self, gathered: Gathered) -> None:
        """The after-commit work on what ``gathered`` holds: before the runs' answer."""
        await self.runner.hand_on(gathered)

    def _input_checked(self, call: Call) -> Call:
        """A document the server wrote, with its client's input put through the boundary."""
        if call.operation.checked is not None:
            return call
        operation = document.check_server(self.engine, call.operation)
        return dataclasses.replace(call, operation=operation)

    async def run_together(
        self,
        *,
        principal: Principal,
        request_id: str,
        steps: list[Step],
        answer: Answer,
        fingerprint: tuple[str, str, object],
        idempotency_key: str | None = None,
    ) -> Rendered:
        """The steps in one transaction (``pipeline.together``), each checked as ``run``
        checks a call; a step whose key is refused fails there."""
        checked: list[Step] = []
        for step in steps:
            call = step.call
            if isinstance(call, Call):
                try:
                    key = _checked_key(call, step.idempotency_key)
                    step = dataclasses.replace(
                        step, call=self._input_checked(call), idempotency_key=key
                    )
                except StateSetError as error:
                    step = dataclasses.replace(step, call=Rendered(*step.answer_error(error)))
            checked.append(step)
        return await run_together(
            self.runner,
            principal=principal,
            request_id=request_id,
            steps=checked,
            answer=answer,
            fingerprint=fingerprint,
            idempotency_key=idempotency.check_key(idempotency_key) if idempotency_key else None,
        )

    async def run_chunk(
        self,
        *,
        principal: Principal,
        request_id: str,
        steps: list[Call | Rendered],
        record: Record,
        stop_at_failure: bool = False,
    ) -> list[Rendered]:
        """A bulk job's chunk of client-checked calls in one transaction with its
        ``record`` (``pipeline.together.run_chunk``)."""
        return await run_chunk(
            self.runner,
            principal=principal,
            request_id=request_id,
            steps=steps,
            record=record,
            stop_at_failure=stop_at_failure,
        )

    async def run_claimed(
        self,
        *,
        principal: Principal,
        idempotency_key: str | None,
        fingerprint: tuple[str, str, object],
        work: Callable[[], Awaitable[Rendered]],
    ) -> Rendered:
        """``work`` (runs of its own) with its answer kept under ``idempotency_key``."""
        key = idempotency.check_key(idempotency_key) if idempotency_key is not None else None
        return await run_claimed(
            self.runner,
            principal=principal,
            idempotency_key=key,
            fingerprint=fingerprint,
            work=work,
        )


def _checked_key(call: Call, key: str | None) -> str | None:
    """A write's Idempotency-Key, checked; a read ignores one."""
    return idempotency.check_key(key) if call.write and key is not None else None
