"""The hot scenario of ``bench/writes.py``: the rows it measures and how.

Every order for one customer and the same two SKUs (``bench/hotproduct.py``'s scripts),
driven by wrk at each ``--clients`` count, then ``payOrder`` and ``createCustomer`` at
one connection, and at the widest count writes that lock no hot stock row: orders
spread over the 20 SKUs, new customers on one account, and the same load over two
accounts (two event counters). Each row alternates the sides; each run is measured with
the server's and the machine's CPU over its wall time, the lock histograms the server
exports, and the event counter watched from PostgreSQL (``bench/counterwatch.py``).
Then the database's ceiling from pgbench (``bench/ceiling.py``): the hot order's
statements, and the event counter alone; and a line per write row reading it against
the counter.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

import asyncpg
import orjson

from bench import ceiling, hotproduct, wrk
from bench.counterwatch import CounterWatch
from bench.environment import SKUS, Side, serve_options
from bench.procstats import machine_jiffies, tree_cpu_seconds
from bench.run import CREATE_ORDER, CUSTOMERS_QUERY
from stateset_gql.access.service import create_account
from stateset_gql.db.engine import Database

HOT_SKUS = SKUS[:2]
HOT_ORDER = hotproduct.Target(per_second=500, p99_ms=100, cpu_ms=1.5, clean=True)
HOT_ORDER_ONE = hotproduct.Target(per_second=250, cpu_ms=1.5)
PER_WRITE = hotproduct.Target(cpu_ms=1.5)
# A share of the run above which the counter, or the server's one core, is at its limit
# (a counter is also, whatever its share, when a writer or more waits for it on average:
# the hand-over from one holder to the next is time it is held by nobody).
SATURATED = 0.9


def measure(side: Side, row: hotproduct.Row, script: str | list[str], seconds: float) -> None:
    """One wrk run of ``script`` (or of several at once, sharing the row's connections)
    on ``side``'s server into ``row``: its figures, the server's and the machine's CPU
    and the wall time they were read over, the lock histograms' observations and the
    counter's watch meanwhile."""
    buckets = hotproduct.lock_buckets(side.base_url)
    counter = hotproduct.lock_buckets(side.base_url, hotproduct.COUNTER_METRIC)
    watch = CounterWatch(side.dsn).start()
    start, began, machine = tree_cpu_seconds(side.pid), time.monotonic(), machine_jiffies()
    url, scripts = side.base_url + "/graphql", [script] if isinstance(script, str) else script
    row.runs.append(wrk.run_together(url, scripts, row.connections, seconds))
    row.cpu_seconds += tree_cpu_seconds(side.pid) - start
    row.wall_seconds += time.monotonic() - began
    busy, total = machine_jiffies()
    row.machine_busy += busy - machine[0]
    row.machine_total += total - machine[1]
    row.watch(watch.stop())
    after = hotproduct.lock_buckets(side.base_url)
    if buckets is not None and after is not None:
        row.observe_lock(buckets, after)
    counter_after = hotproduct.lock_buckets(side.base_url, hotproduct.COUNTER_METRIC)
    if counter is not None and counter_after is not None:
        row.observe_counter(counter, counter_after)


async def _first_customers(dsn: str, account_id: str, count: int) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        found = await conn.fetch(
            "SELECT id FROM customers WHERE account_id = $1 ORDER BY id LIMIT $2",
            account_id,
            count,
        )
        return [str(row["id"]) for row in found]
    finally:
        await conn.close()


async def _another_account(url: str) -> str:
    """A second enterprise account, with nothing in it; its secret test key."""
    db = Database(url)
    try:
        async with db.session(write=True) as session, session.begin():
            _, keys = await create_account(session=session, name="Bench 2", plan="enterprise")
        return keys["sk_test"].secret
    finally:
        await db.dispose()


async def _pending_orders(dsn: str, account_id: str, customer_id: str) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT id FROM orders WHERE account_id = $1 AND customer_id = $2 "
            "AND status = 'pending' ORDER BY id",
            account_id,
            customer_id,
        )
        return [row["id"] for row in rows]
    finally:
        await conn.close()


