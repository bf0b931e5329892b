"""GraphQL over WebSocket at ``/graphql`` and ``/v1/ws`` (API.md section 9): the endpoint.

It accepts a socket within its budget (``http.budget``: open sockets, and those not yet
authenticated), hands it to Strawberry's protocol handlers (``http.ws_protocol``) with the
operations (``http.ws_operations``), and gives the handlers ``on_ws_connect``: the key in
``connection_init`` goes through the pipeline's door (the same authentication and
admission as HTTP; the socket holds one ``concurrent`` slot while open). A refusal closes
with 4403, and so does revoking the key of an open socket: at once where the keys channel
carries it, else when the gate's reading of the access version sees it (``recheck``),
within a second.

The server pings every 15 s (a ``ping`` message, or ``ka`` on the legacy protocol). On
shutdown every socket is closed with 1001, so clients reconnect with ``since``.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from typing import Any, cast

from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.types.unset import UNSET

from stateset_gql.access.authcache import changed
from stateset_gql.errors import (
    AuthenticationFailed,
    StateSetError,
)
from stateset_gql.http.auth import secret_from_authorization
from stateset_gql.http.budget import Refusal, SocketBudget
from stateset_gql.http.requestctx import request_id_var
from stateset_gql.http.ws_operations import Subscriptions
from stateset_gql.http.ws_protocol import (
    MAX_MESSAGE_BYTES,
    Adapter,
    LegacyWS,
    SocketContext,
    TransportWS,
)
from stateset_gql.ids import new_id
from stateset_gql.ops.metrics import Metrics
from stateset_gql.pipeline.door import Pipeline

PING_SECONDS = 15.0
INIT_SECONDS = 10.0
PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL)

__all__ = ["Subscriptions", "WebSocketEndpoint"]


class _View:
    """The part of Strawberry's view the handlers call."""

    def __init__(self, pipeline: Pipeline, budget: SocketBudget) -> None:
        self.pipeline = pipeline
        self.budget = budget

    async def on_ws_connect(self, context: SocketContext) -> Any:
        params = context.connection_params or {}
        authorization = params.get("authorization", params.get("Authorization"))
        try:
            if not isinstance(authorization, str | None):
                raise AuthenticationFailed("'authorization' must be a string: 'Bearer <key>'")
            context.principal = await self.pipeline.authenticate(
                secret_from_authorization(authorization)
            )
            admission = await self.pipeline.admit(context.principal)
        except StateSetError as error:
            raise ConnectionRejectionError(error.to_payload(context.request_id)) from error
        if admission.refused is not None:
            await admission.release()
            raise ConnectionRejectionError(admission.refused.to_payload(context.request_id))
        context.admission = admission
        self.budget.authenticated(context.request_id)
        return UNSET


async def _refuse(websocket: WebSocket, refused: Refusal, request_id: str) -> None:
    """A socket over the budget: an HTTP 503 in the contract's format, before the
    upgrade; where the server cannot answer an upgrade so, a close with 1013 ("try again
    later") and the reason."""
    response = refused.response(request_id)
    response.headers["X-Request-Id"] = request_id
    try:
        await websocket.send_denial_response(response)
    except RuntimeError:
        await websocket.close(code=1013, reason=f"Over the limit: {refused.name}")


