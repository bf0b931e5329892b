"""Webhook endpoint actions. The caller owns the transaction; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.base import utcnow
from stateset_gql.db.listing import ListField, ListSpec
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.errors import Validator, shown
from stateset_gql.events.models import EventCounter
from stateset_gql.events.types import is_pattern
from stateset_gql.ids import new_id
from stateset_gql.metadata import RawMetadata, check_metadata, merge_metadata
from stateset_gql.unset import UNSET, Unset
from stateset_gql.webhooks import addresses, signing
from stateset_gql.webhooks.models import PENDING, WebhookCursor, WebhookDelivery, WebhookEndpoint

STATUSES = ("enabled", "disabled")
MAX_URL_LENGTH = 2048
MAX_DESCRIPTION_LENGTH = 500
MAX_ENABLED_EVENTS = 50
# How long a rotated-out secret may keep signing beside the new one.
MAX_OVERLAP = timedelta(hours=24)

LIST_SPEC = ListSpec(
    id_column=WebhookEndpoint.id,
    fields={
        "id": ListField(WebhookEndpoint.id, "id", sortable=True),
        "url": ListField(WebhookEndpoint.url, "string", sortable=True),
        "status": ListField(WebhookEndpoint.status, "enum"),
        "created": ListField(WebhookEndpoint.created, "datetime", sortable=True),
        "updated": ListField(WebhookEndpoint.updated, "datetime", sortable=True),
    },
)


@dataclass(frozen=True, kw_only=True)
class EndpointInput:
    """Fields to set; ``UNSET`` leaves a field as it is (on update)."""

    url: str | Unset = UNSET
    enabled_events: list[str] | Unset = UNSET
    description: str | Unset | None = UNSET
    status: str | Unset = UNSET
    metadata: RawMetadata | Unset | None = UNSET


def active_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one until it expires."""
    previous = endpoint.previous_secret
    expires = endpoint.previous_secret_expires_at
    if previous is not None and expires is not None and expires > now:
        return [endpoint.secret, previous]
    return [endpoint.secret]


async def _check_fields(
    data: EndpointInput, check: Validator, *, owner: Owner, creating: bool
) -> dict[str, object]:
    values: dict[str, object] = {}
    if not isinstance(data.url, Unset) or creating:
        url = "" if isinstance(data.url, Unset) else data.url.strip()
        if not url:
            check.missing("url")
        elif len(url) > MAX_URL_LENGTH:
            check.invalid("url", f"url can be at most {MAX_URL_LENGTH} characters")
        else:
            try:
                await addresses.check_url(url, livemode=owner.livemode)
            except addresses.Refused as refused:
                check.invalid("url", str(refused))
            else:
                values["url"] = url
    if not isinstance(data.enabled_events, Unset) or creating:
        events = [] if isinstance(data.enabled_events, Unset) else data.enabled_events
        if not events:
            check.missing("enabled_events")
        elif len(events) > MAX_ENABLED_EVENTS:
            check.invalid(
                "enabled_events", f"enabled_events can hold at most {MAX_ENABLED_EVENTS} types"
            )
        else:
            for index, pattern in enumerate(events):
                if not is_pattern(pattern):
                    check.invalid(
                        f"enabled_events.{index}",
                        f"'{shown(pattern)}' is not an event type, a family such as order.* or *",
                    )
            values["enabled_events"] = list(dict.fromkeys(events))
    if not isinstance(data.description, Unset):
        description = (data.description or "").strip() or None
        if description is not None and len(description) > MAX_DESCRIPTION_LENGTH:
            check.invalid(
                "description", f"description can be at most {MAX_DESCRIPTION_LENGTH} characters"
            )
        values["description"] = description
    if not isinstance(data.status, Unset):
        if data.status not in STATUSES:
            check.invalid("status", "status must be enabled or disabled")
        values["status"] = data.status
    return values


ENDPOINTS = OwnedRows(WebhookEndpoint, "webhook endpoint", LIST_SPEC)
owned = ENDPOINTS.owned
list_page = ENDPOINTS.list_page


async def get(
    *, session: AsyncSession, owner: Owner, endpoint_id: str, lock: bool = False
) -> WebhookEndpoint:
    return await ENDPOINTS.get(session=session, owner=owner, object_id=endpoint_id, lock=lock)


async def _current_sequence(session: AsyncSession, owner: Owner) -> int:
    value = await session.scalar(select(EventCounter.value).where(EventCounter.owned_by(owner)))
    return int(value or 0)


