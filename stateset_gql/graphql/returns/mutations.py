"""Return mutations: parse, check the scope, call the service."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.context import Info
from stateset_gql.graphql.returns.inputs import CreateReturnInput, ProcessReturnInput
from stateset_gql.graphql.returns.types import Return
from stateset_gql.graphql.scopes import Needs
from stateset_gql.returns import service
from stateset_gql.unset import UNSET

# The scope each root field here needs, declared on the field (``graphql.scopes``).
WRITE = Needs("returns:write")


@strawberry.type
class ReturnMutation:
    @strawberry.mutation(extensions=[WRITE])
    async def create_return(self, info: Info, input: CreateReturnInput) -> Return:
        owner = info.context.owner
        model = await service.create(uow=info.context.uow, owner=owner, data=input.to_domain())
        return Return.from_model(model)

    @strawberry.mutation(extensions=[WRITE])
    async def approve_return(self, info: Info, id: strawberry.ID) -> Return:
        owner = info.context.owner
        model = await service.approve(uow=info.context.uow, owner=owner, return_id=id)
        return Return.from_model(model)

    @strawberry.mutation(
        description="Goods back; restocked at the order's location if asked.", extensions=[WRITE]
    )
    async def receive_return(self, info: Info, id: strawberry.ID) -> Return:
        owner = info.context.owner
        model = await service.receive(uow=info.context.uow, owner=owner, return_id=id)
        return Return.from_model(model)

    @strawberry.mutation(
        description="Refunds the order; by default the items' value.", extensions=[WRITE]
    )
    async def process_return(
        self, info: Info, id: strawberry.ID, input: ProcessReturnInput | None = None
    ) -> Return:
        model = await service.process(
            uow=info.context.uow,
            principal=info.context.principal,
            return_id=id,
            refund_amount=UNSET if input is None else input.to_domain(),
        )
        return Return.from_model(model)

    @strawberry.mutation(extensions=[WRITE])
    async def reject_return(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> Return:
        owner = info.context.owner
        model = await service.reject(uow=info.context.uow, owner=owner, return_id=id, reason=reason)
        return Return.from_model(model)
