"""Inventory mutations: parse, check the scope, call the service."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.context import Info
from stateset_gql.graphql.inventory.inputs import (
    AdjustInventoryInput,
    CreateInventoryItemInput,
    TransferInventoryInput,
    UpdateInventoryItemInput,
)
from stateset_gql.graphql.inventory.types import InventoryItem
from stateset_gql.graphql.scopes import Needs
from stateset_gql.inventory import service

# The scope each root field here needs, declared on the field (``graphql.scopes``).
WRITE = Needs("inventory:write")


@strawberry.type
class InventoryMutation:
    @strawberry.mutation(description="A new item: one per (sku, location).", extensions=[WRITE])
    async def create_inventory_item(
        self, info: Info, input: CreateInventoryItemInput
    ) -> InventoryItem:
        owner = info.context.owner
        model = await service.create(uow=info.context.uow, owner=owner, data=input.to_domain())
        return InventoryItem.from_model(model)

    @strawberry.mutation(extensions=[WRITE])
    async def update_inventory_item(
        self, info: Info, id: strawberry.ID, input: UpdateInventoryItemInput
    ) -> InventoryItem:
        owner = info.context.owner
        model = await service.update(
            uow=info.context.uow, owner=owner, item_id=id, data=input.to_domain()
        )
        return InventoryItem.from_model(model)

    @strawberry.mutation(
        description="Changes `onHand` by `delta`; never below `reserved`.", extensions=[WRITE]
    )
    async def adjust_inventory(
        self, info: Info, id: strawberry.ID, input: AdjustInventoryInput
    ) -> InventoryItem:
        owner = info.context.owner
        model = await service.adjust(
            uow=info.context.uow, owner=owner, item_id=id, delta=input.delta, reason=input.reason
        )
        return InventoryItem.from_model(model)

    @strawberry.mutation(
        description="Moves available stock; returns the destination item.", extensions=[WRITE]
    )
    async def transfer_inventory(self, info: Info, input: TransferInventoryInput) -> InventoryItem:
        owner = info.context.owner
        model = await service.transfer(
            uow=info.context.uow,
            owner=owner,
            sku=input.sku,
            from_location=input.from_location,
            to_location=input.to_location,
            quantity=input.quantity,
        )
        return InventoryItem.from_model(model)