def hot(
    sides: list[Side], key: str, account_id: str, args: argparse.Namespace, dsn: str
) -> tuple[list[list[str]], list[str]]:
    """The hot-product rows, each alternating the sides ``args.rounds`` times, and the
    lines that compare them with the event counter's ceiling.

    Beside the hot order, writes that lock no hot stock row at the widest concurrency:
    orders spread over the 20 SKUs, and new customers. Every one of them still takes
    the account's event counter. A row whose counter is held only part of the run, with
    the server (or the machine) busy all of it, is bound by CPU, not by the counter; one
    whose counter is held all the run, writers queued for it, is bound by how long the
    server holds the counter a write, against what PostgreSQL needs for it (pgbench,
    the counter alone)."""
    counts = [int(c) for c in args.clients.split(",")]
    wide = max(counts)
    # The spread orders are another customer's: the hot customer's pending orders are
    # the hot order's, and its newest is what pgbench sends.
    customer, other = asyncio.run(_first_customers(dsn, account_id, 2))
    order = hotproduct.create_order_script(key, CREATE_ORDER, customer, HOT_SKUS)
    spread = hotproduct.spread_order_script(key, CREATE_ORDER, other, SKUS)
    for side in sides:  # warm: prepared statements, caches, the pool's connections
        wrk.run(side.base_url + "/graphql", order, 20, 1)
    done: list[hotproduct.Row] = []

    def alternate(
        name: str,
        connections: int,
        target: hotproduct.Target,
        script: Callable[[Side, int], str | list[str]],
        accounts: int = 1,
    ) -> None:
        rows = [
            hotproduct.Row(name, s.name, connections, accounts=accounts, target=target)
            for s in sides
        ]
        for round_ in range(args.rounds):
            for side, row in zip(sides, rows, strict=True):
                measure(side, row, script(side, round_), args.seconds)
        done.extend(rows)

    for connections in counts:
        target = HOT_ORDER if connections >= 20 else HOT_ORDER_ONE
        alternate("createOrder, hot", connections, target, lambda _s, _r: order)
    if wide > 1:
        alternate("createOrder, 20 SKUs", wide, hotproduct.Target(), lambda _s, _r: spread)
    pending = asyncio.run(_pending_orders(dsn, account_id, customer))
    share = max(1, len(pending) // (len(sides) * args.rounds))

    def pay(side: Side, round_: int) -> str:
        at = (sides.index(side) * args.rounds + round_) * share
        return hotproduct.pay_order_script(key, pending[at : at + share] or pending[:1])

    alternate("payOrder", 1, PER_WRITE, pay)
    alternate("createCustomer", 1, PER_WRITE, lambda _s, _r: hotproduct.create_customer_script(key))
    if wide > 1:
        alternate("createCustomer", wide, hotproduct.Target(),
                  lambda _s, _r: hotproduct.create_customer_script(key))  # fmt: skip
        # The same load on two accounts, half the connections each: two counters. What
        # it gains over one account is what the one counter cost.
        other = asyncio.run(_another_account(sides[0].url))
        alternate("createCustomer, 2 accounts", wide, hotproduct.Target(),
                  lambda _s, _r: [hotproduct.create_customer_script(k) for k in (key, other)],
                  accounts=2)  # fmt: skip
    rows = [row.cells() for row in done]
    if args.workers:
        rows += _workers(sides, key, args, order, counts)
    ceilings, counter = _ceiling(dsn, account_id, customer, counts, args)
    return rows + ceilings, _against_counter(done, counter)


def _against_counter(done: list[hotproduct.Row], counter: dict[int, float]) -> list[str]:
    """Each write row at a concurrency the counter was measured at: how busy the server
    and the machine were, how much of the run the counter was held and how many queued
    for it, the rate the counter allows as the server holds it (a write per hold) and
    alone (pgbench), and which of counter and CPU was at its limit."""
    lines = []
    for row in done:
        allowed = counter.get(row.connections)
        if allowed is None or row.connections == 1 or not row.per_second:
            continue
        watched = row.watched
        held = watched.held_share(row.accounts) if watched is not None else None
        queued = watched.mean_queued(row.accounts) if watched is not None else None
        busy = max(row.busy or 0.0, row.machine or 0.0) >= SATURATED * 100
        full = (held is not None and held >= SATURATED) or (queued is not None and queued >= 1)
        if full and busy:
            reading = (
                "both at their limit: writers queue for the counter, and the CPU is busy "
                "all the run (two accounts, two counters, show what the one costs)"
            )
        elif full:
            reading = "the counter is saturated: writers queue for it, it bounds the row"
        elif busy:
            reading = "the CPU (the server's, or the machine's) bounds it, not the counter"
        else:
            reading = "neither the counter nor the CPU is at its limit"
        # The counters as the server holds them let through a write per hold: the rate
        # over the share of the run each was held (with two accounts, both together).
        as_held = "—" if not held else f"{row.per_second / held:,.0f}/s"
        lines.append(
            f"  {row.name} ({row.side}, {row.connections} conn): {row.per_second:,.0f}/s, "
            f"server / machine busy {row.busy_cell()}, counter held / queued {row.held()}; "
            f"the counter allows {as_held} as the server holds it, {allowed:,.0f}/s alone "
            f"(pgbench, {row.connections} clients). {reading}"
        )
    return lines


def _workers(
    sides: list[Side], key: str, args: argparse.Namespace, order: str, counts: list[int]
) -> list[list[str]]:
    """The hot order and ``customers(first: 50)`` on ``serve --workers N`` (and the read
    on the single process too, for the gain), where that side's ``serve`` takes it."""
    rows: list[list[str]] = []
    read = (
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
        f"wrk.body = {wrk.lua_string(orjson.dumps({'query': CUSTOMERS_QUERY}).decode())}\n"
    )
    for side in sides:
        label = f"{side.name}, {args.workers} workers"
        if "--workers" not in serve_options(side.code):
            rows.append(hotproduct.note_row(f"serve --workers {args.workers}", label,
                        "skipped: this checkout's serve has no --workers"))  # fmt: skip
            continue
        if side.broadcast == "memory://":
            rows.append(hotproduct.note_row(f"serve --workers {args.workers}", label,
                        "skipped: --workers needs Redis (see --redis)"))  # fmt: skip
            continue
        single = hotproduct.Row("customers(first: 50)", side.name, 20)
        measure(side, single, read, args.seconds)
        rows.append(single.cells())
        many = Side(side.name, side.code, side.url, side.broadcast)
        many.start(("--workers", str(args.workers)))
        try:
            wrk.run(many.base_url + "/graphql", order, 20, 1)
            for connections in counts:
                target = HOT_ORDER if connections >= 20 else HOT_ORDER_ONE
                row = hotproduct.Row(
                    "createOrder, hot", label, connections, processes=args.workers, target=target
                )
                for _ in range(args.rounds):
                    measure(many, row, order, args.seconds)
                rows.append(row.cells())
            row = hotproduct.Row("customers(first: 50)", label, 20, processes=args.workers)
            measure(many, row, read, args.seconds)
            rows.append(row.cells())
        finally:
            many.stop()
    return rows


def _ceiling(
    dsn: str, account_id: str, customer: str, counts: list[int], args: argparse.Namespace
) -> tuple[list[list[str]], dict[int, float]]:
    """pgbench's rows: one hot order's statements, and the event counter alone, at each
    count; and the counter's rate by count."""
    why = ceiling.missing()
    if why is not None:
        return [hotproduct.note_row("pgbench ceiling", "database", f"skipped: {why}")], {}
    hot_rows = asyncio.run(ceiling.hot_rows(dsn, account_id, customer, HOT_SKUS))
    rows, counter = [], {}
    kinds = [
        ("pgbench: the same statements", ceiling.script, "the ceiling"),
        ("pgbench: the event counter alone", ceiling.counter_script, "the counter's"),
    ]
    for name, make, target in kinds:
        for clients in counts:
            runs = [
                ceiling.run(dsn, hot_rows, clients, args.seconds, make=make)
                for _ in range(args.rounds)
            ]
            transactions = sum(r.transactions for r in runs)
            per_second = transactions / sum(r.seconds for r in runs)
            if make is ceiling.counter_script:
                counter[clients] = per_second
            failed = sum(r.failed for r in runs)
            notes = "; ".join(sorted({r.note for r in runs if r.note}))
            rows.append([
                name, "database", str(clients), f"{per_second:,.0f}",
                f"{sorted(r.p50_ms for r in runs)[len(runs) // 2]:.1f}",
                f"{max(r.p99_ms for r in runs):.1f}", f"{max(r.max_ms for r in runs):.0f}",
                f"{failed} failed" if failed else "0", "—", "—", "—", "—", "—", target, notes,
            ])  # fmt: skip
    return rows, counter
