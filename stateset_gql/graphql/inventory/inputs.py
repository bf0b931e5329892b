"""Inventory mutation inputs, and their translation into the domain's input."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.scalars import JSON
from stateset_gql.graphql.unset import given
from stateset_gql.inventory import service


@strawberry.input
class CreateInventoryItemInput:
    sku: str
    name: str
    location: str | None = strawberry.field(
        default=strawberry.UNSET, description='Defaults to `"default"`.'
    )
    on_hand: int | None = strawberry.field(default=strawberry.UNSET, description="Defaults to 0.")
    low_stock_threshold: int | None = strawberry.field(
        default=strawberry.UNSET, description="Defaults to 0 (only running out is reported)."
    )
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.InventoryInput:
        return service.InventoryInput(
            sku=self.sku,
            name=self.name,
            location=given(self.location),
            on_hand=given(self.on_hand),
            low_stock_threshold=given(self.low_stock_threshold),
            metadata=given(self.metadata),
        )


@strawberry.input(
    description='Fields to change; a metadata key set to "" is removed. Stock changes only '
    "through `adjustInventory`, orders and transfers."
)
class UpdateInventoryItemInput:
    name: str | None = strawberry.UNSET
    low_stock_threshold: int | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.InventoryUpdate:
        return service.InventoryUpdate(
            name=given(self.name),
            low_stock_threshold=given(self.low_stock_threshold),
            metadata=given(self.metadata),
        )


@strawberry.input(description="A counted change of stock on hand: positive adds, negative removes.")
class AdjustInventoryInput:
    delta: int
    reason: str | None = None


@strawberry.input(description="Moves available stock of one sku between two locations.")
class TransferInventoryInput:
    sku: str
    from_location: str
    to_location: str
    quantity: int
