"""Return mutation inputs, and their translation into the domain's input."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.scalars import JSON
from stateset_gql.graphql.unset import given
from stateset_gql.returns import service
from stateset_gql.unset import Unset


@strawberry.input
class ReturnItemInput:
    sku: str
    quantity: int


@strawberry.input
class CreateReturnInput:
    order_id: strawberry.ID
    items: list[ReturnItemInput]
    reason: str | None = strawberry.UNSET
    restock: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Put the units back on the shelf when received."
    )
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.ReturnInput:
        return service.ReturnInput(
            order_id=str(self.order_id),
            items=[
                service.ReturnItemInput(sku=item.sku, quantity=item.quantity) for item in self.items
            ],
            reason=given(self.reason),
            restock=given(self.restock),
            metadata=given(self.metadata),
        )


@strawberry.input
class ProcessReturnInput:
    refund_amount: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Minor units to refund; defaults to the returned items' value.",
    )

    def to_domain(self) -> int | Unset | None:
        """The amount, or the domain's UNSET when none was given."""
        return given(self.refund_amount)
