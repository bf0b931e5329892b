"""GraphQL over WebSocket at ``/graphql`` and ``/v1/ws`` (API.md section 9).

Strawberry's protocol handlers (``graphql-transport-ws`` and the legacy ``graphql-ws``)
speak the protocols: message order, ids, close codes, the 10 s ``connection_init``
deadline, at most 100 operations per socket. This module gives them three things:

- ``on_ws_connect``: the key in ``connection_init`` goes through the pipeline's door (the
  same authentication and admission as HTTP; the socket holds one ``concurrent`` slot
  while open). A refusal closes with 4403, and so does revoking the key of an open socket:
  at once where the keys channel carries it, else when the gate's reading of the access
  version sees it (``recheck``), within a second; no event committed after the
  revocation is sent (each waits for a reading begun after it: ``Gate.current``).
- a socket adapter: text JSON only, at most 64 KB a message (else 4413), encoded with
  orjson, so the payload a feed encoded once is copied, not encoded again.
- ``Subscriptions.stream``, which the handlers call for each ``subscribe``: each start
  is admitted as a request; the door checks the document as it checks one over HTTP
  (``pipeline.document``), and it is turned into a topic, which the fan-out follows.

The server pings every 15 s (a ``ping`` message, or ``ka`` on the legacy protocol). On
shutdown every socket is closed with 1001, so clients reconnect with ``since``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.unset import UNSET

from stateset_gql.access.authcache import changed
from stateset_gql.access.principal import Principal
from stateset_gql.errors import AuthenticationFailed, StateSetError
from stateset_gql.graphql.errors import format_error, to_domain_errors
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.realtime.topics import Snapshots, SubscriptionRefused, topic_of
from stateset_gql.http.auth import secret_from_authorization
from stateset_gql.http.requestctx import request_id_var
from stateset_gql.ids import new_id
from stateset_gql.ops.metrics import Metrics
from stateset_gql.pipeline.document import Over
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.gate import Admission
from stateset_gql.realtime.fanout import FanOut, TooSlow

MAX_MESSAGE_BYTES = 64 * 1024
PING_SECONDS = 15.0
INIT_SECONDS = 10.0
MAX_OPERATIONS = 100
PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL)
PING = {"type": "ping"}


class _Shown(GraphQLError):
    """An error already in the contract's format (``format_error``'s), as the handlers
    send ``error.formatted``."""

    def __init__(self, shown: dict[str, Any]) -> None:
        super().__init__(str(shown["message"]))
        self.shown = shown

    @property
    def formatted(self) -> dict[str, Any]:  # type: ignore[override]
        return self.shown


def _domain(error: StateSetError, request_id: str) -> _Shown:
    return _Shown(
        {
            "message": error.message,
            "extensions": {**error.to_payload(request_id), "status": error.status},
        }
    )


@dataclass
class SocketContext:
    """One socket's state, shared by its operations."""

    request_id: str
    connection_params: dict[str, Any] | None = None
    principal: Principal | None = None
    admission: Admission | None = None
    operations: int = 0
    revoked: bool = False


class _Adapter:
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


