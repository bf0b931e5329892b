"""Event queries: the log, newest first."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import Select

from stateset_gql.events import service
from stateset_gql.events.models import Event as EventModel
from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Root
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.events.types import Event, EventOrder, EventWhere
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import Needs

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("events:read")


async def event_by_id(info: Info, id: str) -> Event:
    owner = READ.owner(info)
    return Event.from_model(
        await service.get(session=info.context.session, owner=owner, event_id=id)
    )


@strawberry.type
class EventQuery:
    @strawberry.field(description="One event by id.", extensions=[READ])
    async def event(self, info: Info, id: strawberry.ID) -> Event | None:
        return await event_by_id(info, id)

    @strawberry.field(
        description="Events of the last 30 days, newest (highest sequence) first.",
        extensions=[READ],
    )
    async def events(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: EventWhere | None = None,
        order_by: list[EventOrder] | None = None,
        type: Annotated[
            str | None,
            strawberry.argument(
                description="One type (`order.shipped`), a family (`order.*`) or `*`."
            ),
        ] = None,
    ) -> Connection[Event]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_page(
            session=info.context.session, owner=owner, request=request, type_pattern=type
        )
        return connection(page, Event.from_model, request=request)


def _of_type(base: Select[Any], arguments: dict[str, Any]) -> Select[Any]:
    """``events(type:)`` as ``service.list_page`` applies it (a bad pattern raises
    ``BadRequest``, and the resolver path answers with it)."""
    pattern = arguments.get("type")
    condition = None if pattern is None else service.type_condition(pattern)
    return base if condition is None else base.where(condition)


# How the compiled read engine reads these fields (``graphql.compiled``).
compiled.root("event", Root("Event", READ.scope, service.owned, EventModel.id))
compiled.root(
    "events",
    Root(
        "Event", READ.scope, service.owned, EventModel.id, spec=service.LIST_SPEC,
        arguments=frozenset({"type"}), narrow=_of_type,
    ),
)  # fmt: skip
