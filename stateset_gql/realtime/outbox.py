"""Publishing committed events, and finding what a crash left unpublished.

After a commit, with its connection back in the pool, the runner hands the new events
to ``Outbox.committed``: each is rendered as ``GET /v1/events/{id}`` answers it and
published on its account-and-mode channel before the response goes out (so a client
that got its answer knows subscribers were sent the event). The ones the broadcast took
are marked ``published_at`` beside the responses, not before them: one transaction marks
whatever was published in the 50 ms before it (or while the one before it ran), so under
load a mark costs a fraction of a statement and no request waits on it. A process that
dies between commit and publish, or between publish and mark, leaves events with no
``published_at``; ``unpublished`` finds them, oldest first, for the relay to publish
again (a mark lands well within the relay's grace of 2 s, so the relay only republishes
after a crash). Consumers dedupe by ``sequence``.

A commit's notices (``db.uow.Notice``: a key revoked...) are published the same way,
best effort; ``announce`` does it for a process with no outbox (the command line).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

import orjson
from sqlalchemy import ARRAY, String, any_, bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Notice, Renderer, event_subject
from stateset_gql.events.models import Event
from stateset_gql.pubsub import Hub, open_hub

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


# The numbers the commit gave events written without them (PostgreSQL), by id.
_SEQUENCES = select(Event.id, Event.sequence).where(Event.id.in_(bindparam("ids", expanding=True)))


async def _numbers(session: AsyncSession, events: Sequence[Event]) -> None:
    """Sets the ``sequence`` of each of ``events`` the database numbered as it committed
    (one statement for them all; none when every one came numbered)."""
    unnumbered = {event.id: event for event in events if event.sequence is None}
    if not unnumbered:
        return
    rows = await session.execute(_SEQUENCES, {"ids": list(unnumbered)})
    for event_id, sequence in rows:
        unnumbered.pop(event_id).sequence = sequence
    if unnumbered:
        raise LookupError(f"no committed events {sorted(unnumbered)}")


# Events marked by one UPDATE at most; how long the marks of one wait gather before it.
MARK_BATCH = 1000
MARK_GATHER_SECONDS = 0.05

# Built once (a statement made per call costs more to build and key than to run), on the
# table: no ORM objects to keep in step. One statement text whatever the number of ids
# on PostgreSQL, prepared once per connection; SQLite takes an expanded IN list.
_EVENTS = Event.metadata.tables[Event.__tablename__]
_MARK = (
    update(_EVENTS)
    .where(_EVENTS.c.id == any_(bindparam("ids", type_=ARRAY(String))))
    .values(published_at=bindparam("now"))
)
_MARK_EXPANDED = (
    update(_EVENTS)
    .where(_EVENTS.c.id.in_(bindparam("ids", expanding=True)))
    .values(published_at=bindparam("now"))
)
_NO_SYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")


class Outbox:
    def __init__(self, *, db: Database, hub: Hub, render: Renderer) -> None:
        self.db = db
        self.hub = hub
        self.render = render
        self._to_mark: list[str] = []
        self._marking: asyncio.Task[None] | None = None

    async def notices(self, notices: Sequence[Notice]) -> None:
        """The runner's hook for a commit's notices."""
        for notice in notices:
            await self.hub.publish(notice.channel, notice.message)

    async def committed(self, events: Sequence[Event]) -> None:
        """The runner's after-commit hook: publish now, mark beside the responses."""
        published = await self._publish(events)
        if published:
            self._to_mark.extend(published)
            if self._marking is None or self._marking.done():
                self._marking = asyncio.create_task(self._mark_pending())

    async def publish(self, events: Sequence[Event]) -> int:
        """Publish ``events`` and mark those the broadcast took before returning; how
        many. The relay's way to publish what a crash left."""
        published = await self._publish(events)
        try:
            await self._mark(published)
        except Exception:
            log.exception("could not mark %d published events", len(published))
        return len(published)

    @property
    def marking(self) -> bool:
        """Published events wait to be marked, or are being marked."""
        return bool(self._to_mark) or (self._marking is not None and not self._marking.done())

    async def close(self) -> None:
        """Marks what is still waiting (at shutdown)."""
        if self._marking is not None:
            await asyncio.gather(self._marking, return_exceptions=True)

    async def _publish(self, events: Sequence[Event]) -> list[str]:
        """Publish ``events`` in order, each as ``GET /v1/events/{id}`` answers it
        (rendered from the rows in hand, so no statement and no lock), in one round trip;
        the ids the broadcast took: all or, when it failed, none."""
        if not events:
            return []
        try:
            async with self.db.session(write=False) as session:
                await _numbers(session, events)
                bodies = await self.render(session, [event_subject(e) for e in events])
            messages = [
                (channel(owner_of(event)), orjson.dumps(body).decode())
                for event, body in zip(events, bodies, strict=True)
            ]
            if await self.hub.publish_many(messages):
                return [event.id for event in events]
        except Exception:
            log.exception("could not publish %d events; the relay will", len(events))
        return []

    async def _mark_pending(self) -> None:
        # A short wait lets the requests answered meanwhile share the transaction.
        await asyncio.sleep(MARK_GATHER_SECONDS)
        while self._to_mark:
            batch, self._to_mark = self._to_mark[:MARK_BATCH], self._to_mark[MARK_BATCH:]
            try:
                await self._mark(batch)
            except Exception:
                log.exception("could not mark %d published events; the relay will", len(batch))

    async def _mark(self, published: Sequence[str]) -> None:
        if not published:
            return
        async with self.db.session(write=True) as session, session.begin():
            if not self.db.is_sqlite:
                # A mark lost in a crash only means a second publish, which consumers
                # dedupe by sequence: no need to wait for the disk.
                await session.execute(_NO_SYNC_COMMIT)
            statement = _MARK_EXPANDED if self.db.is_sqlite else _MARK
            await session.execute(statement, {"ids": list(published), "now": utcnow()})


async def announce(broadcast_url: str, notices: Sequence[Notice]) -> None:
    """Publish ``notices`` from a process with no hub of its own (the command line). On
    ``memory://`` there is no one to tell: servers find out within their cache's TTL."""
    if not notices or broadcast_url.startswith("memory://"):
        return
    hub = open_hub(broadcast_url)
    try:
        for notice in notices:
            await hub.publish(notice.channel, notice.message)
    finally:
        await hub.disconnect()