async def create(*, session: AsyncSession, owner: Owner, data: EndpointInput) -> WebhookEndpoint:
    check = Validator()
    values = await _check_fields(data, check, owner=owner, creating=True)
    metadata = {} if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    metadata = merge_metadata({}, metadata, check)
    check.check()
    sequence = await _current_sequence(session, owner)
    now = utcnow()
    endpoint = WebhookEndpoint(
        id=new_id("we"),
        account_id=owner.account_id,
        livemode=owner.livemode,
        meta=metadata,
        created=now,
        updated=now,
        status=values.pop("status", "enabled"),
        secret=signing.new_secret(),
        start_sequence=sequence,
        **values,
    )
    session.add(endpoint)
    # The fan-out starts at this account and mode's first endpoint; a cursor already
    # there stays where it is.
    has_cursor = await session.scalar(
        select(WebhookCursor.last_sequence).where(WebhookCursor.owned_by(owner))
    )
    if has_cursor is None:
        session.add(
            WebhookCursor(
                account_id=owner.account_id, livemode=owner.livemode, last_sequence=sequence
            )
        )
    await session.flush()
    return endpoint


async def update_endpoint(
    *, session: AsyncSession, owner: Owner, endpoint_id: str, data: EndpointInput
) -> WebhookEndpoint:
    check = Validator()
    values = await _check_fields(data, check, owner=owner, creating=False)
    metadata_update = (
        None if data.metadata in (UNSET, None) else check_metadata(data.metadata, check)
    )
    check.check()
    endpoint = await get(session=session, owner=owner, endpoint_id=endpoint_id, lock=True)
    if metadata_update is not None:
        values["meta"] = merge_metadata(endpoint.meta, metadata_update, check)
        check.check()
    changes = {k: v for k, v in values.items() if getattr(endpoint, k) != v}
    if not changes:
        return endpoint
    for key, value in changes.items():
        setattr(endpoint, key, value)
    endpoint.updated = utcnow()
    if "status" in changes:
        if endpoint.status == "enabled":
            # What happened while it was disabled was never its to receive, however late
            # the fan-out reaches those events.
            endpoint.start_sequence = await _current_sequence(session, owner)
        await _park(session, endpoint)
    await session.flush()
    return endpoint


async def _park(session: AsyncSession, endpoint: WebhookEndpoint) -> None:
    """A disabled endpoint's pending deliveries wait, unclaimed, until it is enabled. An
    attempt in flight keeps its lease, so its outcome is still recorded: a delivery the
    receiver got is not sent again when the endpoint comes back."""
    pending = update(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == PENDING
    )
    if endpoint.status == "disabled":
        now = utcnow()
        idle = or_(WebhookDelivery.lease_token.is_(None), WebhookDelivery.next_attempt_at <= now)
        await session.execute(pending.where(idle).values(next_attempt_at=None, lease_token=None))
    else:
        await session.execute(
            pending.where(WebhookDelivery.next_attempt_at.is_(None)).values(
                next_attempt_at=utcnow()
            )
        )


async def delete(*, session: AsyncSession, owner: Owner, endpoint_id: str) -> WebhookEndpoint:
    """Deleted for good, with its deliveries: it is sent nothing more."""
    endpoint = await get(session=session, owner=owner, endpoint_id=endpoint_id, lock=True)
    await session.delete(endpoint)
    await session.flush()
    return endpoint


async def rotate_secret(
    *, session: AsyncSession, owner: Owner, endpoint_id: str, expire_previous_in: int = 0
) -> WebhookEndpoint:
    """A new secret; the one it replaces keeps signing beside it for
    ``expire_previous_in`` seconds (at most 24 hours; 0 ends it now)."""
    if not 0 <= expire_previous_in <= MAX_OVERLAP.total_seconds():
        check = Validator()
        check.invalid(
            "expire_previous_in",
            f"expire_previous_in must be between 0 and {int(MAX_OVERLAP.total_seconds())} seconds",
        )
        check.check()
    endpoint = await get(session=session, owner=owner, endpoint_id=endpoint_id, lock=True)
    now = utcnow()
    if expire_previous_in:
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + timedelta(seconds=expire_previous_in)
    else:
        endpoint.previous_secret = None
        endpoint.previous_secret_expires_at = None
    endpoint.secret = signing.new_secret()
    endpoint.updated = now
    await session.flush()
    return endpoint
