"""Orders: creating, reading, listing and editing them. The caller owns the transaction.

The lifecycle after creation (process, ship, deliver, cancel, refund) is in
``orders.lifecycle``; paying and refunding money is in ``payments.service``; every
status change of theirs takes the one path of ``orders.transition``. Every change emits
exactly one ``order.*`` event of its most specific type, about the order's ``subject``,
and every stock effect of a status change goes through ``move_stock``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.customers import service as customers
from stateset_gql.customers.service import AddressInput
from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Subject, UnitOfWork
from stateset_gql.errors import Conflict, ErrorDetail, NotFound, Validator, not_found
from stateset_gql.ids import new_id
from stateset_gql.inventory import service as inventory
from stateset_gql.metadata import RawMetadata, check_metadata, merge_metadata
from stateset_gql.orders import validation as rules
from stateset_gql.orders.models import Order, OrderLineItem
from stateset_gql.orders.states import RESERVING
from stateset_gql.orders.validation import LineItemInput as LineItemInput
from stateset_gql.unset import UNSET, Unset

LIST_SPEC = ListSpec(
    id_column=Order.id,
    fields={
        "id": ListField(Order.id, "id", sortable=True),
        "status": ListField(Order.status, "enum"),
        "amount": ListField(Order.amount, "int", sortable=True),
        "currency": ListField(Order.currency, "string"),
        "customer_id": ListField(Order.customer_id, "id"),
        "location": ListField(Order.location, "string"),
        "created": ListField(Order.created, "datetime", sortable=True),
        "updated": ListField(Order.updated, "datetime", sortable=True),
    },
)


@dataclass(frozen=True, kw_only=True)
class OrderInput:
    """A new order; ``UNSET`` (or null) takes the default."""

    line_items: list[LineItemInput]
    currency: str
    customer_id: str | Unset | None = UNSET
    tax: int | Unset | None = UNSET
    shipping_cost: int | Unset | None = UNSET
    location: str | Unset | None = UNSET
    shipping_address: AddressInput | Unset | None = UNSET
    metadata: RawMetadata | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class OrderUpdate:
    """Fields to change; ``UNSET`` leaves a field as it is. Only metadata may change
    once the order has left ``pending``."""

    customer_id: str | Unset | None = UNSET
    tax: int | Unset | None = UNSET
    shipping_cost: int | Unset | None = UNSET
    shipping_address: AddressInput | Unset | None = UNSET
    metadata: RawMetadata | Unset | None = UNSET


def subject(order: Order) -> Subject:
    """What an order's events are about: its one representation."""
    return Subject("order", order.id, order.owner, order)


def quantities(line_items: Iterable[OrderLineItem | LineItemInput]) -> dict[str, int]:
    """Units per sku: an order may name one sku on several lines."""
    total: Counter[str] = Counter()
    for item in line_items:
        total[item.sku] += item.quantity
    return dict(total)


async def move_stock(
    *, uow: UnitOfWork, owner: Owner, order: Order, line_items: list[OrderLineItem], was: str
) -> None:
    """The stock effect of the status change from ``was``: shipping consumes what the
    order reserved; leaving the reserving states any other way (cancelled, refunded)
    releases it."""
    if was not in RESERVING or order.status in RESERVING:
        return
    move = inventory.consume if order.status == "shipped" else inventory.release
    await move(uow=uow, owner=owner, location=order.location, quantities=quantities(line_items))


# --------------------------------------------------------------------------- reading


ORDERS = OwnedRows(Order, "order", LIST_SPEC)
owned = ORDERS.owned
list_page = ORDERS.list_page


async def get(*, session: AsyncSession, owner: Owner, order_id: str, lock: bool = False) -> Order:
    """One order; ``lock`` takes its row lock (SELECT ... FOR UPDATE) for a transition,
    and re-reads it, so concurrent transitions of one order take turns."""
    return await ORDERS.get(session=session, owner=owner, object_id=order_id, lock=lock)


# Built once: a statement made per call costs more to build and key than to run.
_LINE_ITEMS = (
    select(OrderLineItem)
    .where(OrderLineItem.order_id == bindparam("order_id"))
    .order_by(OrderLineItem.position)
)


async def line_items_of(*, session: AsyncSession, order_id: str) -> list[OrderLineItem]:
    rows = await session.execute(_LINE_ITEMS, {"order_id": order_id})
    return list(rows.scalars())


async def _check_customer(uow: UnitOfWork, owner: Owner, customer_id: str | None) -> str | None:
    """The id of a live customer of this owner; 404 naming ``customer_id`` otherwise."""
    if customer_id is None:
        return None
    try:
        await customers.get(session=uow.session, owner=owner, customer_id=customer_id)
    except NotFound as exc:
        raise not_found("customer", customer_id, "customer_id") from exc
    return customer_id


