"""Order mutation inputs, and their translation into the domain's inputs."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.customers.inputs import AddressInput, address
from stateset_gql.graphql.scalars import JSON
from stateset_gql.graphql.unset import given
from stateset_gql.orders import service
from stateset_gql.payments.cards import CardInput as DomainCard


@strawberry.input
class LineItemInput:
    sku: str
    name: str
    quantity: int
    unit_amount: int


@strawberry.input
class CreateOrderInput:
    currency: str
    line_items: list[LineItemInput]
    customer_id: strawberry.ID | None = strawberry.UNSET
    tax: int | None = strawberry.UNSET
    shipping_cost: int | None = strawberry.UNSET
    location: str | None = strawberry.UNSET
    shipping_address: AddressInput | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.OrderInput:
        return service.OrderInput(
            line_items=[
                service.LineItemInput(
                    sku=i.sku, name=i.name, quantity=i.quantity, unit_amount=i.unit_amount
                )
                for i in self.line_items
            ],
            currency=self.currency,
            customer_id=given(self.customer_id),
            tax=given(self.tax),
            shipping_cost=given(self.shipping_cost),
            location=given(self.location),
            shipping_address=address(self.shipping_address),
            metadata=given(self.metadata),
        )


@strawberry.input(
    description='Fields to change. Only metadata (a key set to "" is removed) may change '
    "once the order is no longer pending."
)
class UpdateOrderInput:
    customer_id: strawberry.ID | None = strawberry.UNSET
    tax: int | None = strawberry.UNSET
    shipping_cost: int | None = strawberry.UNSET
    shipping_address: AddressInput | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.OrderUpdate:
        return service.OrderUpdate(
            customer_id=given(self.customer_id),
            tax=given(self.tax),
            shipping_cost=given(self.shipping_cost),
            shipping_address=address(self.shipping_address),
            metadata=given(self.metadata),
        )


@strawberry.input(description="A test card (test mode only).")
class CardInput:
    number: str
    exp_month: int
    exp_year: int
    cvc: str

    def __repr__(self) -> str:
        return "CardInput(number=..., cvc=...)"  # never the number, in logs or tracebacks

    def to_domain(self) -> DomainCard:
        return DomainCard(
            number=self.number, exp_month=self.exp_month, exp_year=self.exp_year, cvc=self.cvc
        )


@strawberry.input(
    description="Test mode pays with `card`; live mode records a payment taken elsewhere "
    "with `externalReference`."
)
class PayOrderInput:
    card: CardInput | None = None
    external_reference: str | None = None


@strawberry.input
class ShipOrderInput:
    carrier: str
    tracking_number: str


@strawberry.input(description="`amount` defaults to all that is still refundable.")
class RefundOrderInput:
    amount: int | None = None
    reason: str | None = None
