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

``hot`` is issue 21's flash sale (``bench/hotrun.py``): the hot order at each
``--clients`` count, other writes beside it, the server's and the machine's CPU, the
lock histograms and the event counter watched from PostgreSQL; the database's ceiling
from pgbench, for the same statements and for the event counter alone; and with
``--workers N`` the hot order (and a small read) on ``serve --workers N`` where that
checkout's ``serve`` takes it. One table, with the issue's targets marked met or not,
and a line per write row reading it against the counter.

``createOrder`` spreads single-line orders over 20 SKUs and ``orders`` is
``orders(first: 50)`` with each order's lines and customer, as in ``bench/run.py``
(this process's own load generator).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import hotproduct, wrk  # noqa: E402
from bench.environment import (  # noqa: E402
    PG_ADMIN,
    SKUS,
    Side,
    pg_admin,
    redis_answers,
)
from bench.hotrun import HOT_SKUS, hot  # noqa: E402
from bench.loadgen import Connection  # noqa: E402
from bench.procstats import (  # noqa: E402
    busiest,
    cpu_by_process,
    tree_cpu_seconds,
)
from bench.run import (  # noqa: E402
    CREATE_ORDER,
    ORDERS_QUERY,
    Result,
    _table,
    drive,
    seed,
)
from stateset_gql.db import migrate  # noqa: E402


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
