"""Writes on PostgreSQL: a hot product under wrk, and ``createOrder`` and the orders page
before and after a change, side by side in one run.

One PostgreSQL database (made by this checkout's migrations and seeded as
``bench/run.py`` seeds it) and a server per side: ``this`` runs this checkout; with
``--before DIR``, ``after`` runs this checkout and ``before`` the code of DIR, a copy of
an older commit run with this same virtualenv (its directory goes first on
``PYTHONPATH``). Each row alternates the sides at the same concurrency, so both see the
same machine and the same database state. The servers publish through Redis when
``--redis`` answers (production's setting), else ``memory://``. Nothing here is a pass/fail gate.

    git worktree add /tmp/base <commit>        # or: git archive <commit> | tar -x -C DIR
    python bench/writes.py [--before /tmp/base] [--seconds 5] [--clients 1,20]
                           [--scenarios hot,createOrder,orders] [--workers 2]

``hot`` is issue 21's flash sale (``bench/hotproduct.py``): every order for one customer
and the same two SKUs, driven by wrk at each ``--clients`` count, then ``payOrder`` and
``createCustomer`` at one connection, and at the widest count writes that lock no hot
stock row (orders spread over the 20 SKUs, new customers on one account, and the same
load over two accounts: two counters); each with the server's CPU a
request (user + system of its processes over the run / requests), how busy the server
and the machine were (CPU over the run's wall time), how long stock rows and the
account's event counter stayed locked (when the server exports it), and how much of
the run the counter was held, writers queued for it (``bench/counterwatch.py``); beside
them the database's ceiling, pgbench sending the same statements on the same rows, and
the event counter alone, which every write takes (``bench/ceiling.py``). A write row
whose counter is held part of the run while the CPU is busy all of it is bound by CPU,
not by the counter. With ``--workers N``, the hot order (and a small read) on
``serve --workers N`` where that checkout's ``serve`` takes it. One table, with the
issue's targets marked met or not.

``createOrder`` spreads single-line orders over 20 SKUs and ``orders`` is
``orders(first: 50)`` with each order's lines and customer, as in ``bench/run.py``
(this process's own load generator).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path

import asyncpg
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ceiling, hotproduct, wrk  # noqa: E402
from bench.counterwatch import CounterWatch  # noqa: E402
from bench.environment import (  # noqa: E402
    PG_ADMIN,
    SKUS,
    free_port,
    pg_admin,
    redis_answers,
    serve,
    serve_options,
)
from bench.loadgen import Connection  # noqa: E402
from bench.procstats import (  # noqa: E402
    busiest,
    cpu_by_process,
    machine_jiffies,
    tree_cpu_seconds,
)
from bench.run import (  # noqa: E402
    CREATE_ORDER,
    CUSTOMERS_QUERY,
    ORDERS_QUERY,
    Result,
    _table,
    drive,
    seed,
)
from stateset_gql.access.service import create_account  # noqa: E402
from stateset_gql.db import migrate  # noqa: E402
from stateset_gql.db.engine import Database  # noqa: E402

HOT_SKUS = SKUS[:2]
HOT_ORDER = hotproduct.Target(per_second=500, p99_ms=100, cpu_ms=1.5, clean=True)
HOT_ORDER_ONE = hotproduct.Target(per_second=250, cpu_ms=1.5)
PER_WRITE = hotproduct.Target(cpu_ms=1.5)
# A share of the run above which the counter, or the server's one core, is at its limit
# (a counter is also, whatever its share, when a writer or more waits for it on average:
# the hand-over from one holder to the next is time it is held by nobody).
SATURATED = 0.9


async def create_orders(port: int, key: str, clients: int, seconds: float, name: str) -> Result:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    run_id = secrets.token_hex(4)

    async def call(http: Connection, n: int) -> bool:
        line = {"sku": SKUS[n % 20], "name": f"b{run_id}", "quantity": 1, "unitAmount": 1999}
        variables = {"i": {"currency": "USD", "lineItems": [line]}}
        body = orjson.dumps({"query": CREATE_ORDER, "variables": variables})
        response = await http.request("POST", "/graphql", body, headers)
        return response.status == 200 and b'"errors"' not in response.body

    return await drive(name, clients, seconds, call, port)


async def read_orders(port: int, key: str, clients: int, seconds: float, name: str) -> Result:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = orjson.dumps({"query": ORDERS_QUERY})

    async def call(http: Connection, _n: int) -> bool:
        response = await http.request("POST", "/graphql", body, headers)
        return response.status == 200 and b'"errors"' not in response.body

    return await drive(name, clients, seconds, call, port)


Scenario = Callable[[int, str, int, float, str], Coroutine[None, None, Result]]
SCENARIOS: dict[str, Scenario] = {"createOrder": create_orders, "orders": read_orders}
HOT = "hot"


class Side:
    """One checkout's code and the server running it."""

    def __init__(self, name: str, code: Path, url: str, broadcast: str) -> None:
        self.name, self.code, self.url, self.broadcast = name, code, url, broadcast
        self.port = free_port()
        self.server: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, extra: tuple[str, ...] = ()) -> Side:
        self.server = serve(self.url, self.port, self.broadcast, extra, code=self.code)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    @property
    def dsn(self) -> str:
        return self.url.replace("postgresql+asyncpg://", "postgresql://")

    @property
    def pid(self) -> int:
        assert self.server is not None
        return self.server.pid


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
    """Each write row at a concurrency the counter was measured at, beside the counter's
    rate: how busy the server was, how much of the run the counter was held and for how
    long a write (the share over the rate), and which of the two was at its limit."""
    lines = []
    for row in done:
        allowed = counter.get(row.connections)
        if allowed is None or row.connections == 1 or not row.per_second:
            continue
        watched = row.watched
        held = watched.held_share(row.accounts) if watched is not None else None
        queued = watched.mean_queued(row.accounts) if watched is not None else None
        cpu = max(row.busy or 0.0, row.machine or 0.0)
        if (held is not None and held >= SATURATED) or (queued is not None and queued >= 1):
            reading = "the counter is saturated: writers queue for it, it bounds the row"
        elif cpu >= SATURATED * 100:
            reading = "the CPU (the server's, or the machine's) bounds it, not the counter"
        else:
            reading = "neither the counter nor the CPU is at its limit"
        per_write = "—" if held is None else f"{held * row.accounts / row.per_second * 1000:.1f} ms"
        lines.append(
            f"  {row.name} ({row.side}, {row.connections} conn): {row.per_second:,.0f}/s, "
            f"server / machine busy {row.busy_cell()}, counter held / queued {row.held()} "
            f"({per_write} a write); the counter alone: {allowed:,.0f}/s at "
            f"{row.connections} clients, {allowed / row.per_second:.1f}x. {reading}"
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


def loadgen_rows(sides: list[Side], key: str, chosen: list[str], args: argparse.Namespace) -> None:
    """``createOrder`` over 20 SKUs and the orders page, on this process's load generator."""
    counts = [int(c) for c in args.clients.split(",")]
    for side in sides:
        for run in SCENARIOS.values():
            asyncio.run(run(side.port, key, 20, 1.0, side.name))
    results: list[Result] = []
    cpu: list[str] = []
    for scenario in chosen:
        run = SCENARIOS[scenario]
        for clients in counts:
            runs: dict[str, list[Result]] = {side.name: [] for side in sides}
            used = {side.name: 0.0 for side in sides}
            for _ in range(args.rounds):
                for side in sides:
                    start = tree_cpu_seconds(side.pid)
                    label = f"{scenario} {side.name}"
                    runs[side.name].append(
                        asyncio.run(run(side.port, key, clients, args.seconds, label))
                    )
                    used[side.name] += tree_cpu_seconds(side.pid) - start
            for name, done in runs.items():
                per = used[name] / max(sum(r.requests for r in done), 1) * 1000
                cpu.append(f"  {scenario:<12} {name:<7} {clients:>3} clients: {per:.2f} ms")
                results.append(
                    Result(
                        done[0].name, clients, sum(r.requests for r in done),
                        sum(r.errors for r in done), sum(r.seconds for r in done),
                        [lat for r in done for lat in r.latencies],
                    )
                )  # fmt: skip
    print(f"\n{', '.join(chosen)}: {args.seconds:.0f} s x {args.rounds} a row\n")
    _table(results)
    print("\nthe server's CPU per request (user + system):")
    print("\n".join(cpu))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, help="a checkout of the old code, side by side")
    parser.add_argument("--seconds", type=float, default=5.0, help="a run (default 5)")
    parser.add_argument("--clients", default="1,20", help="connections, comma separated")
    parser.add_argument("--seed", type=int, default=1000, help="orders seeded first")
    parser.add_argument("--rounds", type=int, default=2, help="alternations per row")
    parser.add_argument(
        "--scenarios", default="hot,createOrder,orders", help=f"of {HOT}, {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--workers", type=int, default=0, help="also serve --workers N (hot)")
    parser.add_argument(
        "--redis",
        default=os.environ.get("STATESET_TEST_REDIS", "redis://127.0.0.1:6379/0"),
        help="the servers' broadcast when it answers, else memory://",
    )
    args = parser.parse_args()
    chosen = args.scenarios.split(",")
    unknown = set(chosen) - {HOT, *SCENARIOS}
    if unknown:
        parser.error(
            f"unknown scenarios {sorted(unknown)}; choose from {HOT}, {', '.join(SCENARIOS)}"
        )
    if args.before is not None and not (args.before / "stateset_gql").is_dir():
        parser.error(f"--before {args.before}: no stateset_gql package there")
    if args.rounds < 1 or args.workers < 0 or args.seconds <= 0:
        parser.error("--rounds must be at least 1, --seconds above 0, --workers 0 or more")
    if HOT in chosen and (why := wrk.missing()) is not None:
        parser.error(f"the {HOT} scenario needs wrk: {why}")
    name = f"stateset_bench_{secrets.token_hex(4)}"
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    dsn = f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    url = dsn.replace("postgresql://", "postgresql+asyncpg://")
    broadcast = args.redis if redis_answers(args.redis) else "memory://"
    code = {"before": args.before.resolve(), "after": ROOT} if args.before else {"this": ROOT}
    sides = [Side(side, path, url, broadcast) for side, path in code.items()]
    others = cpu_by_process()
    try:
        migrate.upgrade(url)
        print(f"seeding {args.seed} orders ...", flush=True)
        key, account_id = asyncio.run(seed(url, args.seed))
        for side in sides:
            side.start()
        mine = {os.getpid(), *(side.pid for side in sides)}
        load = os.getloadavg()[0]
        if HOT in chosen:
            rows, against = hot(sides, key, account_id, args, dsn)
            print(f"\nhot product: one customer, {' and '.join(HOT_SKUS)} in every order; wrk, "
                  f"{args.seconds:.0f} s x {args.rounds} a row (p50: the rounds' median; p99 "
                  "and max: the worst round's); server / machine busy: the server's CPU "
                  "over the run's wall time, % of one core per server process / the "
                  "machine's, % of all its cores; locks: "
                  "stateset_stock_lock_seconds, stateset_event_counter_lock_seconds (the "
                  "counter's from its statement sent, waiting included, to the "
                  "commit); counter held / queued: the share of the run a transaction "
                  "held the event counter, and how many waited for it on average "
                  "(pg_locks, every 10 ms)\n")  # fmt: skip
            print(hotproduct.table(rows))
            if against:
                print("\nthe event counter's ceiling (pgbench, the counter alone) against "
                      "the writes that take it:\n" + "\n".join(against))  # fmt: skip
            lock = hotproduct.HEADER.index("stock lock p50/p99 ms")
            if all(r[lock] == "—" for r in rows):
                print(f"\nno {hotproduct.LOCK_METRIC} histogram at /metrics: lock times not shown")
        if loadgen := [s for s in chosen if s in SCENARIOS]:
            loadgen_rows(sides, key, loadgen, args)
        print(f"\nPostgreSQL local, broadcast {broadcast}, before: {args.before or '—'}; load "
              f"average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end; CPU "
              f"meanwhile of the other processes still running (postgres includes this run's "
              f"backends): {busiest(others, mine) or 'none'}")  # fmt: skip
        return 0
    finally:
        for side in sides:
            side.stop()
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    raise SystemExit(main())
