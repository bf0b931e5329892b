"""Reading events stays cheap on PostgreSQL: an event's ``data`` is written by nested JSON
subqueries whose cost PostgreSQL estimates in the 10^21s, so with JIT on it compiled
machine code for ~0.7 s on every read of a 0.3 ms query. The service's connections run
with JIT off; these pin it with a bound far above a normal read."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import orjson
from sqlalchemy import text

from stateset_gql.db.engine import Database
from stateset_gql.graphql.compiled import sql
from stateset_gql.graphql.compiled.fragment import SQL
from stateset_gql.settings import Settings
from tests.order_support import paid_order, stock, unique_sku
from tests.support import LiveServer, data, gql, new_account

# A normal read takes a few milliseconds; a JIT-compiled one most of a second.
BOUND_SECONDS = 0.25


def _fastest(read: Callable[[], httpx.Response], tries: int = 3) -> float:
    """The fastest of a few reads: a busy machine slows one, never all."""
    best = float("inf")
    for _ in range(tries):
        started = time.perf_counter()
        response = read()
        best = min(best, time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return best


def _text(fragment: SQL) -> str:
    assert all(isinstance(piece, str) for piece in fragment.pieces), fragment
    return "".join(str(piece) for piece in fragment.pieces)


def _nested(depth: int) -> Any:
    value: Any = {"leaf": "end"}
    for level in range(depth):
        value = {"level": level, "items": [value, []], "empty": {}}
    return value


# Stored texts as a client may have written them (spaces, escapes), and what the resolver
# path answers for each: orjson's writing of the value read back.
STORED = [
    '{"a" : 1, "b": [1, {"c": "x\\u00e9\\"y"}, [ ], { }], "z": null, "t": true, "f": false}',
    '"tab\\tand \\u0001 control"',
    '{"emoji": "\\ud83d\\ude00", "slash": "a/b", "line": "\\u2028"}',
    "[]",
    "{}",
    "null",
    "-12",
    '[[["deep"]], {"k": {"k": {"k": 2.5}}}]',
    orjson.dumps(_nested(14)).decode(),
]


def test_json_text_writes_what_the_resolver_path_answers(postgres_url: str) -> None:
    statement = f"SELECT {_text(sql.json_text('$1::text::json'))}"

    async def run() -> list[str]:
        conn = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
        try:
            return [await conn.fetchval(statement, stored) for stored in STORED]
        finally:
            await conn.close()

    written = asyncio.run(run())
    assert written == [orjson.dumps(orjson.loads(stored)).decode() for stored in STORED]


def test_reading_event_data_is_planned_as_the_small_query_it_is(postgres_url: str) -> None:
    """A page of events' data is estimated as what it is (thousands per row), not as a
    data warehouse's query (10^21): nothing then tempts PostgreSQL into JIT-compiling it,
    whatever the connection's setting."""
    statement = (
        f"EXPLAIN (FORMAT JSON) SELECT {_text(sql.json_text('e.data'))} "
        "FROM events AS e ORDER BY e.sequence DESC LIMIT $1"
    )

    async def run() -> list[Any]:
        conn = await asyncpg.connect(postgres_url.replace("+asyncpg", ""))
        try:
            return [orjson.loads(await conn.fetchval(statement, n))[0] for n in (2, 100)]
        finally:
            await conn.close()

    first, page = asyncio.run(run())
    assert first["Plan"]["Total Cost"] < 10_000, first["Plan"]["Total Cost"]
    assert page["Plan"]["Total Cost"] < 1_000_000, page["Plan"]["Total Cost"]


def test_the_service_connections_run_without_jit(postgres_url: str) -> None:
    async def run() -> str:
        db = Database.of(Settings(database_url=postgres_url, env="test"))
        try:
            async with db.session(write=False) as session:
                return str((await session.execute(text("SHOW jit"))).scalar_one())
        finally:
            await db.dispose()

    assert asyncio.run(run()) == "off"


def test_reading_events_with_nested_data_is_not_slowed_by_its_plan(
    servers: tuple[LiveServer, LiveServer],
) -> None:
    compiled = servers[0]
    account = new_account(compiled.database_url)
    key = account.sk_test
    with httpx.Client(base_url=compiled.base_url, timeout=30) as client:
        sku = unique_sku()
        stock(account, sku, 10)
        # An order paid by card: the event's data nests the order, its lines, its
        # payments, a payment's card and metadata.
        paid_order(
            client,
            key,
            sku,
            2,
            metadata={"channel": "web", "campaign": "winter"},
        )
        rest = client.get("/v1/events?limit=1", headers={"Authorization": f"Bearer {key}"})
        assert rest.status_code == 200, rest.text
        assert rest.headers["X-StateSet-Engine"] == "compiled"
        assert rest.json()["data"][0]["data"]["object"]

        rest_seconds = _fastest(
            lambda: client.get("/v1/events?limit=1", headers={"Authorization": f"Bearer {key}"})
        )
        query = "{ events(first: 1) { nodes { id type data } } }"
        assert data(gql(client, key, query))["events"]["nodes"][0]["data"]
        graphql_seconds = _fastest(lambda: gql(client, key, query))
    assert rest_seconds < BOUND_SECONDS, f"GET /v1/events?limit=1 took {rest_seconds:.3f} s"
    assert graphql_seconds < BOUND_SECONDS, f"events took {graphql_seconds:.3f} s"
