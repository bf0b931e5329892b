"""Job mutations: the client's document checked as a request's would be (its limits,
validation and root field's scope: ``graphql/jobs/documents``), then the job queued.

``createJob`` is ``POST /v1/jobs``'s field (its body names the type);
``runBulkMutation`` and ``runBulkQuery`` are GraphQL's own spelling of the same.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

import strawberry

from stateset_gql.errors import BadRequest, Validator
from stateset_gql.graphql.context import Checker, Info
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.jobs import documents
from stateset_gql.graphql.jobs.types import Job, JobErrorPolicy, JobType
from stateset_gql.graphql.scalars import JSON
from stateset_gql.graphql.scopes import Needs
from stateset_gql.jobs import service
from stateset_gql.jobs.service import JobRequest

T = TypeVar("T")

# The scope each root field here needs, declared on the field (``graphql.scopes``).
WRITE = Needs("jobs:write")

VARIABLES = "Lines of variables, one object a run (at most 1,000; more as `variablesFile`)."
VARIABLES_FILE = "A `bulk_input` file (`POST /v1/files`): JSONL, one object of variables a line."


def _check(info: Info) -> Checker:
    check = info.context.check
    if check is None:  # pragma: no cover - every runner hands its checker over
        raise RuntimeError("a job's document is checked as the request's own was")
    return check


def _value(value: T | None) -> T | None:
    """A field of the input, None when left out or null."""
    return None if value is strawberry.UNSET else value


async def _queue(info: Info, request: JobRequest) -> Job:
    context = info.context
    job = await service.create(
        uow=context.uow, owner=context.owner, api_key_id=context.principal.key_id, data=request
    )
    return Job.from_model(job)


def _mutation_request(
    info: Info,
    mutation: str,
    variables: list[object] | None,
    variables_file: str | None,
    error_policy: JobErrorPolicy | None,
    prefix: str = "",
) -> JobRequest:
    bulk = documents.bulk_mutation(_check(info), mutation, f"{prefix}mutation")
    return JobRequest(
        type=JobType.BULK_MUTATION.value,
        document=bulk.text,
        variables=variables,
        variables_file=variables_file,
        error_policy=(error_policy or JobErrorPolicy.CONTINUE).value,
        prefix=prefix,
    )


def _query_request(info: Info, query: str, prefix: str = "") -> JobRequest:
    schema = core_schema(info.schema)
    bulk = documents.bulk_query(_check(info), schema, query, f"{prefix}query")
    return JobRequest(type=JobType.BULK_QUERY.value, document=bulk.text)


@strawberry.input(description="A job, as `POST /v1/jobs` takes it.")
class CreateJobInput:
    type: JobType
    mutation: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A bulk mutation's document: one mutation with exactly one root field.",
    )
    query: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A bulk query's document: one query whose one root field is a list.",
    )
    variables_file: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description=VARIABLES_FILE
    )
    variables: list[JSON] | None = strawberry.field(default=strawberry.UNSET, description=VARIABLES)
    error_policy: JobErrorPolicy | None = strawberry.field(
        default=strawberry.UNSET,
        description="Run every line (continue, the default) or end the job at the first "
        "failed line (stop).",
    )


@strawberry.type
class JobMutation:
    @strawberry.mutation(description="A bulk job, queued (`POST /v1/jobs`).", extensions=[WRITE])
    async def create_job(self, info: Info, input: CreateJobInput) -> Job:
        check = Validator()
        wanted, unwanted = (
            ("mutation", "query") if input.type is JobType.BULK_MUTATION else ("query", "mutation")
        )
        text: str | None = _value(getattr(input, wanted))
        if text is None:
            check.missing(f"input.{wanted}")
        if _value(getattr(input, unwanted)) is not None:
            check.invalid(f"input.{unwanted}", f"A {input.type.value} job takes no {unwanted}")
        check.check()
        assert text is not None
        if input.type is JobType.BULK_QUERY:
            if _value(input.variables) is not None or _value(input.variables_file) is not None:
                raise BadRequest("A bulk query takes no variables", param="input.variables")
            return await _queue(info, _query_request(info, text, "input."))
        variables = _value(input.variables)
        request = _mutation_request(
            info,
            text,
            None if variables is None else list(variables),
            _value(input.variables_file),
            _value(input.error_policy),
            "input.",
        )
        return await _queue(info, request)

    @strawberry.mutation(
        description="A bulk mutation job: `mutation` run once per line of variables.",
        extensions=[WRITE],
    )
    async def run_bulk_mutation(
        self,
        info: Info,
        mutation: str,
        variables_file: Annotated[
            strawberry.ID | None, strawberry.argument(description=VARIABLES_FILE)
        ] = None,
        variables: Annotated[list[JSON] | None, strawberry.argument(description=VARIABLES)] = None,
        error_policy: JobErrorPolicy = JobErrorPolicy.CONTINUE,
    ) -> Job:
        request = _mutation_request(
            info,
            mutation,
            None if variables is None else list(variables),
            variables_file,
            error_policy,
        )
        return await _queue(info, request)

    @strawberry.mutation(
        description="A bulk query job: `query`'s one connection exported whole, a node a line.",
        extensions=[WRITE],
    )
    async def run_bulk_query(self, info: Info, query: str) -> Job:
        return await _queue(info, _query_request(info, query))

    @strawberry.mutation(
        description="Cancels a job: a queued one at once, a running one within a chunk of "
        "lines (lines done stay done).",
        extensions=[WRITE],
    )
    async def cancel_job(self, info: Info, id: strawberry.ID) -> Job:
        job = await service.cancel(uow=info.context.uow, owner=info.context.owner, job_id=id)
        return Job.from_model(job)
