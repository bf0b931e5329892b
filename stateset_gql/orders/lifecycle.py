"""An order's life after creation: process, ship, deliver, cancel and refund.

Every move goes through ``transition.transition``, which locks the order's row first
(SELECT ... FOR UPDATE), so two that race on one order take turns and the second sees
what the first did: of a concurrent ship and cancel exactly one wins. Paying is
``payments.service.pay``; refunding money is ``payments.service.refund``; both move the
order through the same ``transition``.
"""

from __future__ import annotations

from datetime import datetime

from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import Validator
from stateset_gql.orders import service
from stateset_gql.orders.models import Order
from stateset_gql.orders.transition import transition
from stateset_gql.payments import service as payments


def _optional_text(value: str | None, param: str, limit: int, check: Validator) -> str | None:
    if value is None:
        return None
    if len(value.strip()) > limit:
        check.invalid(param, f"{param} must be a string of at most {limit} characters")
        return None
    return value.strip() or None


def _required_text(value: str, param: str, limit: int, check: Validator) -> str | None:
    if not value.strip():
        check.missing(param)
        return None
    return _optional_text(value, param, limit, check)


async def process(*, uow: UnitOfWork, owner: Owner, order_id: str) -> Order:
    """A paid order is being prepared."""
    return await transition(uow=uow, owner=owner, order=order_id, to="processing")


async def ship(
    *, uow: UnitOfWork, owner: Owner, order_id: str, carrier: str, tracking_number: str
) -> Order:
    """The order leaves: its reserved stock is consumed."""
    check = Validator()
    carrier_clean = _required_text(carrier, "carrier", 100, check)
    tracking_clean = _required_text(tracking_number, "tracking_number", 200, check)
    check.check()

    def shipped(order: Order, now: datetime) -> None:
        order.carrier = carrier_clean
        order.tracking_number = tracking_clean
        order.shipped_at = now

    return await transition(uow=uow, owner=owner, order=order_id, to="shipped", change=shipped)


async def deliver(*, uow: UnitOfWork, owner: Owner, order_id: str) -> Order:
    def delivered(order: Order, now: datetime) -> None:
        order.delivered_at = now

    return await transition(uow=uow, owner=owner, order=order_id, to="delivered", change=delivered)


async def cancel(
    *, uow: UnitOfWork, owner: Owner, order_id: str, reason: str | None = None
) -> Order:
    """Cancels a pending, paid or processing order and releases its stock; money taken
    is refunded in full (``order.cancelled`` and then ``order.refunded``)."""
    check = Validator()
    why = _optional_text(reason, "reason", 500, check)
    check.check()

    def cancelled(order: Order, now: datetime) -> None:
        order.cancellation_reason = why
        order.cancelled_at = now

    order = await transition(uow=uow, owner=owner, order=order_id, to="cancelled", change=cancelled)
    if order.amount_paid > order.amount_refunded:
        await payments.refund(uow=uow, owner=owner, order=order, amount=None, reason=why)
    return order


async def refund(
    *,
    uow: UnitOfWork,
    owner: Owner,
    order_id: str,
    amount: int | None = None,
    reason: str | None = None,
) -> Order:
    """Refunds ``amount`` (by default all that is still refundable) of a paid order."""
    order = await service.get(session=uow.session, owner=owner, order_id=order_id, lock=True)
    await payments.refund(uow=uow, owner=owner, order=order, amount=amount, reason=reason)
    return order
