"""Inventory actions. The caller owns the transaction; nothing here commits.

Every stock change locks its rows in one fixed order, (sku, location), so orders that
reserve the same SKUs in any order never deadlock; on SQLite the write transaction
itself serializes writers. ``available`` (on_hand - reserved) never goes below zero:
the domain refuses it with 409, and a CHECK constraint backs that up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Owner
from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest, fetch_page
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import AlreadyExists, Conflict, ErrorDetail, Validator, not_found
from stateset_gql.ids import new_id
from stateset_gql.inventory.models import InventoryItem
from stateset_gql.metadata import check_metadata, merge_metadata
from stateset_gql.serialize import iso

UNSET: Any = object()
MAX_QUANTITY = 1_000_000_000

LIST_SPEC = ListSpec(
    id_column=InventoryItem.id,
    fields={
        "id": ListField(InventoryItem.id, "id", sortable=True),
        "sku": ListField(InventoryItem.sku, "string", sortable=True),
        "name": ListField(InventoryItem.name, "string", sortable=True),
        "location": ListField(InventoryItem.location, "string", sortable=True),
        "on_hand": ListField(InventoryItem.on_hand, "int", sortable=True),
        "reserved": ListField(InventoryItem.reserved, "int", sortable=True),
        "available": ListField(
            InventoryItem.on_hand - InventoryItem.reserved,  # type: ignore[arg-type]
            "int",
            sortable=False,
        ),
        "low_stock_threshold": ListField(InventoryItem.low_stock_threshold, "int"),
        "created": ListField(InventoryItem.created, "datetime", sortable=True),
        "updated": ListField(InventoryItem.updated, "datetime", sortable=True),
    },
)


@dataclass
class InventoryInput:
    """Fields to set; ``UNSET`` leaves a field as it is (on update)."""

    sku: Any = UNSET
    name: Any = UNSET
    location: Any = UNSET
    on_hand: Any = UNSET
    low_stock_threshold: Any = UNSET
    metadata: Any = UNSET


def to_dict(item: InventoryItem) -> dict[str, Any]:
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


def owned(owner: Owner) -> Select[InventoryItem]:
    return select(InventoryItem).where(
        InventoryItem.account_id == owner.account_id, InventoryItem.livemode == owner.livemode
    )


async def get(
    *, session: AsyncSession, owner: Owner, item_id: str, lock: bool = False
) -> InventoryItem:
    statement = owned(owner).where(InventoryItem.id == item_id)
    if lock:
        statement = statement.with_for_update()
    item = (await session.execute(statement)).scalar_one_or_none()
    if item is None:
        raise not_found("inventory item", item_id)
    return item


async def list_page(
    *, session: AsyncSession, owner: Owner, request: PageRequest
) -> Page[InventoryItem]:
    return await fetch_page(session=session, spec=LIST_SPEC, base=owned(owner), request=request)


# ------------------------------------------------------------------------ validation


def _text(value: Any, param: str, limit: int, check: Validator, *, required: bool) -> str | None:
    if value is UNSET or value is None:
        if required:
            check.missing(param)
        return None
    if not isinstance(value, str) or not value.strip():
        check.invalid(param, f"{param} must be a non-empty string")
        return None
    if len(value.strip()) > limit:
        check.invalid(param, f"{param} can be at most {limit} characters")
        return None
    return value.strip()


def _count(value: Any, param: str, check: Validator, *, minimum: int = 0) -> int | None:
    if value is UNSET or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        check.invalid(param, f"{param} must be an integer")
        return None
    if not minimum <= value <= MAX_QUANTITY:
        check.invalid(param, f"{param} must be between {minimum} and {MAX_QUANTITY}")
        return None
    return value


# ---------------------------------------------------------------------------- events


def stock_event_type(before: InventoryItem | dict[str, Any], item: InventoryItem) -> str:
    """The most specific type of a stock change: crossing zero or the threshold downwards
    says so; anything else is ``inventory.updated``."""
    was = before["available"] if isinstance(before, dict) else before.available
    now = item.available
    if was > 0 >= now:
        return "inventory.out_of_stock"
    threshold = item.low_stock_threshold
    if threshold > 0 and was > threshold >= now:
        return "inventory.low_stock"
    return "inventory.updated"


def _emit_change(
    uow: UnitOfWork,
    owner: Owner,
    before: dict[str, Any],
    item: InventoryItem,
    type: str | None = None,
) -> None:
    after = to_dict(item)
    previous = {k: v for k, v in before.items() if k != "updated" and after.get(k) != v}
    uow.emit(owner, type or stock_event_type(before, item), after, previous)


# --------------------------------------------------------------------------- actions


async def create(*, uow: UnitOfWork, owner: Owner, data: InventoryInput) -> InventoryItem:
    check = Validator()
    sku = _text(data.sku, "sku", 100, check, required=True)
    name = _text(data.name, "name", 200, check, required=True)
    location = _text(data.location, "location", 100, check, required=False) or "default"
    on_hand = _count(data.on_hand, "on_hand", check) or 0
    threshold = _count(data.low_stock_threshold, "low_stock_threshold", check) or 0
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
    except IntegrityError as exc:
        raise _duplicate(sku, location) from exc
    uow.emit(owner, "inventory.updated", to_dict(item))
    return item


def _duplicate(sku: str, location: str) -> AlreadyExists:
    return AlreadyExists(
        f"An inventory item for sku '{sku}' at location '{location}' already exists",
        param="sku",
    )


async def update(
    *, uow: UnitOfWork, owner: Owner, item_id: str, data: InventoryInput
) -> InventoryItem:
    """Name, threshold and metadata; stock moves only through adjust, orders and transfers."""
    check = Validator()
    for field in ("sku", "location", "on_hand"):
        if getattr(data, field) is not UNSET:
            check.invalid(
                field,
                f"{field} cannot be changed here"
                + ("; use adjustInventory" if field == "on_hand" else ""),
            )
    values: dict[str, Any] = {}
    if data.name is not UNSET:
        values["name"] = _text(data.name, "name", 200, check, required=True)
    if data.low_stock_threshold is not UNSET:
        values["low_stock_threshold"] = (
            _count(data.low_stock_threshold, "low_stock_threshold", check) or 0
        )
    metadata_update = (
        None if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    )
    check.check()
    item = await get(session=uow.session, owner=owner, item_id=item_id, lock=True)
    if metadata_update is not None:
        values["meta"] = merge_metadata(item.meta, metadata_update, check)
        check.check()
    before = to_dict(item)
    for key, value in values.items():
        setattr(item, key, value)
    if to_dict(item) == before:
        return item
    item.updated = utcnow()
    await uow.session.flush()
    _emit_change(uow, owner, before, item, "inventory.updated")
    return item


async def adjust(
    *, uow: UnitOfWork, owner: Owner, item_id: str, delta: int, reason: str | None
) -> InventoryItem:
    check = Validator()
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        check.invalid("delta", "delta must be a non-zero integer")
    elif abs(delta) > MAX_QUANTITY:
        check.invalid("delta", f"delta must be between -{MAX_QUANTITY} and {MAX_QUANTITY}")
    if reason is not None and len(reason) > 500:
        check.invalid("reason", "reason can be at most 500 characters")
    check.check()
    item = await get(session=uow.session, owner=owner, item_id=item_id, lock=True)
    if item.on_hand + delta < item.reserved:
        raise Conflict(
            f"on_hand cannot fall below reserved ({item.reserved}); "
            f"at most {item.available} can be removed",
            param="delta",
            details=[_shortage(item, -delta)],
        )
    before = to_dict(item)
    item.on_hand += delta
    item.updated = utcnow()
    await uow.session.flush()
    _emit_change(uow, owner, before, item)
    return item


def _shortage(
    item: InventoryItem | None, wanted: int, sku: str = "", location: str = ""
) -> ErrorDetail:
    available = item.available if item is not None else 0
    sku = item.sku if item is not None else sku
    location = item.location if item is not None else location
    return ErrorDetail(
        param="sku",
        code="INSUFFICIENT_STOCK",
        message=f"sku '{sku}' at '{location}': {wanted} wanted, {available} available",
        extra=(
            ("sku", sku),
            ("location", location),
            ("requested", wanted),
            ("available", available),
        ),
    )


async def lock_items(
    *, session: AsyncSession, owner: Owner, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], InventoryItem]:
    """The items of these (sku, location) pairs, locked in (sku, location) order."""
    if not keys:
        return {}
    rows = await session.execute(
        owned(owner)
        .where(tuple_(InventoryItem.sku, InventoryItem.location).in_(sorted(set(keys))))
        .order_by(InventoryItem.sku, InventoryItem.location)
        .with_for_update()
    )
    return {(item.sku, item.location): item for item in rows.scalars()}


async def _change_stock(
    uow: UnitOfWork,
    owner: Owner,
    location: str,
    quantities: Mapping[str, int],
    *,
    on_hand: int,
    reserved: int,
    require_available: bool,
) -> dict[str, InventoryItem]:
    """Applies ``on_hand * q`` and ``reserved * q`` to each sku's item, all or nothing."""
    items = await lock_items(
        session=uow.session, owner=owner, keys=[(sku, location) for sku in quantities]
    )
    shortages = []
    for sku, quantity in sorted(quantities.items()):
        item = items.get((sku, location))
        if require_available and (item is None or item.available < quantity):
            shortages.append(_shortage(item, quantity, sku, location))
        elif item is None:
            raise Conflict(
                f"No inventory for sku '{sku}' at '{location}'", param="sku",
                details=[_shortage(None, quantity, sku, location)],
            )  # fmt: skip
    if shortages:
        raise Conflict(
            "Insufficient stock: " + "; ".join(d.message for d in shortages),
            param="line_items",
            details=shortages,
        )
    now = utcnow()
    changed: dict[str, InventoryItem] = {}
    for sku, quantity in sorted(quantities.items()):
        item = items[(sku, location)]
        before = to_dict(item)
        item.on_hand += on_hand * quantity
        item.reserved += reserved * quantity
        if item.reserved < 0 or item.on_hand < item.reserved:
            raise Conflict(f"Stock of sku '{sku}' at '{location}' is inconsistent", param="sku")
        item.updated = now
        _emit_change(uow, owner, before, item)
        changed[sku] = item
    await uow.session.flush()
    return changed


