"""Customer subscription output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.objects import Mapped
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.subscriptions import service
from stateset_gql.subscriptions.models import CustomerSubscription as SubscriptionModel


@strawberry.enum
class CustomerSubscriptionStatus(Enum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


@strawberry.enum
class CustomerSubscriptionInterval(Enum):
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@strawberry.type
class CustomerSubscription(Node, Mapped):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    customer_id: strawberry.ID
    plan: str
    amount: int
    currency: str
    interval: CustomerSubscriptionInterval
    status: CustomerSubscriptionStatus
    current_period_start: datetime
    current_period_end: datetime
    cancelled_at: datetime | None
    metadata: JSON


@where_input(
    service.LIST_SPEC,
    enums={"status": CustomerSubscriptionStatus, "interval": CustomerSubscriptionInterval},
)
class CustomerSubscriptionWhere:
    pass


@order_input(service.LIST_SPEC)
class CustomerSubscriptionOrder(Sort[Any]):
    pass


# How the compiled read engine reads this type (``graphql.compiled``).
compiled.table(
    "CustomerSubscription",
    SubscriptionModel,
    {
        "id": Col(SubscriptionModel.id),
        "object": Const("customer_subscription"),
        "livemode": Col(SubscriptionModel.livemode, "bool"),
        "created": Col(SubscriptionModel.created, "datetime"),
        "updated": Col(SubscriptionModel.updated, "datetime"),
        "customerId": Col(SubscriptionModel.customer_id),
        "plan": Col(SubscriptionModel.plan),
        "amount": Col(SubscriptionModel.amount, "int"),
        "currency": Col(SubscriptionModel.currency),
        "interval": Col(SubscriptionModel.interval, "enum"),
        "status": Col(SubscriptionModel.status, "enum"),
        "currentPeriodStart": Col(SubscriptionModel.current_period_start, "datetime"),
        "currentPeriodEnd": Col(SubscriptionModel.current_period_end, "datetime"),
        "cancelledAt": Col(SubscriptionModel.cancelled_at, "datetime"),
        "metadata": Col(SubscriptionModel.meta, "json"),
    },
)
