"""The caller's account and its API keys."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.access import service
from stateset_gql.access.models import ApiKey as ApiKeyModel
from stateset_gql.access.principal import Principal
from stateset_gql.access.views import api_key_fields
from stateset_gql.errors import PermissionDenied
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort, order_input


@strawberry.enum
class Mode(Enum):
    TEST = "test"
    LIVE = "live"


@strawberry.enum(description="The account's plan, which sets its keys' rate limits.")
class Plan(Enum):
    FREE = "free"
    STARTER = "starter"
    GROWTH = "growth"
    SCALE = "scale"
    ENTERPRISE = "enterprise"


@strawberry.enum
class ApiKeyType(Enum):
    SK = "sk"
    RK = "rk"
    PK = "pk"


@strawberry.type(description="The plan's request limits for one key.")
class RateLimits:
    per_minute: int | None
    per_day: int | None
    burst_per_second: int | None
    concurrent: int | None


def _not_public(principal: Principal) -> Principal:
    """A publishable key may learn only its account's id and mode: it sits in web pages
    and apps, where anyone can read it."""
    if principal.key_type == "pk":
        raise PermissionDenied(
            "A publishable key can read only the account's id and mode", param=None
        )
    return principal


@strawberry.type(description="Who is calling: the account, mode, key type, scopes and plan.")
class Account(Node):
    """``id`` and ``mode`` are anyone's; every other field is refused a publishable key."""

    id: strawberry.ID
    principal: strawberry.Private[Principal]

    @strawberry.field
    def object(self) -> str:
        _not_public(self.principal)
        return "account"

    @strawberry.field
    def name(self) -> str:
        return _not_public(self.principal).account_name

    @strawberry.field
    def plan(self) -> Plan:
        return Plan(_not_public(self.principal).plan)

    @strawberry.field
    def livemode(self) -> bool:
        return _not_public(self.principal).owner.livemode

    @strawberry.field
    def mode(self) -> Mode:
        return Mode(self.principal.mode)

    @strawberry.field
    def key_id(self) -> str:
        return _not_public(self.principal).key_id

    @strawberry.field
    def key_type(self) -> ApiKeyType:
        return ApiKeyType(_not_public(self.principal).key_type)

    @strawberry.field
    def scopes(self) -> list[str]:
        return sorted(_not_public(self.principal).scopes)

    @strawberry.field
    def limits(self) -> RateLimits:
        limits = _not_public(self.principal).limits
        return RateLimits(
            per_minute=limits.per_minute,
            per_day=limits.per_day,
            burst_per_second=limits.burst_per_second,
            concurrent=limits.concurrent,
        )

    @classmethod
    def from_principal(cls, principal: Principal) -> Account:
        return cls(id=strawberry.ID(principal.owner.account_id), principal=principal)


@strawberry.type
class ApiKey(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    type: ApiKeyType
    name: str | None
    scopes: list[str]
    redacted: str = strawberry.field(description="The prefix and last four characters.")
    revoked: bool
    secret: str | None = strawberry.field(
        description="The whole key: given once, in the answer to `createApiKey`, never again."
    )

    @classmethod
    def from_model(cls, model: ApiKeyModel, secret: str | None = None) -> ApiKey:
        fields = api_key_fields(model, secret)
        return cls(
            **{**fields, "id": strawberry.ID(fields["id"]), "type": ApiKeyType(fields["type"])}
        )


@where_input(service.KEY_LIST_SPEC, enums={"type": ApiKeyType})
class ApiKeyWhere:
    pass


@order_input(service.KEY_LIST_SPEC)
class ApiKeyOrder(Sort[Any]):
    pass


@strawberry.input
class CreateApiKeyInput:
    type: ApiKeyType
    name: str | None = None
    scopes: list[str] | None = strawberry.field(
        default=None, description="For restricted keys: e.g. `orders:read`, `customers:write`."
    )
