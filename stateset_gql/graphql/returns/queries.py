"""Return queries."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.returns.types import Return, ReturnOrder, ReturnWhere
from stateset_gql.graphql.scopes import Needs
from stateset_gql.returns import service
from stateset_gql.returns.models import Return as ReturnModel

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("returns:read")


async def return_by_id(info: Info, id: str) -> Return:
    owner = READ.owner(info)
    model = await service.get(session=info.context.session, owner=owner, return_id=id)
    return Return.from_model(model)


@strawberry.type
class ReturnQuery:
    @strawberry.field(name="return", description="One return by id.", extensions=[READ])
    async def return_(self, info: Info, id: strawberry.ID) -> Return | None:
        return await return_by_id(info, id)

    @strawberry.field(
        description="Returns, newest first unless `orderBy` says otherwise.", extensions=[READ]
    )
    async def returns(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: ReturnWhere | None = None,
        order_by: list[ReturnOrder] | None = None,
    ) -> Connection[Return]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(session=info.context.session, owner=owner, request=request)
        return connection(page, Return.from_model, request=request)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root("return", Root("Return", READ.scope, service.owned, ReturnModel.id))
compiled.root(
    "returns",
    Root("Return", READ.scope, service.owned, ReturnModel.id, spec=service.LIST_SPEC),
)
