"""Stock moves: orders reserve, release and consume; returns restock; transfers move.

Every move locks its rows in one fixed order, (sku, location), so moves that touch the
same items in any order never deadlock; on SQLite the write transaction itself
serializes writers. Locked rows are read afresh (``populate_existing``): a row this
session loaded earlier, without the lock, may be older than the one the lock waited for.
``available`` (on_hand - reserved) never goes below zero: the domain refuses it with
409, and a CHECK constraint backs that up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, case, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.base import utcnow
from stateset_gql.db.lookup import locking
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import Conflict, ErrorDetail, NotFound, Validator
from stateset_gql.ids import new_id
from stateset_gql.inventory import events
from stateset_gql.inventory.models import InventoryItem
from stateset_gql.inventory.validation import MAX_QUANTITY, count, text

# Built once: a statement made per call costs more to build and key than to run.
_LOCK_ITEMS = locking(
    select(InventoryItem)
    .where(
        InventoryItem.owned_by_params(),
        tuple_(InventoryItem.sku, InventoryItem.location).in_(bindparam("keys", expanding=True)),
    )
    .order_by(InventoryItem.sku, InventoryItem.location)
)


async def lock_items(
    *, session: AsyncSession, owner: Owner, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], InventoryItem]:
    """The items of these (sku, location) pairs, locked in (sku, location) order."""
    if not keys:
        return {}
    rows = await session.execute(_LOCK_ITEMS, {**owner.params(), "keys": sorted(set(keys))})
    return {(item.sku, item.location): item for item in rows.scalars()}


def no_such_item(sku: str, location: str, param: str = "sku") -> ErrorDetail:
    """Why a move was refused: there is no item of ``sku`` at ``location`` at all."""
    return ErrorDetail(
        param=param,
        code="NO_SUCH_INVENTORY_ITEM",
        message=f"No inventory item for sku '{sku}' at '{location}'",
        extra=(("sku", sku), ("location", location)),
    )


def shortage(
    item: InventoryItem | None,
    wanted: int,
    sku: str = "",
    location: str = "",
    param: str = "sku",
) -> ErrorDetail:
    """Why a move was refused: how much was wanted of which item, and how much there is."""
    available = item.available if item is not None else 0
    sku = item.sku if item is not None else sku
    location = item.location if item is not None else location
    return ErrorDetail(
        param=param,
        code="INSUFFICIENT_STOCK",
        message=f"sku '{sku}' at '{location}': {wanted} wanted, {available} available",
        extra=(
            ("sku", sku),
            ("location", location),
            ("requested", wanted),
            ("available", available),
        ),
    )


def check_capacity(item: InventoryItem, adding: int, param: str) -> None:
    """On hand may not exceed ``MAX_QUANTITY`` (the most any count can show)."""
    if item.on_hand + adding > MAX_QUANTITY:
        raise Conflict(
            f"sku '{item.sku}' at '{item.location}' would hold more than {MAX_QUANTITY}",
            param=param,
            details=[
                ErrorDetail(
                    param=param,
                    code="QUANTITY_TOO_LARGE",
                    message=f"on_hand {item.on_hand} + {adding} exceeds {MAX_QUANTITY}",
                    extra=(("on_hand", item.on_hand), ("maximum", MAX_QUANTITY)),
                )
            ],
        )


@cache
def _moved(skus: int, on_hand: int, reserved: int, require_available: bool) -> Any:
    """One UPDATE ... RETURNING for a whole move of ``skus`` items: locked in (sku,
    location) order by its sub-select, each changed only if the change is allowed (what is
    wanted is available, the count stays under ``MAX_QUANTITY``, stock stays consistent).
    Built once per shape; the skus (``sku_0``...), quantities (``q_0``...), location and
    time are its parameters (``_move_params``)."""
    # Each sku's quantity, as a CASE on the row's sku (no VALUES list: SQLite cannot
    # name its columns).
    wanted = case(
        *((InventoryItem.sku == bindparam(f"sku_{n}", type_=String),
           bindparam(f"q_{n}", type_=BigInteger)) for n in range(skus)),
    )  # fmt: skip
    locked = (
        select(InventoryItem.id)
        .where(
            InventoryItem.owned_by_params(),
            InventoryItem.location == bindparam("at_location", type_=String),
            InventoryItem.sku.in_([bindparam(f"sku_{n}", type_=String) for n in range(skus)]),
        )
        .order_by(InventoryItem.sku, InventoryItem.location)
        .with_for_update()
        .subquery("locked")
    )
    new_on_hand = InventoryItem.on_hand + on_hand * wanted
    new_reserved = InventoryItem.reserved + reserved * wanted
    allowed = [
        InventoryItem.id == locked.c.id,
        new_reserved >= 0,
        new_on_hand >= new_reserved,
        new_on_hand <= MAX_QUANTITY,
    ]
    if require_available:
        allowed.append(InventoryItem.on_hand - InventoryItem.reserved >= wanted)
    # The UPDATE is the table's (Core), its rows loaded as items by the ORM: an ORM-enabled
    # UPDATE is a new statement each run (the ORM annotates it), keyed for the statement
    # cache each time.
    table = InventoryItem.metadata.tables[InventoryItem.__tablename__]
    moved = (
        update(table)
        .where(*allowed)
        .values(on_hand=new_on_hand, reserved=new_reserved, updated=bindparam("now"))
        .returning(*table.c)
    )
    return select(InventoryItem).from_statement(moved).execution_options(populate_existing=True)


def _move_params(owner: Owner, location: str, quantities: Mapping[str, int]) -> dict[str, Any]:
    params: dict[str, Any] = {**owner.params(), "at_location": location, "now": utcnow()}
    for n, (sku, quantity) in enumerate(sorted(quantities.items())):
        params[f"sku_{n}"] = sku
        params[f"q_{n}"] = quantity
    return params


async def _change_stock(
    uow: UnitOfWork,
    owner: Owner,
    location: str,
    quantities: Mapping[str, int],
    *,
    on_hand: int,
    reserved: int,
    require_available: bool,
    lines: Mapping[str, str] | None = None,
) -> dict[str, InventoryItem]:
    """Applies ``on_hand * q`` and ``reserved * q`` to each sku's item, all or nothing, in
    one statement that locks the items (in sku order) as it changes them: their locks are
    held from here to the commit. ``lines`` names where each sku was asked for
    (``line_items.0``), for the errors."""
    statement = _moved(len(quantities), on_hand, reserved, require_available)
    rows = await uow.session.execute(statement, _move_params(owner, location, quantities))
    uow.hot_rows_locked()
    changed: dict[str, InventoryItem] = {item.sku: item for item in rows.scalars()}
    if len(changed) != len(quantities):
        await _refuse(uow, owner, location, quantities, changed, on_hand, require_available, lines)
    skus = sorted(quantities)
    # What each item was: the same row less this move (its representation, rendered from
    # a copy, not read again).
    befores = await uow.snapshots(
        [
            events.subject(_as_before(changed[sku], on_hand * quantities[sku],
                                      reserved * quantities[sku]))
            for sku in skus
        ]
    )  # fmt: skip
    for sku, before in zip(skus, befores, strict=True):
        events.emit_change(uow, before, changed[sku])
    return changed


def _as_before(item: InventoryItem, on_hand: int, reserved: int) -> InventoryItem:
    """A detached copy of ``item`` as it was before ``on_hand`` and ``reserved`` were added."""
    was = InventoryItem(
        **{attr.key: getattr(item, attr.key) for attr in InventoryItem.__mapper__.column_attrs}
    )
    was.on_hand -= on_hand
    was.reserved -= reserved
    return was


async def _refuse(
    uow: UnitOfWork,
    owner: Owner,
    location: str,
    quantities: Mapping[str, int],
    changed: Mapping[str, InventoryItem],
    on_hand: int,
    require_available: bool,
    lines: Mapping[str, str] | None,
) -> None:
    """Why the move left some items alone, as a 409 naming each (the request then rolls
    back, the items it did change with it)."""
    items = await lock_items(
        session=uow.session, owner=owner, keys=[(sku, location) for sku in quantities]
    )
    problems = []
    for sku, quantity in sorted(quantities.items()):
        if sku in changed:
            continue
        item = items.get((sku, location))
        at = (lines or {}).get(sku)
        if item is None:
            problems.append(no_such_item(sku, location, f"{at}.sku" if at else "sku"))
        elif require_available and item.available < quantity:
            param = f"{at}.quantity" if at else "sku"
            problems.append(shortage(item, quantity, sku, location, param))
        elif on_hand > 0:
            check_capacity(item, on_hand * quantity, "sku")
    if problems:
        short = all(p.code == "INSUFFICIENT_STOCK" for p in problems)
        raise Conflict(
            ("Insufficient stock: " if short else "") + "; ".join(d.message for d in problems),
            param=problems[0].param,
            details=problems,
        )
    raise Conflict(f"Stock at '{location}' cannot take this change", param="sku")


async def reserve(
    *,
    uow: UnitOfWork,
    owner: Owner,
    location: str,
    quantities: Mapping[str, int],
    lines: Mapping[str, str] | None = None,
) -> dict[str, InventoryItem]:
    """Reserves every quantity or none: 409 naming each short or unknown sku, by its
    line when ``lines`` says where each was asked for."""
    return await _change_stock(
        uow,
        owner,
        location,
        quantities,
        on_hand=0,
        reserved=1,
        require_available=True,
        lines=lines,
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


# -------------------------------------------------------------------------- transfers


async def transfer(
    *,
    uow: UnitOfWork,
    owner: Owner,
    sku: str,
    from_location: str,
    to_location: str,
    quantity: int,
) -> InventoryItem:
    """Moves available stock; creates the destination item if needed. Returns it.

    Both items emit ``inventory.transfer``. A source that this takes below its threshold
    (or to zero) also emits ``inventory.low_stock`` (``out_of_stock``): the transfer and
    the crossing are two facts, as a refund that also cancels an order is.
    """
    check = Validator()
    sku_clean = text(sku, "sku", 100, check, required=True)
    source_location = text(from_location, "from_location", 100, check, required=True)
    target_location = text(to_location, "to_location", 100, check, required=True)
    amount = count(quantity, "quantity", check, minimum=1, required=True)
    if source_location and source_location == target_location:
        check.invalid("to_location", "to_location must differ from from_location")
    check.check()
    assert sku_clean
    assert source_location
    assert target_location
    assert amount
    source_key, target_key = (sku_clean, source_location), (sku_clean, target_location)
    items = await lock_items(session=uow.session, owner=owner, keys=[source_key, target_key])
    uow.hot_rows_locked()
    source = items.get(source_key)
    if source is None:
        raise NotFound(
            f"No inventory item for sku '{sku_clean}' at location '{source_location}'",
            param="from_location",
        )
    now = utcnow()
    if target_key not in items:
        await _add_item_like(uow, owner, source, target_location, now)
        items = await lock_items(session=uow.session, owner=owner, keys=[source_key, target_key])
        source = items[source_key]
    target = items[target_key]
    if source.available < amount:
        raise Conflict(
            f"Insufficient stock to transfer: {amount} wanted, {source.available} available",
            param="quantity",
            details=[shortage(source, amount)],
        )
    check_capacity(target, amount, "quantity")
    source_before, target_before = await uow.snapshots(
        [events.subject(source), events.subject(target)]
    )
    source.on_hand -= amount
    target.on_hand += amount
    source.updated = target.updated = now
    await uow.session.flush()
    events.emit_change(uow, source_before, source, events.TRANSFER)
    events.emit_change(uow, target_before, target, events.TRANSFER)
    if crossed := events.crossing(source_before, source):
        events.emit_change(uow, source_before, source, crossed)
    return target


async def _add_item_like(
    uow: UnitOfWork, owner: Owner, source: InventoryItem, location: str, now: datetime
) -> None:
    """An empty item for ``source``'s sku at ``location``, named and thresholded alike.

    In a savepoint: a concurrent transfer may create the same item first, and then the
    unique constraint refuses this one, which is fine, since the item now exists.
    """
    item = InventoryItem(
        id=new_id("inv"), account_id=owner.account_id, livemode=owner.livemode,
        sku=source.sku, name=source.name, location=location, on_hand=0, reserved=0,
        low_stock_threshold=source.low_stock_threshold, meta={}, created=now, updated=now,
    )  # fmt: skip
    try:
        async with uow.session.begin_nested():
            uow.session.add(item)
    except IntegrityError:
        pass
