"""The unit-of-work runner: one call's transaction around the engine.

``Runner.run`` claims the Idempotency-Key (if any), opens the session, has the engine
execute, renders, stores the idempotent response and commits the change with its events
— or rolls everything back — and only once the connection is back in the pool runs the
after-commit work: first the commit's notices (a key revoked: this process forgets it,
then every other one is told), then publishing the events. Runs one after another that
answer together (a batch that is not atomic) may hand their events to a ``Gathered``
instead: the after-commit work then runs on several commits' events at once, in commit
order, before the answer they share. It knows nothing of HTTP: a surface hands it a
``Call`` and gets a ``Rendered`` back. A query the compiled read engine
answers whole needs none of that: it runs first, on a pooled connection, with no session.

A mutation commits when every field succeeded, or when its only errors are ones that
commit (a recorded card decline); otherwise the whole operation is rolled back, so a
failed request leaves the database as it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from strawberry.types import ExecutionResult

from stateset_gql.access import idempotency
from stateset_gql.access.principal import Principal
from stateset_gql.db.engine import Database, unavailable
from stateset_gql.db.uow import Notice, Renderer, UnitOfWork, Unsettled, take_notices
from stateset_gql.errors import ServiceUnavailable, StateSetError
from stateset_gql.events.models import Event
from stateset_gql.graphql.context import Context, RootField
from stateset_gql.graphql.engine import GraphQLEngine, Operation
from stateset_gql.graphql.errors import log_unexpected, to_domain_errors
from stateset_gql.graphql.internals import core_schema
from stateset_gql.ops.metrics import Metrics
from stateset_gql.pipeline import document
from stateset_gql.settings import Settings

log = logging.getLogger("stateset_gql.runner")

# Work done after a commit, with the connection back in the pool.
AfterCommit = Callable[[Sequence[Event]], Awaitable[None]]
# What a commit's notices are handed to, in order, before the response goes out.
OnNotices = Callable[[Sequence[Notice]], Awaitable[None]]


@dataclass
class Outcome:
    result: ExecutionResult
    write: bool
    # Each GraphQL error beside the domain error it stands for.
    errors: list[tuple[GraphQLError, StateSetError]] = field(default_factory=list)
    committed: bool = False
    # False when a request error stopped the operation before execution began (its
    # document refused, its variables not coerced): GraphQL then answers with no data.
    executed: bool = True


@dataclass(frozen=True)
class Call:
    """What a surface asks to run: the operation, and how its outcome is answered."""

    operation: Operation
    write: bool
    render: Callable[[Outcome], tuple[int, bytes]]
    # What an Idempotency-Key's fingerprint covers: method, path and body.
    fingerprint: tuple[str, str, Any] = ("", "", None)
    # Headers the surface adds to its answer.
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Rendered:
    status: int
    body: bytes
    replayed: bool = False
    # Which engine answered: "compiled" (one SQL statement per root field) or "resolver".
    engine: str = "resolver"
    # Whether this run committed a change (a replay committed nothing new).
    committed: bool = False
    # Secrets the body shows once, never to be stored (a new key's).
    shown_once: frozenset[str] = frozenset()


# How long a ``Gathered`` holds its oldest commit's events, and how many it holds at
# most, before handing them on: well inside the relay's grace (2 s) and the outbox's
# mark (1,000 events), so held events are never taken for ones a crash left.
GATHER_SECONDS = 0.25
GATHER_EVENTS = 500


@dataclass
class Gathered:
    """Several runs' committed events, in commit order, whose after-commit work runs
    once for them all (``Runner.hand_on``) rather than after each commit: whoever runs
    them hands them on whenever ``due`` between runs, and before their answer."""

    events: list[Event] = field(default_factory=list)
    # When the oldest event held was committed (``time.monotonic``).
    since: float = 0.0

    def hold(self, events: Sequence[Event]) -> None:
        if events and not self.events:
            self.since = time.monotonic()
        self.events.extend(events)

    def due(self) -> bool:
        """Whether what is held should go now (asked between runs: a run that commits
        nothing, a read, ends as late as one that does)."""
        return len(self.events) >= GATHER_EVENTS or (
            bool(self.events) and time.monotonic() - self.since >= GATHER_SECONDS
        )


class Runner:
    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        engine: GraphQLEngine,
        render: Renderer,
        metrics: Metrics,
        after_commit: Sequence[AfterCommit] = (),
        on_notices: Sequence[OnNotices] = (),
    ) -> None:
        self.db = db
        self.settings = settings
        self.engine = engine
        self.render = render
        self.metrics = metrics
        self.after_commit = list(after_commit)
        self.on_notices = list(on_notices)

    async def run(
        self,
        *,
        principal: Principal,
        request_id: str,
        call: Call,
        idempotency_key: str | None = None,
        gathered: Gathered | None = None,
    ) -> Rendered:
        """The call's answer; ``ServiceUnavailable`` (503) when the database refused or
        lost its connection on the way, whatever part of the request it stopped. With
        ``gathered``, its events join those held there (see ``hand_on``)."""
        with database_answers():
            return await self._run(
                principal=principal,
                request_id=request_id,
                call=call,
                idempotency_key=idempotency_key,
                gathered=gathered,
            )

    async def _run(
        self,
        *,
        principal: Principal,
        request_id: str,
        call: Call,
        idempotency_key: str | None,
        gathered: Gathered | None,
    ) -> Rendered:
        if not call.write:
            # A query the compiled engine answers whole needs no session, unit of work or
            # transaction: one pooled connection runs its statements.
            compiled = await self.engine.read(call.operation, principal, self.db.reader)
            if compiled is not None:
                outcome = self.outcome(compiled, False, request_id)
                status, body = call.render(outcome)
                self.count(outcome)
                return Rendered(status=status, body=body, engine="compiled")
        claim: idempotency.Claim | None = None
        if call.write and idempotency_key is not None:
            claimed = await idempotency.claim(
                db=self.db,
                api_key_id=principal.key_id,
                key=idempotency_key,
                fingerprint=idempotency.fingerprint(*call.fingerprint),
                ttl_seconds=self.settings.idempotency_ttl_seconds,
                lock_seconds=self.settings.idempotency_lock_seconds,
            )
            if isinstance(claimed, idempotency.Replay):
                return Rendered(status=claimed.status, body=claimed.body, replayed=True)
            claim = claimed
        events: list[Event] = []
        notices: list[Notice] = []
        stored = committed = False
        lease = self.settings.idempotency_lock_seconds
        try:
            # The claim's lease is renewed while the request runs: only a dead process's
            # claim ever lapses, so a retry never takes over a request still running.
            async with (
                idempotency.kept(db=self.db, claim=claim, lock_seconds=lease),
                self.db.session(write=call.write) as session,
            ):
                uow = UnitOfWork(
                    session=session,
                    render=self.render,
                    request_id=request_id,
                    idempotency_key=claim.key if claim else None,
                )
                context = Context(
                    request_id=request_id,
                    principal=principal,
                    uow=uow,
                    settings=self.settings,
                    check=document.checker(self.engine, principal),
                )
                result = await self.engine.execute(call.operation, context, write=call.write)
                outcome = self.outcome(result, call.write, request_id)
                status, body = call.render(outcome)
                if outcome.committed:
                    if claim is not None:
                        # Fenced: raises (and so rolls back) if the claim was taken over.
                        await idempotency.store(
                            session=session,
                            claim=claim,
                            status=status,
                            body=body,
                            shown_once=context.shown_once,
                        )
                    try:
                        events = await uow.commit()
                    except Unsettled as unsettled:
                        # A move deferred to the end failed there (the stock went first):
                        # nothing is kept, and the field answers that error.
                        await uow.rollback()
                        outcome = self.unsettled(unsettled, call.write, request_id)
                        status, body = call.render(outcome)
                    else:
                        notices = take_notices(session)
                        stored, committed = claim is not None, True
                else:
                    await uow.rollback()
        finally:
            if claim is not None and not stored:
                # Changed nothing: the key is free again, at once if the database answers
                # now, else as soon as it does (a retry is told 409 until then).
                await idempotency.release(db=self.db, claim=claim, lock_seconds=lease)
        self.count(outcome)
        await self.finished(uow, events, notices, gathered)
        return Rendered(
            status=status,
            body=body,
            engine="resolver",
            committed=committed,
            shown_once=frozenset(context.shown_once),
        )

    async def finished(
        self,
        uow: UnitOfWork,
        events: list[Event],
        notices: list[Notice],
        gathered: Gathered | None = None,
    ) -> None:
        """After a unit of work ended, its connection back in the pool: the commit's
        notices, the measures, then the after-commit work on its events — or, with
        ``gathered``, its events held there for ``hand_on``."""
        for handle in self.on_notices if notices else ():
            await handle(notices)
        self.metrics.events.inc(len(events))
        if uow.hot_locked_for is not None:
            self.metrics.hot_rows_held.observe(uow.hot_locked_for)
        if uow.counter_locked_for is not None:
            self.metrics.event_counter_held.observe(uow.counter_locked_for)
        if gathered is None:
            await self._after_commit(events)
        else:
            gathered.hold(events)

    async def hand_on(self, gathered: Gathered) -> None:
        """The after-commit work on the events ``gathered`` holds, at once, in commit
        order; it holds none after. Called before the answer the runs share."""
        events, gathered.events = gathered.events, []
        await self._after_commit(events)

    async def _after_commit(self, events: list[Event]) -> None:
        for hook in self.after_commit if events else ():
            try:
                await hook(events)
            except Exception:
                # Committed is committed: the relay republishes what a hook missed.
                log.exception("after-commit work failed")

    def count(self, outcome: Outcome) -> None:
        kind = "mutation" if outcome.write else "query"
        self.metrics.operations.labels(kind, "error" if outcome.errors else "ok").inc()

    def unsettled(self, unsettled: Unsettled, write: bool, request_id: str) -> Outcome:
        """The outcome of the field whose deferred move failed at commit: its error."""
        if not isinstance(unsettled.error, StateSetError):
            raise unsettled.error
        field = unsettled.field if isinstance(unsettled.field, RootField) else None
        error = GraphQLError(
            str(unsettled.error),
            nodes=field.node if field else None,
            path=[field.key] if field else None,
            original_error=unsettled.error,
        )
        result = ExecutionResult(data=None, errors=[error])
        return self.outcome(result, write, request_id)

    def outcome(self, result: ExecutionResult, write: bool, request_id: str) -> Outcome:
        """What the engine's ``result`` comes to: its errors as domain errors, and
        whether a write commits."""
        return _outcome(result, write, request_id, core_schema(self.engine.schema))


def _outcome(
    result: ExecutionResult, write: bool, request_id: str, schema: GraphQLSchema
) -> Outcome:
    outcome = Outcome(result=result, write=write)
    # Execution places every error it meets at a field; a request error has no path.
    outcome.executed = result.data is not None or any(
        error.path is not None for error in result.errors or ()
    )
    for error, domain in to_domain_errors(list(result.errors or []), schema):
        if domain.code == "INTERNAL_ERROR" and unavailable(error.original_error or error):
            # Not this field's fault: the whole request is answered 503 (and rolled back).
            raise _unavailable() from error.original_error
        if domain.code == "INTERNAL_ERROR":
            log_unexpected(error, request_id)
        outcome.errors.append((error, domain))
    outcome.committed = write and all(domain.commits for _, domain in outcome.errors)
    return outcome


@contextmanager
def database_answers() -> Iterator[None]:
    """The block, with the database refusing or losing its connection (too many clients,
    down, no pooled connection in time) answered 503 ``ServiceUnavailable``, not 500."""
    try:
        yield
    except StateSetError:
        raise
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.warning("the database is unavailable: %s", type(exc).__name__)
        raise _unavailable() from exc


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "The database is unavailable right now; retry after the Retry-After seconds "
        "(with the same Idempotency-Key, a write is applied at most once)."
    )
