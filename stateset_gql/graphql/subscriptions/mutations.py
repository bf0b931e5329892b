"""Customer subscription mutations: parse, check the scope, call the service."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.context import Info
from stateset_gql.graphql.scopes import Needs
from stateset_gql.graphql.subscriptions.inputs import CreateCustomerSubscriptionInput
from stateset_gql.graphql.subscriptions.types import CustomerSubscription
from stateset_gql.subscriptions import service

# The scope each root field here needs, declared on the field (``graphql.scopes``).
WRITE = Needs("subscriptions:write")


@strawberry.type
class CustomerSubscriptionMutation:
    @strawberry.mutation(extensions=[WRITE])
    async def create_customer_subscription(
        self, info: Info, input: CreateCustomerSubscriptionInput
    ) -> CustomerSubscription:
        owner = info.context.owner
        model = await service.create(uow=info.context.uow, owner=owner, data=input.to_domain())
        return CustomerSubscription.from_model(model)

    @strawberry.mutation(extensions=[WRITE])
    async def cancel_customer_subscription(
        self, info: Info, id: strawberry.ID
    ) -> CustomerSubscription:
        owner = info.context.owner
        model = await service.cancel(uow=info.context.uow, owner=owner, subscription_id=id)
        return CustomerSubscription.from_model(model)
