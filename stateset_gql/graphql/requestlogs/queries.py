"""Request log queries."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.requestlogs.types import RequestLog, RequestLogOrder, RequestLogWhere
from stateset_gql.graphql.scopes import Needs
from stateset_gql.requestlogs import service
from stateset_gql.requestlogs.models import RequestLog as RequestLogModel

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("request_logs:read")


async def request_log_by_id(info: Info, id: str) -> RequestLog:
    owner = READ.owner(info)
    row = await service.get(session=info.context.session, owner=owner, request_log_id=id)
    return RequestLog.from_model(row)


@strawberry.type
class RequestLogQuery:
    @strawberry.field(
        description="One API request's log by its request id (`X-Request-Id`).",
        extensions=[READ],
    )
    async def request_log(self, info: Info, id: strawberry.ID) -> RequestLog | None:
        return await request_log_by_id(info, id)

    @strawberry.field(
        description="API requests' logs, newest first unless `orderBy` says.", extensions=[READ]
    )
    async def request_logs(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: RequestLogWhere | None = None,
        order_by: list[RequestLogOrder] | None = None,
    ) -> Connection[RequestLog]:
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(
            session=info.context.session, owner=READ.owner(info), request=request
        )
        return connection(page, RequestLog.from_model, request=request)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root(
    "requestLog", Root("RequestLog", READ.scope, service.REQUEST_LOGS.owned, RequestLogModel.id)
)
compiled.root(
    "requestLogs",
    Root(
        "RequestLog",
        READ.scope,
        service.REQUEST_LOGS.owned,
        RequestLogModel.id,
        spec=service.LIST_SPEC,
    ),
)
