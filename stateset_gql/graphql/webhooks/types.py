"""Webhook endpoint and delivery output types and their list arguments."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.webhooks import deliveries, endpoints
from stateset_gql.webhooks.models import WebhookDelivery as DeliveryModel
from stateset_gql.webhooks.models import WebhookEndpoint as EndpointModel


@strawberry.enum
class WebhookEndpointStatus(Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"


@strawberry.enum
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@strawberry.type
class WebhookEndpoint(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    url: str
    enabled_events: list[str]
    description: str | None
    status: WebhookEndpointStatus
    secret: str | None = strawberry.field(
        description="Shown when the endpoint is created and when its secret is rotated; "
        "null otherwise."
    )
    metadata: JSON

    @classmethod
    def from_model(cls, model: EndpointModel, *, secret: str | None = None) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(model.id),
            object="webhook_endpoint",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            url=model.url,
            enabled_events=list(model.enabled_events),
            description=model.description,
            status=WebhookEndpointStatus(model.status),
            secret=secret,
            metadata=JSON(model.meta),
        )


@strawberry.type
class WebhookAttempt:
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None
    response_body: str | None = strawberry.field(description="The response's first 1 KB.")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WebhookAttempt:
        return cls(
            attempted_at=datetime.fromisoformat(data["attempted_at"].replace("Z", "+00:00")),
            status_code=data.get("status_code"),
            duration_ms=data.get("duration_ms", 0),
            error=data.get("error"),
            response_body=data.get("response_body"),
        )


@strawberry.type
class WebhookDelivery(Node):
    id: strawberry.ID
    object: str
    livemode: bool
    created: datetime
    updated: datetime
    endpoint_id: strawberry.ID
    event_id: strawberry.ID
    event_type: str
    status: WebhookDeliveryStatus
    attempts: list[WebhookAttempt]
    next_attempt_at: datetime | None
    metadata: JSON

    @classmethod
    def from_model(cls, model: DeliveryModel) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(model.id),
            object="webhook_delivery",
            livemode=model.livemode,
            created=model.created,
            updated=model.updated,
            endpoint_id=strawberry.ID(model.endpoint_id),
            event_id=strawberry.ID(model.event_id),
            event_type=model.event_type,
            status=WebhookDeliveryStatus(model.status),
            attempts=[WebhookAttempt.from_dict(a) for a in model.attempts],
            next_attempt_at=model.next_attempt_at,
            metadata=JSON(model.meta),
        )


@where_input(endpoints.LIST_SPEC, enums={"status": WebhookEndpointStatus})
class WebhookEndpointWhere:
    pass


@order_input(endpoints.LIST_SPEC)
class WebhookEndpointOrder(Sort[Any]):
    pass


@where_input(deliveries.LIST_SPEC, enums={"status": WebhookDeliveryStatus})
class WebhookDeliveryWhere:
    pass


@order_input(deliveries.LIST_SPEC)
class WebhookDeliveryOrder(Sort[Any]):
    pass
