"""Job queries."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.jobs.types import Job, JobOrder, JobWhere
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import Needs
from stateset_gql.jobs import service
from stateset_gql.jobs.models import Job as JobModel

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("jobs:read")


async def job_by_id(info: Info, id: str) -> Job:
    owner = READ.owner(info)
    return Job.from_model(await service.get(session=info.context.session, owner=owner, job_id=id))


@strawberry.type
class JobQuery:
    @strawberry.field(description="One job by id, with its progress.", extensions=[READ])
    async def job(self, info: Info, id: strawberry.ID) -> Job | None:
        return await job_by_id(info, id)

    @strawberry.field(description="Jobs, newest first unless `orderBy` says.", extensions=[READ])
    async def jobs(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: JobWhere | None = None,
        order_by: list[JobOrder] | None = None,
    ) -> Connection[Job]:
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(
            session=info.context.session, owner=info.context.owner, request=request
        )
        return connection(page, Job.from_model, request=request)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root("job", Root("Job", READ.scope, service.JOBS.owned, JobModel.id))
compiled.root(
    "jobs", Root("Job", READ.scope, service.JOBS.owned, JobModel.id, spec=service.LIST_SPEC)
)
