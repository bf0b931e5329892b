"""Customer mutation inputs, and their translation into the domain's input."""

from __future__ import annotations

from typing import Any

import strawberry

from stateset_gql.customers import service
from stateset_gql.graphql.scalars import JSON


def _value(value: Any) -> Any:
    return service.UNSET if value is strawberry.UNSET else value


@strawberry.input
class AddressInput:
    line1: str | None = strawberry.UNSET
    line2: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    state: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET

    def to_dict(self) -> dict[str, Any]:
        return {
            key: getattr(self, key)
            for key in service.ADDRESS_FIELDS
            if getattr(self, key) is not strawberry.UNSET
        }


def _address(value: AddressInput | Any | None) -> Any:
    if value is strawberry.UNSET:
        return service.UNSET
    return None if value is None else value.to_dict()


@strawberry.input
class CreateCustomerInput:
    email: str
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.CustomerInput:
        return service.CustomerInput(
            email=self.email,
            name=_value(self.name),
            phone=_value(self.phone),
            address=_address(self.address),
            metadata=_value(self.metadata),
        )


@strawberry.input(description='Fields to change; a metadata key set to "" is removed.')
class UpdateCustomerInput:
    email: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> service.CustomerInput:
        return service.CustomerInput(
            email=_value(self.email),
            name=_value(self.name),
            phone=_value(self.phone),
            address=_address(self.address),
            metadata=_value(self.metadata),
        )
