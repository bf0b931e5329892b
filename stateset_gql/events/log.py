"""Reading the event log in ``sequence`` order, as its consumers do (the webhook fan-out
and the subscriptions' fan-out): where an owner's log ends, the events after a point,
and where one event sits in it.

Sequences are handed out in commit order (``EventCounter``), so reading after the last
sequence seen never skips an event that commits later with a smaller number. These read
rows; rendering them is the caller's.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.owner import Owner
from stateset_gql.errors import not_found
from stateset_gql.events.models import Event, EventCounter


async def after(
    session: AsyncSession, owner: Owner, sequence: int, *, limit: int, upto: int | None = None
) -> list[Event]:
    """``owner``'s events after ``sequence`` (up to ``upto``, when given), oldest first,
    at most ``limit`` of them."""
    statement = (
        select(Event)
        .where(Event.owned_by(owner), Event.sequence > sequence)
        .order_by(Event.sequence)
        .limit(limit)
    )
    if upto is not None:
        statement = statement.where(Event.sequence <= upto)
    return list((await session.execute(statement)).scalars())


async def last_sequence(session: AsyncSession, owner: Owner) -> int:
    """The sequence of ``owner``'s last stored event; 0 when there is none."""
    value = await session.scalar(select(func.max(Event.sequence)).where(Event.owned_by(owner)))
    return int(value or 0)


async def sequence_of(session: AsyncSession, owner: Owner, event_id: str) -> int:
    """Where ``owner``'s event ``event_id`` sits in the log, or 404."""
    value = await session.scalar(
        select(Event.sequence).where(Event.id == event_id, Event.owned_by(owner))
    )
    if value is None:
        raise not_found("event", event_id)
    return int(value)


async def counters(session: AsyncSession, owners: Collection[Owner]) -> dict[Owner, int]:
    """The last sequence handed out to each of ``owners`` (one statement for them all);
    an owner that never had an event is absent."""
    rows = await session.execute(
        select(EventCounter.account_id, EventCounter.livemode, EventCounter.value).where(
            EventCounter.owned_by_any(owners)
        )
    )
    return {Owner(account, livemode): value for account, livemode, value in rows}
