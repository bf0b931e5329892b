"""Return output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const, Many
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.objects import Mapped, related
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.returns import service
from stateset_gql.returns.models import Return as ReturnModel
from stateset_gql.returns.models import ReturnItem as ReturnItemModel


@strawberry.enum
class ReturnStatus(Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    RECEIVED = "received"
    PROCESSED = "processed"
    REJECTED = "rejected"


@strawberry.type
class ReturnItem(Mapped):
    sku: str
    quantity: int


@strawberry.type
class Return(Node, Mapped):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    order_id: strawberry.ID
    status: ReturnStatus
    reason: str | None
    rejection_reason: str | None
    restock: bool
    refund_amount: int | None
    refund_id: strawberry.ID | None
    currency: str
    approved_at: datetime | None
    received_at: datetime | None
    processed_at: datetime | None
    rejected_at: datetime | None
    metadata: JSON

    items: list[ReturnItem] = related("The SKUs and quantities this return claims.")


@where_input(service.LIST_SPEC, enums={"status": ReturnStatus})
class ReturnWhere:
    pass


@order_input(service.LIST_SPEC)
class ReturnOrder(Sort[Any]):
    pass


# How the compiled read engine reads these types (``graphql.compiled``).
compiled.table(
    "ReturnItem",
    ReturnItemModel,
    {"sku": Col(ReturnItemModel.sku), "quantity": Col(ReturnItemModel.quantity, "int")},
)
compiled.table(
    "Return",
    ReturnModel,
    {
        "id": Col(ReturnModel.id),
        "object": Const("return"),
        "livemode": Col(ReturnModel.livemode, "bool"),
        "created": Col(ReturnModel.created, "datetime"),
        "updated": Col(ReturnModel.updated, "datetime"),
        "orderId": Col(ReturnModel.order_id),
        "status": Col(ReturnModel.status, "enum"),
        "reason": Col(ReturnModel.reason),
        "rejectionReason": Col(ReturnModel.rejection_reason),
        "restock": Col(ReturnModel.restock, "bool"),
        "refundAmount": Col(ReturnModel.refund_amount, "int"),
        "refundId": Col(ReturnModel.refund_id),
        "currency": Col(ReturnModel.currency),
        "approvedAt": Col(ReturnModel.approved_at, "datetime"),
        "receivedAt": Col(ReturnModel.received_at, "datetime"),
        "processedAt": Col(ReturnModel.processed_at, "datetime"),
        "rejectedAt": Col(ReturnModel.rejected_at, "datetime"),
        "metadata": Col(ReturnModel.meta, "json"),
        "items": Many(
            "ReturnItem", ReturnModel.id, ReturnItemModel.return_id,
            order_by=(ReturnItemModel.position,), owned=False,
        ),
    },
)  # fmt: skip
