"""Webhook endpoint mutation inputs, and their translation into the domain's input."""

from __future__ import annotations

import strawberry

from stateset_gql.graphql.scalars import JSON
from stateset_gql.graphql.unset import given
from stateset_gql.graphql.webhooks.types import WebhookEndpointStatus
from stateset_gql.unset import UNSET
from stateset_gql.webhooks import endpoints

EVENTS_DESCRIPTION = "Event types (`order.shipped`), families (`order.*`) or `*` for all."


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    enabled_events: list[str] = strawberry.field(description=EVENTS_DESCRIPTION)
    description: str | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> endpoints.EndpointInput:
        return endpoints.EndpointInput(
            url=self.url,
            enabled_events=self.enabled_events,
            description=given(self.description),
            metadata=given(self.metadata),
        )


@strawberry.input(description='Fields to change; a metadata key set to "" is removed.')
class UpdateWebhookEndpointInput:
    url: str | None = strawberry.UNSET
    enabled_events: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=EVENTS_DESCRIPTION
    )
    description: str | None = strawberry.UNSET
    status: WebhookEndpointStatus | None = strawberry.field(
        default=strawberry.UNSET, description="`DISABLED` stops deliveries until `ENABLED`."
    )
    metadata: JSON | None = strawberry.UNSET

    def to_domain(self) -> endpoints.EndpointInput:
        status = given(self.status)
        return endpoints.EndpointInput(
            # A null url, list or status leaves it as it is, like one not given.
            url=self.url if self.url not in (None, strawberry.UNSET) else UNSET,
            enabled_events=(
                self.enabled_events
                if self.enabled_events not in (None, strawberry.UNSET)
                else UNSET
            ),
            description=given(self.description),
            status=status.value if isinstance(status, WebhookEndpointStatus) else UNSET,
            metadata=given(self.metadata),
        )
