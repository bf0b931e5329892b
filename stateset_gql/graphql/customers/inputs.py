"""Customer mutation inputs, and their translation into the domain's input."""

from __future__ import annotations

import strawberry

from stateset_gql.customers import service
from stateset_gql.graphql.scalars import JSON
from stateset_gql.graphql.unset import given
from stateset_gql.unset import UNSET, Unset


@strawberry.input
class AddressInput:
    line1: str | None = strawberry.UNSET
    line2: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    state: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET

    def to_dict(self) -> dict[str, str | None]:
        return {
            key: getattr(self, key)
            for key in service.ADDRESS_FIELDS
            if getattr(self, key) is not strawberry.UNSET
        }


def address(value: AddressInput | None) -> service.AddressInput | Unset | None:
    """The address as the domain takes it (also an order's shipping address)."""
    if value is strawberry.UNSET:
        return UNSET
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
            name=given(self.name),
            phone=given(self.phone),
            address=address(self.address),
            metadata=given(self.metadata),
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
            email=given(self.email),
            name=given(self.name),
            phone=given(self.phone),
            address=address(self.address),
            metadata=given(self.metadata),
        )
