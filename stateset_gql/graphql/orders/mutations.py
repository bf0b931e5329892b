"""Order mutations: parse, check the scope, call the service, return the order."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.context import Info
from stateset_gql.graphql.orders.inputs import (
    CreateOrderInput,
    PayOrderInput,
    RefundOrderInput,
    ShipOrderInput,
    UpdateOrderInput,
)
from stateset_gql.graphql.orders.types import Order
from stateset_gql.graphql.scopes import Needs
from stateset_gql.orders import lifecycle, service
from stateset_gql.orders.models import Order as OrderModel
from stateset_gql.payments import service as payments

# The scope each root field here needs, declared on the field (``graphql.scopes``).
WRITE = Needs("orders:write")


def _answer(info: Info, model: OrderModel) -> Order:
    """The order as it now is: what this request's loaders hold of it may be stale (an
    earlier mutation of the same operation may have read it)."""
    info.context.loaders.forget(model.id)
    return Order.from_model(model)


@strawberry.type
class OrderMutation:
    @strawberry.mutation(
        description="A pending order; its line items are reserved.", extensions=[WRITE]
    )
    async def create_order(self, info: Info, input: CreateOrderInput) -> Order:
        owner = info.context.owner
        model = await service.create(uow=info.context.uow, owner=owner, data=input.to_domain())
        return _answer(info, model)

    @strawberry.mutation(extensions=[WRITE])
    async def update_order(self, info: Info, id: strawberry.ID, input: UpdateOrderInput) -> Order:
        owner = info.context.owner
        model = await service.update(
            uow=info.context.uow, owner=owner, order_id=id, data=input.to_domain()
        )
        return _answer(info, model)

    @strawberry.mutation(
        description="Pays a pending order in full. A decline is CARD_DECLINED.", extensions=[WRITE]
    )
    async def pay_order(self, info: Info, id: strawberry.ID, input: PayOrderInput) -> Order:
        owner = info.context.owner
        model = await payments.pay(
            uow=info.context.uow,
            owner=owner,
            order_id=id,
            card=input.card.to_domain() if input.card is not None else None,
            external_reference=input.external_reference,
        )
        return _answer(info, model)

    @strawberry.mutation(extensions=[WRITE])
    async def process_order(self, info: Info, id: strawberry.ID) -> Order:
        owner = info.context.owner
        return _answer(
            info, await lifecycle.process(uow=info.context.uow, owner=owner, order_id=id)
        )

    @strawberry.mutation(
        description="Ships the order; its reserved stock is consumed.", extensions=[WRITE]
    )
    async def ship_order(self, info: Info, id: strawberry.ID, input: ShipOrderInput) -> Order:
        owner = info.context.owner
        model = await lifecycle.ship(
            uow=info.context.uow,
            owner=owner,
            order_id=id,
            carrier=input.carrier,
            tracking_number=input.tracking_number,
        )
        return _answer(info, model)

    @strawberry.mutation(extensions=[WRITE])
    async def deliver_order(self, info: Info, id: strawberry.ID) -> Order:
        owner = info.context.owner
        return _answer(
            info, await lifecycle.deliver(uow=info.context.uow, owner=owner, order_id=id)
        )

    @strawberry.mutation(
        description="Cancels; stock is released and money taken refunded.", extensions=[WRITE]
    )
    async def cancel_order(self, info: Info, id: strawberry.ID, reason: str | None = None) -> Order:
        owner = info.context.owner
        model = await lifecycle.cancel(
            uow=info.context.uow, owner=owner, order_id=id, reason=reason
        )
        return _answer(info, model)

    @strawberry.mutation(
        description="Refunds `amount`, by default all still refundable.", extensions=[WRITE]
    )
    async def refund_order(
        self, info: Info, id: strawberry.ID, input: RefundOrderInput | None = None
    ) -> Order:
        owner = info.context.owner
        given = input or RefundOrderInput()
        model = await lifecycle.refund(
            uow=info.context.uow,
            owner=owner,
            order_id=id,
            amount=given.amount,
            reason=given.reason,
        )
        return _answer(info, model)
