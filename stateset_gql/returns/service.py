"""Return actions. The caller owns the transaction; nothing here commits.

A return claims quantities of a shipped order's SKUs. Creating one locks the order row
first, so two returns of one order are checked one after the other and can never claim
together more than was shipped. Processing locks the order, then the return, and
refunds through the payments domain, which emits ``order.refunded`` itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Principal
from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Subject, UnitOfWork
from stateset_gql.errors import Conflict, ErrorDetail, NotFound, Validator, not_found
from stateset_gql.ids import new_id
from stateset_gql.inventory import service as inventory
from stateset_gql.metadata import RawMetadata, check_metadata, merge_metadata
from stateset_gql.orders import service as orders
from stateset_gql.orders.models import Order, OrderLineItem
from stateset_gql.payments import service as payments
from stateset_gql.returns.models import Return, ReturnItem
from stateset_gql.returns.states import CLAIMING, RETURN
from stateset_gql.unset import UNSET, Unset

MAX_ITEMS = 100
# Only goods that left the building can come back.
RETURNABLE_ORDER_STATES = frozenset({"shipped", "delivered"})

LIST_SPEC = ListSpec(
    id_column=Return.id,
    fields={
        "id": ListField(Return.id, "id", sortable=True),
        "order_id": ListField(Return.order_id, "id", sortable=True),
        "status": ListField(Return.status, "enum", sortable=True),
        "reason": ListField(Return.reason, "string"),
        "restock": ListField(Return.restock, "bool"),
        "refund_amount": ListField(Return.refund_amount, "int", sortable=True),
        "currency": ListField(Return.currency, "string", sortable=True),
        "created": ListField(Return.created, "datetime", sortable=True),
        "updated": ListField(Return.updated, "datetime", sortable=True),
    },
)


@dataclass(frozen=True, kw_only=True)
class ReturnItemInput:
    sku: str
    quantity: int


@dataclass(frozen=True, kw_only=True)
class ReturnInput:
    """A new return; ``UNSET`` (or null) takes the default."""

    order_id: str
    items: list[ReturnItemInput]
    reason: str | Unset | None = UNSET
    restock: bool | Unset | None = UNSET
    metadata: RawMetadata | Unset | None = UNSET


def subject(ret: Return) -> Subject:
    """What a return's events are about: its one representation."""
    return Subject("return", ret.id, ret.owner, ret)


RETURNS = OwnedRows(Return, "return", LIST_SPEC)
owned = RETURNS.owned
list_page = RETURNS.list_page


async def get(*, session: AsyncSession, owner: Owner, return_id: str, lock: bool = False) -> Return:
    return await RETURNS.get(session=session, owner=owner, object_id=return_id, lock=lock)


async def items_of(session: AsyncSession, return_id: str) -> list[ReturnItem]:
    rows = await session.execute(
        select(ReturnItem).where(ReturnItem.return_id == return_id).order_by(ReturnItem.position)
    )
    return list(rows.scalars())


# ------------------------------------------------------------------------ validation


def _text(
    value: str | Unset | None, param: str, limit: int, check: Validator, *, required: bool
) -> str | None:
    if isinstance(value, Unset) or value is None or not value.strip():
        if required:
            check.missing(param)
        return None
    if len(value.strip()) > limit:
        check.invalid(param, f"{param} must be a string of at most {limit} characters")
        return None
    return value.strip()


def _check_items(raw: list[ReturnItemInput], check: Validator) -> list[tuple[str, int]]:
    """``[(sku, quantity)]`` in the order given; problems go to ``check``."""
    if not 1 <= len(raw) <= MAX_ITEMS:
        check.invalid("items", f"items must list between 1 and {MAX_ITEMS} items")
        return []
    items: list[tuple[str, int]] = []
    for index, item in enumerate(raw):
        sku = _text(item.sku, f"items.{index}.sku", 100, check, required=True)
        quantity = item.quantity
        if quantity < 1:
            check.invalid(f"items.{index}.quantity", "quantity must be an integer of at least 1")
        elif sku is not None:
            if sku in (s for s, _ in items):
                check.invalid(f"items.{index}.sku", f"sku '{sku}' is listed more than once")
            items.append((sku, quantity))
    return items


def _check_amount(value: int | Unset | None, check: Validator) -> int | None:
    if isinstance(value, Unset) or value is None:
        return None
    if value < 0:
        check.invalid("refund_amount", "refund_amount must be a non-negative integer")
        return None
    return value


