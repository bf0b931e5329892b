"""``serve --workers 1`` against ``serve --workers 2``, side by side in one run, with wrk.

Both servers run on one seeded PostgreSQL database and one Redis (production settings:
rate limits counted and events published there), and wait idle while the other is
measured: each cell alternates the two, ``--rounds`` times, so both see the same
machine. The reads are ``GET /v1/orders?limit=20``; the writes ``createOrder`` with one
line, its SKU taken in turn from the 20 stocked ones (what bounds one hot SKU is its
row lock, not the processes: ``bench/writes.py``). Printed per cell: req/s, p50 and p99
(wrk's), the server processes' CPU per request, and the cores the machine left idle
meanwhile (what a second process could have used: with PostgreSQL, Redis and wrk on the
same cores, little); then each process's share of the CPU, which says whether the
kernel spread the connections. Nothing here is a gate.

    python bench/workers.py [--seconds 5] [--rounds 2] [--connections 1,20] [--seed 2000]
                            [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import asyncpg
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.environment import SKUS, free_port, fresh_database, redis_answers, serve  # noqa: E402
from bench.procstats import children, cpu_seconds, machine_jiffies  # noqa: E402
from bench.run import CREATE_ORDER, seed  # noqa: E402
from bench.sidebyside import Read, wrk  # noqa: E402
from bench.wrk import Measured  # noqa: E402
from stateset_gql.db import migrate  # noqa: E402

WORKERS = (1, 2)


def _reads() -> list[Read]:
    bodies = tuple(
        orjson.dumps(
            {
                "query": CREATE_ORDER,
                "variables": {
                    "i": {
                        "currency": "USD",
                        "lineItems": [
                            {"sku": sku, "name": "Bench", "quantity": 1, "unitAmount": 1999}
                        ],
                    }
                },
            }
        )
        for sku in SKUS
    )
    return [
        Read("GET /v1/orders?limit=20", "/v1/orders?limit=20", None),
        Read("createOrder (1 line, 20 SKUs in turn)", "/graphql", bodies[0], bodies),
    ]


def _processes(server: subprocess.Popen[bytes]) -> list[int]:
    """The process and its children: with --workers N, the supervisor and its N servers."""
    return [server.pid, *children(server.pid)]


def _cpu(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            found[pid] = cpu_seconds(pid)
        except OSError:
            continue
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=2, help="alternations per cell")
    parser.add_argument("--connections", default="1,20")
    parser.add_argument("--seed", type=int, default=2000)
    parser.add_argument(
        "--redis", default=os.environ.get("STATESET_TEST_REDIS", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install -y wrk); no --workers comparison")
        return 0  # make bench measures; it never fails
    if not redis_answers(args.redis):
        print(f"Redis at {args.redis} is not answering; no --workers comparison (it needs it)")
        return 0
    # Three server processes in all, on a PostgreSQL other work shares (100 connections),
    # with no overflow: a pool that opens and closes connections past its size as demand
    # wavers (5 + 5 did, with 10 wrk connections a process) costs more CPU a request
    # than a second process saves.
    os.environ.setdefault("STATESET_DB_POOL_SIZE", "10")
    os.environ.setdefault("STATESET_DB_MAX_OVERFLOW", "0")
    try:
        _, url, drop = fresh_database("postgres", "workers")
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL is not reachable ({exc}); no --workers comparison (it needs it)")
        return 0
    servers: dict[int, subprocess.Popen[bytes]] = {}
    try:
        migrate.upgrade(url)
        print(f"seeding {args.seed} orders ...", flush=True)
        key, _ = asyncio.run(seed(url, args.seed))
        ports = {n: free_port() for n in WORKERS}
        for n in WORKERS:
            servers[n] = serve(url, ports[n], args.redis, ("--workers", str(n)))
        urls = {n: f"http://127.0.0.1:{ports[n]}" for n in WORKERS}
        reads = _reads()
        for n in WORKERS:  # warm every process: pools, prepared statements, caches
            for read in reads:
                wrk(urls[n], read, key, 20, 2)
        measured: dict[tuple[str, int, int], list[Measured]] = {}
        used: dict[tuple[str, int, int], float] = {}
        # Cores left idle while a cell ran: what a second process could have had.
        idle: dict[tuple[str, int, int], float] = {}
        cores = os.cpu_count() or 1
        shares: dict[int, dict[int, float]] = {n: {} for n in WORKERS}
        for read in reads:
            for connections in [int(c) for c in args.connections.split(",")]:
                for _ in range(args.rounds):
                    for n in WORKERS:
                        pids = _processes(servers[n])
                        before = _cpu(pids)
                        machine = machine_jiffies()
                        done = wrk(urls[n], read, key, connections, args.seconds)
                        after = _cpu(pids)
                        now = machine_jiffies()
                        ticks, total = now[0] - machine[0], now[1] - machine[1]
                        cell = (read.name, connections, n)
                        idle[cell] = idle.get(cell, 0.0) + (1 - ticks / max(total, 1)) * cores
                        measured.setdefault(cell, []).append(done)
                        spent = {p: after[p] - before.get(p, 0.0) for p in after}
                        requests = done.requests_per_second * args.seconds
                        used[cell] = used.get(cell, 0.0) + sum(spent.values()) / max(requests, 1)
                        for pid, seconds in spent.items():
                            shares[n][pid] = shares[n].get(pid, 0.0) + seconds
        print(
            f"\n--workers 1 and 2 side by side, wrk on loopback, {args.seconds:.0f} s a run, "
            f"{args.rounds} runs a cell, PostgreSQL and Redis on the same machine:\n"
        )
        print(
            "| request | conn | 1 worker: req/s, p50, p99, CPU/req, cores idle | 2 workers | gain |"
        )
        print("|---|---|---|---|---|")
        for read in reads:
            for connections in [int(c) for c in args.connections.split(",")]:
                cells = []
                rates = []
                for n in WORKERS:
                    runs = measured[(read.name, connections, n)]
                    rate = sum(m.requests_per_second for m in runs) / len(runs)
                    p50 = sum(m.p50_ms for m in runs) / len(runs)
                    p99 = max(m.p99_ms for m in runs)
                    errors = sum(m.errors for m in runs)
                    cpu = used[(read.name, connections, n)] / len(runs) * 1000
                    spare = idle[(read.name, connections, n)] / len(runs)
                    cells.append(
                        f"{rate:,.0f}, {p50:.1f} ms, {p99:.1f} ms, {cpu:.2f} ms, {spare:.2f}"
                        + (f" ({errors} errors)" if errors else "")
                    )
                    rates.append(rate)
                print(
                    f"| {read.name} | {connections} | {cells[0]} | {cells[1]} | "
                    f"{rates[1] / rates[0]:.2f}x |"
                )
        working = {pid: s for pid, s in shares[2].items() if s > 0.5}
        whole = sum(working.values()) or 1.0
        print(
            "\nwith --workers 2, each busy process's share of the servers' CPU: "
            + ", ".join(f"{pid} {s / whole:.0%}" for pid, s in sorted(working.items()))
        )
        return 0
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=30)
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
