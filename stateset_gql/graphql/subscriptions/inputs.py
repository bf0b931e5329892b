"""Customer subscription mutation inputs, and their translation into the domain's input."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.scalars import JSON
from stateset_gql.graphql.subscriptions.types import CustomerSubscriptionInterval
from stateset_gql.graphql.unset import given
from stateset_gql.subscriptions import service


@strawberry.input
class CreateCustomerSubscriptionInput:
    customer_id: strawberry.ID
    plan: str
    amount: int = strawberry.field(description="Minor units billed each interval.")
    currency: str
    interval: CustomerSubscriptionInterval
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.SubscriptionInput:
        return service.SubscriptionInput(
            customer_id=str(self.customer_id),
            plan=self.plan,
            amount=self.amount,
            currency=self.currency,
            interval=self.interval.value,
            metadata=given(self.metadata),
        )
