"""Customer output types."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.customers.models import Customer as CustomerModel
from stateset_gql.graphql.filters import DateTimeFilter, IDFilter, StringFilter
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort
from stateset_gql.graphql.scalars import JSON


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Address | None:
        if data is None:
            return None
        return cls(
            line1=data.get("line1"),
            line2=data.get("line2"),
            city=data.get("city"),
            state=data.get("state"),
            postal_code=data.get("postal_code"),
            country=data.get("country"),
        )


@strawberry.type
class Customer(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    email: str
    name: str | None
    phone: str | None
    address: Address | None
    metadata: JSON

    @classmethod
    def from_model(cls, model: CustomerModel) -> Customer:
        return cls(
            id=strawberry.ID(model.id),
            object="customer",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            email=model.email,
            name=model.name,
            phone=model.phone,
            address=Address.from_dict(model.address),
            metadata=JSON(model.meta),
        )


@strawberry.input
class CustomerWhere:
    id: IDFilter | None = strawberry.UNSET
    email: StringFilter | None = strawberry.UNSET
    name: StringFilter | None = strawberry.UNSET
    phone: StringFilter | None = strawberry.UNSET
    created: DateTimeFilter | None = strawberry.UNSET
    updated: DateTimeFilter | None = strawberry.UNSET
    and_: list[CustomerWhere] | None = strawberry.field(name="_and", default=strawberry.UNSET)
    or_: list[CustomerWhere] | None = strawberry.field(name="_or", default=strawberry.UNSET)
    not_: CustomerWhere | None = strawberry.field(name="_not", default=strawberry.UNSET)


@strawberry.enum
class CustomerOrderField(Enum):
    ID = "id"
    EMAIL = "email"
    NAME = "name"
    CREATED = "created"
    UPDATED = "updated"


@strawberry.input(name="CustomerOrder")
class CustomerOrder(Sort[CustomerOrderField]):
    pass
