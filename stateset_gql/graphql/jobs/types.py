"""The job output type, its enums and list arguments (API.md section 14)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.objects import Mapped
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.jobs import service
from stateset_gql.jobs.models import Job as JobModel


@strawberry.enum
class JobType(Enum):
    BULK_MUTATION = "bulk_mutation"
    BULK_QUERY = "bulk_query"


@strawberry.enum
class JobStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.enum
class JobErrorPolicy(Enum):
    CONTINUE = "continue"
    STOP = "stop"


@strawberry.type(
    description="A bulk job: a mutation run once per line of variables, or a query's "
    "connection exported whole. Its results: `GET /v1/jobs/{id}/results` (JSONL)."
)
class Job(Node, Mapped):
    id: strawberry.ID
    object: str
    type: JobType
    status: JobStatus
    total: int = strawberry.field(
        description="Lines to run (a mutation's, known once every line was checked); rows "
        "exported so far (a query's)."
    )
    processed: int
    succeeded: int
    failed: int
    error_policy: JobErrorPolicy
    error: JSON | None = strawberry.field(
        description="Why the whole job failed: `code`, `message` and, for a line, `line`."
    )
    created: datetime
    started_at: datetime | None
    finished_at: datetime | None
    results_expires_at: datetime | None
    livemode: bool


@where_input(service.LIST_SPEC, enums={"status": JobStatus, "type": JobType})
class JobWhere:
    pass


@order_input(service.LIST_SPEC)
class JobOrder(Sort[Any]):
    pass


# How the compiled read engine reads this type (``graphql.compiled``).
compiled.table(
    "Job",
    JobModel,
    {
        "id": Col(JobModel.id),
        "object": Const("job"),
        "type": Col(JobModel.type, "enum"),
        "status": Col(JobModel.status, "enum"),
        "total": Col(JobModel.total, "int"),
        "processed": Col(JobModel.processed, "int"),
        "succeeded": Col(JobModel.succeeded, "int"),
        "failed": Col(JobModel.failed, "int"),
        "errorPolicy": Col(JobModel.error_policy, "enum"),
        "error": Col(JobModel.error, "json"),
        "created": Col(JobModel.created, "datetime"),
        "startedAt": Col(JobModel.started_at, "datetime"),
        "finishedAt": Col(JobModel.finished_at, "datetime"),
        "resultsExpiresAt": Col(JobModel.results_expires_at, "datetime"),
        "livemode": Col(JobModel.livemode, "bool"),
    },
)
