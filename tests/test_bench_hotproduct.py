"""The hot-product benchmark's parts, against a real server and PostgreSQL: the wrk
scripts send what they say and count GraphQL errors, the lock histogram's quantiles,
pgbench's ceiling writes exactly what one ``createOrder`` writes and the counter's what
its counter statement writes, the counter watch tells a held counter and its queue, and
server busy is CPU over wall time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from bench import ceiling, hotproduct, wrk
from bench.counterwatch import CounterWatch, Watched
from bench.run import CREATE_ORDER
from tests.order_support import stock, stock_of, unique_sku
from tests.support import Account, LiveServer, create_customer, new_account


@pytest.fixture(scope="module")
def pg_server(postgres_url: str) -> Iterator[LiveServer]:
    live = LiveServer.start(database_url=postgres_url)
    try:
        yield live
    finally:
        live.stop()


def _needs(why: str | None) -> None:
    if why is not None:
        pytest.skip(why)


def _hot(server: LiveServer) -> tuple[Account, str, list[str]]:
    account = new_account(server.database_url)
    skus = sorted([unique_sku("HOT-A"), unique_sku("HOT-B")])
    for sku in skus:
        stock(account, sku, 1_000_000)
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        customer = create_customer(client, account.sk_test)["id"]
    return account, customer, skus


def _query(account: Account, sql: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(account.database_url.replace("+asyncpg", ""))
        try:
            return list(await conn.fetch(sql, account.id, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


def _counts(account: Account) -> tuple[int, int, int]:
    """The account's orders, line items and events, once requests wrk left in flight at
    its end have finished (two readings 0.2 s apart agree)."""
    found = _count_now(account)
    while True:
        time.sleep(0.2)
        again = _count_now(account)
        if again == found:
            return found
        found = again


def _count_now(account: Account) -> tuple[int, int, int]:
    row = _query(
        account,
        "SELECT (SELECT count(*) FROM orders WHERE account_id = $1), "
        "(SELECT count(*) FROM order_line_items l JOIN orders o ON o.id = l.order_id "
        " WHERE o.account_id = $1), (SELECT count(*) FROM events WHERE account_id = $1)",
    )[0]
    return row[0], row[1], row[2]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (0.1, 0.005),  # the 10th of 100: the top of the first bucket
        (0.5, 0.005 + 0.005 * 40 / 90),  # the 50th: the 40th of the 90 in (5 ms, 10 ms]
        (0.99, 0.005 + 0.005 * 89 / 90),
    ],
)
def test_lock_quantiles_interpolate_within_a_bucket(q: float, expected: float) -> None:
    before = {0.005: 10.0, 0.01: 10.0, 0.1: 10.0, float("inf"): 10.0}
    after = {0.005: 20.0, 0.01: 110.0, 0.1: 110.0, float("inf"): 110.0}
    # Observed between the scrapes: 10 at most 5 ms, 90 more at most 10 ms.
    assert hotproduct.quantile(q, hotproduct.observed(before, after)) == pytest.approx(expected)


def test_no_observations_have_no_quantile() -> None:
    same = {0.01: 4.0, float("inf"): 4.0}
    assert hotproduct.quantile(0.5, hotproduct.observed(same, same)) is None


def test_a_histogram_is_read_from_metrics_and_an_absent_one_is_none(
    pg_server: LiveServer,
) -> None:
    # The server's request latency stands in for the stock-lock histogram it may export.
    latency = "stateset_http_request_duration_seconds"
    with httpx.Client(base_url=pg_server.base_url, timeout=30) as client:
        client.get("/health")
        before = hotproduct.lock_buckets(pg_server.base_url, latency)
        for _ in range(5):
            client.get("/health")
    after = hotproduct.lock_buckets(pg_server.base_url, latency)
    assert before is not None
    assert after is not None
    seen = hotproduct.observed(before, after)
    assert seen[float("inf")] >= 5  # the /metrics scrape itself may be counted too
    assert hotproduct.quantile(0.5, seen) is not None
    assert hotproduct.lock_buckets(pg_server.base_url, "stateset_no_such_histogram") is None


def test_the_hot_order_reserves_both_skus_every_request_without_errors(
    pg_server: LiveServer,
) -> None:
    _needs(wrk.missing())
    account, customer, skus = _hot(pg_server)
    script = hotproduct.create_order_script(account.sk_test, CREATE_ORDER, customer, skus)
    measured = wrk.run(pg_server.base_url + "/graphql", script, 2, 1)
    assert measured.requests > 0
    assert measured.errors == 0, measured
    orders, lines, _ = _counts(account)
    assert orders >= measured.requests  # a request cut off at the end may still commit
    assert lines == 2 * orders
    assert all(stock_of(account, sku)["reserved"] == orders for sku in skus)
    assert (
        _query(
            account,
            "SELECT count(*) FROM orders WHERE account_id = $1 AND customer_id = $2",
            customer,
        )[0][0]
        == orders
    )


def test_paying_each_order_once_and_then_again_counts_graphql_errors(
    pg_server: LiveServer,
) -> None:
    _needs(wrk.missing())
    account, customer, skus = _hot(pg_server)
    order = hotproduct.create_order_script(account.sk_test, CREATE_ORDER, customer, skus)
    wrk.run(pg_server.base_url + "/graphql", order, 1, 1)
    pending = [
        r["id"] for r in _query(account, "SELECT id FROM orders WHERE account_id = $1 ORDER BY id")
    ]
    assert pending
    first = wrk.run(
        pg_server.base_url + "/graphql",
        hotproduct.pay_order_script(account.sk_test, pending),
        1,
        1,
    )
    _counts(account)  # settled
    paid = [
        r["id"]
        for r in _query(account, "SELECT id FROM orders WHERE account_id = $1 AND status = 'paid'")
    ]
    # Each request paid the next order of the list (one cut off at the end may have too);
    # past its end the list starts again, and those orders are paid already. wrk calls
    # the script once to check it before the run: that id may be skipped.
    start = pending.index(min(paid))
    assert start <= 1
    assert sorted(paid) == pending[start : start + len(paid)]
    assert first.graphql_errors == max(0, first.requests - (len(pending) - start)), first
    again = wrk.run(
        pg_server.base_url + "/graphql", hotproduct.pay_order_script(account.sk_test, paid), 1, 1
    )
    # Already paid: 200 with a GraphQL error each, counted as such, not as non-2xx.
    assert again.graphql_errors == again.requests > 0
    assert again.non_2xx == 0


def test_each_create_customer_request_makes_a_customer_of_its_own(
    pg_server: LiveServer,
) -> None:
    _needs(wrk.missing())
    account = new_account(pg_server.database_url)
    script = hotproduct.create_customer_script(account.sk_test)
    measured = wrk.run(pg_server.base_url + "/graphql", script, 2, 1)
    assert measured.requests > 0
    assert measured.errors == 0, measured
    made = _query(account, "SELECT count(DISTINCT email) FROM customers WHERE account_id = $1")
    assert made[0][0] >= measured.requests


def _ordered_for_a_second(pg_server: LiveServer) -> tuple[Account, str, list[str]]:
    """A hot product's account after a second of its orders from wrk (pgbench and wrk
    needed)."""
    _needs(ceiling.missing())
    _needs(wrk.missing())
    account, customer, skus = _hot(pg_server)
    order = hotproduct.create_order_script(account.sk_test, CREATE_ORDER, customer, skus)
    wrk.run(pg_server.base_url + "/graphql", order, 1, 1)
    return account, customer, skus


def test_the_pgbench_ceiling_writes_what_one_create_order_writes(
    pg_server: LiveServer,
) -> None:
    account, customer, skus = _ordered_for_a_second(pg_server)
    by_server = _counts(account)
    per_order = (1, by_server[1] // by_server[0], by_server[2] // by_server[0])
    assert per_order == (1, 2, 3)  # the order, two lines; order.created, two inventory.updated
    dsn = account.database_url.replace("+asyncpg", "")
    rows = asyncio.run(ceiling.hot_rows(dsn, account.id, customer, skus))
    measured = ceiling.run(dsn, rows, 2, 1)
    assert measured.transactions > 0
    assert (measured.failed, measured.note) == (0, "")
    after = _counts(account)
    made = after[0] - by_server[0]
    assert made == measured.transactions
    assert (after[1] - by_server[1], after[2] - by_server[2]) == (2 * made, 3 * made)
    assert all(stock_of(account, sku)["reserved"] == after[0] for sku in skus)
    # The counter numbered pgbench's events with the server's, without a gap.
    sequences = [
        r[0]
        for r in _query(
            account, "SELECT sequence FROM events WHERE account_id = $1 ORDER BY sequence"
        )
    ]
    assert sequences == list(range(1, len(sequences) + 1))
    unmarked = _query(
        account, "SELECT count(*) FROM events WHERE account_id = $1 AND published_at IS NULL "
        "AND request_id = 'req_pgbench'"
    )  # fmt: skip
    assert unmarked[0][0] == 0


def test_spread_orders_take_the_skus_in_turn_without_errors(pg_server: LiveServer) -> None:
    _needs(wrk.missing())
    account = new_account(pg_server.database_url)
    skus = sorted(unique_sku(f"SPREAD-{n}") for n in range(4))
    for sku in skus:
        stock(account, sku, 1_000_000)
    with httpx.Client(base_url=pg_server.base_url, timeout=30) as client:
        customer = create_customer(client, account.sk_test)["id"]
    script = hotproduct.spread_order_script(account.sk_test, CREATE_ORDER, customer, skus)
    measured = wrk.run(pg_server.base_url + "/graphql", script, 2, 1)
    assert measured.requests > 0
    assert measured.errors == 0, measured
    orders, lines, _ = _counts(account)
    assert lines == orders >= measured.requests  # one line each
    # Of two threads, one takes the 1st and 3rd SKU in turn, the other the 2nd and 4th:
    # each shares its orders evenly between its two (wrk's check of the script, and a
    # request cut off at the end, aside), whatever pace the other thread went at.
    reserved = [stock_of(account, sku)["reserved"] for sku in skus]
    assert sum(reserved) == orders
    assert min(reserved) > 0, reserved
    assert abs(reserved[0] - reserved[2]) <= 2, reserved
    assert abs(reserved[1] - reserved[3]) <= 2, reserved


def test_scripts_run_together_share_the_connections_and_add_up(pg_server: LiveServer) -> None:
    _needs(wrk.missing())
    accounts = [new_account(pg_server.database_url) for _ in range(2)]
    scripts = [hotproduct.create_customer_script(a.sk_test) for a in accounts]
    measured = wrk.run_together(pg_server.base_url + "/graphql", scripts, 4, 1)
    assert measured.requests > 0
    assert measured.errors == 0, measured
    made = [
        _query(a, "SELECT count(*) FROM customers WHERE account_id = $1")[0][0] for a in accounts
    ]
    assert min(made) > 0  # each script ran, on its own account
    assert sum(made) >= measured.requests
    assert measured.p50_ms <= measured.p99_ms <= measured.max_ms


def test_the_counter_alone_numbers_the_orders_events_and_writes_nothing_else(
    pg_server: LiveServer,
) -> None:
    account, customer, skus = _ordered_for_a_second(pg_server)
    before = _counts(account)
    dsn = account.database_url.replace("+asyncpg", "")
    rows = asyncio.run(ceiling.hot_rows(dsn, account.id, customer, skus))
    assert [e["type"] for e in rows.events] == [
        "order.created", "inventory.updated", "inventory.updated",
    ]  # fmt: skip
    measured = ceiling.run(dsn, rows, 2, 1, make=ceiling.counter_script)
    assert measured.transactions > 0
    assert (measured.failed, measured.note) == (0, "")
    after = _counts(account)
    assert (after[0], after[1]) == (before[0], before[1])  # no order, no line
    assert after[2] - before[2] == 3 * measured.transactions
    assert all(stock_of(account, sku)["reserved"] == before[0] for sku in skus)
    sequences = [
        r[0]
        for r in _query(
            account, "SELECT sequence FROM events WHERE account_id = $1 ORDER BY sequence"
        )
    ]
    assert sequences == list(range(1, len(sequences) + 1))


def test_the_counter_watch_sees_a_holder_and_its_queue(pg_server: LiveServer) -> None:
    account = new_account(pg_server.database_url)
    dsn = account.database_url.replace("+asyncpg", "")
    bump = "UPDATE event_counters SET value = value WHERE account_id = $1 AND NOT livemode"

    async def hold_and_queue() -> tuple[Watched, Watched]:
        holder, waiter = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
        try:
            idle = await asyncio.to_thread(_watch, dsn)
            holding = holder.transaction()
            await holding.start()
            await holder.execute(bump, account.id)
            queued = asyncio.create_task(waiter.execute(bump, account.id))
            for _ in range(1000):  # until the second waits for the first (10 s at most)
                if await holder.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid = $1",
                    waiter.get_server_pid(),
                ):
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError("the second update never waited for the first")
            busy = await asyncio.to_thread(_watch, dsn)
            await holding.commit()
            await queued
            return idle, busy
        finally:
            await holder.close()
            await waiter.close()

    idle, busy = asyncio.run(hold_and_queue())
    assert idle.samples > 0
    assert (idle.held, idle.queued) == (0, 0)
    assert busy.samples > 0
    assert (busy.held, busy.queued) == (busy.samples, busy.samples)  # one held, one waits
    row = hotproduct.Row("createCustomer", "this", 20)
    row.watch(busy)
    assert row.held() == "100% / 1.0"
    # Two accounts writing: the figures are per counter (one held, the other not).
    both = hotproduct.Row("createCustomer, 2 accounts", "this", 20, accounts=2)
    both.watch(busy)
    assert both.held() == "50% / 0.5"


def _watch(dsn: str) -> Watched:
    """What the counter watch samples over a fifth of a second."""
    watch = CounterWatch(dsn).start()
    time.sleep(0.2)
    return watch.stop()


def test_server_busy_is_its_cpu_over_the_wall_time_per_process() -> None:
    row = hotproduct.Row("createOrder, hot", "this", 20, processes=2)
    assert row.busy_cell() == "—"  # nothing measured yet
    row.cpu_seconds, row.wall_seconds = 3.0, 2.0
    row.runs.append(wrk.Measured(600, 2.0, 0, 0, 0, 0, 30.0, 90.0, 120.0))
    assert row.busy == pytest.approx(75.0)
    cells = row.cells()
    assert cells[hotproduct.HEADER.index("server / machine busy")] == "75%"
    row.machine_busy, row.machine_total = 90, 100
    assert row.busy_cell() == "75% / 90%"
    assert cells[hotproduct.HEADER.index("CPU ms/req")] == "5.00"
    assert len(cells) == len(hotproduct.HEADER) == len(hotproduct.note_row("a", "b", "c"))
