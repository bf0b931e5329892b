"""Customer mutations: parse, check the scope, call the service."""

from __future__ import annotations

import strawberry

from stateset_gql.customers import service
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.customers.inputs import CreateCustomerInput, UpdateCustomerInput
from stateset_gql.graphql.customers.types import Customer
from stateset_gql.graphql.node import DeletedObject
from stateset_gql.graphql.scopes import Needs

# The scope each root field here needs, declared on the field (``graphql.scopes``).
WRITE = Needs("customers:write")


@strawberry.type
class CustomerMutation:
    @strawberry.mutation(extensions=[WRITE])
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> Customer:
        owner = info.context.owner
        model = await service.create(uow=info.context.uow, owner=owner, data=input.to_domain())
        return Customer.from_model(model)

    @strawberry.mutation(extensions=[WRITE])
    async def update_customer(
        self, info: Info, id: strawberry.ID, input: UpdateCustomerInput
    ) -> Customer:
        owner = info.context.owner
        model = await service.update(
            uow=info.context.uow, owner=owner, customer_id=id, data=input.to_domain()
        )
        return Customer.from_model(model)

    @strawberry.mutation(extensions=[WRITE])
    async def delete_customer(self, info: Info, id: strawberry.ID) -> DeletedObject:
        owner = info.context.owner
        model = await service.delete(uow=info.context.uow, owner=owner, customer_id=id)
        return DeletedObject(id=strawberry.ID(model.id), object="customer", deleted=True)
