"""Turning committed events into deliveries: one per matching, enabled endpoint.

Each account and mode has a cursor, the last event ``sequence`` already fanned out.
Sequences are handed out in commit order (``EventCounter``), so reading the events above
the cursor, in order, never skips one that commits later. A pass claims the cursors that
are behind (``FOR UPDATE SKIP LOCKED``: several workers share the work, each cursor
advanced by one at a time), inserts the deliveries (``ON CONFLICT DO NOTHING``: a pass
repeated after a crash makes no second one) and moves the cursor, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.engine import Database
from stateset_gql.db.uow import Renderer, event_subject
from stateset_gql.events import log as event_log
from stateset_gql.events.models import Event, EventCounter
from stateset_gql.events.types import matches
from stateset_gql.webhooks.deliveries import new_delivery
from stateset_gql.webhooks.models import WebhookCursor, WebhookDelivery, WebhookEndpoint

CURSORS_PER_PASS = 20

# Built once: a pass runs after every commit, and a statement made per call costs more
# to build and key than to run. The cursors behind their counter, claimed; and an
# owner's (``Owner.params``) enabled endpoints.
_BEHIND = (
    select(WebhookCursor, EventCounter.value)
    .join(EventCounter, EventCounter.same_owner_as(WebhookCursor))
    .where(EventCounter.value > WebhookCursor.last_sequence)
    .order_by(WebhookCursor.account_id, WebhookCursor.livemode)
    .limit(CURSORS_PER_PASS)
    .with_for_update(of=WebhookCursor, skip_locked=True)
)
_ENDPOINTS = (
    select(WebhookEndpoint.id, WebhookEndpoint.enabled_events, WebhookEndpoint.start_sequence)
    .where(WebhookEndpoint.owned_by_params(), WebhookEndpoint.status == "enabled")
    .order_by(WebhookEndpoint.id)
)
# The deliveries, none twice (a pass repeated after a crash), in either dialect.
_INSERT_POSTGRES = postgresql.insert(WebhookDelivery).on_conflict_do_nothing(
    index_elements=["endpoint_id", "event_id"]
)
_INSERT_SQLITE = sqlite.insert(WebhookDelivery).on_conflict_do_nothing(
    index_elements=["endpoint_id", "event_id"]
)


async def fan_out(*, db: Database, render: Renderer, retries: int, batch: int = 500) -> int:
    """One pass over the cursors that are behind; how many events it consumed. A pass
    that consumed ``batch`` events of some cursor leaves more for the next."""
    async with db.session(write=True) as session, session.begin():
        behind = await session.execute(_BEHIND)
        consumed = 0
        for cursor, counter in behind.all():
            consumed += await _advance(
                session, db, cursor, counter, render=render, retries=retries, batch=batch
            )
        return consumed


async def _advance(
    session: AsyncSession,
    db: Database,
    cursor: WebhookCursor,
    counter: int,
    *,
    render: Renderer,
    retries: int,
    batch: int,
) -> int:
    owner = cursor.owner
    endpoints = (await session.execute(_ENDPOINTS, owner.params())).all()
    if not endpoints:
        # Nobody to send to: nothing to read either.
        consumed = counter - cursor.last_sequence
        cursor.last_sequence = counter
        return consumed
    events = await event_log.after(session, owner, cursor.last_sequence, limit=batch)
    if not events:
        # Purged past retention before they were fanned out.
        cursor.last_sequence = counter
        return 0
    wanted = [
        (event, endpoint_id)
        for event in events
        for endpoint_id, patterns, start in endpoints
        if event.sequence > start and matches(patterns, event.type)
    ]
    needed = list(dict.fromkeys(event for event, _ in wanted))
    bodies = dict(zip(needed, await _bodies(session, render, needed), strict=True))
    rows = [
        new_delivery(
            owner=owner, endpoint_id=endpoint_id, event_id=event.id, event_type=event.type,
            body=bodies[event], retries=retries,
        )
        for event, endpoint_id in wanted
    ]  # fmt: skip
    if rows:
        await session.execute(_INSERT_SQLITE if db.is_sqlite else _INSERT_POSTGRES, rows)
    cursor.last_sequence = events[-1].sequence
    return len(events)


async def _bodies(session: AsyncSession, render: Renderer, events: Sequence[Event]) -> list[str]:
    """Each event exactly as ``GET /v1/events/{id}`` answers it."""
    if not events:
        return []
    rendered = await render(session, [event_subject(e) for e in events])
    return [orjson.dumps(body).decode() for body in rendered]
