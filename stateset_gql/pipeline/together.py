"""Several calls as one: an atomic batch's unit of work, and an answer under one key.

``run_together`` runs steps in one transaction (API.md section 12, ``atomic: true``):
first, in order, each step's own Idempotency-Key is claimed (before the transaction: on
SQLite the transaction holds the one writer's lock a claim needs); then every step runs
on the resolvers in the one unit of work, each in a ``Context`` of its own (its loaders
see what the steps before it wrote); then the deferred moves settle and everything
commits at once, with every step's stored response and the whole answer's. The first
step that fails — refused before it ran, its key refused, an error of its own, or its
deferred stock move at commit (``Unsettled`` names the step) — rolls everything back:
nothing is committed, no event written, every claim released, and ``Together.failed``
is its index. Any error fails a step here, even one that commits alone (a recorded
card decline): in one transaction, a failure keeps nothing.

``run_chunk`` runs a bulk job's chunk of lines in one transaction, each line in a
savepoint of its own, and the job's record of them (``Record``) in the same transaction:
a line that fails is rolled back alone and answers its error, the others commit with
their events and the record, all or nothing (API.md section 14).

``run_claimed`` keeps the answer of work that commits in several transactions (a batch
that is not atomic) under one Idempotency-Key: claimed before it, stored after it in a
transaction of its own when any of it committed, else released.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access import idempotency
from stateset_gql.access.principal import Principal
from stateset_gql.db.uow import Notice, UnitOfWork, Unsettled, take_notices
from stateset_gql.errors import StateSetError
from stateset_gql.events.models import Event
from stateset_gql.graphql.context import Checker, Context
from stateset_gql.pipeline import document
from stateset_gql.pipeline.runner import Call, Rendered, Runner, database_answers


@dataclass(frozen=True)
class Step:
    """One call of several run together, or the answer that refused it before it ran."""

    call: Call | Rendered
    # How an error about the step (its key refused) is answered.
    answer_error: Callable[[StateSetError], tuple[int, bytes]]
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Together:
    """The steps' answers in order; when one failed, they stop at its answer (the last)
    and ``failed`` is its index: nothing of any step was kept."""

    results: list[Rendered]
    failed: int | None = None


# The whole answer, from the steps' (what is stored under the batch's key).
Answer = Callable[[Together], tuple[int, bytes]]


@dataclass
class _Claims:
    """The steps' claimed keys, by index, and the secrets their answers show once."""

    taken: dict[int, idempotency.Claim] = field(default_factory=dict)
    replays: dict[int, Rendered] = field(default_factory=dict)
    shown_once: set[str] = field(default_factory=set)


async def run_together(
    runner: Runner,
    *,
    principal: Principal,
    request_id: str,
    steps: Sequence[Step],
    answer: Answer,
    fingerprint: tuple[str, str, object],
    idempotency_key: str | None = None,
) -> Rendered:
    """The steps in one transaction; their answer (``answer``) stored under
    ``idempotency_key`` in that transaction. 503 when the database is out of reach."""
    with database_answers():
        return await _run_together(
            runner, principal, request_id, steps, answer, fingerprint, idempotency_key
        )


async def _claim(
    runner: Runner, principal: Principal, key: str, fingerprint: tuple[str, str, object]
) -> idempotency.Claim | idempotency.Replay:
    return await idempotency.claim(
        db=runner.db,
        api_key_id=principal.key_id,
        key=key,
        fingerprint=idempotency.fingerprint(*fingerprint),
        ttl_seconds=runner.settings.idempotency_ttl_seconds,
        lock_seconds=runner.settings.idempotency_lock_seconds,
    )


async def _claim_steps(
    runner: Runner, principal: Principal, steps: Sequence[Step], claims: _Claims
) -> tuple[int, Rendered] | None:
    """Claims each step's key in order; the first step refused (before running, or its
    key), with its answer."""
    for index, step in enumerate(steps):
        call = step.call
        if isinstance(call, Rendered):
            return index, call
        if step.idempotency_key is None or not call.write:
            continue
        try:
            claimed = await _claim(runner, principal, step.idempotency_key, call.fingerprint)
        except StateSetError as error:
            return index, Rendered(*step.answer_error(error))
        if isinstance(claimed, idempotency.Replay):
            claims.replays[index] = Rendered(claimed.status, claimed.body, replayed=True)
        else:
            claims.taken[index] = claimed
    return None


