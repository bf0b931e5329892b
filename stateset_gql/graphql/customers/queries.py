"""Customer queries."""

from __future__ import annotations

import strawberry

from stateset_gql.customers import service
from stateset_gql.customers.models import Customer as CustomerModel
from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.customers.types import Customer, CustomerOrder, CustomerWhere
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import Needs

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("customers:read")


async def customer_by_id(info: Info, id: str) -> Customer:
    owner = READ.owner(info)
    model = await service.get(session=info.context.session, owner=owner, customer_id=id)
    return Customer.from_model(model)


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="One customer by id.", extensions=[READ])
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        return await customer_by_id(info, id)

    @strawberry.field(
        description="Customers, newest first unless `orderBy` says otherwise.", extensions=[READ]
    )
    async def customers(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: CustomerWhere | None = None,
        order_by: list[CustomerOrder] | None = None,
    ) -> Connection[Customer]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(session=info.context.session, owner=owner, request=request)
        return connection(page, Customer.from_model, request=request)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root("customer", Root("Customer", READ.scope, service.owned, CustomerModel.id))
compiled.root(
    "customers",
    Root("Customer", READ.scope, service.owned, CustomerModel.id, spec=service.LIST_SPEC),
)