async def reserve(
    *, uow: UnitOfWork, owner: Owner, location: str, quantities: Mapping[str, int]
) -> dict[str, InventoryItem]:
    """Reserves every quantity or none: 409 naming each short sku."""
    return await _change_stock(
        uow, owner, location, quantities, on_hand=0, reserved=1, require_available=True
    )


async def release(
    *, uow: UnitOfWork, owner: Owner, location: str, quantities: Mapping[str, int]
) -> dict[str, InventoryItem]:
    """Gives back what ``reserve`` took (a cancelled order)."""
    return await _change_stock(
        uow, owner, location, quantities, on_hand=0, reserved=-1, require_available=False
    )


async def consume(
    *, uow: UnitOfWork, owner: Owner, location: str, quantities: Mapping[str, int]
) -> dict[str, InventoryItem]:
    """Shipping: the reserved units leave the building (on_hand and reserved fall)."""
    return await _change_stock(
        uow, owner, location, quantities, on_hand=-1, reserved=-1, require_available=False
    )


async def restock(
    *, uow: UnitOfWork, owner: Owner, location: str, quantities: Mapping[str, int]
) -> dict[str, InventoryItem]:
    """Returned units back on the shelf (on_hand rises)."""
    return await _change_stock(
        uow, owner, location, quantities, on_hand=1, reserved=0, require_available=False
    )


