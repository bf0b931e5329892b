"""Strawberry's protocol handlers on a Starlette socket, and what they need of us.

The handlers (``graphql-transport-ws`` and the legacy ``graphql-ws``) speak the
protocols: message order, ids, close codes, the ``connection_init`` deadline. Here they get
a socket adapter (text JSON only, at most 64 KB a message, else 4413; encoded with orjson,
so the payload a feed encoded once is copied, not encoded again), the operation limit (at
most 100 at once on a socket, refused in the contract's format: ``RATE_LIMIT_EXCEEDED``,
the limit ``operations_per_socket``), and a way to hand a message's ``extensions`` to its
operation, which Strawberry does not pass on.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage

from stateset_gql.access.principal import Principal
from stateset_gql.errors import (
    ErrorDetail,
    RateLimited,
    StateSetError,
)
from stateset_gql.pipeline.gate import Admission

MAX_MESSAGE_BYTES = 64 * 1024
MAX_OPERATIONS = 100
PING = {"type": "ping"}
# A subscribe message's ``extensions``, from the handler to its operation's task (which
# copies the context it was started in): Strawberry hands the task only the query, the
# variables and the operation's name.
operation_extensions: ContextVar[object] = ContextVar("operation_extensions", default=None)


class Shown(GraphQLError):
    """An error already in the contract's format (``format_error``'s), as the handlers
    send ``error.formatted``."""

    def __init__(self, shown: dict[str, Any]) -> None:
        super().__init__(str(shown["message"]))
        self.shown = shown

    @property
    def formatted(self) -> dict[str, Any]:  # type: ignore[override]
        return self.shown


def contract_error(error: StateSetError, request_id: str) -> Shown:
    return Shown(
        {
            "message": error.message,
            "extensions": {**error.to_payload(request_id), "status": error.status},
        }
    )


def too_many(request_id: str) -> dict[str, Any]:
    message = (
        f"At most {MAX_OPERATIONS} operations may run at once on one socket; "
        "complete one first, or open another socket"
    )
    detail = ErrorDetail(
        "operations_per_socket",
        "RATE_LIMIT_EXCEEDED",
        message,
        (("limit", MAX_OPERATIONS),),
    )
    return contract_error(RateLimited(message, details=[detail]), request_id).formatted


@dataclass
class SocketContext:
    """One socket's state, shared by its operations."""

    request_id: str
    connection_params: dict[str, Any] | None = None
    principal: Principal | None = None
    admission: Admission | None = None
    operations: int = 0
    revoked: bool = False


class Adapter:
    """Strawberry's ``AsyncWebSocketAdapter`` over a Starlette WebSocket."""

    def __init__(self, view: Any, websocket: WebSocket, max_bytes: int) -> None:
        self.view = view
        self.websocket = websocket
        self.max_bytes = max_bytes
        self.pinging = False

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        try:
            while self.websocket.application_state != WebSocketState.DISCONNECTED:
                message = await self.websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                text = message.get("text")
                if text is None:
                    raise NonTextMessageReceived
                if len(text) > self.max_bytes and len(text.encode()) > self.max_bytes:
                    await self.close(4413, "Message too large")
                    return
                try:
                    yield orjson.loads(text)
                except orjson.JSONDecodeError as exc:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from exc
        except (WebSocketDisconnect, RuntimeError):
            return

    async def send_json(self, message: Mapping[str, object]) -> None:
        if self.websocket.application_state == WebSocketState.DISCONNECTED:
            return
        try:
            await self.websocket.send_text(orjson.dumps(message).decode())
        except (WebSocketDisconnect, RuntimeError, OSError):
            return

    async def close(self, code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            await self.websocket.close(code=code, reason=reason)

    async def ping(self) -> None:
        try:
            await self.send_json(PING)
        finally:
            self.pinging = False


class TransportWS(BaseGraphQLTransportWSHandler[SocketContext, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        full = len(self.operations) >= MAX_OPERATIONS
        if self.connection_acknowledged and message["id"] not in self.operations and full:
            error = too_many(self.context.request_id)
            await self.send_message(
                cast(Any, {"id": message["id"], "type": "error", "payload": [error]})
            )
            return
        token = operation_extensions.set(message["payload"].get("extensions"))
        try:
            await super().handle_subscribe(message)
        finally:
            operation_extensions.reset(token)


class LegacyWS(BaseGraphQLWSHandler[SocketContext, None]):
    async def handle_start(self, message: StartMessage) -> None:
        full = len(self.tasks) >= MAX_OPERATIONS
        if self.connection_acknowledged and message["id"] not in self.tasks and full:
            error = too_many(self.context.request_id)
            await self.send_message(
                cast(Any, {"id": message["id"], "type": "error", "payload": error})
            )
            return
        token = operation_extensions.set(cast(dict[str, Any], message["payload"]).get("extensions"))
        try:
            await super().handle_start(message)
        finally:
            operation_extensions.reset(token)