class WebSocketEndpoint:
    """The ASGI endpoint of both paths; ``close_all`` on shutdown."""

    def __init__(
        self,
        *,
        pipeline: Pipeline,
        subscriptions: Subscriptions,
        metrics: Metrics,
        budget: SocketBudget,
        init_seconds: float = INIT_SECONDS,
        ping_seconds: float = PING_SECONDS,
    ) -> None:
        self.view = _View(pipeline, budget)
        self.budget = budget
        self.subscriptions = subscriptions
        self.metrics = metrics
        self.init_seconds = init_seconds
        self.ping_seconds = ping_seconds
        self.sockets: set[WebSocket] = set()
        # Each open socket's context: its principal, once connection_init was accepted.
        self.contexts: dict[WebSocket, SocketContext] = {}
        # One loop pings every graphql-transport-ws socket, rather than a task per socket.
        self._pinged: set[Adapter] = set()
        self._pinger: asyncio.Task[None] | None = None
        self._pings: set[asyncio.Task[None]] = set()
        self._closing: set[asyncio.Task[None]] = set()

    async def handle(self, websocket: WebSocket) -> None:
        offered = websocket.scope.get("subprotocols") or []
        protocol = next((p for p in offered if p in PROTOCOLS), None)
        if protocol is None:
            await websocket.close(code=4406, reason="Subprotocol not acceptable")
            return
        context = SocketContext(request_id=new_id("req"))
        refused = self.budget.refused()
        if refused is not None:
            await _refuse(websocket, refused, context.request_id)
            return
        self.budget.opened(context.request_id)
        # The socket's id is its log lines' request id, and its subscriptions' tasks'.
        request_id_var.set(context.request_id)
        adapter = Adapter(self.view, websocket, MAX_MESSAGE_BYTES)
        self.sockets.add(websocket)
        self.contexts[websocket] = context
        self.metrics.sockets.inc()
        deadline: asyncio.TimerHandle | None = None
        try:
            await websocket.accept(subprotocol=protocol)
            if protocol == GRAPHQL_TRANSPORT_WS_PROTOCOL:
                self._pinged.add(adapter)
                if self._pinger is None:
                    self._pinger = asyncio.create_task(self._ping_forever())
                await TransportWS(
                    view=cast(Any, self.view),
                    websocket=cast(Any, adapter),
                    context=context,
                    root_value=None,
                    schema=cast(Any, self.subscriptions),
                    connection_init_wait_timeout=timedelta(seconds=self.init_seconds),
                ).handle()
            else:
                # This protocol has no connection_init deadline of its own; without one, a
                # socket that never sends it would hold its place among the unauthenticated.
                deadline = asyncio.get_running_loop().call_later(
                    self.init_seconds, self._init_expired, websocket, context
                )
                await LegacyWS(
                    view=cast(Any, self.view),
                    websocket=cast(Any, adapter),
                    context=context,
                    root_value=None,
                    schema=cast(Any, self.subscriptions),
                    keep_alive=True,
                    keep_alive_interval=self.ping_seconds,
                ).handle()
        finally:
            if deadline is not None:
                deadline.cancel()
            self.budget.closed(context.request_id)
            self._pinged.discard(adapter)
            self.sockets.discard(websocket)
            self.contexts.pop(websocket, None)
            self.metrics.sockets.dec()
            if context.admission is not None:
                await context.admission.release()

    def _init_expired(self, websocket: WebSocket, context: SocketContext) -> None:
        if context.admission is None:
            closing = self._close(websocket, 4408, "Connection initialisation timeout")
            task = asyncio.create_task(closing)
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ping_seconds)
            for adapter in list(self._pinged):
                if adapter.pinging:
                    continue  # its last ping is still waiting on a client that does not read
                adapter.pinging = True
                task = asyncio.create_task(adapter.ping())
                self._pings.add(task)
                task.add_done_callback(self._pings.discard)

    def key_message(self, message: str) -> None:
        """A message of the keys channel: a revoked key's sockets are closed with 4403,
        their subscriptions with them (the client sees why and needs a new key)."""
        named = changed(message)
        key_id = named[0] if named is not None else None
        if key_id is None:
            return
        for task in self._revoke({key_id}):
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def recheck(self) -> None:
        """The open sockets' keys checked again (the access version moved, the channel
        reconnected, or a while passed): a revoked key's sockets are closed with 4403."""
        keys = {c.principal.key_id for c in self.contexts.values() if c.principal is not None}
        if keys:
            await asyncio.gather(*self._revoke(await self.view.pipeline.gate.revoked(keys)))

    def _revoke(self, key_ids: set[str]) -> list[asyncio.Task[None]]:
        closing = []
        for websocket, context in list(self.contexts.items()):
            if context.principal is not None and context.principal.key_id in key_ids:
                context.revoked = True
                closing.append(asyncio.create_task(self._close(websocket, 4403, "API key revoked")))
        return closing

    @staticmethod
    async def _close(websocket: WebSocket, code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError, OSError, TimeoutError):
            await asyncio.wait_for(websocket.close(code=code, reason=reason), timeout=1.0)

    async def close_all(self, code: int = 1001, reason: str = "Server shutting down") -> None:
        """Before the server stops: clients reconnect and resume with ``since``. A client
        that does not read is not waited for."""
        if self._pinger is not None:
            self._pinger.cancel()
            self._pinger = None

        await asyncio.gather(*(self._close(w, code, reason) for w in list(self.sockets)))
