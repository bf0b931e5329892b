"""Customer subscription queries."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import Needs
from stateset_gql.graphql.subscriptions.types import (
    CustomerSubscription,
    CustomerSubscriptionOrder,
    CustomerSubscriptionWhere,
)
from stateset_gql.subscriptions import service
from stateset_gql.subscriptions.models import CustomerSubscription as SubscriptionModel

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("subscriptions:read")


async def subscription_by_id(info: Info, id: str) -> CustomerSubscription:
    owner = READ.owner(info)
    model = await service.get(session=info.context.session, owner=owner, subscription_id=id)
    return CustomerSubscription.from_model(model)


@strawberry.type
class CustomerSubscriptionQuery:
    @strawberry.field(description="One customer subscription by id.", extensions=[READ])
    async def customer_subscription(
        self, info: Info, id: strawberry.ID
    ) -> CustomerSubscription | None:
        return await subscription_by_id(info, id)

    @strawberry.field(
        description="Customer subscriptions, newest first unless `orderBy` says.", extensions=[READ]
    )
    async def customer_subscriptions(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: CustomerSubscriptionWhere | None = None,
        order_by: list[CustomerSubscriptionOrder] | None = None,
    ) -> Connection[CustomerSubscription]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(session=info.context.session, owner=owner, request=request)
        return connection(page, CustomerSubscription.from_model, request=request)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root(
    "customerSubscription",
    Root("CustomerSubscription", READ.scope, service.owned, SubscriptionModel.id),
)
compiled.root(
    "customerSubscriptions",
    Root(
        "CustomerSubscription", READ.scope, service.owned, SubscriptionModel.id,
        spec=service.LIST_SPEC,
    ),
)  # fmt: skip
