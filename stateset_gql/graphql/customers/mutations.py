"""Customer mutations: parse, check the scope, call the service."""

from __future__ import annotations

import strawberry

from stateset_gql.customers import service
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.customers.inputs import CreateCustomerInput, UpdateCustomerInput
from stateset_gql.graphql.customers.types import Customer
from stateset_gql.graphql.node import DeletedObject


@strawberry.type
class CustomerMutation:
    @strawberry.mutation
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> Customer:
        owner = info.context.require("customers:write")
        model = await service.create(uow=info.context.uow, owner=owner, data=input.to_domain())
        return Customer.from_model(model)

    @strawberry.mutation
    async def update_customer(
        self, info: Info, id: strawberry.ID, input: UpdateCustomerInput
    ) -> Customer:
        owner = info.context.require("customers:write")
        model = await service.update(
            uow=info.context.uow, owner=owner, customer_id=id, data=input.to_domain()
        )
        return Customer.from_model(model)

    @strawberry.mutation
    async def delete_customer(self, info: Info, id: strawberry.ID) -> DeletedObject:
        owner = info.context.require("customers:write")
        model = await service.delete(uow=info.context.uow, owner=owner, customer_id=id)
        return DeletedObject(id=strawberry.ID(model.id), object="customer", deleted=True)
