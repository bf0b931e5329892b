"""Order, payment and refund output types, and the order list's arguments.

Each type's ``Table`` at the bottom says how its fields are read, on both paths
(``graphql.objects``). An order's customer, line items, payments and refunds resolve
through the request's DataLoaders, so a page of orders costs the same few statements
whatever its size.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.customers.models import Customer as CustomerModel
from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const, Many, One, Same
from stateset_gql.graphql.customers.types import Address, Customer
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.objects import Mapped, related
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
class PaymentCard(Mapped):
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


@strawberry.type
class Payment(Node, Mapped):
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


@strawberry.type
class Refund(Node, Mapped):
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


@strawberry.type
class LineItem(Mapped):
    sku: str
    name: str
    quantity: int
    unit_amount: int
    amount: int


@strawberry.type
class Order(Node, Mapped):
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

    customer: Customer | None = related("Needs the `customers:read` scope.")
    line_items: list[LineItem] = related()
    payments: list[Payment] = related("Every attempt to pay, failed ones included, oldest first.")
    refunds: list[Refund] = related("Refunds, oldest first.")


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
