"""The unit of work: one transaction, and the events its changes emit (the outbox).

Services record changes through ``uow.session`` and announce them with ``uow.emit``;
they never commit. The caller commits once, and ``commit`` writes the events first, in
the same transaction, so no change is ever without its event and no event without its
change. The event counter row is locked last, after every other lock the transaction
takes, which keeps lock order fixed and makes ``sequence`` follow commit order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Owner
from stateset_gql.db.base import utcnow
from stateset_gql.events.models import Event, EventCounter
from stateset_gql.ids import new_id


@dataclass
class PendingEvent:
    owner: Owner
    type: str
    created: datetime
    data: dict[str, Any]


@dataclass
class UnitOfWork:
    session: AsyncSession
    request_id: str | None = None
    idempotency_key: str | None = None
    pending: list[PendingEvent] = field(default_factory=list)

    def emit(
        self,
        owner: Owner,
        type: str,
        obj: dict[str, Any],
        previous: dict[str, Any] | None = None,
    ) -> None:
        data: dict[str, Any] = {"object": obj}
        if previous is not None:
            data["previous_attributes"] = previous
        self.pending.append(PendingEvent(owner=owner, type=type, created=utcnow(), data=data))

    async def write_events(self) -> list[Event]:
        written: list[Event] = []
        owners = sorted({p.owner for p in self.pending}, key=lambda o: (o.account_id, o.livemode))
        for owner in owners:
            batch = [p for p in self.pending if p.owner == owner]
            last = (
                await self.session.execute(
                    update(EventCounter)
                    .where(
                        EventCounter.account_id == owner.account_id,
                        EventCounter.livemode == owner.livemode,
                    )
                    .values(value=EventCounter.value + len(batch))
                    .returning(EventCounter.value)
                )
            ).scalar_one()
            first = last - len(batch) + 1
            for offset, pending in enumerate(batch):
                written.append(
                    Event(
                        id=new_id("evt"),
                        account_id=owner.account_id,
                        livemode=owner.livemode,
                        sequence=first + offset,
                        type=pending.type,
                        created=pending.created,
                        data=pending.data,
                        request_id=self.request_id,
                        idempotency_key=self.idempotency_key,
                    )
                )
        self.session.add_all(written)
        self.pending.clear()
        return written

    async def commit(self) -> list[Event]:
        """Write the events and commit; returns the events now committed."""
        events = await self.write_events()
        await self.session.commit()
        return events

    async def rollback(self) -> None:
        self.pending.clear()
        await self.session.rollback()
