"""Which event a stock change emits, and what it carries.

``inventory.out_of_stock`` and ``inventory.low_stock`` report a crossing: ``available``
falling to zero, or to the threshold, from above it. A further change below the line is
an ordinary ``inventory.updated``; once stock rises above the line again, the next fall
fires again. Every event carries ``previous_attributes``: the fields the change altered,
as they were (empty for an item just created, which had none).
"""

from __future__ import annotations

from typing import Any

from stateset_gql.db.uow import Subject, UnitOfWork
from stateset_gql.inventory.models import InventoryItem

UPDATED = "inventory.updated"
LOW_STOCK = "inventory.low_stock"
OUT_OF_STOCK = "inventory.out_of_stock"
TRANSFER = "inventory.transfer"


def subject(item: InventoryItem) -> Subject:
    """What an item's events are about: its one representation."""
    return Subject("inventory_item", item.id, item.owner, item)


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


def stock_event_type(before: dict[str, Any], item: InventoryItem) -> str:
    """The most specific type of a stock change: a crossing says so, else ``UPDATED``."""
    return crossing(before, item) or UPDATED


def emit_change(
    uow: UnitOfWork, before: dict[str, Any], item: InventoryItem, type: str | None = None
) -> None:
    """One event for one change of ``item`` (``before``: its snapshot before); of
    ``type`` if given, else of its most specific type."""
    uow.emit(type or stock_event_type(before, item), subject(item), before=before)


def emit_created(uow: UnitOfWork, item: InventoryItem) -> None:
    """There is no ``inventory.created``: a new item is announced as ``inventory.updated``,
    with nothing before it."""
    uow.emit(UPDATED, subject(item), before={})
