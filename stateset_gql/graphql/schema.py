"""The schema: every domain's Query and Mutation merged, and ``node(id)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from stateset_gql.errors import not_found
from stateset_gql.graphql.access.schema import AccessMutation, AccessQuery
from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.customers.mutations import CustomerMutation
from stateset_gql.graphql.customers.queries import CustomerQuery, customer_by_id
from stateset_gql.graphql.events.queries import EventQuery, event_by_id
from stateset_gql.graphql.inventory.mutations import InventoryMutation
from stateset_gql.graphql.inventory.queries import InventoryQuery, inventory_item_by_id
from stateset_gql.graphql.jobs.mutations import JobMutation
from stateset_gql.graphql.jobs.queries import JobQuery, job_by_id
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.orders.mutations import OrderMutation
from stateset_gql.graphql.orders.queries import (
    OrderQuery,
    order_by_id,
    payment_by_id,
    refund_by_id,
)
from stateset_gql.graphql.realtime.schema import Subscription
from stateset_gql.graphql.requestlogs.queries import RequestLogQuery, request_log_by_id
from stateset_gql.graphql.returns.mutations import ReturnMutation
from stateset_gql.graphql.returns.queries import ReturnQuery, return_by_id
from stateset_gql.graphql.scalars import SCALARS
from stateset_gql.graphql.scopes import ChoosesItself
from stateset_gql.graphql.subscriptions.mutations import CustomerSubscriptionMutation
from stateset_gql.graphql.subscriptions.queries import (
    CustomerSubscriptionQuery,
    subscription_by_id,
)
from stateset_gql.graphql.webhooks.mutations import WebhookMutation
from stateset_gql.graphql.webhooks.queries import (
    WebhookQuery,
    webhook_delivery_by_id,
    webhook_endpoint_by_id,
)

NODE_LOADERS: dict[str, Callable[[Info, str], Awaitable[Any]]] = {
    "cus": customer_by_id,
    "evt": event_by_id,
    "ord": order_by_id,
    "pay": payment_by_id,
    "re": refund_by_id,
    "inv": inventory_item_by_id,
    "ret": return_by_id,
    "sub": subscription_by_id,
    "we": webhook_endpoint_by_id,
    "wd": webhook_delivery_by_id,
    "job": job_by_id,
    "req": request_log_by_id,
}


# ``node(id)`` on the compiled read engine: the prefixes whose type it reads by id.
for _prefix, _field in (("cus", "customer"), ("evt", "event"), ("ord", "order"),
                        ("inv", "inventoryItem"), ("ret", "return"),
                        ("sub", "customerSubscription"), ("job", "job"),
                        ("req", "requestLog")):  # fmt: skip
    compiled.node(_prefix, _field)


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any object by its id; the prefix says which type it is.",
        extensions=[ChoosesItself("each type's read by id checks its own scope")],
    )
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        loader = NODE_LOADERS.get(id.partition("_")[0])
        if loader is None:
            raise not_found("object", id)
        result: Node = await loader(info, id)
        return result


# One line per domain.
QUERIES: tuple[type, ...] = (
    AccessQuery,
    CustomerQuery,
    EventQuery,
    OrderQuery,
    InventoryQuery,
    ReturnQuery,
    CustomerSubscriptionQuery,
    WebhookQuery,
    JobQuery,
    RequestLogQuery,
    NodeQuery,
)
MUTATIONS: tuple[type, ...] = (
    AccessMutation,
    CustomerMutation,
    OrderMutation,
    InventoryMutation,
    ReturnMutation,
    CustomerSubscriptionMutation,
    WebhookMutation,
    JobMutation,
)
Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Errors are logged by the executor, which knows the request id."""


def build_schema() -> Schema:
    """The schema, built by whoever serves it (the app, the exporters): no module-level
    instance, so each app owns its own. Documents are parsed, limited, validated and
    cached by the engine (``graphql/engine.py``), not by schema extensions."""
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(scalar_map=SCALARS),
    )