async def transfer(
    *,
    uow: UnitOfWork,
    owner: Owner,
    sku: str,
    from_location: str,
    to_location: str,
    quantity: int,
) -> InventoryItem:
    """Moves available stock; creates the destination item if needed. Returns it."""
    check = Validator()
    sku_clean = _text(sku, "sku", 100, check, required=True)
    source_location = _text(from_location, "from_location", 100, check, required=True)
    target_location = _text(to_location, "to_location", 100, check, required=True)
    amount = _count(quantity, "quantity", check, minimum=1)
    if amount is None and quantity is not UNSET and not check.details:
        check.missing("quantity")
    if source_location and source_location == target_location:
        check.invalid("to_location", "to_location must differ from from_location")
    check.check()
    assert sku_clean
    assert source_location
    assert target_location
    assert amount
    items = await lock_items(
        session=uow.session,
        owner=owner,
        keys=[(sku_clean, source_location), (sku_clean, target_location)],
    )
    source = items.get((sku_clean, source_location))
    if source is None:
        raise not_found(
            f"inventory item for sku '{sku_clean}' at", source_location, "from_location"
        )
    if source.available < amount:
        raise Conflict(
            f"Insufficient stock to transfer: {amount} wanted, {source.available} available",
            param="quantity",
            details=[_shortage(source, amount)],
        )
    now = utcnow()
    target = items.get((sku_clean, target_location))
    if target is None:
        target = InventoryItem(
            id=new_id("inv"), account_id=owner.account_id, livemode=owner.livemode,
            sku=sku_clean, name=source.name, location=target_location, on_hand=0, reserved=0,
            low_stock_threshold=source.low_stock_threshold, meta={}, created=now, updated=now,
        )  # fmt: skip
        uow.session.add(target)
    source_before, target_before = to_dict(source), to_dict(target)
    source.on_hand -= amount
    target.on_hand += amount
    source.updated = target.updated = now
    await uow.session.flush()
    source_type = stock_event_type(source_before, source)
    _emit_change(
        uow, owner, source_before, source,
        source_type if source_type != "inventory.updated" else "inventory.transfer",
    )  # fmt: skip
    _emit_change(uow, owner, target_before, target, "inventory.transfer")
    return target