# --------------------------------------------------------------------------- actions


async def create(*, uow: UnitOfWork, owner: Owner, data: OrderInput) -> Order:
    """A pending order whose line items are reserved at its location: all or nothing.
    The reservation is settled at commit, after the rest of the request."""
    check = Validator()
    items = rules.line_items(data.line_items, check)
    currency = rules.currency(data.currency, check)
    subtotal = sum(i.quantity * i.unit_amount for i in items)
    tax = rules.money(data.tax, "tax", check)
    shipping_cost = rules.money(data.shipping_cost, "shipping_cost", check)
    amount = 0
    if not check.details:
        amount = rules.total(subtotal=subtotal, tax=tax, shipping_cost=shipping_cost, check=check)
    location = rules.location(data.location, check)
    address = rules.address(data.shipping_address, check)
    metadata = {} if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    metadata = merge_metadata({}, metadata, check)
    check.check()
    assert currency is not None
    customer_id = None
    if not isinstance(data.customer_id, Unset):
        customer_id = await _check_customer(uow, owner, data.customer_id)
    now = utcnow()
    order = Order(
        id=new_id("ord"), account_id=owner.account_id, livemode=owner.livemode,
        customer_id=customer_id, currency=currency, amount_paid=0, amount_refunded=0,
        status="pending", location=location, shipping_address=address, meta=metadata,
        created=now, updated=now, subtotal=subtotal, tax=tax, shipping_cost=shipping_cost,
        amount=amount,
    )  # fmt: skip
    line_items = [
        OrderLineItem(
            order_id=order.id,
            position=position,
            sku=item.sku,
            name=item.name,
            quantity=item.quantity,
            unit_amount=item.unit_amount,
            amount=item.quantity * item.unit_amount,
        )
        for position, item in enumerate(items)
    ]
    # One flush: the unit of work inserts the order first, since its line items' foreign
    # key refers to it.
    uow.session.add(order)
    uow.session.add_all(line_items)
    await uow.session.flush()
    uow.emit("order.created", subject(order))
    lines: dict[str, str] = {}
    for index, item in enumerate(items):
        lines.setdefault(item.sku, f"line_items.{index}")
    wanted = quantities(items)

    async def reserve() -> None:
        await inventory.reserve(
            uow=uow, owner=owner, location=location, quantities=wanted, lines=lines
        )

    # Last, at commit: every order of a popular product waits on its stock rows, so they
    # are held for the reservation and the commit alone (a shortage still fails it all).
    uow.settle_last(reserve)
    return order


def _not_editable(order: Order, field: str) -> Conflict:
    message = (
        f"{field} can only be changed while the order is pending; this order is {order.status}"
    )
    return Conflict(
        message,
        param=field,
        details=[
            ErrorDetail(
                param=field,
                code="ORDER_NOT_EDITABLE",
                message=message,
                extra=(("status", order.status),),
            )
        ],
    )


async def update(*, uow: UnitOfWork, owner: Owner, order_id: str, data: OrderUpdate) -> Order:
    """Edits a pending order (its total is recomputed); metadata may change in any state."""
    check = Validator()
    values: dict[str, Any] = {}
    for name, amount in (("tax", data.tax), ("shipping_cost", data.shipping_cost)):
        if not isinstance(amount, Unset):
            values[name] = rules.money(amount, name, check)
    if not isinstance(data.shipping_address, Unset):
        values["shipping_address"] = rules.address(data.shipping_address, check)
    metadata_update = (
        None if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    )
    check.check()
    order = await get(session=uow.session, owner=owner, order_id=order_id, lock=True)
    customer_given = not isinstance(data.customer_id, Unset)
    edits = [*values, *(["customer_id"] if customer_given else [])]
    if edits and order.status != "pending":
        raise _not_editable(order, edits[0])
    if not isinstance(data.customer_id, Unset):
        values["customer_id"] = await _check_customer(uow, owner, data.customer_id)
    if values:
        values["amount"] = rules.total(
            subtotal=order.subtotal,
            tax=values.get("tax", order.tax),
            shipping_cost=values.get("shipping_cost", order.shipping_cost),
            check=check,
        )
    if metadata_update is not None:
        values["meta"] = merge_metadata(order.meta, metadata_update, check)
    check.check()
    changes = {k: v for k, v in values.items() if getattr(order, k) != v}
    if not changes:
        return order  # nothing changed: no write, no event
    before = await uow.snapshot(subject(order))
    for key, value in changes.items():
        setattr(order, key, value)
    order.updated = utcnow()
    await uow.session.flush()
    uow.emit("order.updated", subject(order), before=before)
    return order
