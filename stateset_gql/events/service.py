"""Reading the event log: one event, or a page of them, newest first, optionally of
one type (``order.shipped``) or one family (``order.*``), as Stripe lists them."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from stateset_gql.db.listing import ListField, ListSpec, Page, PageRequest
from stateset_gql.db.lookup import OwnedRows
from stateset_gql.db.owner import Owner
from stateset_gql.errors import BadRequest, shown
from stateset_gql.events.models import Event

LIST_SPEC = ListSpec(
    id_column=Event.id,
    fields={
        "id": ListField(Event.id, "id", sortable=True),
        "type": ListField(Event.type, "string", sortable=True),
        "created": ListField(Event.created, "datetime", sortable=True),
        "sequence": ListField(Event.sequence, "int", sortable=True),
        "object_id": ListField(Event.object_id, "id"),
    },
    default_order=(("sequence", True),),
)


# An exact type, a family ending in ``.*``, or ``*`` for every type.
TYPE_PATTERN = re.compile(r"\*|[a-z_]+(?:\.[a-z_]+)*(?:\.\*)?")
MAX_TYPE_LENGTH = 100


def check_type_pattern(pattern: str, *, param: str = "type") -> str:
    """``pattern`` when it is a type (``order.shipped``), a family (``order.*``) or ``*``."""
    if len(pattern) > MAX_TYPE_LENGTH or not TYPE_PATTERN.fullmatch(pattern):
        raise BadRequest(
            f"'{param}' must be an event type (order.shipped), a family (order.*) or *; "
            f"not '{shown(pattern)}'",
            param=param,
        )
    return pattern


def type_condition(pattern: str, *, param: str = "type") -> ColumnElement[bool] | None:
    """The events a type pattern selects; None when it selects every event."""
    check_type_pattern(pattern, param=param)
    if pattern == "*":
        return None
    if pattern.endswith(".*"):
        # ``_`` is a LIKE wildcard, and event types hold it (``inventory.low_stock``).
        return Event.type.startswith(pattern[:-1], autoescape=True)
    return Event.type == pattern


EVENTS = OwnedRows(Event, "event", LIST_SPEC)
owned = EVENTS.owned


async def get(*, session: AsyncSession, owner: Owner, event_id: str) -> Event:
    return await EVENTS.get(session=session, owner=owner, object_id=event_id)


async def list_page(
    *,
    session: AsyncSession,
    owner: Owner,
    request: PageRequest,
    type_pattern: str | None = None,
) -> Page[Event]:
    base = owned(owner)
    if type_pattern is not None:
        condition = type_condition(type_pattern)
        if condition is not None:
            base = base.where(condition)
    return await EVENTS.page(session=session, base=base, request=request)
