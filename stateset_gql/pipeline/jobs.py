"""The job loop of ``stateset-gql worker`` (and of ``serve`` on memory://): claims jobs
(``jobs/queue.py``) and runs each line or page through the pipeline, as a request.

A bulk mutation is checked whole before any line runs: every line a JSON object whose
variables the document accepts (``graphql/jobs/documents.line_refusal``); the first bad
line fails the job, named by its number. Then its lines run in chunks (100 lines; 25 on
SQLite), each chunk one transaction (``pipeline.together.run_chunk``): each line runs as a
``/graphql`` request with its variables would (its document checked for the job's key,
its events), in a savepoint of its own, and the chunk's results part and counts are
recorded in the same transaction, fenced by the worker's lease. A chunk is recorded with
its lines' changes or not at all; a worker that dies leaves the chunks it did not record
to its successor, which runs only those: each line runs once and is recorded once. A
cancel asked for is seen at the next record.

Lines run without the gate: a job's lines spend no rate limit. What bounds a job is how
many chunks it runs at once (``job_concurrency``; one at a time under
``error_policy: stop``, so nothing runs past the first failure, and on SQLite, whose one
writer a chunk holds, with a pause after each) and how many jobs a worker runs
(``job_slots``).

A bulk query runs its paged document page after page, a page one request, and records
each page's rows as JSONL with the cursor after them.

A job ends in one unit of work with its event (``job.succeeded``, ``job.failed``,
``job.cancelled``), as every change does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Collection
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Principal
from stateset_gql.access.service import principal_of_key
from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import StateSetError
from stateset_gql.files import service as files
from stateset_gql.graphql.context import Checker
from stateset_gql.graphql.errors import in_graphql_names
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.jobs import documents
from stateset_gql.graphql.jobs.documents import BulkMutation, BulkQuery
from stateset_gql.ids import new_id
from stateset_gql.jobs import queue, service
from stateset_gql.jobs.models import (
    BULK_MUTATION,
    CANCELLED,
    FAILED,
    RUNNING,
    SUCCEEDED,
    Job,
)
from stateset_gql.jobs.queue import Claimed, LeaseLost, Progress
from stateset_gql.pipeline.document import Over, checker
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.runner import Call, Outcome, Rendered
from stateset_gql.settings import Settings

log = logging.getLogger("stateset_gql.jobs")

# Lines a chunk holds: its results and counts are recorded together, and a cancel is
# seen between chunks.
CHUNK_LINES = 100
# On SQLite a chunk holds the one writer's lock from its first write to its commit: a
# smaller chunk keeps a request waiting behind it under ~0.1 s.
SQLITE_CHUNK_LINES = 25
# An export records its rows once this many are held (a few pages).
EXPORT_ROWS = 1000
# On SQLite, the least pause after each chunk (see ``_chunk``).
SQLITE_PAUSE = 0.1
# At most this many running jobs an account and mode (API.md section 14).
MAX_RUNNING = 5


class JobFailed(Exception):
    """The whole job fails: ``error`` says why (API.md section 14's ``error``)."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message"))
        self.error = error


def _failure(error: StateSetError, line: int | None = None) -> JobFailed:
    body: dict[str, Any] = {"code": error.code}
    if line is not None:
        body["line"] = line
    body["message"] = error.message
    return JobFailed(body)


def _line_body(outcome: Outcome, request_id: str) -> tuple[int, bytes]:
    """A line's result, as the job's results show it after its number: the mutation's
    data, or its error in the contract's format (section 4, GraphQL's names)."""
    if outcome.errors:
        error, domain = outcome.errors[0]
        domain = in_graphql_names(error, domain)
        return domain.status, orjson.dumps({"error": domain.to_payload(request_id)})
    return 200, orjson.dumps({"data": outcome.result.data})


class JobWorker:
    def __init__(self, *, db: Database, settings: Settings, pipeline: Pipeline) -> None:
        self.db = db
        self.settings = settings
        self.pipeline = pipeline
        self._wake = asyncio.Event()
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        self.chunk_lines = SQLITE_CHUNK_LINES if db.is_sqlite else CHUNK_LINES

    def notify(self) -> None:
        """A job may be waiting: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Claims and runs jobs until ``stop`` is set; then each running job stops at its
        next record and is given back for another worker to take at once."""
        running: set[asyncio.Task[None]] = set()
        while not stop.is_set():
            while len(running) < self.settings.job_slots:
                try:
                    claimed = await queue.claim(
                        db=self.db, lease=self.lease, max_running=MAX_RUNNING
                    )
                except Exception:
                    log.exception("claiming a job failed")
                    claimed = None
                if claimed is None:
                    break
                task = asyncio.create_task(self._run(claimed, stop))
                running.add(task)
                task.add_done_callback(running.discard)
            self._wake.clear()
            waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(
                [*waits, *running],
                timeout=self.settings.job_poll_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            for waiting in waits:
                waiting.cancel()
        if running:
            await asyncio.wait(running, timeout=30)

    async def _run(self, job: Claimed, stop: asyncio.Event) -> None:
        keeper = asyncio.create_task(self._keep_lease(job))
        try:
            await self._job(job, stop)
        except LeaseLost:
            log.info("job %s was taken over by another worker", job.id)
        except _Stopping:
            await queue.release(db=self.db, job=job)
        except Exception:
            # Not the job's fault (the database went away): another claim retries it once
            # the lease lapses.
            log.exception("job %s stopped unexpectedly", job.id)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _keep_lease(self, job: Claimed) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                if not await queue.renew(db=self.db, job=job, lease=self.lease):
                    return
            except Exception:
                log.exception("renewing job %s's lease failed", job.id)

    async def _job(self, job: Claimed, stop: asyncio.Event) -> None:
        try:
            principal = await self._principal(job)
            if job.cancel_requested:
                raise _Cancelled
            if job.type == BULK_MUTATION:
                await self._mutation(job, principal, stop)
            else:
                await self._query(job, principal, stop)
        except JobFailed as failed:
            await self._end(job, FAILED, failed.error)
        except _Cancelled:
            await self._end(job, CANCELLED)
        else:
            await self._end(job, SUCCEEDED)

    def _checker(self, principal: Principal) -> Checker:
        return checker(self.pipeline.engine, principal)

    async def _principal(self, job: Claimed) -> Principal:
        try:
            async with self.db.session(write=False) as session:
                return await principal_of_key(session=session, key_id=job.api_key_id)
        except StateSetError:
            raise JobFailed(
                {
                    "code": "INVALID_API_KEY",
                    "message": "The API key that created the job was revoked",
                }
            ) from None

    # ------------------------------------------------------------------ bulk mutation

    async def _mutation(self, job: Claimed, principal: Principal, stop: asyncio.Event) -> None:
        schema = core_schema(self.pipeline.engine.schema)
        try:
            bulk = documents.bulk_mutation(self._checker(principal), job.document)
        except StateSetError as error:
            raise _failure(error) from None
        if not job.validated:
            total = 0
            async for number, variables in self._lines(job):
                refusal = documents.line_refusal(schema, bulk, variables)
                if refusal is not None:
                    raise JobFailed(
                        {"code": "VALIDATION_ERROR", "line": number, "message": refusal}
                    )
                total = number
            if total == 0:
                raise JobFailed({"code": "VALIDATION_ERROR", "message": "The file holds no lines"})
            await queue.validated(db=self.db, job=job, total=total)
        done = set(await queue.recorded_parts(db=self.db, job_id=job.id))
        # SQLite has one writer: chunks at once would only queue for it.
        alone = job.error_policy == "stop" or self.db.is_sqlite
        width = 1 if alone else self.settings.job_concurrency
        running: set[asyncio.Task[None]] = set()
        try:
            async for part, lines in self._chunks(job, skip=done):
                while len(running) >= width:
                    finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    running -= finished
                    # The first chunk to end the job (failed, cancelled, stopping) ends
                    # the loop; every finished chunk's outcome is taken.
                    ends = [e for t in finished if (e := t.exception()) is not None]
                    if ends:
                        raise ends[0]
                task = asyncio.create_task(self._chunk(job, principal, bulk, part, lines, stop))
                running.add(task)
        finally:
            # Chunks under way finish (what they ran stays done) before the job ends.
            ended = await asyncio.gather(*running, return_exceptions=True)
        for outcome in ended:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _chunks(
        self, job: Claimed, *, skip: set[int]
    ) -> AsyncIterator[tuple[int, list[tuple[int, Any]]]]:
        """The job's lines in chunks, each with its part number, but those in ``skip``."""
        chunk: list[tuple[int, Any]] = []
        async for number, variables in self._lines(job, skip=skip):
            chunk.append((number, variables))
            if number % self.chunk_lines == 0:
                yield (number - 1) // self.chunk_lines, chunk
                chunk = []
        if chunk:
            yield (chunk[0][0] - 1) // self.chunk_lines, chunk

    async def _chunk(
        self,
        job: Claimed,
        principal: Principal,
        bulk: BulkMutation,
        part: int,
        lines: list[tuple[int, Any]],
        stop: asyncio.Event,
    ) -> None:
        """Runs a chunk's lines and records them in one transaction, as result part
        ``part``; under ``stop`` the chunk ends at its first failed line, and so does the
        job."""
        request_id = new_id("req")
        steps = [self._call(bulk, principal, variables, request_id) for _, variables in lines]
        stop_on_failure = job.error_policy == "stop"
        progress: list[Progress] = []

        async def record(session: AsyncSession, answers: list[Rendered]) -> None:
            numbered = [(number, a) for (number, _), a in zip(lines, answers, strict=False)]
            failed = sum(1 for _, a in numbered if a.status != 200)
            progress[:] = [
                Progress(
                    results=b"".join(
                        b'{"line":%d,%s\n' % (number, a.body[1:]) for number, a in numbered
                    ),
                    part=part,
                    processed=len(numbered),
                    succeeded=len(numbered) - failed,
                    failed=failed,
                )
            ]
            await queue.record_in(session, job=job, progress=progress[0], lease=self.lease)

        started = time.monotonic()
        answers = await self.pipeline.run_chunk(
            principal=principal,
            request_id=request_id,
            steps=steps,
            record=record,
            stop_at_failure=stop_on_failure,
        )
        queue.recorded(job, progress[0])
        if self.db.is_sqlite:
            # The one writer's lock is handed on to whoever waits for it (a request sleeps
            # in SQLite's busy handler, up to 100 ms at a time): the job holds it at most
            # half the time, so it never starves interactive writes.
            await asyncio.sleep(max(time.monotonic() - started, SQLITE_PAUSE))
        failures = [(n, a) for (n, _), a in zip(lines, answers, strict=False) if a.status != 200]
        if failures and stop_on_failure:
            number, answer = failures[0]
            error = orjson.loads(answer.body)["error"]
            raise JobFailed({"code": error["code"], "line": number, "message": error["message"]})
        self._between_chunks(job, stop)

    def _between_chunks(self, job: Claimed, stop: asyncio.Event) -> None:
        if job.cancel_requested:
            raise _Cancelled
        if stop.is_set():
            raise _Stopping

    def _call(
        self, bulk: BulkMutation, principal: Principal, variables: Any, request_id: str
    ) -> Call | Rendered:
        """One line as a request of its own would run, or the answer refusing it."""
        try:
            operation = self.pipeline.check(
                bulk.text, variables, None, over=Over.POST, principal=principal
            )
        except StateSetError as error:
            return Rendered(error.status, orjson.dumps({"error": error.to_payload(request_id)}))
        return Call(
            operation=operation,
            write=True,
            render=lambda outcome: _line_body(outcome, request_id),
        )

    async def _lines(
        self, job: Claimed, *, skip: Collection[int] = ()
    ) -> AsyncIterator[tuple[int, Any]]:
        """The job's lines, numbered from 1, each parsed, but those of the chunks in
        ``skip`` (``JobFailed`` names a line that is no JSON, met in the check before
        anything runs)."""
        if job.variables is not None:
            for number, variables in enumerate(job.variables, start=1):
                if (number - 1) // self.chunk_lines not in skip:
                    yield number, variables
            return
        number = 0
        async for raw in self._file_lines(job):
            number += 1
            if number % 1000 == 0:
                await asyncio.sleep(0)  # a long file leaves the loop to others
            if (number - 1) // self.chunk_lines in skip:
                continue
            try:
                yield number, orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                raise JobFailed(
                    {
                        "code": "VALIDATION_ERROR",
                        "line": number,
                        "message": f"the line is not valid JSON: {error}",
                    }
                ) from None

    async def _file_lines(self, job: Claimed) -> AsyncIterator[bytes]:
        assert job.variables_file_id is not None
        try:
            file = await files.get(db=self.db, owner=job.owner, file_id=job.variables_file_id)
        except StateSetError:
            raise JobFailed(
                {
                    "code": "RESOURCE_NOT_FOUND",
                    "message": f"The variables file {job.variables_file_id} expired or was deleted",
                }
            ) from None
        pending = b""
        async for data in files.contents(db=self.db, file=file):
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line.rstrip(b"\r")
        if pending.strip():
            yield pending.rstrip(b"\r")

    # ------------------------------------------------------------------ bulk query

    async def _query(self, job: Claimed, principal: Principal, stop: asyncio.Event) -> None:
        try:
            bulk = documents.bulk_query(
                self._checker(principal), core_schema(self.pipeline.engine.schema), job.document
            )
        except StateSetError as error:
            raise _failure(error) from None
        cursor = job.cursor
        held: list[bytes] = []
        while True:
            rows, after = await self._page(job, principal, bulk, cursor)
            held.extend(orjson.dumps(row) + b"\n" for row in rows)
            last = after is None
            if len(held) >= EXPORT_ROWS or last:
                count = len(held)
                progress = Progress(
                    results=b"".join(held),
                    part=job.parts,
                    processed=count,
                    succeeded=count,
                    failed=0,
                    cursor=after,
                    total=job.counts.get("processed", 0) + count,
                )
                await queue.record(db=self.db, job=job, progress=progress, lease=self.lease)
                held = []
                if not last:
                    self._between_chunks(job, stop)
            if last:
                return
            cursor = after

    async def _page(
        self, job: Claimed, principal: Principal, bulk: BulkQuery, cursor: str | None
    ) -> tuple[list[Any], str | None]:
        request_id = new_id("req")
        variables = {documents.FIRST: bulk.page_size, documents.AFTER: cursor}
        operation = self.pipeline.check(
            bulk.paged, variables, None, over=Over.POST, principal=principal
        )
        outcomes: list[Outcome] = []

        def render(outcome: Outcome) -> tuple[int, bytes]:
            outcomes.append(outcome)
            return 200, b""

        await self.pipeline.run(
            principal=principal,
            request_id=request_id,
            call=Call(operation=operation, write=False, render=render),
        )
        outcome = outcomes[-1]
        if outcome.errors:
            raise _failure(outcome.errors[0][1])
        answer = orjson.loads(orjson.dumps(outcome.result.data))
        return documents.page_of(answer, bulk)

    # ------------------------------------------------------------------ the end

    async def _end(self, job: Claimed, status: str, error: dict[str, Any] | None = None) -> None:
        """The job ends with its event, in one unit of work, if it is still this
        worker's."""
        runner = self.pipeline.runner
        async with self.db.session(write=True) as session:
            uow = UnitOfWork(session=session, render=runner.render, request_id=job.request_id)
            row = (
                await session.execute(
                    select(Job)
                    .where(Job.id == job.id, Job.lease_token == job.token, Job.status == RUNNING)
                    .with_for_update()
                )
            ).scalar_one_or_none()
            if row is None:
                raise LeaseLost(job.id)
            subject = service.subject(row)
            before = await uow.snapshot(subject)
            service.end(row, status, utcnow(), error)
            uow.emit(f"job.{status}", subject, before=before)
            events = await uow.commit()
        await runner.finished(uow, events, [])


class _Cancelled(Exception):
    """A cancel was asked for: the job ends cancelled at this record."""


class _Stopping(Exception):
    """The worker is stopping: the job goes back to the queue at this record."""
