"""``create_app(settings)``: the ASGI application, built once; its lifespan owns the
engine, the broadcast and the background loops.

How a request travels: ``RequestMiddleware`` (request id, logs, metrics, the last-resort
error body) → ``RequestBudget`` (requests in flight) → ``BodyLimitMiddleware`` →
``RawPathRouting`` → the router, whose routes are ``/graphql``, the operations endpoints,
one route per REST path template and ``/dashboard``. Both API surfaces, the WebSocket's
subscriptions and the dashboard's actions enter by the one ``Pipeline``
(``pipeline/door.py``), which authenticates, admits, checks the document and has the
``Runner`` execute it in a unit of work; after commit the ``Outbox`` publishes the events.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.routing import Router, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from stateset_gql import worker
from stateset_gql.access.authcache import KEYS_CHANNEL, AuthCache
from stateset_gql.access.limiter import MemoryCounter, RedisCounter
from stateset_gql.dashboard import Dashboard
from stateset_gql.db.engine import Database
from stateset_gql.db.uow import Notice
from stateset_gql.events.models import Event
from stateset_gql.graphql.engine import GraphQLEngine
from stateset_gql.graphql.render import Representation
from stateset_gql.graphql.schema import Schema, build_schema
from stateset_gql.http import graphiql, ops
from stateset_gql.http.budget import RequestBudget, SocketBudget
from stateset_gql.http.graphql_endpoint import GraphQLEndpoint
from stateset_gql.http.middleware import BodyLimitMiddleware, RequestMiddleware
from stateset_gql.http.routing import RawPathRouting, Route
from stateset_gql.http.websocket import Subscriptions, WebSocketEndpoint
from stateset_gql.jobs.service import JOBS_CHANNEL
from stateset_gql.ops import maintenance
from stateset_gql.ops.metrics import Metrics
from stateset_gql.pipeline.door import Pipeline
from stateset_gql.pipeline.gate import RECHECK_SECONDS, CountingLimiter, Gate, RateLimiter
from stateset_gql.pipeline.jobs import JobWorker
from stateset_gql.pipeline.runner import Runner
from stateset_gql.pubsub import Hub, Subscription, open_hub
from stateset_gql.realtime.fanout import FanOut
from stateset_gql.realtime.outbox import Outbox
from stateset_gql.requestlogs.writer import RequestLogWriter
from stateset_gql.rest.batch import Batch
from stateset_gql.rest.batch_input import PATH as BATCH_PATH
from stateset_gql.rest.endpoint import rest_routes
from stateset_gql.rest.files import ALLOWANCES, FileRoutes
from stateset_gql.rest.jobs import JobRoutes
from stateset_gql.rest.openapi import openapi_json
from stateset_gql.settings import Settings
from stateset_gql.webhooks.worker import DeliveryWorker


@dataclass
class AppState:
    settings: Settings
    db: Database
    hub: Hub
    metrics: Metrics
    schema: Schema
    engine: GraphQLEngine
    representation: Representation
    outbox: Outbox
    runner: Runner
    pipeline: Pipeline
    fanout: FanOut
    websockets: WebSocketEndpoint
    listener: Subscription
    deliveries: DeliveryWorker
    jobs: JobWorker
    # None when ``settings.request_logs`` is off.
    request_logs: RequestLogWriter | None

    def worker_loops(self, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
        """The worker's loops over this assembly (``stateset-gql worker``, or ``serve``
        itself on memory://)."""
        return worker.loops(
            db=self.db,
            outbox=self.outbox,
            deliveries=self.deliveries,
            jobs=self.jobs,
            hub=self.hub,
            stop=stop,
        )


class StateSetApp:
    """The ASGI app, with what it was built from in ``state``."""

    def __init__(self, state: AppState, app: ASGIApp) -> None:
        self.state = state
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def build_limiter(settings: Settings) -> RateLimiter:
    """Counted in the broadcast Redis, shared by every process; per process on memory://."""
    if settings.broadcast_url.startswith("memory://"):
        return CountingLimiter(MemoryCounter())
    return CountingLimiter(RedisCounter(settings.broadcast_url))


