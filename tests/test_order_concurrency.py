"""Races on a live server: many clients at once, each on its own connection.

PostgreSQL runs them at full width, where row locks decide; SQLite, where the write
transaction serializes writers, runs the same races with fewer workers. Either way no
order oversells, a ship racing a cancel has exactly one winner, and orders that reserve
the same SKUs in opposite orders never deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.order_support import (
    CANCEL,
    CREATE,
    PROCESS,
    SHIP,
    SHIPPING,
    act,
    count_events,
    count_orders,
    events,
    line,
    paid_order,
    stock,
    stock_of,
    unique_sku,
)
from tests.support import Account, LiveServer, gql, new_account


@pytest.fixture
def account(server: LiveServer) -> Account:
    """Enterprise: a race sends more requests at once than the free plan allows."""
    return new_account(server.database_url, plan="enterprise")


@pytest.fixture
def sqlite_only(backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the narrower SQLite run of a PostgreSQL race")


def race(server: LiveServer, calls: list[Call]) -> list[Any]:
    """Runs every call at the same moment, each from its own thread and client."""
    barrier = threading.Barrier(len(calls))
    bodies: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=120) as own:
            own.get("/health")  # connect before the barrier, so the race is the requests
            barrier.wait()
            response = calls[index](own)
            bodies[index] = (response.status_code, response.json())

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(status == 200 for status, _ in bodies), bodies
    return [body for _, body in bodies]


Call = Callable[[httpx.Client], httpx.Response]


def call(key: str, query: str, variables: dict[str, Any]) -> Call:
    """One GraphQL request, to be sent by ``race`` on a client of its own."""
    return lambda own: gql(own, key, query, variables)


def outcome(body: dict[str, Any]) -> str:
    """``ok`` or the error's code."""
    if not body.get("errors"):
        return "ok"
    code: str = body["errors"][0]["extensions"]["code"]
    return code


# ------------------------------------------------------------------------- overselling


def _orders_never_oversell(
    server: LiveServer, client: httpx.Client, account: Account, workers: int, units: int
) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, units)
    order = {"currency": "USD", "lineItems": [line(sku, 1)]}
    bodies = race(server, [call(key, CREATE, {"input": order})] * workers)
    outcomes = sorted(outcome(b) for b in bodies)
    assert outcomes == ["RESOURCE_CONFLICT"] * (workers - units) + ["ok"] * units
    assert stock_of(account, sku) == {"on_hand": units, "reserved": units, "available": 0}
    assert count_orders(client, key) == units
    assert count_events(client, key, "order.created") == units
    sequences = [e["sequence"] for e in events(client, key)]
    assert sequences == list(range(1, len(sequences) + 1))  # no gap, no repeat


def test_fifty_concurrent_orders_for_ten_units_never_oversell(
    server: LiveServer, client: httpx.Client, account: Account, postgres_only: None
) -> None:
    _orders_never_oversell(server, client, account, workers=50, units=10)


def test_concurrent_orders_never_oversell_on_sqlite(
    server: LiveServer, client: httpx.Client, account: Account, sqlite_only: None
) -> None:
    _orders_never_oversell(server, client, account, workers=12, units=4)


# ---------------------------------------------------------------------- ship or cancel


def _ship_and_cancel_have_one_winner(
    server: LiveServer, client: httpx.Client, account: Account, orders: int
) -> None:
    key = account.sk_test
    sku = unique_sku()
    stock(account, sku, 100)
    ids = []
    for _ in range(orders):
        order = paid_order(client, key, sku, 2)
        ids.append(act(client, key, PROCESS, "processOrder", id=order["id"])["id"])
    calls: list[Call] = []
    for order_id in ids:
        calls.append(call(key, SHIP, {"id": order_id, "input": SHIPPING}))
        calls.append(call(key, CANCEL, {"id": order_id, "reason": "race"}))
    bodies = race(server, calls)

    shipped = 0
    for index, order_id in enumerate(ids):
        ship, cancel = outcome(bodies[2 * index]), outcome(bodies[2 * index + 1])
        assert sorted([ship, cancel]) == ["RESOURCE_CONFLICT", "ok"], (ship, cancel)
        shipped += ship == "ok"
        loser = bodies[2 * index + (1 if ship == "ok" else 0)]
        [detail] = loser["errors"][0]["extensions"]["details"]
        assert detail["from"] == ("shipped" if ship == "ok" else "cancelled")
        mine = [
            e["type"]
            for e in events(client, key, "order.")
            if e["data"]["object"]["id"] == order_id
        ]
        if ship == "ok":
            assert mine[-1] == "order.shipped"
            assert "order.cancelled" not in mine
        else:  # the order was paid, so cancelling it refunds it too
            assert mine[-2:] == ["order.cancelled", "order.refunded"]
            assert "order.shipped" not in mine
    # Every unit was either shipped (consumed) or given back; none is still held.
    assert stock_of(account, sku) == {
        "on_hand": 100 - 2 * shipped, "reserved": 0, "available": 100 - 2 * shipped,
    }  # fmt: skip


def test_a_concurrent_ship_and_cancel_of_one_order_have_exactly_one_winner(
    server: LiveServer, client: httpx.Client, account: Account, postgres_only: None
) -> None:
    _ship_and_cancel_have_one_winner(server, client, account, orders=8)


def test_a_concurrent_ship_and_cancel_have_exactly_one_winner_on_sqlite(
    server: LiveServer, client: httpx.Client, account: Account, sqlite_only: None
) -> None:
    _ship_and_cancel_have_one_winner(server, client, account, orders=3)


# ---------------------------------------------------------------------------- deadlock


def _opposite_lock_orders_never_deadlock(
    server: LiveServer, client: httpx.Client, account: Account, workers: int
) -> None:
    key = account.sk_test
    a, b = unique_sku("A"), unique_sku("B")
    stock(account, a, 1000)
    stock(account, b, 1000)
    forward = {"currency": "USD", "lineItems": [line(a, 1), line(b, 2)]}
    backward = {"currency": "USD", "lineItems": [line(b, 2), line(a, 1)]}
    calls = [
        call(key, CREATE, {"input": order})
        for _ in range(workers // 2)
        for order in (forward, backward)
    ]
    bodies = race(server, calls)
    assert [outcome(body) for body in bodies] == ["ok"] * len(calls)
    # And the same orders, cancelled in reverse, release what they held.
    made = [body["data"]["createOrder"]["id"] for body in bodies]
    cancels = race(server, [call(key, CANCEL, {"id": i}) for i in reversed(made)])
    assert [outcome(body) for body in cancels] == ["ok"] * len(made)
    assert stock_of(account, a) == {"on_hand": 1000, "reserved": 0, "available": 1000}
    assert stock_of(account, b) == {"on_hand": 1000, "reserved": 0, "available": 1000}
    assert count_events(client, key, "order.created") == len(calls)


def test_orders_reserving_skus_in_opposite_orders_never_deadlock(
    server: LiveServer, client: httpx.Client, account: Account, postgres_only: None
) -> None:
    _opposite_lock_orders_never_deadlock(server, client, account, workers=40)


def test_orders_reserving_skus_in_opposite_orders_never_deadlock_on_sqlite(
    server: LiveServer, client: httpx.Client, account: Account, sqlite_only: None
) -> None:
    _opposite_lock_orders_never_deadlock(server, client, account, workers=10)
