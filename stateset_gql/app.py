"""``create_app(settings)``: the ASGI application; its lifespan owns engine and broadcast."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from stateset_gql.db.engine import Database
from stateset_gql.graphql.executor import Executor
from stateset_gql.http import ops
from stateset_gql.http.graphql_endpoint import GraphQLEndpoint
from stateset_gql.http.middleware import BodyLimitMiddleware, RequestMiddleware
from stateset_gql.ops import maintenance
from stateset_gql.ops.metrics import Metrics
from stateset_gql.realtime.broadcast import BroadcastHub
from stateset_gql.rest.endpoint import RestEndpoint
from stateset_gql.settings import Settings


@dataclass
class AppState:
    settings: Settings
    db: Database
    hub: BroadcastHub
    metrics: Metrics
    executor: Executor


class StateSetApp:
    """The ASGI app. Request id, logging and the body limit wrap the router from the
    outside, so every error, 404 and 405 included, is answered in the contract's format."""

    def __init__(self, state: AppState, app: ASGIApp) -> None:
        self.state = state
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def create_app(settings: Settings | None = None) -> StateSetApp:
    settings = settings or Settings.from_env()
    db = Database(settings.database_url)
    hub = BroadcastHub(settings.broadcast_url)
    metrics = Metrics()
    executor = Executor(db=db, settings=settings, hub=hub, metrics=metrics)
    state = AppState(settings=settings, db=db, hub=hub, metrics=metrics, executor=executor)

    @asynccontextmanager
    async def lifespan(_app: object) -> AsyncIterator[None]:
        await hub.connect()
        housekeeping = asyncio.create_task(maintenance.run_forever(db=db, settings=settings))
        try:
            yield
        finally:
            housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await housekeeping
            await hub.disconnect()
            await db.dispose()

    graphql = GraphQLEndpoint(executor)
    rest = RestEndpoint(executor)
    rest_methods = ["GET", "POST", "PATCH", "DELETE", "PUT"]
    routes = [
        Route("/graphql", graphql.handle, methods=["GET", "POST"]),
        Route("/health", ops.health, methods=["GET"]),
        Route("/ready", ops.ready(db, hub), methods=["GET"]),
        Route("/metrics", ops.metrics(metrics), methods=["GET"]),
        Route("/schema.graphql", ops.schema_sdl, methods=["GET"]),
        Route("/openapi.json", ops.openapi_json, methods=["GET"]),
        Route("/v1/{path:path}", rest.handle, methods=rest_methods),
    ]
    router = Router(routes=routes, lifespan=lifespan)
    app = RequestMiddleware(
        BodyLimitMiddleware(router, max_bytes=settings.max_body_bytes), metrics=metrics
    )
    return StateSetApp(state, app)
