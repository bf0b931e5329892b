"""``/`` (where things are), ``/health``, ``/ready``, ``/metrics`` and ``/schema.graphql``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from stateset_gql.db.engine import Database
from stateset_gql.graphql.export import sdl
from stateset_gql.graphql.schema import Schema
from stateset_gql.http.responses import JSONResponse
from stateset_gql.ops.metrics import Metrics
from stateset_gql.pubsub import Hub, Subscription

READY_TIMEOUT = 2.0
Endpoint = Callable[[Request], Awaitable[Response]]


# What ``GET /`` points to: the API's surfaces and the operations endpoints.
LINKS = {
    "graphql": "/graphql",
    "rest": "/v1",
    "openapi": "/openapi.json",
    "schema": "/schema.graphql",
    "health": "/health",
    "ready": "/ready",
}


async def index(request: Request) -> Response:
    """Where things are, as JSON; a browser is sent to GraphiQL."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(LINKS["graphql"], status_code=302)
    return JSONResponse({"object": "service", "name": "StateSet GQL", "links": LINKS})


async def health(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def _database_ok(db: Database) -> bool:
    try:
        async with asyncio.timeout(READY_TIMEOUT), db.reader.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready
        return False


def ready(db: Database, hub: Hub, listener: Subscription) -> Endpoint:
    """Ready when the database answers, the broadcast answers a publisher, and this
    process's subscriptions are connected (the listener: pinged, reconnected)."""

    async def endpoint(_request: Request) -> Response:
        database, broadcast = await asyncio.gather(_database_ok(db), hub.healthy())
        listening = listener.healthy()
        ok = database and broadcast and listening
        checks = {
            "database": "ok" if database else "down",
            "broadcast": "ok" if broadcast else "down",
            "subscriptions": "ok" if listening else "reconnecting",
        }
        return JSONResponse(
            {"status": "ready" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    return endpoint


def metrics(registry: Metrics) -> Endpoint:
    async def endpoint(_request: Request) -> Response:
        return Response(registry.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    return endpoint


def schema_sdl(schema: Schema) -> Endpoint:
    text = sdl(schema)

    async def endpoint(_request: Request) -> Response:
        return PlainTextResponse(text)

    return endpoint