async def _run_together(
    runner: Runner,
    principal: Principal,
    request_id: str,
    steps: Sequence[Step],
    answer: Answer,
    fingerprint: tuple[str, str, object],
    key: str | None,
) -> Rendered:
    batch: idempotency.Claim | None = None
    if key is not None:
        claimed = await _claim(runner, principal, key, fingerprint)
        if isinstance(claimed, idempotency.Replay):
            return Rendered(claimed.status, claimed.body, replayed=True)
        batch = claimed
    claims = _Claims()
    lease = runner.settings.idempotency_lock_seconds
    events: list[Event] = []
    notices: list[Notice] = []
    together = Together([])
    uow: UnitOfWork | None = None
    final: tuple[int, bytes] | None = None
    committed = False
    try:
        refused = await _claim_steps(runner, principal, steps, claims)
        async with contextlib.AsyncExitStack() as kept:
            for claim in [batch, *claims.taken.values()]:
                await kept.enter_async_context(
                    idempotency.kept(db=runner.db, claim=claim, lock_seconds=lease)
                )
            async with runner.db.session(write=True) as session:
                uow = UnitOfWork(session=session, render=runner.render, request_id=request_id)
                together = await _execute(runner, principal, uow, steps, claims, refused)
                if together.failed is None:
                    final = answer(together)
                    if batch is not None:
                        await idempotency.store(
                            session=session,
                            claim=batch,
                            status=final[0],
                            body=final[1],
                            shown_once=claims.shown_once,
                        )
                    try:
                        events = await uow.commit()
                    except Unsettled as unsettled:
                        await uow.rollback()
                        together = _unsettled(runner, steps, together, unsettled, request_id)
                    else:
                        notices = take_notices(session)
                        committed = True
                else:
                    await uow.rollback()
    finally:
        if not committed:
            for claim in [batch, *claims.taken.values()]:
                if claim is not None:
                    await idempotency.release(db=runner.db, claim=claim, lock_seconds=lease)
    if uow is not None:
        await runner.finished(uow, events, notices)
    status, body = final if committed and final is not None else answer(together)
    return Rendered(status, body, committed=committed)


async def _execute(
    runner: Runner,
    principal: Principal,
    uow: UnitOfWork,
    steps: Sequence[Step],
    claims: _Claims,
    refused: tuple[int, Rendered] | None,
) -> Together:
    """Each step up to the first refused one, in the unit of work; stops at a failure."""
    results: list[Rendered] = []
    last = refused[0] if refused is not None else len(steps)
    for index, step in enumerate(steps[:last]):
        if index in claims.replays:
            results.append(claims.replays[index])
            continue
        call = step.call
        assert isinstance(call, Call)
        request_id = uow.request_id or ""
        context = Context(
            request_id=request_id,
            principal=principal,
            uow=uow,
            settings=runner.settings,
            check=document.checker(runner.engine, principal),
        )
        uow.current_operation = index
        result = await runner.engine.execute(call.operation, context, write=call.write)
        outcome = runner.outcome(result, call.write, request_id)
        runner.count(outcome)
        status, body = call.render(outcome)
        if outcome.errors:
            return Together([*results, Rendered(status, body)], index)
        if (claim := claims.taken.get(index)) is not None:
            await idempotency.store(
                session=uow.session,
                claim=claim,
                status=status,
                body=body,
                shown_once=context.shown_once,
            )
        claims.shown_once |= context.shown_once
        results.append(Rendered(status, body, committed=call.write))
    if refused is not None:
        return Together([*results, refused[1]], refused[0])
    return Together(results)


def _unsettled(
    runner: Runner,
    steps: Sequence[Step],
    together: Together,
    unsettled: Unsettled,
    request_id: str,
) -> Together:
    """The step whose deferred move failed at commit, answering its error."""
    index = unsettled.operation
    if not isinstance(index, int):
        raise unsettled.error
    call = steps[index].call
    assert isinstance(call, Call)
    outcome = runner.unsettled(unsettled, call.write, request_id)
    status, body = call.render(outcome)
    return Together([*together.results[:index], Rendered(status, body)], index)


# What a chunk's transaction records beside its lines' changes (the job's results and
# progress), given their answers; raising keeps nothing of the chunk.
Record = Callable[[AsyncSession, list[Rendered]], Awaitable[None]]


