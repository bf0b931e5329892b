"""Deliveries as the API shows them: listed newest first per endpoint, one by id, a
test delivery, and a redelivery. The caller owns the transaction."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.customers.models import Customer
from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Renderer, Subject
from stateset_gql.errors import BadRequest
from stateset_gql.events.types import EVENT_TYPES
from stateset_gql.ids import new_id
from stateset_gql.inventory.models import InventoryItem
from stateset_gql.jobs.models import Job
from stateset_gql.orders.models import Order
from stateset_gql.returns.models import Return
from stateset_gql.serialize import iso
from stateset_gql.subscriptions.models import CustomerSubscription
from stateset_gql.webhooks import endpoints
from stateset_gql.webhooks.models import PENDING, WebhookDelivery

TEST_EVENT_TYPE = "test.webhook"
# What a sample event of each family is about: its kind (the representation's name) and
# row. Longest family first, so ``customer.subscription.*`` is not taken for ``customer.*``.
SAMPLE_KINDS: tuple[tuple[str, str, Any], ...] = (
    ("customer.subscription.", "customer_subscription", CustomerSubscription),
    ("order.", "order", Order),
    ("return.", "return", Return),
    ("inventory.", "inventory_item", InventoryItem),
    ("customer.", "customer", Customer),
    ("job.", "job", Job),
)

LIST_SPEC = ListSpec(
    id_column=WebhookDelivery.id,
    fields={
        "id": ListField(WebhookDelivery.id, "id", sortable=True),
        "event_id": ListField(WebhookDelivery.event_id, "id"),
        "event_type": ListField(WebhookDelivery.event_type, "string", sortable=True),
        "status": ListField(WebhookDelivery.status, "enum"),
        "created": ListField(WebhookDelivery.created, "datetime", sortable=True),
    },
)


DELIVERIES = OwnedRows(WebhookDelivery, "webhook delivery", LIST_SPEC)
owned = DELIVERIES.owned


async def get(
    *, session: AsyncSession, owner: Owner, delivery_id: str, lock: bool = False
) -> WebhookDelivery:
    return await DELIVERIES.get(session=session, owner=owner, object_id=delivery_id, lock=lock)


async def list_page(
    *, session: AsyncSession, owner: Owner, endpoint_id: str, request: PageRequest
) -> Page[WebhookDelivery]:
    # The endpoint must be the caller's: an unknown one is a 404, not an empty list.
    await endpoints.get(session=session, owner=owner, endpoint_id=endpoint_id)
    base = owned(owner).where(WebhookDelivery.endpoint_id == endpoint_id)
    return await DELIVERIES.page(session=session, base=base, request=request)


def new_delivery(
    *,
    owner: Owner,
    endpoint_id: str,
    event_id: str,
    event_type: str,
    body: str,
    retries: int,
) -> dict[str, object]:
    """The columns of a new, due delivery (inserted in bulk by the fan-out)."""
    now = utcnow()
    return {
        "id": new_id("wd"),
        "account_id": owner.account_id,
        "livemode": owner.livemode,
        "meta": {},
        "created": now,
        "updated": now,
        "endpoint_id": endpoint_id,
        "event_id": event_id,
        "event_type": event_type,
        "body": body,
        "status": PENDING,
        "attempts": [],
        "retries_left": retries,
        "next_attempt_at": now,
        "lease_token": None,
    }


async def send_test(
    *,
    session: AsyncSession,
    owner: Owner,
    endpoint_id: str,
    request_id: str,
    retries: int,
    event_type: str = TEST_EVENT_TYPE,
    render: Renderer | None = None,
) -> WebhookDelivery:
    """A test delivery of ``event_type``, due now. Its body is shaped like any event's,
    with an event id of its own that is not in the event log. A ``test.webhook``'s object
    is the endpoint; any other type's is a sample: the account's newest object of the
    type's kind, in its one representation (``render``), as a real event would carry it."""
    endpoint = await endpoints.get(session=session, owner=owner, endpoint_id=endpoint_id)
    if event_type == TEST_EVENT_TYPE:
        sample: dict[str, Any] = {
            "id": endpoint.id,
            "object": "webhook_endpoint",
            "livemode": endpoint.livemode,
            "url": endpoint.url,
        }
    else:
        if render is None:
            raise RuntimeError("a sample event needs the representation's renderer")
        sample = await _sample(session, owner, event_type, render)
    event_id = new_id("evt")
    now = utcnow()
    body = {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "api_version": "v1",
        "created": iso(now),
        "livemode": owner.livemode,
        "account": owner.account_id,
        "sequence": None,
        "data": {"object": sample},
        "request": {"id": request_id, "idempotency_key": None},
    }
    delivery = WebhookDelivery(
        **new_delivery(
            owner=owner,
            endpoint_id=endpoint.id,
            event_id=event_id,
            event_type=event_type,
            body=orjson.dumps(body).decode(),
            retries=retries,
        )
    )
    session.add(delivery)
    await session.flush()
    return delivery


async def _sample(
    session: AsyncSession, owner: Owner, event_type: str, render: Renderer
) -> dict[str, Any]:
    """The object a sample ``event_type`` event carries: the owner's newest of its kind."""
    if event_type not in EVENT_TYPES:
        raise BadRequest(
            f"type must be {TEST_EVENT_TYPE} or an event type (API.md section 7), "
            f"not {event_type!r}",
            param="type",
        )
    kind, model = next((k, m) for prefix, k, m in SAMPLE_KINDS if event_type.startswith(prefix))
    newest = model.select_owned(owner).order_by(model.created.desc(), model.id.desc()).limit(1)
    row = (await session.scalars(newest)).first()
    if row is None:
        noun = kind.replace("_", " ")
        raise BadRequest(
            f"A sample {event_type} event carries this account's newest {noun}, and it has "
            f"none in this mode yet: create one first",
            param="type",
        )
    (rendered,) = await render(session, [Subject(kind, row.id, owner, row)])
    return rendered


async def redeliver(*, session: AsyncSession, owner: Owner, delivery_id: str) -> WebhookDelivery:
    """One more attempt, now: a finished delivery (failed or not) gets exactly one, with
    no retries after it; a pending one is simply made due now."""
    delivery = await get(session=session, owner=owner, delivery_id=delivery_id, lock=True)
    now = utcnow()
    if delivery.status != PENDING:
        delivery.status = PENDING
        delivery.retries_left = 0
    delivery.next_attempt_at = now
    delivery.lease_token = None
    delivery.updated = now
    await session.flush()
    return delivery
