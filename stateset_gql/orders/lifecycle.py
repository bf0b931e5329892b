"""An order's life after creation: process, ship, deliver, cancel and refund.

Every transition locks the order's row first (SELECT ... FOR UPDATE), so two that race
on one order take turns and the second sees what the first did: of a concurrent ship and
cancel exactly one wins. Then the transition table decides (409 naming ``from`` and
``to``), the order changes, one event says so, and ``move_stock`` applies its stock
effect. Paying is ``payments.service.pay``; refunding money is ``payments.service.refund``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stateset_gql.access.principal import Owner
from stateset_gql.db.base import utcnow
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import Validator
from stateset_gql.orders import service
from stateset_gql.orders.models import Order
from stateset_gql.orders.states import ORDER
from stateset_gql.payments import service as payments


def _optional_text(value: Any, param: str, limit: int, check: Validator) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        check.invalid(param, f"{param} must be a string of at most {limit} characters")
        return None
    return value.strip() or None


def _required_text(value: Any, param: str, limit: int, check: Validator) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        check.missing(param)
        return None
    return _optional_text(value, param, limit, check)


async def _transition(
    uow: UnitOfWork,
    owner: Owner,
    order_id: str,
    target: str,
    apply: Callable[[Order], None] = lambda order: None,
) -> Order:
    order = await service.get(session=uow.session, owner=owner, order_id=order_id, lock=True)
    line_items = await service.line_items_of(session=uow.session, order_id=order.id)
    before = await uow.snapshot(service.subject(order))
    was = ORDER.move(order, target)
    apply(order)
    order.updated = utcnow()
    await uow.session.flush()
    uow.emit(f"order.{target}", service.subject(order), before=before)
    await service.move_stock(uow=uow, owner=owner, order=order, line_items=line_items, was=was)
    return order


async def process(*, uow: UnitOfWork, owner: Owner, order_id: str) -> Order:
    """A paid order is being prepared."""
    return await _transition(uow, owner, order_id, "processing")


async def ship(
    *, uow: UnitOfWork, owner: Owner, order_id: str, carrier: Any, tracking_number: Any
) -> Order:
    """The order leaves: its reserved stock is consumed."""
    check = Validator()
    carrier = _required_text(carrier, "carrier", 100, check)
    tracking_number = _required_text(tracking_number, "tracking_number", 200, check)
    check.check()

    def shipped(order: Order) -> None:
        order.carrier = carrier
        order.tracking_number = tracking_number
        order.shipped_at = utcnow()

    return await _transition(uow, owner, order_id, "shipped", shipped)


async def deliver(*, uow: UnitOfWork, owner: Owner, order_id: str) -> Order:
    def delivered(order: Order) -> None:
        order.delivered_at = utcnow()

    return await _transition(uow, owner, order_id, "delivered", delivered)


async def cancel(*, uow: UnitOfWork, owner: Owner, order_id: str, reason: Any = None) -> Order:
    """Cancels a pending, paid or processing order and releases its stock; money taken
    is refunded in full (``order.cancelled`` and then ``order.refunded``)."""
    check = Validator()
    reason = _optional_text(reason, "reason", 500, check)
    check.check()

    def cancelled(order: Order) -> None:
        order.cancellation_reason = reason
        order.cancelled_at = utcnow()

    order = await _transition(uow, owner, order_id, "cancelled", cancelled)
    if order.amount_paid > order.amount_refunded:
        await payments.refund(uow=uow, owner=owner, order=order, amount=None, reason=reason)
    return order


async def refund(
    *, uow: UnitOfWork, owner: Owner, order_id: str, amount: Any = None, reason: Any = None
) -> Order:
    """Refunds ``amount`` (by default all that is still refundable) of a paid order."""
    order = await service.get(session=uow.session, owner=owner, order_id=order_id, lock=True)
    await payments.refund(uow=uow, owner=owner, order=order, amount=amount, reason=reason)
    return order