def build_state(settings: Settings) -> AppState:
    db = Database.of(settings)
    metrics = Metrics()
    hub = open_hub(settings.broadcast_url, on_reconnect=metrics.broadcast_reconnects.inc)
    schema = build_schema()
    # The compiled read engine writes PostgreSQL's SQL; SQLite keeps the resolvers.
    engine = GraphQLEngine(schema, compiled=settings.compiled_reads and not db.is_sqlite)
    representation = Representation(engine, settings)
    outbox = Outbox(db=db, hub=hub, render=representation.render)
    deliveries = DeliveryWorker(
        db=db, settings=settings, render=representation.render, metrics=metrics
    )

    async def wake_deliveries(_events: Sequence[Event]) -> None:
        # Where the worker's loops run in this process (memory://), new events are
        # fanned out at once; a worker process hears of them through Redis.
        deliveries.notify()

    async def wake_jobs(notices: Sequence[Notice]) -> None:
        # A job was queued: this process's job loop (memory://) looks now; a worker
        # process hears the notice through Redis.
        if any(notice.channel == JOBS_CHANNEL for notice in notices):
            jobs.notify()

    auth_cache = AuthCache(seconds=settings.auth_cache_seconds)
    gate = Gate(db=db, limiter=build_limiter(settings), cache=auth_cache)
    runner = Runner(
        db=db,
        settings=settings,
        engine=engine,
        render=representation.render,
        metrics=metrics,
        after_commit=[outbox.committed, wake_deliveries],
        # This process forgets a revoked key before it answers; then the others are told.
        on_notices=[gate.committed, outbox.notices, wake_jobs],
    )
    pipeline = Pipeline(gate=gate, runner=runner)
    jobs = JobWorker(db=db, settings=settings, pipeline=pipeline)
    fanout = FanOut(db=db, render=representation.render, metrics=metrics)

    def on_message(channel: str, message: str) -> None:
        if channel == KEYS_CHANNEL:
            gate.forget(message)
            websockets.key_message(message)
        else:
            fanout.on_message(channel, message)

    def on_missed() -> None:
        auth_cache.clear()  # what was said while the connection was down is lost
        gate.recheck_soon()  # and the open sockets' keys are checked again
        fanout.on_resumed()

    listener = hub.subscribe(on_message=on_message, on_missed=on_missed)
    subscriptions = Subscriptions(pipeline=pipeline, fanout=fanout, metrics=metrics)
    websockets = WebSocketEndpoint(
        pipeline=pipeline,
        subscriptions=subscriptions,
        metrics=metrics,
        budget=SocketBudget(
            max_open=settings.ws_max_sockets,
            max_unauthenticated=settings.ws_max_unauthenticated,
        ),
        init_seconds=settings.ws_init_seconds,
        ping_seconds=settings.ws_ping_seconds,
    )
    request_logs = RequestLogWriter(db=db, metrics=metrics) if settings.request_logs else None
    return AppState(
        settings=settings, db=db, hub=hub, metrics=metrics, schema=schema, engine=engine,
        representation=representation, outbox=outbox, runner=runner, pipeline=pipeline,
        fanout=fanout, websockets=websockets, listener=listener,
        deliveries=deliveries, jobs=jobs, request_logs=request_logs,
    )  # fmt: skip


def create_app(settings: Settings | None = None) -> StateSetApp:
    state = build_state(settings or Settings.from_env())

    @asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        await state.hub.connect()
        await state.listener.start()
        await state.listener.add(KEYS_CHANNEL)
        await state.fanout.start(state.listener)
        # What start-up built (the schema, its types, compiled statements) lives as long as
        # the process: frozen out of the collector, a full collection does not walk it, and
        # no request waits ~100 ms behind one.
        gc.collect()
        gc.freeze()
        loops = [
            asyncio.create_task(maintenance.run_forever(db=state.db, settings=state.settings)),
            # Revocations whatever the channel carried: the cache and the open sockets.
            asyncio.create_task(
                state.pipeline.gate.watch(
                    state.websockets.recheck,
                    recheck_seconds=state.settings.auth_cache_seconds or RECHECK_SECONDS,
                )
            ),
        ]
        if state.request_logs is not None:
            state.request_logs.start()
        stop = asyncio.Event()
        background = []
        if state.hub.is_memory:
            # Embedded: the worker's loops run in this process (API.md section 1).
            background = [asyncio.create_task(loop) for loop in state.worker_loops(stop)]
        try:
            yield
        finally:
            # The worker's loops finish their attempts in flight, as on SIGTERM.
            stop.set()
            await asyncio.gather(*background, return_exceptions=True)
            for loop in loops:
                loop.cancel()
            for loop in loops:
                with contextlib.suppress(asyncio.CancelledError):
                    await loop
            if state.request_logs is not None:
                # The last requests' logs, written before the database is let go.
                await state.request_logs.close()
            await state.outbox.close()
            await state.websockets.close_all()
            await state.fanout.close()
            await state.listener.close()
            await state.hub.disconnect()
            await state.pipeline.gate.limiter.close()
            await state.db.dispose()

    graphql = GraphQLEndpoint(state.pipeline)
    rest = rest_routes(state.pipeline, state.schema)
    routes = [
        Route("/graphql", graphql.handle, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", state.websockets.handle),
        WebSocketRoute("/v1/ws", state.websockets.handle),
        Route("/graphiql/{name:path}", graphiql.asset, methods=["GET"]),
        Route("/", ops.index, methods=["GET"]),
        Route("/health", ops.health, methods=["GET"]),
        Route("/ready", ops.ready(state.db, state.hub, state.listener), methods=["GET"]),
        Route("/metrics", ops.metrics(state.metrics), methods=["GET"]),
        Route("/schema.graphql", ops.schema_sdl(state.schema), methods=["GET"]),
        Route("/openapi.json", openapi_json(state.schema), methods=["GET"]),
        *rest,
        Route(BATCH_PATH, Batch(state.pipeline, rest).handle, methods=["POST"]),
        *FileRoutes(pipeline=state.pipeline, db=state.db, settings=state.settings).routes(),
        *JobRoutes(pipeline=state.pipeline, db=state.db).routes(),
        # The dashboard: its own session cookie, its actions through the same pipeline.
        *Dashboard(state.pipeline, state.settings).routes(),
    ]
    router = Router(routes=routes, lifespan=lifespan, redirect_slashes=False)
    app = RequestMiddleware(
        RequestBudget(
            BodyLimitMiddleware(
                RawPathRouting(router),
                max_bytes=state.settings.max_body_bytes,
                timeout_seconds=state.settings.body_timeout_seconds,
                allowances=ALLOWANCES,
            ),
            limit=state.settings.max_requests_in_flight,
        ),
        metrics=state.metrics,
        request_logs=state.request_logs,
    )
    return StateSetApp(state, app)
