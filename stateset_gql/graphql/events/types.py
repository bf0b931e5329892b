"""Event output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from stateset_gql.events.models import Event as EventModel
from stateset_gql.graphql.filters import DateTimeFilter, IDFilter, IntFilter, StringFilter
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort
from stateset_gql.graphql.scalars import JSON


@strawberry.type
class EventRequest:
    id: str | None
    idempotency_key: str | None


@strawberry.type
class Event(Node):
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

    @classmethod
    def from_model(cls, model: EventModel) -> Event:
        return cls(
            id=strawberry.ID(model.id),
            object="event",
            type=model.type,
            api_version="v1",
            created=model.created,
            livemode=model.livemode,
            account=model.account_id,
            sequence=model.sequence,
            data=JSON(model.data),
            request=EventRequest(id=model.request_id, idempotency_key=model.idempotency_key),
        )


@strawberry.input
class EventWhere:
    id: IDFilter | None = strawberry.UNSET
    type: StringFilter | None = strawberry.UNSET
    created: DateTimeFilter | None = strawberry.UNSET
    sequence: IntFilter | None = strawberry.UNSET
    and_: list[EventWhere] | None = strawberry.field(name="_and", default=strawberry.UNSET)
    or_: list[EventWhere] | None = strawberry.field(name="_or", default=strawberry.UNSET)
    not_: EventWhere | None = strawberry.field(name="_not", default=strawberry.UNSET)


@strawberry.enum
class EventOrderField(Enum):
    ID = "id"
    TYPE = "type"
    CREATED = "created"
    SEQUENCE = "sequence"


@strawberry.input(name="EventOrder")
class EventOrder(Sort[EventOrderField]):
    pass
