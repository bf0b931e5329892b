"""Deliveries as the API shows them: listed newest first per endpoint, one by id, a
test delivery, and a redelivery. The caller owns the transaction."""

from __future__ import annotations

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.ids import new_id
from stateset_gql.serialize import iso
from stateset_gql.webhooks import endpoints
from stateset_gql.webhooks.models import PENDING, WebhookDelivery

TEST_EVENT_TYPE = "test.webhook"

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
    *, session: AsyncSession, owner: Owner, endpoint_id: str, request_id: str, retries: int
) -> WebhookDelivery:
    """A ``test.webhook`` delivery, due now. Its body is shaped like any event's, with an
    event id of its own that is not in the event log, and the endpoint as its object."""
    endpoint = await endpoints.get(session=session, owner=owner, endpoint_id=endpoint_id)
    event_id = new_id("evt")
    now = utcnow()
    body = {
        "id": event_id,
        "object": "event",
        "type": TEST_EVENT_TYPE,
        "api_version": "v1",
        "created": iso(now),
        "livemode": owner.livemode,
        "account": owner.account_id,
        "sequence": None,
        "data": {
            "object": {
                "id": endpoint.id,
                "object": "webhook_endpoint",
                "livemode": endpoint.livemode,
                "url": endpoint.url,
            }
        },
        "request": {"id": request_id, "idempotency_key": None},
    }
    delivery = WebhookDelivery(
        **new_delivery(
            owner=owner,
            endpoint_id=endpoint.id,
            event_id=event_id,
            event_type=TEST_EVENT_TYPE,
            body=orjson.dumps(body).decode(),
            retries=retries,
        )
    )
    session.add(delivery)
    await session.flush()
    return delivery


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
