"""The account query and API key management."""

from __future__ import annotations

import strawberry

from stateset_gql.access import service
from stateset_gql.graphql.access.types import (
    Account,
    ApiKey,
    ApiKeyOrder,
    ApiKeyWhere,
    CreateApiKeyInput,
)
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.node import DeletedObject
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import ChoosesItself, Needs

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("api_keys:read")
WRITE = Needs("api_keys:write")
# Any key reads its own account; which of its fields need more, ``Account`` says.
OWN_ACCOUNT = ChoosesItself("any key reads its account; Account's fields check their scopes")


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="The calling key's account, mode, key type, scopes and plan.",
        extensions=[OWN_ACCOUNT],
    )
    def account(self, info: Info) -> Account:
        return Account.from_principal(info.context.principal)

    @strawberry.field(
        description="API keys of this account and mode, newest first unless `orderBy` says.",
        extensions=[READ],
    )
    async def api_keys(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: ApiKeyWhere | None = None,
        order_by: list[ApiKeyOrder] | None = None,
    ) -> Connection[ApiKey]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_keys(session=info.context.session, owner=owner, request=request)
        return connection(page, ApiKey.from_model, request=request)


@strawberry.type
class AccessMutation:
    @strawberry.mutation(
        description="A new key of the caller's mode, within the caller's scopes.",
        extensions=[WRITE],
    )
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> ApiKey:
        principal = info.context.principal
        owner = info.context.owner
        created = await service.create_key(
            session=info.context.session,
            account_id=owner.account_id,
            key_type=input.type.value,
            livemode=owner.livemode,
            scopes=input.scopes,
            name=input.name,
            creator=principal,
        )
        # Shown in this answer only: a replay of it answers the key with a null secret.
        info.context.shown_once.add(created.secret)
        return ApiKey.from_model(created.key, secret=created.secret)

    @strawberry.mutation(
        description="Revokes a key for good; it still appears in `apiKeys`, as revoked.",
        extensions=[WRITE],
    )
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> DeletedObject:
        key = await service.revoke_key(
            session=info.context.session, key_id=id, revoker=info.context.principal
        )
        return DeletedObject(id=strawberry.ID(key.id), object="api_key", deleted=True)
