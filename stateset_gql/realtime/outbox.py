"""Publishing committed events, and finding what a crash left unpublished.

After a commit, with its connection back in the pool, the runner hands the new events
to ``Outbox.committed``: each is rendered as ``GET /v1/events/{id}`` answers it,
published on its account-and-mode channel, and the ones the broadcast took are marked
``published_at``, before the response goes out (so a client that got its answer knows
subscribers were sent the event). A process that dies between commit and publish
leaves events with no ``published_at``; ``unpublished`` finds them, oldest first, for
the relay to publish again. Consumers dedupe by ``sequence``.

A commit's notices (``db.uow.Notice``: a key revoked...) are published the same way,
best effort; ``announce`` does it for a process with no outbox (the command line).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

import orjson
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Owner
from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.db.uow import Notice, Renderer, event_subject
from stateset_gql.events.models import Event
from stateset_gql.realtime.broadcast import BroadcastHub

log = logging.getLogger("stateset_gql.outbox")


def channel(owner: Owner) -> str:
    """One channel per account and mode: a subscriber hears only its own."""
    return f"stateset.events.{owner.account_id}.{'live' if owner.livemode else 'test'}"


def owner_of(event: Event) -> Owner:
    return Owner(account_id=event.account_id, livemode=event.livemode)


async def unpublished(*, db: Database, older_than: timedelta, limit: int = 500) -> list[Event]:
    """Events committed at least ``older_than`` ago and never published, oldest first."""
    cutoff = utcnow() - older_than
    async with db.session(write=False) as session:
        rows = await session.execute(
            select(Event)
            .where(Event.published_at.is_(None), Event.created <= cutoff)
            .order_by(Event.created, Event.account_id, Event.livemode, Event.sequence)
            .limit(limit)
        )
        return list(rows.scalars())


class Outbox:
    def __init__(self, *, db: Database, hub: BroadcastHub, render: Renderer) -> None:
        self.db = db
        self.hub = hub
        self.render = render

    async def notices(self, notices: Sequence[Notice]) -> None:
        """The runner's hook for a commit's notices."""
        for notice in notices:
            await self.hub.publish(notice.channel, notice.message)

    async def committed(self, events: Sequence[Event]) -> None:
        """The runner's after-commit hook."""
        await self.publish(events)

    async def publish(self, events: Sequence[Event]) -> int:
        """Publish ``events`` in order, each as ``GET /v1/events/{id}`` answers it (rendered
        from the rows in hand, after the commit, so no lock waits on it), and mark those
        the broadcast took; how many. Also the relay's way to publish what a crash left."""
        try:
            async with self.db.session(write=True) as session, session.begin():
                bodies = await self.render(session, [event_subject(e) for e in events])
                published: list[str] = []
                for event, body in zip(events, bodies, strict=True):
                    message = orjson.dumps(body).decode()
                    if not await self.hub.publish(channel(owner_of(event)), message):
                        break
                    published.append(event.id)
                await self._mark(session, published)
            return len(published)
        except Exception:
            log.exception("could not publish %d events; the relay will", len(events))
            return 0

    async def _mark(self, session: AsyncSession, published: list[str]) -> None:
        if not published:
            return
        if not self.db.is_sqlite:
            # A mark lost in a crash only means a second publish, which consumers dedupe
            # by sequence: no need to wait for the disk.
            await session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        await session.execute(
            update(Event).where(Event.id.in_(published)).values(published_at=utcnow())
        )


async def announce(broadcast_url: str, notices: Sequence[Notice]) -> None:
    """Publish ``notices`` from a process with no hub of its own (the command line). On
    ``memory://`` there is no one to tell: servers find out within their cache's TTL."""
    if not notices or broadcast_url.startswith("memory://"):
        return
    hub = BroadcastHub(broadcast_url)
    await hub.connect()
    try:
        for notice in notices:
            await hub.publish(notice.channel, notice.message)
    finally:
        await hub.disconnect()
