"""The caller's account and its API keys."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.access import service
from stateset_gql.access.models import ApiKey as ApiKeyModel
from stateset_gql.access.principal import Principal
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort, order_input


@strawberry.enum
class Mode(Enum):
    TEST = "test"
    LIVE = "live"


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


@strawberry.type(description="Who is calling: the account, mode, key type, scopes and plan.")
class Account(Node):
    id: strawberry.ID
    object: str
    name: str
    plan: str
    livemode: bool
    mode: Mode
    key_id: str
    key_type: ApiKeyType
    scopes: list[str]
    limits: RateLimits

    @classmethod
    def from_principal(cls, principal: Principal) -> Account:
        limits = principal.limits
        return cls(
            id=strawberry.ID(principal.owner.account_id),
            object="account",
            name=principal.account_name,
            plan=principal.plan,
            livemode=principal.owner.livemode,
            mode=Mode(principal.mode),
            key_id=principal.key_id,
            key_type=ApiKeyType(principal.key_type),
            scopes=sorted(principal.scopes),
            limits=RateLimits(
                per_minute=limits.per_minute,
                per_day=limits.per_day,
                burst_per_second=limits.burst_per_second,
                concurrent=limits.concurrent,
            ),
        )


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
        return cls(
            id=strawberry.ID(model.id),
            object="api_key",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            type=ApiKeyType(model.type),
            name=model.name,
            scopes=list(model.scopes),
            redacted=model.redacted,
            revoked=model.revoked_at is not None,
            secret=secret,
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
