"""Reading the event log in ``sequence`` order, as its consumers do (the webhook fan-out
and the subscriptions' fan-out): where an owner's log ends, the events after a point,
and where one event sits in it.

Sequences are handed out in commit order (``EventCounter``), so reading after the last
sequence seen never skips an event that commits later with a smaller number. These read
rows; rendering them is the caller's.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Integer, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.owner import Owner
from stateset_gql.errors import not_found
from stateset_gql.events.models import Event, EventCounter

# Built once: a statement made per call costs more to build and key than to run (the
# fan-outs read after every commit). The owner's (``Owner.params``) events above
# ``sequence``, up to ``upto``, the first ``limit`` of them.
_AFTER = (
    select(Event)
    .where(Event.owned_by_params(), Event.sequence > bindparam("sequence"))
    .order_by(Event.sequence)
    .limit(bindparam("limit", type_=Integer))
)
_AFTER_UPTO = _AFTER.where(Event.sequence <= bindparam("upto"))
_LAST = select(func.max(Event.sequence)).where(Event.owned_by_params())
_SEQUENCE_OF = select(Event.sequence).where(
    Event.id == bindparam("event_id"), Event.owned_by_params()
)


async def after(
    session: AsyncSession, owner: Owner, sequence: int, *, limit: int, upto: int | None = None
) -> list[Event]:
    """``owner``'s events after ``sequence`` (up to ``upto``, when given), oldest first,
    at most ``limit`` of them."""
    params = {**owner.params(), "sequence": sequence, "limit": limit}
    if upto is None:
        rows = await session.execute(_AFTER, params)
    else:
        rows = await session.execute(_AFTER_UPTO, {**params, "upto": upto})
    return list(rows.scalars())


async def last_sequence(session: AsyncSession, owner: Owner) -> int:
    """The sequence of ``owner``'s last stored event; 0 when there is none."""
    value = await session.scalar(_LAST, owner.params())
    return int(value or 0)


async def sequence_of(session: AsyncSession, owner: Owner, event_id: str) -> int:
    """Where ``owner``'s event ``event_id`` sits in the log, or 404."""
    value = await session.scalar(_SEQUENCE_OF, {**owner.params(), "event_id": event_id})
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
