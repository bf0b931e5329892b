"""Order queries, and ``node(id)`` lookups of orders, payments and refunds."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.orders.types import Order, OrderOrder, OrderWhere, Payment, Refund
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import Needs
from stateset_gql.orders import service
from stateset_gql.orders.models import Order as OrderModel
from stateset_gql.payments import service as payments

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("orders:read")


async def order_by_id(info: Info, id: str) -> Order:
    owner = READ.owner(info)
    return Order.from_model(
        await service.get(session=info.context.session, owner=owner, order_id=id)
    )


async def payment_by_id(info: Info, id: str) -> Payment:
    owner = READ.owner(info)
    return Payment.from_model(
        await payments.get_payment(session=info.context.session, owner=owner, payment_id=id)
    )


async def refund_by_id(info: Info, id: str) -> Refund:
    owner = READ.owner(info)
    return Refund.from_model(
        await payments.get_refund(session=info.context.session, owner=owner, refund_id=id)
    )


@strawberry.type
class OrderQuery:
    @strawberry.field(description="One order by id.", extensions=[READ])
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        return await order_by_id(info, id)

    @strawberry.field(
        description="Orders, newest first unless `orderBy` says otherwise.", extensions=[READ]
    )
    async def orders(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: OrderWhere | None = None,
        order_by: list[OrderOrder] | None = None,
    ) -> Connection[Order]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(session=info.context.session, owner=owner, request=request)
        return connection(page, Order.from_model, request=request)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root("order", Root("Order", READ.scope, service.owned, OrderModel.id))
compiled.root(
    "orders", Root("Order", READ.scope, service.owned, OrderModel.id, spec=service.LIST_SPEC)
)
