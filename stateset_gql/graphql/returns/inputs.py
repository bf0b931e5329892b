"""Return mutation inputs, and their translation into the domain's input."""

from __future__ import annotations

from typing import Any

import strawberry

from stateset_gql.graphql.scalars import JSON
from stateset_gql.returns import service


def _value(value: Any) -> Any:
    return service.UNSET if value is strawberry.UNSET else value


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
            items=[{"sku": item.sku, "quantity": item.quantity} for item in self.items],
            reason=_value(self.reason),
            restock=_value(self.restock),
            metadata=_value(self.metadata),
        )


@strawberry.input
class ProcessReturnInput:
    refund_amount: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Minor units to refund; defaults to the returned items' value.",
    )

    def to_domain(self) -> Any:
        """The amount, or the domain's UNSET when none was given."""
        return _value(self.refund_amount)
