"""Customer actions. The caller owns the transaction; nothing here commits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.customers.models import Customer
from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Subject, UnitOfWork
from stateset_gql.errors import AlreadyExists, Conflict, ErrorDetail, Validator
from stateset_gql.ids import new_id
from stateset_gql.metadata import RawMetadata, check_metadata, merge_metadata
from stateset_gql.subscriptions.models import CustomerSubscription
from stateset_gql.unset import UNSET, Unset

# Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is not ours.
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code", "country")
# An address as given: some of ``ADDRESS_FIELDS``, each a string or null.
AddressInput: TypeAlias = Mapping[str, str | None]

LIST_SPEC = ListSpec(
    id_column=Customer.id,
    fields={
        "id": ListField(Customer.id, "id", sortable=True),
        "email": ListField(Customer.email, "string", sortable=True),
        "name": ListField(Customer.name, "string", sortable=True),
        "phone": ListField(Customer.phone, "string"),
        "created": ListField(Customer.created, "datetime", sortable=True),
        "updated": ListField(Customer.updated, "datetime", sortable=True),
    },
)


@dataclass(frozen=True, kw_only=True)
class CustomerInput:
    """Fields to set; ``UNSET`` leaves a field as it is (on update)."""

    email: str | Unset | None = UNSET
    name: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    address: AddressInput | Unset | None = UNSET
    metadata: RawMetadata | Unset | None = UNSET


def subject(customer: Customer) -> Subject:
    """What a customer's events are about: its one representation."""
    return Subject("customer", customer.id, customer.owner, customer)


def _clean_text(value: str | None, param: str, limit: int, check: Validator) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        check.invalid(param, f"{param} can be at most {limit} characters")
    return value or None


def _check_fields(data: CustomerInput, check: Validator, *, creating: bool) -> dict[str, Any]:
    """The validated columns to write; problems go to ``check``."""
    values: dict[str, Any] = {}
    if data.email is not UNSET or creating:
        email = _clean_text(None if data.email is UNSET else data.email, "email", 320, check)
        if email is None:
            check.missing("email")
        elif not _EMAIL_RE.match(email):
            check.invalid("email", "email is not a valid email address")
        else:
            values["email"] = email
            values["email_key"] = email.lower()
    for name, raw, limit in (("name", data.name, 200), ("phone", data.phone, 40)):
        if not isinstance(raw, Unset):
            values[name] = _clean_text(raw, name, limit, check)
    if not isinstance(data.address, Unset):
        if data.address is None:
            values["address"] = None
        else:
            address = {}
            for key in ADDRESS_FIELDS:
                address[key] = _clean_text(data.address.get(key), f"address.{key}", 200, check)
            for key in set(data.address) - set(ADDRESS_FIELDS):
                check.invalid(f"address.{key}", f"address has no field '{key}'")
            values["address"] = address
    return values


# A live customer of the owner with the address (``email_key``); and one besides the
# customer being changed (``exclude``). Built once: a statement made per call costs more
# to build and key than to run.
_WITH_EMAIL = select(Customer.id).where(
    Customer.owned_by_params(),
    Customer.email_key == bindparam("email_key"),
    Customer.deleted_at.is_(None),
)
_EMAIL_TAKEN = _WITH_EMAIL.limit(1)
_EMAIL_TAKEN_BY_OTHER = _WITH_EMAIL.where(Customer.id != bindparam("exclude")).limit(1)


async def _email_taken(uow: UnitOfWork, owner: Owner, email_key: str, exclude: str | None) -> bool:
    params = {**owner.params(), "email_key": email_key}
    if exclude is None:
        result = await uow.session.execute(_EMAIL_TAKEN, params)
    else:
        result = await uow.session.execute(_EMAIL_TAKEN_BY_OTHER, {**params, "exclude": exclude})
    return result.first() is not None


def _duplicate(email: str) -> AlreadyExists:
    return AlreadyExists(f"A customer with email '{email}' already exists", param="email")


async def _flush_unique(uow: UnitOfWork, email: str) -> None:
    # Two requests can pass the pre-check at once; the partial unique index decides.
    try:
        await uow.session.flush()
    except IntegrityError as exc:
        raise _duplicate(email) from exc


# A deleted customer is gone for the API, though its orders still name it.
CUSTOMERS = OwnedRows(Customer, "customer", LIST_SPEC, visible=Customer.deleted_at.is_(None))
owned = CUSTOMERS.owned
list_page = CUSTOMERS.list_page


async def get(
    *, session: AsyncSession, owner: Owner, customer_id: str, lock: bool = False
) -> Customer:
    return await CUSTOMERS.get(session=session, owner=owner, object_id=customer_id, lock=lock)


async def create(*, uow: UnitOfWork, owner: Owner, data: CustomerInput) -> Customer:
    check = Validator()
    values = _check_fields(data, check, creating=True)
    metadata = {} if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    metadata = merge_metadata({}, metadata, check)
    check.check()
    if await _email_taken(uow, owner, values["email_key"], exclude=None):
        raise _duplicate(values["email"])
    now = utcnow()
    customer = Customer(
        id=new_id("cus"),
        account_id=owner.account_id,
        livemode=owner.livemode,
        meta=metadata,
        created=now,
        updated=now,
        **values,
    )
    uow.session.add(customer)
    await _flush_unique(uow, values["email"])
    uow.emit("customer.created", subject(customer))
    return customer


async def update(
    *, uow: UnitOfWork, owner: Owner, customer_id: str, data: CustomerInput
) -> Customer:
    check = Validator()
    values = _check_fields(data, check, creating=False)
    metadata_update = (
        None if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    )
    check.check()
    customer = await get(session=uow.session, owner=owner, customer_id=customer_id, lock=True)
    if metadata_update is not None:
        values["meta"] = merge_metadata(customer.meta, metadata_update, check)
        check.check()
    if "email_key" in values and await _email_taken(
        uow, owner, values["email_key"], exclude=customer.id
    ):
        raise _duplicate(values["email"])
    changes = {k: v for k, v in values.items() if getattr(customer, k) != v}
    if not changes:
        return customer  # nothing changed: no write, no event
    before = await uow.snapshot(subject(customer))
    for key, value in changes.items():
        setattr(customer, key, value)
    customer.updated = utcnow()
    await _flush_unique(uow, customer.email)
    uow.emit("customer.updated", subject(customer), before=before)
    return customer


async def delete(*, uow: UnitOfWork, owner: Owner, customer_id: str) -> Customer:
    """Soft delete: hidden from lists and lookups, kept for the orders that name it."""
    customer = await get(session=uow.session, owner=owner, customer_id=customer_id, lock=True)
    # The row lock orders this against createCustomerSubscription, which locks it too.
    active = (
        await uow.session.execute(
            select(CustomerSubscription.id)
            .where(
                CustomerSubscription.customer_id == customer.id,
                CustomerSubscription.status == "active",
            )
            .order_by(CustomerSubscription.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if active is not None:
        message = f"Customer '{customer.id}' has an active subscription; cancel it first"
        raise Conflict(
            message,
            param="id",
            details=[
                ErrorDetail(
                    param="id",
                    code="ACTIVE_SUBSCRIPTION",
                    message=message,
                    extra=(("subscription_id", active),),
                )
            ],
        )
    # Once deleted it has no representation of its own: the event shows it as it was.
    before = await uow.snapshot(subject(customer))
    now = utcnow()
    customer.deleted_at = now
    customer.updated = now
    await uow.session.flush()
    uow.emit("customer.deleted", subject(customer), rendered={**before, "deleted": True})
    return customer
