"""Runs one GraphQL operation for one caller: the transaction, idempotency and events.

Every surface (``/graphql`` and the REST facade) calls ``Executor.run`` with the
operation and a ``render`` function that turns the outcome into its status and body.
A mutation runs in one write transaction. It commits when every field succeeded, or
when its only errors are ones that commit (a recorded card decline); otherwise the
whole operation is rolled back, so a failed request leaves the database as it was.
With an Idempotency-Key, the rendered response is stored in that same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from stateset_gql.access import idempotency
from stateset_gql.access.principal import Principal
from stateset_gql.db.engine import Database
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import StateSetError
from stateset_gql.graphql.context import Context
from stateset_gql.graphql.errors import log_unexpected, to_domain_error
from stateset_gql.graphql.schema import schema
from stateset_gql.ops.metrics import Metrics
from stateset_gql.realtime.broadcast import BroadcastHub
from stateset_gql.settings import Settings

log = logging.getLogger("stateset_gql.executor")

QUERY_ONLY = (OperationType.QUERY,)
QUERY_OR_MUTATION = (OperationType.QUERY, OperationType.MUTATION)


@dataclass(frozen=True)
class Operation:
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


@dataclass
class Outcome:
    result: ExecutionResult
    write: bool
    # Each GraphQL error beside the domain error it stands for.
    errors: list[tuple[GraphQLError, StateSetError]] = field(default_factory=list)
    committed: bool = False


@dataclass(frozen=True)
class Rendered:
    status: int
    body: bytes
    replayed: bool = False


@dataclass(frozen=True)
class IdempotencyRequest:
    key: str
    fingerprint: str


class Executor:
    def __init__(
        self, *, db: Database, settings: Settings, hub: BroadcastHub, metrics: Metrics
    ) -> None:
        self.db = db
        self.settings = settings
        self.hub = hub
        self.metrics = metrics

    async def run(
        self,
        *,
        principal: Principal,
        request_id: str,
        operation: Operation,
        write: bool,
        render: Callable[[Outcome], tuple[int, bytes]],
        idempotency_request: IdempotencyRequest | None = None,
    ) -> Rendered:
        claim: idempotency.Claim | None = None
        if write and idempotency_request is not None:
            claimed = await idempotency.claim(
                db=self.db,
                api_key_id=principal.key_id,
                key=idempotency_request.key,
                fingerprint=idempotency_request.fingerprint,
                ttl_seconds=self.settings.idempotency_ttl_seconds,
                lock_seconds=self.settings.idempotency_lock_seconds,
            )
            if isinstance(claimed, idempotency.Replay):
                return Rendered(status=claimed.status, body=claimed.body, replayed=True)
            claim = claimed
        stored = False
        try:
            async with self.db.session(write=write) as session:
                uow = UnitOfWork(
                    session=session,
                    request_id=request_id,
                    idempotency_key=claim.key if claim else None,
                )
                context = Context(
                    request_id=request_id,
                    principal=principal,
                    uow=uow,
                    db=self.db,
                    settings=self.settings,
                )
                result = await schema.execute(
                    operation.query,
                    variable_values=operation.variables,
                    context_value=context,
                    operation_name=operation.operation_name,
                    allowed_operation_types=QUERY_OR_MUTATION if write else QUERY_ONLY,
                )
                outcome = Outcome(result=result, write=write)
                for error in result.errors or []:
                    domain = to_domain_error(error)
                    if domain.code == "INTERNAL_ERROR":
                        log_unexpected(error, request_id)
                    outcome.errors.append((error, domain))
                commits = write and all(domain.commits for _, domain in outcome.errors)
                outcome.committed = commits
                status, body = render(outcome)
                if commits:
                    if claim is not None:
                        await idempotency.store(
                            session=session, claim=claim, status=status, body=body
                        )
                    events = await uow.commit()
                    stored = claim is not None
                    self.metrics.events.inc(len(events))
                    await self.hub.publish_events(event.to_dict() for event in events)
                else:
                    await uow.rollback()
                kind = "mutation" if write else "query"
                self.metrics.operations.labels(kind, "error" if outcome.errors else "ok").inc()
                return Rendered(status=status, body=body)
        finally:
            if claim is not None and not stored:
                await idempotency.release(db=self.db, claim=claim)
