"""The job queue in the database: claiming a job under a lease, recording its progress,
giving it back.

A claim takes the oldest queued job of an owner with fewer than ``max_running`` running
(API.md section 14: at most 5 an account and mode), or a running job whose lease lapsed
(its worker died), and marks it with the claimer's token until the lease ends. Claims
are serialized (on PostgreSQL by an advisory lock held for the claim's transaction; on
SQLite the database's one writer does it), so two workers never both start an owner's
sixth job. The lock serializes claims only: the job's other writers (a cancel ending a
queued job, its worker's record renewing a lapsed lease) are not held off by it, so the
row a claim takes is locked and read again as it is taken (on PostgreSQL ``FOR UPDATE
SKIP LOCKED``: a row such a writer holds is left to the next claim), and a claim never
overwrites what they committed meanwhile. The worker renews its lease while it runs the
job; every record it writes is fenced by its token, so a worker that lost its lease
(stalled past it, and another took the job over) writes nothing more.

A chunk's record (its results' part, the counts, where the next chunk starts) is written
in the transaction of the chunk's lines (``pipeline.together.run_chunk``): a chunk is
recorded with its changes or not at all, and a chunk not recorded runs again whole, so
each line runs once. A worker that lost its lease finds its record refused, and its
chunk rolled back with it.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.jobs.models import QUEUED, RUNNING, Job, JobResultPart

# The advisory lock claims take on PostgreSQL (an arbitrary constant of this project's).
_CLAIM_LOCK = 0x5E7_10B5
# Queued jobs a claim looks at, oldest first, for one whose owner has room.
_CANDIDATES = 50


class LeaseLost(Exception):
    """Another worker holds the job now: this one stops and records nothing more."""


@dataclass
class Claimed:
    """A job as its worker holds it: what it runs, and where its records stand."""

    id: str
    owner: Owner
    api_key_id: str
    type: str
    document: str
    variables: list[Any] | None
    variables_file_id: str | None
    error_policy: str
    request_id: str | None
    token: str
    validated: bool
    total: int
    cursor: str | None
    parts: int
    cancel_requested: bool
    # Counts recorded so far (the worker adds each chunk's).
    counts: dict[str, int] = field(default_factory=dict)


async def claim(*, db: Database, lease: timedelta, max_running: int) -> Claimed | None:
    """A job to run now under a new lease, or None."""
    async with db.session(write=True) as session, session.begin():
        if not db.is_sqlite:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CLAIM_LOCK})
        now = utcnow()
        job = (
            await session.execute(
                select(Job)
                .where(Job.status == RUNNING, Job.lease_until < now)
                .order_by(Job.lease_until)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).scalar_one_or_none()
        if job is None:
            job = await _queued_with_room(session, max_running)
        if job is None:
            return None
        token = secrets.token_hex(16)
        job.status = RUNNING
        job.lease_token = token
        job.lease_until = now + lease
        if job.started_at is None:
            job.started_at = now
        return Claimed(
            id=job.id,
            owner=job.owner,
            api_key_id=job.api_key_id,
            type=job.type,
            document=job.document,
            variables=job.variables,
            variables_file_id=job.variables_file_id,
            error_policy=job.error_policy,
            request_id=job.request_id,
            token=token,
            validated=job.validated,
            total=job.total,
            cursor=job.cursor,
            parts=job.parts,
            cancel_requested=job.cancel_requested,
            counts={"processed": job.processed, "succeeded": job.succeeded, "failed": job.failed},
        )


async def _queued_with_room(session: Any, max_running: int) -> Job | None:
    running = {
        (account, livemode): count
        for account, livemode, count in (
            await session.execute(
                select(Job.account_id, Job.livemode, func.count())
                .where(Job.status == RUNNING)
                .group_by(Job.account_id, Job.livemode)
            )
        ).all()
    }
    candidates = (
        await session.execute(
            select(Job).where(Job.status == QUEUED).order_by(Job.created, Job.id).limit(_CANDIDATES)
        )
    ).scalars()
    for job in list(candidates):
        if running.get((job.account_id, job.livemode), 0) < max_running:
            locked = await _still_queued(session, job.id)
            if locked is not None:
                return locked
    return None


async def _still_queued(session: Any, job_id: str) -> Job | None:
    """The job read again with its row locked for the claim, if it is still queued: not
    one a cancel ended since the candidates were read, nor one a cancel holds now."""
    found = await session.execute(
        select(Job)
        .where(Job.id == job_id, Job.status == QUEUED)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return found.scalar_one_or_none()  # type: ignore[no-any-return]


def _fenced(job: Claimed) -> Any:
    return update(Job).where(Job.id == job.id, Job.lease_token == job.token, Job.status == RUNNING)


async def renew(*, db: Database, job: Claimed, lease: timedelta) -> bool:
    """Extends the lease; whether the job is still this worker's."""
    async with db.session(write=True) as session, session.begin():
        result = await session.execute(
            _fenced(job).values(lease_until=utcnow() + lease).returning(Job.cancel_requested)
        )
        row = result.one_or_none()
    if row is not None:
        job.cancel_requested = bool(row[0])
    return row is not None


