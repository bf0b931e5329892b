"""Inventory actions: create, update, adjust; reading one item or a page of them.

The caller owns the transaction; nothing here commits. Stock moves (reservations,
shipping, returns, transfers) live in ``stock`` and are re-exported here, so callers
need only this module. Which event a change emits is decided in ``events``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import AlreadyExists, Conflict, ErrorDetail, Validator
from stateset_gql.ids import new_id
from stateset_gql.inventory import events
from stateset_gql.inventory.events import stock_event_type
from stateset_gql.inventory.models import InventoryItem
from stateset_gql.inventory.stock import (
    check_capacity,
    consume,
    lock_items,
    release,
    reserve,
    restock,
    transfer,
)
from stateset_gql.inventory.validation import MAX_QUANTITY, adjustment, count, text
from stateset_gql.metadata import RawMetadata, check_metadata, merge_metadata
from stateset_gql.unset import UNSET, Unset

__all__ = [
    "LIST_SPEC", "MAX_QUANTITY", "InventoryInput", "InventoryUpdate", "adjust", "consume",
    "create", "get", "list_page", "lock_items", "owned", "release", "reserve", "restock",
    "stock_event_type", "transfer", "update",
]  # fmt: skip

# ``available`` is a hybrid attribute: a QueryableAttribute, which offers everything the
# list engine uses of a column (operators, ``key``, ``expression``). ``ListField`` is
# annotated with the narrower InstrumentedAttribute that plain columns are.
_AVAILABLE = cast("InstrumentedAttribute[int]", InventoryItem.available)

LIST_SPEC = ListSpec(
    id_column=InventoryItem.id,
    fields={
        "id": ListField(InventoryItem.id, "id", sortable=True),
        "sku": ListField(InventoryItem.sku, "string", sortable=True),
        "name": ListField(InventoryItem.name, "string", sortable=True),
        "location": ListField(InventoryItem.location, "string", sortable=True),
        "on_hand": ListField(InventoryItem.on_hand, "int", sortable=True),
        "reserved": ListField(InventoryItem.reserved, "int", sortable=True),
        "available": ListField(_AVAILABLE, "int", sortable=True),
        "low_stock_threshold": ListField(InventoryItem.low_stock_threshold, "int", sortable=True),
        "created": ListField(InventoryItem.created, "datetime", sortable=True),
        "updated": ListField(InventoryItem.updated, "datetime", sortable=True),
    },
)


@dataclass(frozen=True, kw_only=True)
class InventoryInput:
    """A new item; ``UNSET`` (or null) takes the default."""

    sku: str
    name: str
    location: str | Unset | None = UNSET
    on_hand: int | Unset | None = UNSET
    low_stock_threshold: int | Unset | None = UNSET
    metadata: RawMetadata | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class InventoryUpdate:
    """Fields to change; ``UNSET`` leaves a field as it is. Stock moves only through
    ``adjust``, orders and transfers; sku and location never change."""

    name: str | Unset | None = UNSET
    low_stock_threshold: int | Unset | None = UNSET
    metadata: RawMetadata | Unset | None = UNSET


ITEMS = OwnedRows(InventoryItem, "inventory item", LIST_SPEC)
owned = ITEMS.owned
list_page = ITEMS.list_page


async def get(
    *, session: AsyncSession, owner: Owner, item_id: str, lock: bool = False
) -> InventoryItem:
    return await ITEMS.get(session=session, owner=owner, object_id=item_id, lock=lock)


# --------------------------------------------------------------------------- actions


async def create(*, uow: UnitOfWork, owner: Owner, data: InventoryInput) -> InventoryItem:
    check = Validator()
    sku = text(data.sku, "sku", 100, check, required=True)
    name = text(data.name, "name", 200, check, required=True)
    location = text(data.location, "location", 100, check, required=False) or "default"
    on_hand = count(data.on_hand, "on_hand", check) or 0
    threshold = count(data.low_stock_threshold, "low_stock_threshold", check) or 0
    metadata = {} if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    metadata = merge_metadata({}, metadata, check)
    check.check()
    assert sku is not None
    assert name is not None
    existing = await uow.session.execute(
        owned(owner).where(InventoryItem.sku == sku, InventoryItem.location == location)
    )
    if existing.first() is not None:
        raise _duplicate(sku, location)
    now = utcnow()
    item = InventoryItem(
        id=new_id("inv"),
        account_id=owner.account_id,
        livemode=owner.livemode,
        sku=sku,
        name=name,
        location=location,
        on_hand=on_hand,
        reserved=0,
        low_stock_threshold=threshold,
        meta=metadata,
        created=now,
        updated=now,
    )
    uow.session.add(item)
    try:
        await uow.session.flush()
    except IntegrityError as exc:  # a concurrent create won the race
        raise _duplicate(sku, location) from exc
    events.emit_created(uow, item)
    return item


def _duplicate(sku: str, location: str) -> AlreadyExists:
    return AlreadyExists(
        f"An inventory item for sku '{sku}' at location '{location}' already exists",
        param="sku",
    )


async def update(
    *, uow: UnitOfWork, owner: Owner, item_id: str, data: InventoryUpdate
) -> InventoryItem:
    """Name, threshold and metadata; stock moves only through adjust, orders and transfers.

    A threshold change is an ``inventory.updated`` even if ``available`` is now at or
    below it: ``low_stock`` reports stock falling, and no stock moved.
    """
    check = Validator()
    values: dict[str, Any] = {}
    if not isinstance(data.name, Unset):
        values["name"] = text(data.name, "name", 200, check, required=True)
    if not isinstance(data.low_stock_threshold, Unset):
        values["low_stock_threshold"] = (
            count(data.low_stock_threshold, "low_stock_threshold", check) or 0
        )
    metadata_update = (
        None if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    )
    check.check()
    item = await get(session=uow.session, owner=owner, item_id=item_id, lock=True)
    if metadata_update is not None:
        values["meta"] = merge_metadata(item.meta, metadata_update, check)
        check.check()
    changes = {k: v for k, v in values.items() if getattr(item, k) != v}
    if not changes:
        return item  # nothing changed: no write, no event
    before = await uow.snapshot(events.subject(item))
    for key, value in changes.items():
        setattr(item, key, value)
    item.updated = utcnow()
    await uow.session.flush()
    events.emit_change(uow, before, item, events.UPDATED)
    return item


async def adjust(
    *, uow: UnitOfWork, owner: Owner, item_id: str, delta: int, reason: str | None
) -> InventoryItem:
    """Counted stock changes by ``delta``; on_hand may not fall below reserved (409)."""
    check = Validator()
    change = adjustment(delta, check)
    if reason is not None and len(reason) > 500:
        check.invalid("reason", "reason can be at most 500 characters")
    check.check()
    assert change is not None
    item = await get(session=uow.session, owner=owner, item_id=item_id, lock=True)
    if item.on_hand + change < item.reserved:
        raise Conflict(
            f"on_hand cannot fall below reserved ({item.reserved}); "
            f"at most {item.available} can be removed",
            param="delta",
            details=[_below_reserved(item, change)],
        )
    check_capacity(item, change, "delta")
    before = await uow.snapshot(events.subject(item))
    item.on_hand += change
    item.updated = utcnow()
    await uow.session.flush()
    events.emit_change(uow, before, item)
    return item


def _below_reserved(item: InventoryItem, change: int) -> ErrorDetail:
    return ErrorDetail(
        param="delta",
        code="INSUFFICIENT_STOCK",
        message=(
            f"sku '{item.sku}' at '{item.location}': {-change} to remove, "
            f"{item.on_hand} on hand, {item.reserved} reserved, {item.available} available"
        ),
        extra=(
            ("sku", item.sku),
            ("location", item.location),
            ("requested", -change),
            ("on_hand", item.on_hand),
            ("reserved", item.reserved),
            ("available", item.available),
        ),
    )
