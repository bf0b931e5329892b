"""The job tables: one row a job, its results in ``job_result_parts`` rows (JSONL bytes,
one part per chunk of lines the worker recorded), numbered from 0."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from stateset_gql.db.base import Base, JSONType, utcnow
from stateset_gql.db.owner import OwnerScoped

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = (
    "queued", "running", "succeeded", "failed", "cancelled",
)  # fmt: skip
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
ENDED = (SUCCEEDED, FAILED, CANCELLED)
BULK_MUTATION, BULK_QUERY = "bulk_mutation", "bulk_query"
TYPES = (BULK_MUTATION, BULK_QUERY)
ERROR_POLICIES = ("continue", "stop")


class Job(OwnerScoped, Base):
    """A job. Its recorded result parts (a mutation's, one a chunk of lines, numbered by
    the chunk) and ``cursor`` (a query's) say what is done: a worker taking a job over
    runs the rest. ``lease_token`` and
    ``lease_until`` say which worker runs it, until when; only that worker's records
    count."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_created", "status", "created"),
        Index("ix_jobs_account_id_livemode_created_id", "account_id", "livemode", "created", "id"),
        Index("ix_jobs_results_expires_at", "results_expires_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    livemode: Mapped[bool] = mapped_column(Boolean)
    api_key_id: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    document: Mapped[str] = mapped_column(Text)
    # Inline lines of variables (at most 1,000); a file's stay in the file.
    variables: Mapped[list[Any] | None] = mapped_column(JSONType, nullable=True)
    variables_file_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    error_policy: Mapped[str] = mapped_column(String(10), default="continue")
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    processed: Mapped[int] = mapped_column(BigInteger, default=0)
    succeeded: Mapped[int] = mapped_column(BigInteger, default=0)
    failed: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    validated: Mapped[bool] = mapped_column(Boolean, default=False)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    parts: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    lease_token: Mapped[str | None] = mapped_column(String(40), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    updated: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    results_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)


class JobResultPart(Base):
    """A piece of a job's results: JSONL, whole lines. A mutation's ``number`` is its
    chunk's (the chunks of a database are all one size), so a chunk is recorded once; an
    export's count up page by page."""

    __tablename__ = "job_result_parts"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