# ------------------------------------------------------------------------------ order


async def _order(session: AsyncSession, owner: Owner, order_id: str, *, lock: bool) -> Order:
    try:
        return await orders.get(session=session, owner=owner, order_id=order_id, lock=lock)
    except NotFound:
        raise not_found("order", order_id, "order_id") from None


async def _claimed(session: AsyncSession, order_id: str) -> dict[str, int]:
    """Per sku, what the order's claiming returns (all but rejected ones) hold."""
    rows = await session.execute(
        select(ReturnItem.sku, func.sum(ReturnItem.quantity))
        .join(Return, Return.id == ReturnItem.return_id)
        .where(Return.order_id == order_id, Return.status.in_(sorted(CLAIMING)))
        .group_by(ReturnItem.sku)
    )
    return {sku: int(total) for sku, total in rows.all()}


def _over_claims(
    items: list[tuple[str, int]], shipped: Mapping[str, int], claimed: Mapping[str, int]
) -> list[ErrorDetail]:
    details = []
    for index, (sku, quantity) in enumerate(items):
        held = claimed.get(sku, 0)
        returnable = max(shipped[sku] - held, 0)
        if quantity > returnable:
            details.append(
                ErrorDetail(
                    param=f"items.{index}.quantity",
                    code="RETURN_QUANTITY_EXCEEDED",
                    message=(
                        f"sku '{sku}': {quantity} requested, {returnable} returnable "
                        f"({shipped[sku]} shipped, {held} claimed by other returns)"
                    ),
                    extra=(
                        ("sku", sku),
                        ("requested", quantity),
                        ("shipped", shipped[sku]),
                        ("claimed", held),
                        ("returnable", returnable),
                    ),
                )
            )
    return details


def items_value(items: Sequence[ReturnItem], lines: Sequence[OrderLineItem]) -> int:
    """What the returned units cost: each sku's units priced at its order lines, taken in
    line order when one sku was sold on several lines."""
    total = 0
    for item in items:
        left = item.quantity
        for line in lines:
            if line.sku == item.sku and left > 0:
                units = min(left, line.quantity)
                total += units * line.unit_amount
                left -= units
    return total


# --------------------------------------------------------------------------- actions


async def create(*, uow: UnitOfWork, owner: Owner, data: ReturnInput) -> Return:
    check = Validator()
    order_id = _text(data.order_id, "order_id", 40, check, required=True)
    items = _check_items(data.items, check)
    reason = _text(data.reason, "reason", 500, check, required=False)
    restock = True if isinstance(data.restock, Unset) or data.restock is None else data.restock
    metadata = {} if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    metadata = merge_metadata({}, metadata, check)
    check.check()
    assert order_id is not None
    order = await _order(uow.session, owner, order_id, lock=True)
    if order.status not in RETURNABLE_ORDER_STATES:
        message = f"Only shipped or delivered orders can be returned; this one is {order.status}"
        raise Conflict(
            message,
            param="order_id",
            details=[
                ErrorDetail(
                    param="order_id",
                    code="ORDER_NOT_RETURNABLE",
                    message=message,
                    extra=(("order_status", order.status),),
                )
            ],
        )
    shipped: dict[str, int] = {}
    for line in await orders.line_items_of(session=uow.session, order_id=order.id):
        shipped[line.sku] = shipped.get(line.sku, 0) + line.quantity
    for index, (sku, _) in enumerate(items):
        if sku not in shipped:
            check.invalid(f"items.{index}.sku", f"sku '{sku}' is not on order '{order.id}'")
    check.check()
    over = _over_claims(items, shipped, await _claimed(uow.session, order.id))
    if over:
        raise Conflict(
            "More than was shipped would be returned: " + "; ".join(d.message for d in over),
            param="items",
            details=over,
        )
    now = utcnow()
    ret = Return(
        id=new_id("ret"),
        account_id=owner.account_id,
        livemode=owner.livemode,
        order_id=order.id,
        status="requested",
        reason=reason,
        restock=restock,
        currency=order.currency,
        meta=metadata,
        created=now,
        updated=now,
    )
    rows = [
        ReturnItem(return_id=ret.id, position=position, sku=sku, quantity=quantity)
        for position, (sku, quantity) in enumerate(items)
    ]
    uow.session.add(ret)
    await uow.session.flush()  # the return before its items (foreign key)
    uow.session.add_all(rows)
    await uow.session.flush()
    uow.emit("return.created", subject(ret))
    return ret


