"""Reading the event log: one event, or a page of them, newest first."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.access.principal import Owner
from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest, fetch_page
from stateset_gql.db.lookup import one_or_404
from stateset_gql.events.models import Event

LIST_SPEC = ListSpec(
    id_column=Event.id,
    fields={
        "id": ListField(Event.id, "id", sortable=True),
        "type": ListField(Event.type, "string", sortable=True),
        "created": ListField(Event.created, "datetime", sortable=True),
        "sequence": ListField(Event.sequence, "int", sortable=True),
    },
    default_order=(("sequence", True),),
)


def owned(owner: Owner) -> Select[Event]:
    return select(Event).where(
        Event.account_id == owner.account_id, Event.livemode == owner.livemode
    )


async def get(*, session: AsyncSession, owner: Owner, event_id: str) -> Event:
    statement = owned(owner).where(Event.id == event_id)
    return await one_or_404(session, statement, kind="event", object_id=event_id)


async def list_page(*, session: AsyncSession, owner: Owner, request: PageRequest) -> Page[Event]:
    return await fetch_page(session=session, spec=LIST_SPEC, base=owned(owner), request=request)
