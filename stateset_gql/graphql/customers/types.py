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
from stateset_gql.graphql.objects import Mapped
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.naming import to_snake


@strawberry.type
class Address(Mapped):
    line1: str | None
    line2: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None


@strawberry.type
class Customer(Node, Mapped):
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
