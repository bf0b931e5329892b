"""Inventory output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from sqlalchemy.orm import InstrumentedAttribute

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.objects import Mapped
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.inventory import service
from stateset_gql.inventory.models import InventoryItem as InventoryItemModel


@strawberry.type(description="Stock of one sku at one location.")
class InventoryItem(Node, Mapped):
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


@where_input(service.LIST_SPEC)
class InventoryItemWhere:
    pass


@order_input(service.LIST_SPEC)
class InventoryItemOrder(Sort[Any]):
    pass


# How the compiled read engine reads this type (``graphql.compiled``): ``available`` is
# the model's hybrid, its SQL expression over the row.
compiled.table(
    "InventoryItem",
    InventoryItemModel,
    {
        "id": Col(InventoryItemModel.id),
        "object": Const("inventory_item"),
        "livemode": Col(InventoryItemModel.livemode, "bool"),
        "created": Col(InventoryItemModel.created, "datetime"),
        "updated": Col(InventoryItemModel.updated, "datetime"),
        "sku": Col(InventoryItemModel.sku),
        "name": Col(InventoryItemModel.name),
        "location": Col(InventoryItemModel.location),
        "onHand": Col(InventoryItemModel.on_hand, "int"),
        "reserved": Col(InventoryItemModel.reserved, "int"),
        "available": Col(cast("InstrumentedAttribute[int]", InventoryItemModel.available), "int"),
        "lowStockThreshold": Col(InventoryItemModel.low_stock_threshold, "int"),
        "metadata": Col(InventoryItemModel.meta, "json"),
    },
)
