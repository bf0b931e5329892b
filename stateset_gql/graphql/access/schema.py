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


@strawberry.type
class AccessQuery:
    @strawberry.field(description="The calling key's account, mode, key type, scopes and plan.")
    def account(self, info: Info) -> Account:
        return Account.from_principal(info.context.principal)

    @strawberry.field(
        description="API keys of this account and mode, newest first unless `orderBy` says."
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
        owner = info.context.require("api_keys:read")
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await service.list_keys(session=info.context.session, owner=owner, request=request)
        return connection(page, ApiKey.from_model, request=request)


@strawberry.type
class AccessMutation:
    @strawberry.mutation(description="A new key of the caller's mode, within the caller's scopes.")
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> ApiKey:
        principal = info.context.principal
        owner = info.context.require("api_keys:write")
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
        description="Revokes a key for good; it still appears in `apiKeys`, as revoked."
    )
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> DeletedObject:
        info.context.require("api_keys:write")
        key = await service.revoke_key(
            session=info.context.session, key_id=id, revoker=info.context.principal
        )
        return DeletedObject(id=strawberry.ID(key.id), object="api_key", deleted=True)
