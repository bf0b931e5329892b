"""What one ``createOrder`` costs the database: SQL statements and round trips.

The guarantees stay (stock locked in sku order, the order and its event in one
transaction, the per-account sequence, the event published before the answer); what is
pinned here is that nothing else is sent on the request's way. Counted on a server whose
broadcast is Redis, so no embedded worker loop polls the database meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import event

from tests.order_support import CREATE, line, stock, unique_sku
from tests.support import Account, LiveServer, data, gql, new_account

# On the request's way, with warm caches (the key authenticated, statements prepared):
# INSERT orders, INSERT line items, then at the end, the hot rows last: UPDATE the items
# (locked in sku order by its sub-select, changed only if the stock is there, RETURNING
# them) and INSERT the events (one statement, unnumbered: the commit numbers them from
# the event counter, migration 0008); after the commit, the events' numbers read back to
# publish them. Was 15: authentication, the line items, payments and refunds read back
# twice (answer and event), the counter apart from the events, the published marks; then
# 5, with the items locked by a SELECT of their own; then 4, the counter taken by the
# events' statement and held across the round trip to the COMMIT.
CREATE_ORDER_STATEMENTS = 5
# Those, BEGIN and COMMIT: a connection back from a request a moment ago is lent without
# a ping. Was 30 (three transactions, each after a ping of three round trips), then 7, 6.
CREATE_ORDER_ROUND_TRIPS = 7


@dataclass
class Sent:
    task: int
    what: str


@contextmanager
def count_round_trips(server: LiveServer) -> Iterator[list[Sent]]:
    """Every statement (``PREPARE ...`` once per connection) and every request asyncpg
    sends and waits on (BEGIN, COMMIT, a ping), with the task that sent it."""
    sent: list[Sent] = []
    lock = threading.Lock()
    patched: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: Callable[..., str]) -> None:
        original = getattr(owner, name)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            with lock:
                sent.append(Sent(id(asyncio.current_task()), label(*args, **kwargs)))
            return await original(*args, **kwargs)

        patched.append((owner, name, original))
        setattr(owner, name, counted)

    wrap(asyncpg.connection.Connection, "fetchrow", lambda _c, q, *_a, **_k: str(q))
    wrap(asyncpg.connection.Connection, "execute", lambda _c, q, *_a, **_k: str(q))
    wrap(asyncpg.connection.Connection, "executemany", lambda _c, q, *_a, **_k: str(q))
    wrap(asyncpg.connection.Connection, "prepare", lambda _c, q, *_a, **_k: f"PREPARE {q}")
    wrap(asyncpg.prepared_stmt.PreparedStatement, "fetch", lambda s, *_a, **_k: s.get_query())
    try:
        yield sent
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


@contextmanager
def count_statements(server: LiveServer) -> Iterator[list[Sent]]:
    """Every SQL statement, with the task that sent it."""
    statements: list[Sent] = []
    lock = threading.Lock()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        with lock:
            statements.append(Sent(id(asyncio.current_task()), statement))

    engines = [e.sync_engine for e in server.app.state.db.engines]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def _request_only(sent: list[Sent]) -> list[str]:
    """What the request's own task sent (the one that inserted the order), not the
    marks written beside it."""
    task = next(s.task for s in sent if s.what.startswith("INSERT INTO orders"))
    return [s.what for s in sent if s.task == task and not s.what.startswith("PREPARE")]


@pytest.fixture(scope="module")
def on_redis(postgres_url: str, redis_url: str) -> Iterator[LiveServer]:
    live = LiveServer.start(database_url=postgres_url, broadcast_url=redis_url)
    try:
        yield live
    finally:
        live.stop()


def _order(a: str, b: str) -> dict[str, Any]:
    return {"currency": "usd", "lineItems": [line(b, 2), line(a, 1)]}


def test_create_order_sends_only_what_its_guarantees_need(on_redis: LiveServer) -> None:
    account: Account = new_account(on_redis.database_url)
    a, b = unique_sku("A"), unique_sku("B")
    stock(account, a, 100)
    stock(account, b, 100)
    with httpx.Client(base_url=on_redis.base_url, timeout=30) as client:
        for _ in range(3):  # warm the caches a first request fills
            data(gql(client, account.sk_test, CREATE, {"input": _order(a, b)}))
        with count_statements(on_redis) as statements, count_round_trips(on_redis) as trips:
            created = data(gql(client, account.sk_test, CREATE, {"input": _order(a, b)}))
            time.sleep(0.2)  # the marks beside the response, not counted
    assert created["createOrder"]["status"] == "PENDING"
    mine = _request_only(statements)
    assert len(mine) == CREATE_ORDER_STATEMENTS, "\n".join(mine)
    assert [s.split()[0] for s in mine] == ["INSERT", "INSERT", "UPDATE", "INSERT", "SELECT"]
    assert mine[2].startswith("UPDATE inventory_items")
    # Locked in sku order by the sub-select, then changed, in the one statement.
    assert "ORDER BY inventory_items.sku, inventory_items.location FOR UPDATE" in mine[2]
    assert "RETURNING" in mine[2]
    # The events without their numbers: no client statement takes the counter.
    assert "INSERT INTO events" in mine[3]
    assert not any("event_counters" in statement for statement in mine)
    assert "SELECT events.id, events.sequence" in mine[4]
    trips_of_request = _request_only(trips)
    assert len(trips_of_request) == CREATE_ORDER_ROUND_TRIPS, "\n".join(trips_of_request)
    assert any("published_at" in s.what for s in statements), "the events were not marked"


def test_events_written_in_one_statement_keep_their_text_and_sequence(
    on_redis: LiveServer,
) -> None:
    account = new_account(on_redis.database_url)
    a, b = unique_sku("A"), unique_sku("B")
    stock(account, a, 100)
    stock(account, b, 100)
    with httpx.Client(base_url=on_redis.base_url, timeout=30) as client:
        data(gql(client, account.sk_test, CREATE, {"input": _order(a, b)}))

    async def stored() -> list[tuple[int, str, str]]:
        conn = await asyncpg.connect(on_redis.database_url.replace("+asyncpg", ""))
        try:
            rows = await conn.fetch(
                "SELECT sequence, type, data::text FROM events WHERE account_id = $1 "
                "AND NOT livemode ORDER BY sequence",
                account.id,
            )
            return [(r[0], r[1], r[2]) for r in rows]
        finally:
            await conn.close()

    rows = asyncio.run(stored())
    created = [r for r in rows if r[1] == "order.created"]
    assert len(created) == 1
    # Every event of the account numbered without a gap, the text as json.dumps wrote it.
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    for _, _, text in rows:
        assert text == json.dumps(json.loads(text))
