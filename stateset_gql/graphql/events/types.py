"""Event output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from stateset_gql.events import service
from stateset_gql.events.models import Event as EventModel
from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const, Same
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.objects import Mapped
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON


@strawberry.type
class EventRequest(Mapped):
    id: str | None
    idempotency_key: str | None


@strawberry.type
class Event(Node, Mapped):
    id: strawberry.ID
    object: str
    type: str
    api_version: str
    created: datetime
    livemode: bool
    account: str
    sequence: int
    data: JSON = strawberry.field(
        description="`{object, previous_attributes}` in the REST (snake_case) form."
    )
    request: EventRequest


@where_input(service.LIST_SPEC)
class EventWhere:
    pass


@order_input(service.LIST_SPEC)
class EventOrder(Sort[Any]):
    pass


# How the compiled read engine reads these types (``graphql.compiled``). ``data`` is a
# plain JSON column: its stored text rewritten as the resolver path writes it back.
compiled.table(
    "EventRequest",
    EventModel,
    {"id": Col(EventModel.request_id), "idempotencyKey": Col(EventModel.idempotency_key)},
)
compiled.table(
    "Event",
    EventModel,
    {
        "id": Col(EventModel.id),
        "object": Const("event"),
        "type": Col(EventModel.type),
        "apiVersion": Const("v1"),
        "created": Col(EventModel.created, "datetime"),
        "livemode": Col(EventModel.livemode, "bool"),
        "account": Col(EventModel.account_id),
        "sequence": Col(EventModel.sequence, "int"),
        "data": Col(EventModel.data, "json_text"),
        "request": Same("EventRequest"),
    },
)
