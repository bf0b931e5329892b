"""Inventory output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from stateset_gql.graphql.filters import DateTimeFilter, IDFilter, IntFilter, StringFilter
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort
from stateset_gql.graphql.scalars import JSON
from stateset_gql.inventory.models import InventoryItem as InventoryItemModel


@strawberry.type(description="Stock of one sku at one location.")
class InventoryItem(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    sku: str
    name: str
    location: str
    on_hand: int = strawberry.field(description="Units counted at the location.")
    reserved: int = strawberry.field(description="Units held for orders not yet shipped.")
    available: int = strawberry.field(description="`onHand - reserved`: what can be sold.")
    low_stock_threshold: int = strawberry.field(
        description="`inventory.low_stock` fires when `available` falls to this or below."
    )
    metadata: JSON

    @classmethod
    def from_model(cls, model: InventoryItemModel) -> InventoryItem:
        return cls(
            id=strawberry.ID(model.id),
            object="inventory_item",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            sku=model.sku,
            name=model.name,
            location=model.location,
            on_hand=model.on_hand,
            reserved=model.reserved,
            available=model.available,
            low_stock_threshold=model.low_stock_threshold,
            metadata=JSON(model.meta),
        )


@strawberry.input
class InventoryItemWhere:
    id: IDFilter | None = strawberry.UNSET
    sku: StringFilter | None = strawberry.UNSET
    name: StringFilter | None = strawberry.UNSET
    location: StringFilter | None = strawberry.UNSET
    on_hand: IntFilter | None = strawberry.UNSET
    reserved: IntFilter | None = strawberry.UNSET
    available: IntFilter | None = strawberry.UNSET
    low_stock_threshold: IntFilter | None = strawberry.UNSET
    created: DateTimeFilter | None = strawberry.UNSET
    updated: DateTimeFilter | None = strawberry.UNSET
    and_: list[InventoryItemWhere] | None = strawberry.field(name="_and", default=strawberry.UNSET)
    or_: list[InventoryItemWhere] | None = strawberry.field(name="_or", default=strawberry.UNSET)
    not_: InventoryItemWhere | None = strawberry.field(name="_not", default=strawberry.UNSET)


@strawberry.enum
class InventoryItemOrderField(Enum):
    ID = "id"
    SKU = "sku"
    NAME = "name"
    LOCATION = "location"
    ON_HAND = "on_hand"
    RESERVED = "reserved"
    AVAILABLE = "available"
    LOW_STOCK_THRESHOLD = "low_stock_threshold"
    CREATED = "created"
    UPDATED = "updated"


@strawberry.input(name="InventoryItemOrder")
class InventoryItemOrder(Sort[InventoryItemOrderField]):
    pass
