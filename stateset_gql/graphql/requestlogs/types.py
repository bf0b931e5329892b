"""The request log output type and its list arguments (API.md section 15)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from stateset_gql.graphql.compiled import mapping as compiled
from stateset_gql.graphql.compiled.mapping import Col, Const
from stateset_gql.graphql.filters import where_input
from stateset_gql.graphql.node import Node
from stateset_gql.graphql.objects import Mapped
from stateset_gql.graphql.pagination import Sort, order_input
from stateset_gql.graphql.scalars import JSON
from stateset_gql.requestlogs import service
from stateset_gql.requestlogs.models import RequestLog as RequestLogModel


@strawberry.type(
    description="One API request as it was answered (kept 30 days); its id is the "
    "response's `X-Request-Id`. Never a key's secret, a card number or a request body."
)
class RequestLog(Node, Mapped):
    id: strawberry.ID
    object: str
    method: str
    path: str = strawberry.field(
        description="The route's template (`/v1/orders/{id}`, `/graphql`, `/v1/batch`)."
    )
    status: int
    duration_ms: float = strawberry.field(description="Time to answer, in milliseconds.")
    api_key_id: str
    idempotency_key: str | None
    graphql_operation: str | None = strawberry.field(
        description="The GraphQL operation's name (`/graphql`), or null."
    )
    error: JSON | None = strawberry.field(
        description="The error body's `error` object when the request failed (status 400 "
        "and over), card-number-like digits and key secrets scrubbed."
    )
    created: datetime
    livemode: bool


@where_input(service.LIST_SPEC)
class RequestLogWhere:
    pass


@order_input(service.LIST_SPEC)
class RequestLogOrder(Sort[Any]):
    pass


# How the compiled read engine reads this type (``graphql.compiled``).
compiled.table(
    "RequestLog",
    RequestLogModel,
    {
        "id": Col(RequestLogModel.id),
        "object": Const("request_log"),
        "method": Col(RequestLogModel.method),
        "path": Col(RequestLogModel.path),
        "status": Col(RequestLogModel.status, "int"),
        "durationMs": Col(RequestLogModel.duration_ms, "float"),
        "apiKeyId": Col(RequestLogModel.api_key_id),
        "idempotencyKey": Col(RequestLogModel.idempotency_key),
        "graphqlOperation": Col(RequestLogModel.graphql_operation),
        "error": Col(RequestLogModel.error, "json"),
        "created": Col(RequestLogModel.created, "datetime"),
        "livemode": Col(RequestLogModel.livemode, "bool"),
    },
)