async def approve(*, uow: UnitOfWork, owner: Owner, return_id: str) -> Return:
    ret = await get(session=uow.session, owner=owner, return_id=return_id, lock=True)
    before = await uow.snapshot(subject(ret))
    RETURN.move(ret, "approved")
    ret.approved_at = ret.updated = utcnow()
    await uow.session.flush()
    uow.emit("return.approved", subject(ret), before=before)
    return ret


async def reject(
    *, uow: UnitOfWork, owner: Owner, return_id: str, reason: str | None = None
) -> Return:
    check = Validator()
    why = _text(reason, "reason", 500, check, required=False)
    check.check()
    ret = await get(session=uow.session, owner=owner, return_id=return_id, lock=True)
    before = await uow.snapshot(subject(ret))
    RETURN.move(ret, "rejected")
    ret.rejection_reason = why
    ret.rejected_at = ret.updated = utcnow()
    await uow.session.flush()
    uow.emit("return.rejected", subject(ret), before=before)
    return ret


async def receive(*, uow: UnitOfWork, owner: Owner, return_id: str) -> Return:
    """The goods are back: restocked at the order's location when ``restock`` says so."""
    ret = await get(session=uow.session, owner=owner, return_id=return_id, lock=True)
    items = await items_of(uow.session, ret.id)
    before = await uow.snapshot(subject(ret))
    RETURN.move(ret, "received")
    if ret.restock:
        order = await _order(uow.session, owner, ret.order_id, lock=False)
        await inventory.restock(
            uow=uow,
            owner=owner,
            location=order.location,
            quantities={item.sku: item.quantity for item in items},
        )
    ret.received_at = ret.updated = utcnow()
    await uow.session.flush()
    uow.emit("return.received", subject(ret), before=before)
    return ret


def _refundable(order: Order, value: int) -> int:
    """What processing a return may refund: its items' ``value`` (a return is processed
    once, so none of it was refunded through it before), as far as the order still holds
    that much unrefunded."""
    return max(min(value, order.amount_paid - order.amount_refunded), 0)


def _over_refund(requested: int, value: int, refundable: int) -> Conflict:
    message = (
        f"refund_amount ({requested}) is more than the {refundable} the returned items "
        f"still hold unrefunded (worth {value})"
    )
    return Conflict(
        message,
        param="refund_amount",
        details=[
            ErrorDetail(
                param="refund_amount",
                code="AMOUNT_TOO_LARGE",
                message=message,
                extra=(("requested", requested), ("refundable", refundable), ("value", value)),
            )
        ],
    )


async def process(
    *,
    uow: UnitOfWork,
    principal: Principal,
    return_id: str,
    refund_amount: int | Unset | None = UNSET,
) -> Return:
    """Refunds the order by at most the returned items' value still unrefunded (by
    default all of it; 0 refunds nothing). Refunding needs ``orders:write`` besides."""
    owner = principal.owner
    check = Validator()
    amount = _check_amount(refund_amount, check)
    check.check()
    # The order before the return, as createReturn locks it: one lock order for both.
    found = await get(session=uow.session, owner=owner, return_id=return_id)
    order = await _order(uow.session, owner, found.order_id, lock=True)
    ret = await get(session=uow.session, owner=owner, return_id=return_id, lock=True)
    items = await items_of(uow.session, ret.id)
    before = await uow.snapshot(subject(ret))
    RETURN.move(ret, "processed")
    value = items_value(items, await orders.line_items_of(session=uow.session, order_id=order.id))
    refundable = _refundable(order, value)
    if amount is None:
        amount = refundable
    if amount > 0:
        # Moving money is the orders' business: a returns key alone may not.
        principal.require("orders:write")
        if amount > refundable:
            raise _over_refund(amount, value, refundable)
        refund = await payments.refund(
            uow=uow, owner=owner, order=order, amount=amount, reason=ret.reason
        )
        ret.refund_id = refund.id
    ret.refund_amount = amount
    ret.processed_at = ret.updated = utcnow()
    await uow.session.flush()
    uow.emit("return.processed", subject(ret), before=before)
    return ret
