"""Webhook mutations: parse, check the scope, call the service."""

from __future__ import annotations

from typing import Annotated

import strawberry

from stateset_gql.graphql.context import Info
from stateset_gql.graphql.node import DeletedObject
from stateset_gql.graphql.scopes import Needs
from stateset_gql.graphql.webhooks.inputs import (
    CreateWebhookEndpointInput,
    UpdateWebhookEndpointInput,
)
from stateset_gql.graphql.webhooks.types import WebhookDelivery, WebhookEndpoint
from stateset_gql.webhooks import deliveries, endpoints
from stateset_gql.webhooks.models import WebhookEndpoint as EndpointModel

# The scope each root field here needs, declared on the field (``graphql.scopes``).
WRITE = Needs("webhooks:write")


def _with_secret(info: Info, model: EndpointModel) -> WebhookEndpoint:
    # Shown in this answer only: an idempotent replay of it answers a null secret.
    info.context.shown_once.add(model.secret)
    return WebhookEndpoint.from_model(model, secret=model.secret)


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="A new endpoint; the answer shows its signing secret.", extensions=[WRITE]
    )
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpoint:
        owner = info.context.owner
        model = await endpoints.create(
            session=info.context.session, owner=owner, data=input.to_domain()
        )
        return _with_secret(info, model)

    @strawberry.mutation(extensions=[WRITE])
    async def update_webhook_endpoint(
        self, info: Info, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpoint:
        owner = info.context.owner
        model = await endpoints.update_endpoint(
            session=info.context.session, owner=owner, endpoint_id=id, data=input.to_domain()
        )
        return WebhookEndpoint.from_model(model)

    @strawberry.mutation(
        description="Deletes the endpoint and its deliveries; nothing more goes.",
        extensions=[WRITE],
    )
    async def delete_webhook_endpoint(self, info: Info, id: strawberry.ID) -> DeletedObject:
        owner = info.context.owner
        model = await endpoints.delete(session=info.context.session, owner=owner, endpoint_id=id)
        return DeletedObject(id=strawberry.ID(model.id), object="webhook_endpoint", deleted=True)

    @strawberry.mutation(
        description="A new signing secret, shown in this answer.", extensions=[WRITE]
    )
    async def rotate_webhook_secret(
        self,
        info: Info,
        id: strawberry.ID,
        expire_previous_in: Annotated[
            int,
            strawberry.argument(
                description="Seconds the previous secret keeps signing beside the new one "
                "(at most 86400; 0 ends it now)."
            ),
        ] = 0,
    ) -> WebhookEndpoint:
        owner = info.context.owner
        model = await endpoints.rotate_secret(
            session=info.context.session,
            owner=owner,
            endpoint_id=id,
            expire_previous_in=expire_previous_in,
        )
        return _with_secret(info, model)

    @strawberry.mutation(
        description="Sends a test event to the endpoint: `test.webhook`, or a sample of "
        "any event type carrying the account's newest object of its kind.",
        extensions=[WRITE],
    )
    async def send_test_webhook(
        self,
        info: Info,
        id: strawberry.ID,
        type: Annotated[
            str,
            strawberry.argument(
                description="`test.webhook` or an event type, e.g. `order.paid`; the "
                "event is not in the event log."
            ),
        ] = deliveries.TEST_EVENT_TYPE,
    ) -> WebhookDelivery:
        owner = info.context.owner
        model = await deliveries.send_test(
            session=info.context.session,
            owner=owner,
            endpoint_id=id,
            request_id=info.context.request_id,
            retries=len(info.context.settings.webhook_retry_schedule),
            event_type=type,
            render=info.context.uow.render,
        )
        return WebhookDelivery.from_model(model)

    @strawberry.mutation(
        description="One more attempt of a delivery, now (also a failed one).", extensions=[WRITE]
    )
    async def redeliver_webhook(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        owner = info.context.owner
        model = await deliveries.redeliver(
            session=info.context.session, owner=owner, delivery_id=id
        )
        return WebhookDelivery.from_model(model)
