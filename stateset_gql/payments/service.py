"""Taking an order's money and giving it back. The caller owns the transaction.

``pay`` charges a pending order: in test mode with a sandbox card, in live mode by
recording a payment taken elsewhere (``external_reference``). A declined card is
recorded as a failed payment and then raised as ``CardDeclined``, an error that commits,
so the failed attempt is kept and its 402 answer is stored for idempotent retries.

``refund`` is the one way money goes back: the orders API, cancelling and returns all
call it, with the order's row already locked. Both move the order through
``orders.transition``, the one path of every order move.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.base import utcnow
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.errors import CardDeclined, Conflict, ErrorDetail, Validator
from stateset_gql.ids import new_id
from stateset_gql.orders import service as orders
from stateset_gql.orders.models import Order
from stateset_gql.orders.states import ORDER
from stateset_gql.orders.transition import transition
from stateset_gql.payments.cards import DECLINE_MESSAGES, CardInput, CheckedCard, check_card
from stateset_gql.payments.models import Payment, Refund


def _check_payment_method(
    owner: Owner, card: CardInput | None, external_reference: str | None
) -> CheckedCard | str:
    """The checked card (test mode) or the external reference (live mode); 422 otherwise."""
    check = Validator()
    if owner.livemode:
        if card is not None:
            check.invalid(
                "card",
                "Cards cannot be charged in live mode; record a payment taken elsewhere "
                "with external_reference",
            )
        if external_reference is None:
            check.missing("external_reference")
        elif not 1 <= len(external_reference) <= 200:
            check.invalid("external_reference", "external_reference must be 1 to 200 characters")
        check.check()
        assert external_reference is not None
        return external_reference
    if external_reference is not None:
        check.invalid(
            "external_reference",
            "external_reference records live payments; in test mode pay with a test card",
        )
    checked: CheckedCard | None = None
    if card is None:
        check.missing("card")
    else:
        checked, card_check = check_card(card, today=utcnow().date())
        check.details.extend(card_check.details)
    check.check()
    assert checked is not None
    return checked


def _new_payment(owner: Owner, order: Order, method: CheckedCard | str) -> Payment:
    now = utcnow()
    payment = Payment(
        id=new_id("pay"), account_id=owner.account_id, livemode=owner.livemode, meta={},
        created=now, updated=now, order_id=order.id, amount=order.amount,
        currency=order.currency, status="succeeded",
    )  # fmt: skip
    if isinstance(method, CheckedCard):
        payment.method = "card"
        payment.card_brand = method.brand
        payment.card_last4 = method.last4
        payment.card_exp_month = method.exp_month
        payment.card_exp_year = method.exp_year
    else:
        payment.method = "external"
        payment.external_reference = method
    return payment


async def pay(
    *,
    uow: UnitOfWork,
    owner: Owner,
    order_id: str,
    card: CardInput | None = None,
    external_reference: str | None = None,
) -> Order:
    """Pays a pending order in full: it becomes ``paid`` (``order.paid``)."""
    method = _check_payment_method(owner, card, external_reference)
    order = await orders.get(session=uow.session, owner=owner, order_id=order_id, lock=True)
    if not ORDER.allows(order.status, "paid"):
        raise ORDER.refusal(
            order.status, "paid", f"Only a pending order can be paid; this order is {order.status}"
        )
    payment = _new_payment(owner, order, method)
    decline_code = method.decline_code if isinstance(method, CheckedCard) else None
    if decline_code is not None:
        uow.session.add(payment)
        payment.status = "failed"
        payment.decline_code = decline_code
        payment.failure_message = DECLINE_MESSAGES[decline_code]
        await uow.session.flush()
        raise CardDeclined(
            DECLINE_MESSAGES[decline_code],
            param="card",
            extra={"decline_code": decline_code, "payment_id": payment.id},
        )

    def paid(order: Order, now: datetime) -> None:
        uow.session.add(payment)
        order.amount_paid = order.amount
        order.paid_at = now

    return await transition(
        uow=uow, owner=owner, order=order, to="paid", change=paid, now=payment.created
    )


def _nothing_to_refund(order: Order, message: str) -> Conflict:
    """A refund of nothing is the refused move to ``refunded``, from/to named as usual."""
    return ORDER.refusal(order.status, "refunded", message)


def _check_refund(order: Order, amount: int | None, reason: str | None) -> int:
    """The amount to refund: by default all that is still refundable."""
    check = Validator()
    if amount is not None and amount <= 0:
        check.invalid("amount", "amount must be a positive integer")
    if reason is not None and len(reason) > 500:
        check.invalid("reason", "reason must be a string of at most 500 characters")
    check.check()
    refundable = order.amount_paid - order.amount_refunded
    if order.amount_paid <= 0:
        raise _nothing_to_refund(order, "This order has not been paid; there is nothing to refund")
    if refundable <= 0:
        raise _nothing_to_refund(order, "This order has already been refunded in full")
    if amount is not None and amount > refundable:
        message = f"amount ({amount}) is more than the {refundable} still refundable"
        raise Conflict(
            message,
            param="amount",
            details=[
                ErrorDetail(
                    param="amount",
                    code="AMOUNT_TOO_LARGE",
                    message=message,
                    extra=(("requested", amount), ("refundable", refundable)),
                )
            ],
        )
    return refundable if amount is None else amount


async def refund(
    *, uow: UnitOfWork, owner: Owner, order: Order, amount: int | None, reason: str | None
) -> Refund:
    """Refunds ``amount`` (None: all still refundable) of ``order``, whose row the caller
    has locked. 422 for an amount below 1; 409 for more than is refundable or an order
    never paid. Once ``amount_refunded`` reaches ``amount`` the order becomes
    ``refunded`` (unless it was cancelled), releasing stock it still held. Emits
    ``order.refunded``."""
    value = _check_refund(order, amount, reason)
    paid_by = await uow.session.execute(
        select(Payment.id)
        .where(Payment.order_id == order.id, Payment.status == "succeeded")
        .order_by(Payment.created.desc(), Payment.id.desc())
        .limit(1)
    )
    now = utcnow()
    record = Refund(
        id=new_id("re"), account_id=owner.account_id, livemode=owner.livemode, meta={},
        created=now, updated=now, order_id=order.id, payment_id=paid_by.scalar_one_or_none(),
        amount=value, currency=order.currency, reason=(reason.strip() or None) if reason else None,
        status="succeeded",
    )  # fmt: skip
    in_full = order.amount_refunded + value >= order.amount
    # A cancelled order stays cancelled: its refund moves no status.
    to = "refunded" if in_full and ORDER.allows(order.status, "refunded") else None

    def refunded(order: Order, now: datetime) -> None:
        uow.session.add(record)
        order.amount_refunded += value

    await transition(
        uow=uow, owner=owner, order=order, to=to, change=refunded, event="order.refunded", now=now
    )
    return record


# --------------------------------------------------------------------------- reading


PAYMENTS = OwnedRows(Payment, "payment")
REFUNDS = OwnedRows(Refund, "refund")


async def get_payment(*, session: AsyncSession, owner: Owner, payment_id: str) -> Payment:
    return await PAYMENTS.get(session=session, owner=owner, object_id=payment_id)


async def get_refund(*, session: AsyncSession, owner: Owner, refund_id: str) -> Refund:
    return await REFUNDS.get(session=session, owner=owner, object_id=refund_id)
