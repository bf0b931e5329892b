"""Customer subscription actions. The caller owns the transaction; nothing here commits."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.currencies import currency_code
from stateset_gql.customers import service as customers
from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Subject, UnitOfWork
from stateset_gql.errors import NotFound, Validator, not_found
from stateset_gql.ids import new_id
from stateset_gql.metadata import RawMetadata, check_metadata, merge_metadata
from stateset_gql.subscriptions.models import CustomerSubscription
from stateset_gql.subscriptions.states import SUBSCRIPTION
from stateset_gql.unset import UNSET, Unset

INTERVALS = ("week", "month", "year")

LIST_SPEC = ListSpec(
    id_column=CustomerSubscription.id,
    fields={
        "id": ListField(CustomerSubscription.id, "id", sortable=True),
        "customer_id": ListField(CustomerSubscription.customer_id, "id", sortable=True),
        "status": ListField(CustomerSubscription.status, "enum", sortable=True),
        "plan": ListField(CustomerSubscription.plan, "string", sortable=True),
        "amount": ListField(CustomerSubscription.amount, "int", sortable=True),
        "currency": ListField(CustomerSubscription.currency, "string", sortable=True),
        "interval": ListField(CustomerSubscription.interval, "enum", sortable=True),
        "current_period_end": ListField(
            CustomerSubscription.current_period_end, "datetime", sortable=True
        ),
        "cancelled_at": ListField(CustomerSubscription.cancelled_at, "datetime", sortable=True),
        "created": ListField(CustomerSubscription.created, "datetime", sortable=True),
        "updated": ListField(CustomerSubscription.updated, "datetime", sortable=True),
    },
)


@dataclass(frozen=True, kw_only=True)
class SubscriptionInput:
    customer_id: str
    plan: str
    amount: int
    currency: str
    interval: str  # one of INTERVALS
    metadata: RawMetadata | Unset | None = UNSET


def subject(subscription: CustomerSubscription) -> Subject:
    """What a subscription's events are about: its one representation."""
    return Subject("customer_subscription", subscription.id, subscription.owner, subscription)


def add_interval(start: datetime, interval: str) -> datetime:
    """``start`` plus one interval, by the calendar: a month after January 31 is the last
    day of February, a year after February 29 is February 28."""
    if interval == "week":
        return start + timedelta(weeks=1)
    if interval not in ("month", "year"):
        raise ValueError(f"unknown interval {interval!r}")
    months = start.month - 1 + (1 if interval == "month" else 12)
    year, month = start.year + months // 12, months % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


SUBSCRIPTIONS = OwnedRows(CustomerSubscription, "customer subscription", LIST_SPEC)
owned = SUBSCRIPTIONS.owned
list_page = SUBSCRIPTIONS.list_page


async def get(
    *, session: AsyncSession, owner: Owner, subscription_id: str, lock: bool = False
) -> CustomerSubscription:
    return await SUBSCRIPTIONS.get(
        session=session, owner=owner, object_id=subscription_id, lock=lock
    )


def _check(data: SubscriptionInput, check: Validator) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, raw, limit in (("customer_id", data.customer_id, 40), ("plan", data.plan, 200)):
        if not raw.strip():
            check.missing(name)
        elif len(raw.strip()) > limit:
            check.invalid(name, f"{name} must be a string of at most {limit} characters")
        else:
            values[name] = raw.strip()
    if data.amount < 0:
        check.invalid("amount", "amount must be a non-negative integer (minor units)")
    else:
        values["amount"] = data.amount
    currency = currency_code(data.currency)
    if currency is None:
        check.invalid("currency", "currency must be an ISO 4217 currency code such as USD")
    else:
        values["currency"] = currency
    if data.interval not in INTERVALS:
        check.invalid("interval", "interval must be one of week, month, year")
    else:
        values["interval"] = data.interval
    return values


async def create(*, uow: UnitOfWork, owner: Owner, data: SubscriptionInput) -> CustomerSubscription:
    check = Validator()
    values = _check(data, check)
    metadata = {} if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    metadata = merge_metadata({}, metadata, check)
    check.check()
    # Locked, so a concurrent delete either sees this subscription or hides the customer
    # from this lookup first (a deleted customer is not found).
    try:
        await customers.get(
            session=uow.session, owner=owner, customer_id=values["customer_id"], lock=True
        )
    except NotFound:
        raise not_found("customer", values["customer_id"], "customer_id") from None
    now = utcnow()
    subscription = CustomerSubscription(
        id=new_id("sub"),
        account_id=owner.account_id,
        livemode=owner.livemode,
        status="active",
        current_period_start=now,
        current_period_end=add_interval(now, values["interval"]),
        cancelled_at=None,
        meta=metadata,
        created=now,
        updated=now,
        **values,
    )
    uow.session.add(subscription)
    await uow.session.flush()
    uow.emit("customer.subscription.created", subject(subscription))
    return subscription


async def cancel(*, uow: UnitOfWork, owner: Owner, subscription_id: str) -> CustomerSubscription:
    subscription = await get(
        session=uow.session, owner=owner, subscription_id=subscription_id, lock=True
    )
    before = await uow.snapshot(subject(subscription))
    SUBSCRIPTION.move(subscription, "cancelled")
    now = utcnow()
    subscription.cancelled_at = now
    subscription.updated = now
    await uow.session.flush()
    uow.emit("customer.subscription.cancelled", subject(subscription), before=before)
    return subscription