async def run_chunk(
    runner: Runner,
    *,
    principal: Principal,
    request_id: str,
    steps: Sequence[Call | Rendered],
    record: Record,
    stop_at_failure: bool = False,
) -> list[Rendered]:
    """Each step's answer, in order; every step that succeeded, and ``record``, committed
    together. A step already answered (refused before it could run) is passed through.
    Each call runs in a savepoint: one that fails and commits nothing alone (a recorded
    card decline commits) is rolled back to it, its events and deferred moves forgotten.
    A deferred move that fails at commit rolls everything back; its step answers its
    error and the chunk runs again without it. ``stop_at_failure``: the chunk ends at its
    first failed step (whose answer is recorded). 503 when the database is out of reach."""
    with database_answers():
        answered = {i: step for i, step in enumerate(steps) if isinstance(step, Rendered)}
        while True:
            done = await _run_chunk(
                runner, principal, request_id, steps, answered, record, stop_at_failure
            )
            if done is not None:
                return done


async def _run_chunk(
    runner: Runner,
    principal: Principal,
    request_id: str,
    steps: Sequence[Call | Rendered],
    answered: dict[int, Rendered],
    record: Record,
    stop_at_failure: bool,
) -> list[Rendered] | None:
    """One attempt; None when a deferred move failed at commit (now in ``answered``)."""
    check = document.checker(runner.engine, principal)
    async with runner.db.session(write=True) as session:
        uow = UnitOfWork(session=session, render=runner.render, request_id=request_id)
        results: list[Rendered] = []
        for index, step in enumerate(steps):
            if index in answered or isinstance(step, Rendered):
                results.append(answered[index])
            else:
                results.append(await _savepointed(runner, principal, uow, index, step, check))
            if stop_at_failure and results[-1].status >= 300:
                break
        try:
            # The deferred moves first, then the record: the job's row is held from the
            # record to the commit only, not while the stock settles.
            await uow.settle()
            await record(session, results)
            events = await uow.commit()
        except Unsettled as unsettled:
            await uow.rollback()
            index = unsettled.operation
            failing = steps[index] if isinstance(index, int) else None
            if not isinstance(failing, Call):
                raise unsettled.error from unsettled
            outcome = runner.unsettled(unsettled, True, request_id)
            answered[index] = Rendered(*failing.render(outcome))
            return None
        notices = take_notices(session)
    await runner.finished(uow, events, notices)
    return results


async def _savepointed(
    runner: Runner,
    principal: Principal,
    uow: UnitOfWork,
    index: int,
    call: Call,
    check: Checker,
) -> Rendered:
    mark = uow.mark()
    savepoint = await uow.session.begin_nested()
    request_id = uow.request_id or ""
    context = Context(
        request_id=request_id,
        principal=principal,
        uow=uow,
        settings=runner.settings,
        check=check,
    )
    uow.current_operation = index
    result = await runner.engine.execute(call.operation, context, write=True)
    outcome = runner.outcome(result, True, request_id)
    if outcome.committed:
        await uow.session.flush()
        await savepoint.commit()
    else:
        await savepoint.rollback()
        uow.rewind(mark)
    runner.count(outcome)
    status, body = call.render(outcome)
    return Rendered(status, body, committed=outcome.committed)


async def run_claimed(
    runner: Runner,
    *,
    principal: Principal,
    idempotency_key: str | None,
    fingerprint: tuple[str, str, object],
    work: Callable[[], Awaitable[Rendered]],
) -> Rendered:
    """``work``'s answer, kept under ``idempotency_key`` once any of it committed.

    The work commits in transactions of its own, so its answer is stored after them:
    a process that dies between leaves the key to lapse and a retry to run it again
    (each part under its own key, if it has one, then replays)."""
    if idempotency_key is None:
        return await work()
    with database_answers():
        claimed = await _claim(runner, principal, idempotency_key, fingerprint)
    if isinstance(claimed, idempotency.Replay):
        return Rendered(claimed.status, claimed.body, replayed=True)
    lease = runner.settings.idempotency_lock_seconds
    stored = False
    try:
        async with idempotency.kept(db=runner.db, claim=claimed, lock_seconds=lease):
            rendered = await work()
        if rendered.committed:
            with database_answers():
                async with runner.db.session(write=True) as session, session.begin():
                    await idempotency.store(
                        session=session,
                        claim=claimed,
                        status=rendered.status,
                        body=rendered.body,
                        shown_once=rendered.shown_once,
                    )
            stored = True
    finally:
        if not stored:
            await idempotency.release(db=runner.db, claim=claimed, lock_seconds=lease)
    return rendered
