"""Customer subscription output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from stateset_gql.graphql.filters import (
    DateTimeFilter,
    EnumFilter,
    IDFilter,
    IntFilter,
    StringFilter,
)
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort
from stateset_gql.graphql.scalars import JSON
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
class CustomerSubscription(Node):
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

    @classmethod
    def from_model(cls, model: SubscriptionModel) -> CustomerSubscription:
        return cls(
            id=strawberry.ID(model.id),
            object="customer_subscription",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            customer_id=strawberry.ID(model.customer_id),
            plan=model.plan,
            amount=model.amount,
            currency=model.currency,
            interval=CustomerSubscriptionInterval(model.interval),
            status=CustomerSubscriptionStatus(model.status),
            current_period_start=model.current_period_start,
            current_period_end=model.current_period_end,
            cancelled_at=model.cancelled_at,
            metadata=JSON(model.meta),
        )


@strawberry.input
class CustomerSubscriptionWhere:
    id: IDFilter | None = strawberry.UNSET
    customer_id: IDFilter | None = strawberry.UNSET
    status: EnumFilter[CustomerSubscriptionStatus] | None = strawberry.UNSET
    plan: StringFilter | None = strawberry.UNSET
    amount: IntFilter | None = strawberry.UNSET
    currency: StringFilter | None = strawberry.UNSET
    interval: EnumFilter[CustomerSubscriptionInterval] | None = strawberry.UNSET
    current_period_end: DateTimeFilter | None = strawberry.UNSET
    cancelled_at: DateTimeFilter | None = strawberry.UNSET
    created: DateTimeFilter | None = strawberry.UNSET
    updated: DateTimeFilter | None = strawberry.UNSET
    and_: list[CustomerSubscriptionWhere] | None = strawberry.field(
        name="_and", default=strawberry.UNSET
    )
    or_: list[CustomerSubscriptionWhere] | None = strawberry.field(
        name="_or", default=strawberry.UNSET
    )
    not_: CustomerSubscriptionWhere | None = strawberry.field(name="_not", default=strawberry.UNSET)


@strawberry.enum
class CustomerSubscriptionOrderField(Enum):
    ID = "id"
    CUSTOMER_ID = "customer_id"
    PLAN = "plan"
    AMOUNT = "amount"
    STATUS = "status"
    INTERVAL = "interval"
    CURRENT_PERIOD_END = "current_period_end"
    CREATED = "created"
    UPDATED = "updated"


@strawberry.input(name="CustomerSubscriptionOrder")
class CustomerSubscriptionOrder(Sort[CustomerSubscriptionOrderField]):
    pass
