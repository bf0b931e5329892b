"""Customer output types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from stateset_gql.customers import service
from stateset_gql.customers.models import Customer as CustomerModel
from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const, JsonKey, Same
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.naming import to_snake


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


@where_input(service.LIST_SPEC)
class CustomerWhere:
    pass


@order_input(service.LIST_SPEC)
class CustomerOrder(Sort[Any]):
    pass


# How the compiled read engine reads these types (``graphql.compiled``).
compiled.table(
    "Address",
    CustomerModel,
    {name: JsonKey(to_snake(name)) for name in ("line1", "line2", "city", "state", "country")}
    | {"postalCode": JsonKey("postal_code")},
)
compiled.table(
    "Customer",
    CustomerModel,
    {
        "id": Col(CustomerModel.id),
        "object": Const("customer"),
        "livemode": Col(CustomerModel.livemode, "bool"),
        "created": Col(CustomerModel.created, "datetime"),
        "updated": Col(CustomerModel.updated, "datetime"),
        "email": Col(CustomerModel.email),
        "name": Col(CustomerModel.name),
        "phone": Col(CustomerModel.phone),
        "address": Same("Address", json_object=CustomerModel.address),
        "metadata": Col(CustomerModel.meta, "json"),
    },
)