class Subscriptions:
    """What the handlers call ``schema``: ``stream`` (and ``subscribe``) per operation."""

    def __init__(self, *, pipeline: Pipeline, fanout: FanOut, metrics: Metrics) -> None:
        self.pipeline = pipeline
        self.fanout = fanout
        self.metrics = metrics
        self.snapshots = Snapshots(pipeline.engine.schema)

    async def stream(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any = None,
        root_value: Any = None,
        operation_name: str | None = None,
        **_: Any,
    ) -> AsyncGenerator[ExecutionResult | PreExecutionError, None]:
        return self._results(
            cast(SocketContext, context_value), query, variable_values, operation_name
        )

    subscribe = stream

    def _refused(self, errors: list[GraphQLError], request_id: str) -> PreExecutionError:
        pairs = to_domain_errors(errors, core_schema(self.pipeline.engine.schema))
        shown: list[GraphQLError] = [_Shown(format_error(e, d, request_id)) for e, d in pairs]
        return PreExecutionError(data=None, errors=shown)

    async def _results(
        self,
        context: SocketContext,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> AsyncGenerator[ExecutionResult | PreExecutionError, None]:
        request_id = context.request_id
        principal = context.principal
        assert principal is not None, "the handlers subscribe only after connection_ack"
        try:
            topic = await self._topic(principal, query, variables, operation_name)
        except SubscriptionRefused as refused:
            yield self._refused(refused.errors, request_id)
            return
        except StateSetError as error:
            yield PreExecutionError(data=None, errors=[_domain(error, request_id)])
            return
        self.metrics.subscriptions.inc()
        started = False
        try:
            async for item in self.fanout.follow(principal.owner, topic, since=topic.since):
                await self.pipeline.gate.current(item.committed)
                if context.revoked:
                    return  # the socket is closed with 4403
                started = True
                self.metrics.send_latency.observe(max(0.0, time.time() - item.committed))
                yield ExecutionResult(data=item.payload.data, errors=item.payload.errors)
        except TooSlow as slow:
            ended = _Shown(
                {
                    "message": "This subscriber fell 1,000 events behind and was ended; "
                    "subscribe again with 'since' set to 'resume_after'",
                    "extensions": {
                        "code": "SUBSCRIBER_TOO_SLOW",
                        "resume_after": slow.resume_after,
                        "request_id": request_id,
                    },
                }
            )
            yield ExecutionResult(data=None, errors=[ended])
        except StateSetError as error:
            if started:
                raise
            yield PreExecutionError(data=None, errors=[_domain(error, request_id)])
        finally:
            self.metrics.subscriptions.dec()

    async def _topic(
        self,
        principal: Principal,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> Any:
        # Each subscription start counts as a request (API.md section 11).
        admission = await self.pipeline.admit(principal)
        await admission.release()
        if admission.refused is not None:
            raise admission.refused
        operation = self.pipeline.check(query, variables, operation_name, over=Over.WEBSOCKET)
        checked = operation.checked
        assert checked is not None
        if checked.document is None:
            raise SubscriptionRefused(list(checked.errors))
        return topic_of(
            self.snapshots,
            principal,
            checked.document,
            operation.variables,
            operation.operation_name,
        )


class _View:
    """The part of Strawberry's view the handlers call."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

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
        return UNSET


class WebSocketEndpoint:
    """The ASGI endpoint of both paths; ``close_all`` on shutdown."""

    def __init__(
        self,
        *,
        pipeline: Pipeline,
        subscriptions: Subscriptions,
        metrics: Metrics,
        init_seconds: float = INIT_SECONDS,
        ping_seconds: float = PING_SECONDS,
    ) -> None:
        self.view = _View(pipeline)
        self.subscriptions = subscriptions
        self.metrics = metrics
        self.init_seconds = init_seconds
        self.ping_seconds = ping_seconds
        self.sockets: set[WebSocket] = set()
        # Each open socket's context: its principal, once connection_init was accepted.
        self.contexts: dict[WebSocket, SocketContext] = {}
        # One loop pings every graphql-transport-ws socket, rather than a task per socket.
        self._pinged: set[_Adapter] = set()
        self._pinger: asyncio.Task[None] | None = None
        self._pings: set[asyncio.Task[None]] = set()
        self._closing: set[asyncio.Task[None]] = set()

    async def handle(self, websocket: WebSocket) -> None:
        offered = websocket.scope.get("subprotocols") or []
        protocol = next((p for p in offered if p in PROTOCOLS), None)
        if protocol is None:
            await websocket.close(code=4406, reason="Subprotocol not acceptable")
            return
        await websocket.accept(subprotocol=protocol)
        context = SocketContext(request_id=new_id("req"))
        # The socket's id is its log lines' request id, and its subscriptions' tasks'.
        request_id_var.set(context.request_id)
        adapter = _Adapter(self.view, websocket, MAX_MESSAGE_BYTES)
        self.sockets.add(websocket)
        self.contexts[websocket] = context
        self.metrics.sockets.inc()
        try:
            if protocol == GRAPHQL_TRANSPORT_WS_PROTOCOL:
                self._pinged.add(adapter)
                if self._pinger is None:
                    self._pinger = asyncio.create_task(self._ping_forever())
                await BaseGraphQLTransportWSHandler(
                    view=cast(Any, self.view),
                    websocket=cast(Any, adapter),
                    context=context,
                    root_value=None,
                    schema=cast(Any, self.subscriptions),
                    connection_init_wait_timeout=timedelta(seconds=self.init_seconds),
                    max_subscriptions_per_connection=MAX_OPERATIONS,
                ).handle()
            else:
                await BaseGraphQLWSHandler(
                    view=cast(Any, self.view),
                    websocket=cast(Any, adapter),
                    context=context,
                    root_value=None,
                    schema=cast(Any, self.subscriptions),
                    keep_alive=True,
                    keep_alive_interval=self.ping_seconds,
                    max_subscriptions_per_connection=MAX_OPERATIONS,
                ).handle()
        finally:
            self._pinged.discard(adapter)
            self.sockets.discard(websocket)
            self.contexts.pop(websocket, None)
            self.metrics.sockets.dec()
            if context.admission is not None:
                await context.admission.release()

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