async def validated(*, db: Database, job: Claimed, total: int) -> None:
    """Every line was checked: the job's total, recorded."""
    async with db.session(write=True) as session, session.begin():
        result = await session.execute(
            _fenced(job).values(validated=True, total=total).returning(Job.id)
        )
        if result.one_or_none() is None:
            raise LeaseLost(job.id)
    job.validated, job.total = True, total


@dataclass(frozen=True)
class Progress:
    """What a chunk adds to its job: its results (JSONL) as part ``part`` and its counts;
    an export's page, the cursor after it."""

    results: bytes
    part: int
    processed: int
    succeeded: int
    failed: int
    cursor: str | None = None
    total: int | None = None


async def record(*, db: Database, job: Claimed, progress: Progress, lease: timedelta) -> None:
    """A chunk's record in a transaction of its own (an export's pages, which change
    nothing else)."""
    async with db.session(write=True) as session, session.begin():
        await record_in(session, job=job, progress=progress, lease=lease)
    recorded(job, progress)


async def record_in(
    session: AsyncSession, *, job: Claimed, progress: Progress, lease: timedelta
) -> None:
    """A chunk's results and counts, in ``session``'s transaction (the chunk's own, beside
    its lines' changes); ``LeaseLost`` if the job is no longer this worker's (the caller
    rolls back: nothing of the chunk is kept). Learns whether a cancel was asked for;
    ``recorded`` once the transaction committed."""
    values: dict[str, Any] = {
        "processed": Job.processed + progress.processed,
        "succeeded": Job.succeeded + progress.succeeded,
        "failed": Job.failed + progress.failed,
        "parts": Job.parts + (1 if progress.results else 0),
        "lease_until": utcnow() + lease,
    }
    if progress.cursor is not None:
        values["cursor"] = progress.cursor
    if progress.total is not None:
        values["total"] = progress.total
    row = (
        await session.execute(_fenced(job).values(**values).returning(Job.cancel_requested))
    ).one_or_none()
    if row is None:
        raise LeaseLost(job.id)
    if progress.results:
        await session.execute(
            insert(JobResultPart).values(job_id=job.id, number=progress.part, data=progress.results)
        )
    job.cancel_requested = bool(row[0])


def recorded(job: Claimed, progress: Progress) -> None:
    """The worker's copy of its job, once a chunk's record committed."""
    job.parts += 1 if progress.results else 0
    for name in ("processed", "succeeded", "failed"):
        job.counts[name] = job.counts.get(name, 0) + getattr(progress, name)
    if progress.cursor is not None:
        job.cursor = progress.cursor


async def release(*, db: Database, job: Claimed) -> None:
    """Gives a job back for another worker to take at once (this one is stopping)."""
    async with db.session(write=True) as session, session.begin():
        await session.execute(_fenced(job).values(lease_until=utcnow()))


async def recorded_parts(*, db: Database, job_id: str) -> list[int]:
    """The numbers of the job's recorded result parts, in order."""
    async with db.session(write=False) as session:
        found = await session.execute(
            select(JobResultPart.number)
            .where(JobResultPart.job_id == job_id)
            .order_by(JobResultPart.number)
        )
        return list(found.scalars())


async def results(*, db: Database, job_id: str) -> AsyncIterator[bytes]:
    """The job's results, a part at a time in order, each read on its own."""
    for number in await recorded_parts(db=db, job_id=job_id):
        async with db.session(write=False) as session:
            data = (
                await session.execute(
                    select(JobResultPart.data).where(
                        JobResultPart.job_id == job_id, JobResultPart.number == number
                    )
                )
            ).scalar_one_or_none()
        if data is None:
            return
        yield data


async def purge_expired_results(*, db: Database, now: datetime | None = None) -> int:
    """Deletes the results of jobs whose ``results_expires_at`` has passed (the job stays,
    its results answer 404); how many jobs'."""
    now = now or utcnow()
    async with db.session(write=True) as session, session.begin():
        expired = select(Job.id).where(Job.results_expires_at <= now, Job.parts > 0)
        ids = list((await session.execute(expired)).scalars())
        if ids:
            await session.execute(delete(JobResultPart).where(JobResultPart.job_id.in_(ids)))
            await session.execute(update(Job).where(Job.id.in_(ids)).values(parts=0))
    return len(ids)
