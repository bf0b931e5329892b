"""Which event a stock change emits, and what it carries.

``inventory.out_of_stock`` and ``inventory.low_stock`` report a crossing: ``available``
falling to zero, or to the threshold, from above it. A further change below the line is
an ordinary ``inventory.updated``; once stock rises above the line again, the next fall
fires again. Every event carries ``previous_attributes``: the fields the change altered,
as they were (empty for an item just created, which had none).
"""

from __future__ import annotations

from typing import Any

from stateset_gql.access.principal import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.inventory.models import InventoryItem
from stateset_gql.serialize import iso

UPDATED = "inventory.updated"
LOW_STOCK = "inventory.low_stock"
OUT_OF_STOCK = "inventory.out_of_stock"
TRANSFER = "inventory.transfer"


def to_dict(item: InventoryItem) -> dict[str, Any]:
    """The REST form, as events and webhooks carry it."""
    return {
        "id": item.id,
        "object": "inventory_item",
        "livemode": item.livemode,
        "created": iso(item.created),
        "updated": iso(item.updated),
        "sku": item.sku,
        "name": item.name,
        "location": item.location,
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "available": item.available,
        "low_stock_threshold": item.low_stock_threshold,
        "metadata": item.meta,
    }


def crossing(before: dict[str, Any], item: InventoryItem) -> str | None:
    """``OUT_OF_STOCK`` or ``LOW_STOCK`` if this change took ``available`` down across
    zero or the threshold (zero wins when both are crossed); otherwise None."""
    was, now = before["available"], item.available
    if was > 0 >= now:
        return OUT_OF_STOCK
    threshold = item.low_stock_threshold
    if threshold > 0 and was > threshold >= now:
        return LOW_STOCK
    return None


def stock_event_type(before: InventoryItem | dict[str, Any], item: InventoryItem) -> str:
    """The most specific type of a stock change: a crossing says so, else ``UPDATED``."""
    return crossing(before if isinstance(before, dict) else to_dict(before), item) or UPDATED


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields that changed, as they were; ``updated`` changes with all of them."""
    return {k: v for k, v in before.items() if k != "updated" and after.get(k) != v}


def emit_change(
    uow: UnitOfWork,
    owner: Owner,
    before: dict[str, Any],
    item: InventoryItem,
    type: str | None = None,
) -> None:
    """One event for one change of ``item`` (``before`` is ``to_dict`` of it before);
    of ``type`` if given, else of its most specific type."""
    after = to_dict(item)
    previous = previous_attributes(before, after)
    uow.emit(owner, type or stock_event_type(before, item), after, previous)


def emit_created(uow: UnitOfWork, owner: Owner, item: InventoryItem) -> None:
    """There is no ``inventory.created``: a new item is announced as ``inventory.updated``,
    with nothing before it."""
    uow.emit(owner, UPDATED, to_dict(item), {})
