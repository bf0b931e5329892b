"""The subscription root: what a WebSocket client may follow (API.md section 9).

These fields declare the contract (names, arguments, types, scopes). They are served by
the fan-out (``realtime/fanout.py``), which executes each subscriber's selection once per
event for every subscriber that shares it, on the object as the event carries it; over
HTTP a subscription is refused before it reaches them (``http/graphql_endpoint.py``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from stateset_gql.errors import BadRequest
from stateset_gql.graphql.context import Info
from stateset_gql.graphql.events.types import Event
from stateset_gql.graphql.inventory.types import InventoryItem
from stateset_gql.graphql.jobs.types import Job
from stateset_gql.graphql.orders.types import Order
from stateset_gql.graphql.scopes import Needs

OVER_WEBSOCKET = "Subscriptions are served over WebSocket at /graphql and /v1/ws"


def _websocket_only() -> BadRequest:
    return BadRequest(OVER_WEBSOCKET, param="subscription")


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Events of the key's account and mode matching `types`, in `sequence` "
        "order; with `since`, first every stored event after it, then live ones, with no "
        "gap and no duplicate. Needs `events:read`.",
        extensions=[Needs("events:read")],
    )
    async def events(
        self,
        info: Info,
        types: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Types (`order.shipped`), families (`order.*`) or `*` (default)."
            ),
        ] = None,
        since: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Resume after this event (`evt_...`)."),
        ] = None,
    ) -> AsyncGenerator[Event, None]:
        raise _websocket_only()
        yield  # pragma: no cover - makes this an async generator

    @strawberry.subscription(
        description="The order as of each of its events; every order when `id` is omitted. "
        "Needs `orders:read`.",
        extensions=[Needs("orders:read")],
    )
    async def order_updated(
        self, info: Info, id: strawberry.ID | None = None
    ) -> AsyncGenerator[Order, None]:
        raise _websocket_only()
        yield  # pragma: no cover - makes this an async generator

    @strawberry.subscription(
        description="The inventory item as of each of its events, optionally of one sku and "
        "location. Needs `inventory:read`.",
        extensions=[Needs("inventory:read")],
    )
    async def inventory_updated(
        self, info: Info, sku: str | None = None, location: str | None = None
    ) -> AsyncGenerator[InventoryItem, None]:
        raise _websocket_only()
        yield  # pragma: no cover - makes this an async generator

    @strawberry.subscription(
        description="The job as of each of its events: when it ends (`job.succeeded`, "
        "`job.failed`, `job.cancelled`); every job when `id` is omitted. Its progress while it "
        "runs: `job(id)`. Needs `jobs:read`.",
        extensions=[Needs("jobs:read")],
    )
    async def job_updated(
        self, info: Info, id: strawberry.ID | None = None
    ) -> AsyncGenerator[Job, None]:
        raise _websocket_only()
        yield  # pragma: no cover - makes this an async generator
