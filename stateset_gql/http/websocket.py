"""GraphQL over WebSocket at ``/graphql`` and ``/v1/ws`` (API.md section 9).

Strawberry's protocol handlers (``graphql-transport-ws`` and the legacy ``graphql-ws``)
speak the protocols: message order, ids, close codes, the 10 s ``connection_init``
deadline. This module gives them four things:

- ``on_ws_connect``: the key in ``connection_init`` goes through the pipeline's door (the
  same authentication and admission as HTTP; the socket holds one ``concurrent`` slot
  while open). A refusal closes with 4403, and so does revoking the key of an open socket:
  at once where the keys channel carries it, else when the gate's reading of the access
  version sees it (``recheck``), within a second; no event committed after the
  revocation is sent (each waits for a reading begun after it: ``Gate.current``).
- a socket adapter: text JSON only, at most 64 KB a message (else 4413), encoded with
  orjson, so the payload a feed encoded once is copied, not encoded again.
- ``Subscriptions.stream``, which the handlers call for each ``subscribe`` (``start``):
  each is admitted as a request; the door checks the document as it checks one over HTTP
  (``pipeline.document``). A subscription is turned into a topic, which the fan-out
  follows; a query or a mutation is run by the door as ``POST /graphql`` runs it (the
  runner's transaction, outbox and Idempotency-Key, given as ``extensions.idempotencyKey``
  in the message's payload) and answered with one ``next`` (``data``) and ``complete``.
- the handlers' operation limit, at most 100 at once on a socket, refused in the
  contract's format (``RATE_LIMIT_EXCEEDED``, the limit ``operations_per_socket``).

The server pings every 15 s (a ``ping`` message, or ``ka`` on the legacy protocol). On
shutdown every socket is closed with 1001, so clients reconnect with ``since``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import orjson
from graphql import GraphQLError, OperationType
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.types.unset import UNSET

from stateset_gql.access.authcache import changed
from stateset_gql.access.principal import Principal
from stateset_gql.errors import (
    AuthenticationFailed,
    BadRequest,
    ErrorDetail,
    RateLimited,
    StateSetError,
)
from stateset_gql.graphql.errors import format_error, to_domain_errors
from stateset_gql.graphql.internals import core_schema
from stateset_gql.graphql.realtime.topics import Snapshots, SubscriptionRefused, topic_of
from stateset_gql.http.auth import secret_from_authorization
from stateset_gql.http.budget import Refusal, SocketBudget
from stateset_gql.http.graphql_endpoint import graphql_call
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
# A subscribe message's ``extensions``, from the handler to its operation's task (which
# copies the context it was started in): Strawberry hands the task only the query, the
# variables and the operation's name.
_extensions: ContextVar[object] = ContextVar("operation_extensions", default=None)


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


def _too_many(request_id: str) -> dict[str, Any]:
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
    return _domain(RateLimited(message, details=[detail]), request_id).formatted


def _idempotency_key(extensions: object) -> str | None:
    key = extensions.get("idempotencyKey") if isinstance(extensions, dict) else None
    if key is not None and not isinstance(key, str):
        raise BadRequest(
            "'extensions.idempotencyKey' must be a string", param="extensions.idempotencyKey"
        )
    return key


def _answer(body: bytes) -> ExecutionResult | PreExecutionError:
    """A query's or mutation's answer, as ``POST /graphql`` has it, for the handlers:
    without ``data`` (refused before execution) it is the operation's ``error``."""
    answer = orjson.loads(body)
    errors: list[GraphQLError] = [_Shown(error) for error in answer.get("errors", ())]
    if "data" not in answer:
        return PreExecutionError(data=None, errors=errors)
    return ExecutionResult(
        data=answer["data"], errors=errors or None, extensions=answer.get("extensions")
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
            topic = await self._start(principal, request_id, query, variables, operation_name)
        except SubscriptionRefused as refused:
            yield self._refused(refused.errors, request_id)
            return
        except StateSetError as error:
            yield PreExecutionError(data=None, errors=[_domain(error, request_id)])
            return
        if isinstance(topic, ExecutionResult):
            yield topic  # a query's or a mutation's one result
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

    async def _start(
        self,
        principal: Principal,
        request_id: str,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> Any:
        """Through the door: a subscription's topic, or a query's or mutation's result.
        Each start counts as a request (API.md section 11); a query or mutation holds its
        admission while it runs, as over HTTP."""
        admission = await self.pipeline.admit(principal)
        try:
            if admission.refused is not None:
                raise admission.refused
            extensions = _extensions.get()
            operation = self.pipeline.check(
                query,
                variables,
                operation_name,
                over=Over.WEBSOCKET,
                principal=principal,
                extensions=extensions,
            )
            checked = operation.checked
            assert checked is not None
            if checked.document is None:
                raise SubscriptionRefused(list(checked.errors))
            if checked.kind is not OperationType.SUBSCRIPTION:
                rendered = await self.pipeline.run(
                    principal=principal,
                    request_id=request_id,
                    call=graphql_call(operation, request_id),
                    idempotency_key=_idempotency_key(extensions),
                )
                return _answer(rendered.body)
        finally:
            await admission.release()
        return topic_of(
            self.snapshots,
            principal,
            checked.document,
            operation.variables,
            operation.operation_name,
        )


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


class _TransportWS(BaseGraphQLTransportWSHandler[SocketContext, None]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        full = len(self.operations) >= MAX_OPERATIONS
        if self.connection_acknowledged and message["id"] not in self.operations and full:
            error = _too_many(self.context.request_id)
            await self.send_message(
                cast(Any, {"id": message["id"], "type": "error", "payload": [error]})
            )
            return
        token = _extensions.set(message["payload"].get("extensions"))
        try:
            await super().handle_subscribe(message)
        finally:
            _extensions.reset(token)


class _LegacyWS(BaseGraphQLWSHandler[SocketContext, None]):
    async def handle_start(self, message: StartMessage) -> None:
        full = len(self.tasks) >= MAX_OPERATIONS
        if self.connection_acknowledged and message["id"] not in self.tasks and full:
            error = _too_many(self.context.request_id)
            await self.send_message(
                cast(Any, {"id": message["id"], "type": "error", "payload": error})
            )
            return
        token = _extensions.set(cast(dict[str, Any], message["payload"]).get("extensions"))
        try:
            await super().handle_start(message)
        finally:
            _extensions.reset(token)


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
        context = SocketContext(request_id=new_id("req"))
        refused = self.budget.refused()
        if refused is not None:
            await _refuse(websocket, refused, context.request_id)
            return
        self.budget.opened(context.request_id)
        # The socket's id is its log lines' request id, and its subscriptions' tasks'.
        request_id_var.set(context.request_id)
        adapter = _Adapter(self.view, websocket, MAX_MESSAGE_BYTES)
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
                await _TransportWS(
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
                await _LegacyWS(
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
