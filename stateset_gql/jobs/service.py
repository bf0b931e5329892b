"""Jobs as the API creates, reads and cancels them (API.md section 14). The caller owns
the transaction; nothing here commits. What the worker does with a job is
``jobs/queue.py`` (claiming, recording) and ``pipeline/jobs.py`` (running)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Notice, Subject, UnitOfWork, notify
from stateset_gql.errors import BadRequest, Conflict, not_found
from stateset_gql.files.models import File
from stateset_gql.ids import new_id
from stateset_gql.jobs.models import (
    BULK_MUTATION,
    BULK_QUERY,
    CANCELLED,
    ENDED,
    ERROR_POLICIES,
    QUEUED,
    RUNNING,
    Job,
)

# Inline lines of variables a job may carry; more come as a file (API.md section 14).
MAX_INLINE_LINES = 1000
# How long a job's results are kept after it ends.
RESULTS_LIFETIME = timedelta(days=7)
# What the worker listens on to hear of a new job (it polls besides).
JOBS_CHANNEL = "stateset.jobs"

LIST_SPEC = ListSpec(
    id_column=Job.id,
    fields={
        "id": ListField(Job.id, "id", sortable=True),
        "type": ListField(Job.type, "enum"),
        "status": ListField(Job.status, "enum"),
        "created": ListField(Job.created, "datetime", sortable=True),
    },
)
JOBS = OwnedRows(Job, "job", LIST_SPEC)


@dataclass(frozen=True, kw_only=True)
class JobRequest:
    """A job to create, its document already checked by the GraphQL layer."""

    type: str
    document: str
    variables: list[Any] | None = None
    variables_file: str | None = None
    error_policy: str = "continue"
    # What the caller's params are inside (``input.`` for ``createJob``).
    prefix: str = ""


async def create(*, uow: UnitOfWork, owner: Owner, api_key_id: str, data: JobRequest) -> Job:
    """A queued job; the workers are told once the transaction commits."""
    session = uow.session
    at = data.prefix
    if data.error_policy not in ERROR_POLICIES:
        raise BadRequest("error_policy must be 'continue' or 'stop'", param=f"{at}errorPolicy")
    if data.type == BULK_MUTATION:
        if (data.variables is None) == (data.variables_file is None):
            raise BadRequest(
                "A bulk mutation takes its lines from 'variablesFile' or 'variables' (one)",
                param=f"{at}variables",
            )
        if data.variables is not None and not 1 <= len(data.variables) <= MAX_INLINE_LINES:
            raise BadRequest(
                f"'variables' holds 1 to {MAX_INLINE_LINES} lines; upload more as a file "
                "(POST /v1/files, purpose bulk_input) and pass 'variablesFile'",
                param=f"{at}variables",
            )
        if data.variables_file is not None:
            await _input_file(
                session=session,
                owner=owner,
                file_id=data.variables_file,
                param=f"{at}variablesFile",
            )
    elif data.type == BULK_QUERY:
        if data.variables is not None or data.variables_file is not None:
            raise BadRequest("A bulk query takes no variables", param=f"{at}variables")
    else:  # pragma: no cover - the GraphQL enum allows no other
        raise BadRequest(f"Unknown job type '{data.type}'", param=f"{at}type")
    now = utcnow()
    job = Job(
        id=new_id("job"),
        created=now,
        updated=now,
        account_id=owner.account_id,
        livemode=owner.livemode,
        api_key_id=api_key_id,
        type=data.type,
        status=QUEUED,
        document=data.document,
        variables=data.variables,
        variables_file_id=data.variables_file,
        error_policy=data.error_policy,
        total=len(data.variables) if data.variables is not None else 0,
        processed=0,
        succeeded=0,
        failed=0,
        validated=False,
        next_line=1,
        parts=0,
        cancel_requested=False,
        request_id=uow.request_id,
    )
    session.add(job)
    notify(session, Notice(JOBS_CHANNEL, job.id))
    return job


async def _input_file(*, session: Any, owner: Owner, file_id: str, param: str) -> File:
    file: File | None = (
        await session.execute(
            select(File).where(
                File.id == file_id,
                File.owned_by(owner),
                File.complete.is_(True),
                File.expires_at > utcnow(),
            )
        )
    ).scalar_one_or_none()
    if file is None:
        raise not_found("file", file_id, param=param)
    if file.purpose != "bulk_input":
        raise BadRequest("The file's purpose must be 'bulk_input'", param=param)
    return file


async def get(*, session: Any, owner: Owner, job_id: str, lock: bool = False) -> Job:
    return await JOBS.get(session=session, owner=owner, object_id=job_id, lock=lock)


async def list_page(*, session: Any, owner: Owner, request: PageRequest) -> Page[Job]:
    return await JOBS.list_page(session=session, owner=owner, request=request)


def subject(job: Job) -> Subject:
    return Subject("job", job.id, job.owner, job)


async def cancel(*, uow: UnitOfWork, owner: Owner, job_id: str) -> Job:
    """A queued job ends cancelled now; a running one is asked to stop, and its worker
    ends it within a chunk of lines (what ran stays done). 409 once it has ended."""
    job = await get(session=uow.session, owner=owner, job_id=job_id, lock=True)
    if job.status in ENDED:
        raise Conflict(f"The job has already ended ({job.status})", param="id")
    if job.status == RUNNING:
        job.cancel_requested = True
        return job
    before = await uow.snapshot(subject(job))
    end(job, CANCELLED, utcnow())
    uow.emit("job.cancelled", subject(job), before=before)
    return job


def end(job: Job, status: str, now: datetime, error: dict[str, Any] | None = None) -> None:
    """The job's row as it ends: its status, when, and how long its results are kept."""
    job.status = status
    job.error = error
    job.finished_at = now
    job.results_expires_at = now + RESULTS_LIFETIME
    job.lease_token = None
    job.lease_until = None
