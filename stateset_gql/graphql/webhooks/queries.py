"""Webhook endpoint and delivery queries."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.context import Info
from stateset_gql.graphql.pagination import Connection, connection, page_request
from stateset_gql.graphql.scopes import Needs
from stateset_gql.graphql.webhooks.types import (
    WebhookDelivery,
    WebhookDeliveryOrder,
    WebhookDeliveryWhere,
    WebhookEndpoint,
    WebhookEndpointOrder,
    WebhookEndpointWhere,
)
from stateset_gql.webhooks import deliveries, endpoints

# The scope each root field here needs, declared on the field (``graphql.scopes``).
READ = Needs("webhooks:read")


async def webhook_endpoint_by_id(info: Info, id: str) -> WebhookEndpoint:
    owner = READ.owner(info)
    model = await endpoints.get(session=info.context.session, owner=owner, endpoint_id=id)
    return WebhookEndpoint.from_model(model)


async def webhook_delivery_by_id(info: Info, id: str) -> WebhookDelivery:
    owner = READ.owner(info)
    model = await deliveries.get(session=info.context.session, owner=owner, delivery_id=id)
    return WebhookDelivery.from_model(model)


@strawberry.type
class WebhookQuery:
    @strawberry.field(
        description="One webhook endpoint by id (its secret is null).", extensions=[READ]
    )
    async def webhook_endpoint(self, info: Info, id: strawberry.ID) -> WebhookEndpoint | None:
        return await webhook_endpoint_by_id(info, id)

    @strawberry.field(
        description="Webhook endpoints, newest first unless `orderBy` says.", extensions=[READ]
    )
    async def webhook_endpoints(
        self,
        info: Info,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: WebhookEndpointWhere | None = None,
        order_by: list[WebhookEndpointOrder] | None = None,
    ) -> Connection[WebhookEndpoint]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await endpoints.list_page(session=info.context.session, owner=owner, request=request)
        return connection(page, WebhookEndpoint.from_model, request=request)

    @strawberry.field(
        description="One webhook delivery by id, with its attempts.", extensions=[READ]
    )
    async def webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDelivery | None:
        return await webhook_delivery_by_id(info, id)

    @strawberry.field(
        description="An endpoint's deliveries, newest first unless `orderBy` says.",
        extensions=[READ],
    )
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint_id: strawberry.ID,
        first: int = 10,
        after: str | None = None,
        offset: int | None = None,
        where: WebhookDeliveryWhere | None = None,
        order_by: list[WebhookDeliveryOrder] | None = None,
    ) -> Connection[WebhookDelivery]:
        owner = info.context.owner
        request = page_request(
            first=first, after=after, offset=offset, where=where, order_by=order_by
        )
        page = await deliveries.list_page(
            session=info.context.session, owner=owner, endpoint_id=endpoint_id, request=request
        )
        return connection(page, WebhookDelivery.from_model, request=request)
