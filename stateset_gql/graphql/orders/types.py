"""Order, payment and refund output types, and the order list's arguments.

An order's customer, line items, payments and refunds resolve through the request's
DataLoaders, so a page of orders costs the same few statements whatever its size.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.customers.models import Customer as CustomerModel
from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const, Many, One, Same
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.customers.types import Address, Customer
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.orders import service
from stateset_gql.orders.models import Order as OrderModel
from stateset_gql.orders.models import OrderLineItem
from stateset_gql.payments.models import Payment as PaymentModel
from stateset_gql.payments.models import Refund as RefundModel


@strawberry.enum
class OrderStatus(Enum):
    PENDING = "pending"
    PAID = "paid"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


@strawberry.enum
class PaymentStatus(Enum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@strawberry.enum
class PaymentMethod(Enum):
    CARD = "card"
    EXTERNAL = "external"


@strawberry.enum
class RefundStatus(Enum):
    SUCCEEDED = "succeeded"


@strawberry.type(description="What is kept of a card: never its number or security code.")
class PaymentCard:
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


@strawberry.type
class Payment(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    metadata: JSON
    order_id: strawberry.ID
    amount: int
    currency: str
    status: PaymentStatus
    method: PaymentMethod
    card: PaymentCard | None
    decline_code: str | None
    failure_message: str | None
    external_reference: str | None

    @classmethod
    def from_model(cls, model: PaymentModel) -> Payment:
        card = None
        if model.card_brand is not None and model.card_last4 is not None:
            card = PaymentCard(
                brand=model.card_brand,
                last4=model.card_last4,
                exp_month=model.card_exp_month,
                exp_year=model.card_exp_year,
            )
        return cls(
            id=strawberry.ID(model.id),
            object="payment",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            metadata=JSON(model.meta),
            order_id=strawberry.ID(model.order_id),
            amount=model.amount,
            currency=model.currency,
            status=PaymentStatus(model.status),
            method=PaymentMethod(model.method),
            card=card,
            decline_code=model.decline_code,
            failure_message=model.failure_message,
            external_reference=model.external_reference,
        )


@strawberry.type
class Refund(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    metadata: JSON
    order_id: strawberry.ID
    payment_id: strawberry.ID | None
    amount: int
    currency: str
    reason: str | None
    status: RefundStatus

    @classmethod
    def from_model(cls, model: RefundModel) -> Refund:
        return cls(
            id=strawberry.ID(model.id),
            object="refund",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            metadata=JSON(model.meta),
            order_id=strawberry.ID(model.order_id),
            payment_id=strawberry.ID(model.payment_id) if model.payment_id else None,
            amount=model.amount,
            currency=model.currency,
            reason=model.reason,
            status=RefundStatus(model.status),
        )


@strawberry.type
class LineItem:
    sku: str
    name: str
    quantity: int
    unit_amount: int
    amount: int

    @classmethod
    def from_model(cls, model: OrderLineItem) -> LineItem:
        return cls(
            sku=model.sku,
            name=model.name,
            quantity=model.quantity,
            unit_amount=model.unit_amount,
            amount=model.amount,
        )


@strawberry.type
class Order(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    customer_id: strawberry.ID | None
    currency: str
    subtotal: int
    tax: int
    shipping_cost: int
    amount: int
    amount_paid: int
    amount_refunded: int
    status: OrderStatus
    location: str
    shipping_address: Address | None
    carrier: str | None
    tracking_number: str | None
    cancellation_reason: str | None
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    metadata: JSON

    @strawberry.field(description="Needs the `customers:read` scope.")
    async def customer(self, info: Info) -> Customer | None:
        if self.customer_id is None:
            return None
        info.context.require("customers:read")
        model = await info.context.loaders.customer.load(self.customer_id)
        return None if model is None else Customer.from_model(model)

    @strawberry.field
    async def line_items(self, info: Info) -> list[LineItem]:
        return [LineItem.from_model(m) for m in await info.context.loaders.line_items.load(self.id)]

    @strawberry.field(description="Every attempt to pay, failed ones included, oldest first.")
    async def payments(self, info: Info) -> list[Payment]:
        return [Payment.from_model(m) for m in await info.context.loaders.payments.load(self.id)]

    @strawberry.field(description="Refunds, oldest first.")
    async def refunds(self, info: Info) -> list[Refund]:
        return [Refund.from_model(m) for m in await info.context.loaders.refunds.load(self.id)]

    @classmethod
    def from_model(cls, model: OrderModel) -> Order:
        return cls(
            id=strawberry.ID(model.id),
            object="order",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            customer_id=strawberry.ID(model.customer_id) if model.customer_id else None,
            currency=model.currency,
            subtotal=model.subtotal,
            tax=model.tax,
            shipping_cost=model.shipping_cost,
            amount=model.amount,
            amount_paid=model.amount_paid,
            amount_refunded=model.amount_refunded,
            status=OrderStatus(model.status),
            location=model.location,
            shipping_address=Address.from_dict(model.shipping_address),
            carrier=model.carrier,
            tracking_number=model.tracking_number,
            cancellation_reason=model.cancellation_reason,
            paid_at=model.paid_at,
            shipped_at=model.shipped_at,
            delivered_at=model.delivered_at,
            cancelled_at=model.cancelled_at,
            metadata=JSON(model.meta),
        )


@where_input(service.LIST_SPEC, enums={"status": OrderStatus})
class OrderWhere:
    pass


@order_input(service.LIST_SPEC)
class OrderOrder(Sort[Any]):
    pass


# How the compiled read engine reads these types (``graphql.compiled``).
compiled.table(
    "LineItem",
    OrderLineItem,
    {
        "sku": Col(OrderLineItem.sku),
        "name": Col(OrderLineItem.name),
        "quantity": Col(OrderLineItem.quantity, "int"),
        "unitAmount": Col(OrderLineItem.unit_amount, "int"),
        "amount": Col(OrderLineItem.amount, "int"),
    },
)
compiled.table(
    "PaymentCard",
    PaymentModel,
    {
        "brand": Col(PaymentModel.card_brand),
        "last4": Col(PaymentModel.card_last4),
        "expMonth": Col(PaymentModel.card_exp_month, "int"),
        "expYear": Col(PaymentModel.card_exp_year, "int"),
    },
)
compiled.table(
    "Payment",
    PaymentModel,
    {
        "id": Col(PaymentModel.id),
        "object": Const("payment"),
        "livemode": Col(PaymentModel.livemode, "bool"),
        "created": Col(PaymentModel.created, "datetime"),
        "updated": Col(PaymentModel.updated, "datetime"),
        "metadata": Col(PaymentModel.meta, "json"),
        "orderId": Col(PaymentModel.order_id),
        "amount": Col(PaymentModel.amount, "int"),
        "currency": Col(PaymentModel.currency),
        "status": Col(PaymentModel.status, "enum"),
        "method": Col(PaymentModel.method, "enum"),
        "card": Same("PaymentCard", present=(PaymentModel.card_brand, PaymentModel.card_last4)),
        "declineCode": Col(PaymentModel.decline_code),
        "failureMessage": Col(PaymentModel.failure_message),
        "externalReference": Col(PaymentModel.external_reference),
    },
)
compiled.table(
    "Refund",
    RefundModel,
    {
        "id": Col(RefundModel.id),
        "object": Const("refund"),
        "livemode": Col(RefundModel.livemode, "bool"),
        "created": Col(RefundModel.created, "datetime"),
        "updated": Col(RefundModel.updated, "datetime"),
        "metadata": Col(RefundModel.meta, "json"),
        "orderId": Col(RefundModel.order_id),
        "paymentId": Col(RefundModel.payment_id),
        "amount": Col(RefundModel.amount, "int"),
        "currency": Col(RefundModel.currency),
        "reason": Col(RefundModel.reason),
        "status": Col(RefundModel.status, "enum"),
    },
)
compiled.table(
    "Order",
    OrderModel,
    {
        "id": Col(OrderModel.id),
        "object": Const("order"),
        "livemode": Col(OrderModel.livemode, "bool"),
        "created": Col(OrderModel.created, "datetime"),
        "updated": Col(OrderModel.updated, "datetime"),
        "customerId": Col(OrderModel.customer_id),
        "currency": Col(OrderModel.currency),
        "subtotal": Col(OrderModel.subtotal, "int"),
        "tax": Col(OrderModel.tax, "int"),
        "shippingCost": Col(OrderModel.shipping_cost, "int"),
        "amount": Col(OrderModel.amount, "int"),
        "amountPaid": Col(OrderModel.amount_paid, "int"),
        "amountRefunded": Col(OrderModel.amount_refunded, "int"),
        "status": Col(OrderModel.status, "enum"),
        "location": Col(OrderModel.location),
        "shippingAddress": Same("Address", json_object=OrderModel.shipping_address),
        "carrier": Col(OrderModel.carrier),
        "trackingNumber": Col(OrderModel.tracking_number),
        "cancellationReason": Col(OrderModel.cancellation_reason),
        "paidAt": Col(OrderModel.paid_at, "datetime"),
        "shippedAt": Col(OrderModel.shipped_at, "datetime"),
        "deliveredAt": Col(OrderModel.delivered_at, "datetime"),
        "cancelledAt": Col(OrderModel.cancelled_at, "datetime"),
        "metadata": Col(OrderModel.meta, "json"),
        # The customer resolver reads deleted customers too (an order still names them).
        "customer": One(
            "Customer", OrderModel.customer_id, CustomerModel.id, scope="customers:read"
        ),
        "lineItems": Many(
            "LineItem", OrderModel.id, OrderLineItem.order_id,
            order_by=(OrderLineItem.position,), owned=False,
        ),
        "payments": Many(
            "Payment", OrderModel.id, PaymentModel.order_id,
            order_by=(PaymentModel.created, PaymentModel.id),
        ),
        "refunds": Many(
            "Refund", OrderModel.id, RefundModel.order_id,
            order_by=(RefundModel.created, RefundModel.id),
        ),
    },
)  # fmt: skip
