"""Inventory queries: publishable keys may make them too (scope ``inventory:read``)."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.inventory.types import (
    InventoryItem,
    InventoryItemOrder,
    InventoryItemWhere,
)
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import Needs
from stateset_gql.inventory import service
from stateset_gql.inventory.models import InventoryItem as InventoryItemModel

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("inventory:read")


async def inventory_item_by_id(info: Info, id: str) -> InventoryItem:
    owner = READ.owner(info)
    model = await service.get(session=info.context.session, owner=owner, item_id=id)
    return InventoryItem.from_model(model)


@strawberry.type
class InventoryQuery:
    @strawberry.field(description="One inventory item by id.", extensions=[READ])
    async def inventory_item(self, info: Info, id: strawberry.ID) -> InventoryItem | None:
        return await inventory_item_by_id(info, id)

    @strawberry.field(
        description="Inventory items, newest first unless `orderBy` says otherwise.",
        extensions=[READ],
    )
    async def inventory_items(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: InventoryItemWhere | None = None,
        order_by: list[InventoryItemOrder] | None = None,
    ) -> Connection[InventoryItem]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(session=info.context.session, owner=owner, request=request)
        return connection(page, InventoryItem.from_model, request=request)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root(
    "inventoryItem",
    Root("InventoryItem", READ.scope, service.owned, InventoryItemModel.id),
)
compiled.root(
    "inventoryItems",
    Root(
        "InventoryItem", READ.scope, service.owned, InventoryItemModel.id,
        spec=service.LIST_SPEC,
    ),
)  # fmt: skip
