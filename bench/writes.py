"""``createOrder`` and the orders page before and after a change, side by side in one run.

Two servers on one PostgreSQL database (made by this checkout's migrations and seeded as
``bench/run.py`` seeds it): one runs this checkout, the other the code of ``--before``, a
git worktree of an older commit run with this same virtualenv (its directory goes first
on ``PYTHONPATH``). Each row alternates the two at the same concurrency, so both see the
same machine and the same database state. Nothing here is a pass/fail gate.

    git worktree add /tmp/base <commit>
    python bench/writes.py --before /tmp/base [--seconds 5] [--clients 1,20]
                           [--scenarios createOrder,orders]

``orders`` is ``orders(first: 50)`` with each order's lines and customer, as in
``bench/run.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.environment import PG_ADMIN, SKUS, free_port, pg_admin, wait_healthy  # noqa: E402
from bench.loadgen import Connection  # noqa: E402
from bench.run import CREATE_ORDER, ORDERS_QUERY, Result, _table, drive, seed  # noqa: E402
from stateset_gql.db import migrate  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(code: Path, url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "STATESET_DATABASE_URL": url,
        "STATESET_ENV": "test",
        "STATESET_LOG_LEVEL": "WARNING",
        "STATESET_BROADCAST_URL": "memory://",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "stateset_gql.cli", "serve", "--port", str(port)],
        env=env, cwd=code, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wait_healthy(f"http://127.0.0.1:{port}")
    return server


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, type=Path, help="a worktree of the old code")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,20")
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2, help="alternations per row")
    parser.add_argument("--scenarios", default="createOrder,orders", help=", ".join(SCENARIOS))
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",")]
    chosen = args.scenarios.split(",")
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {', '.join(SCENARIOS)}")
    name = f"stateset_bench_{secrets.token_hex(4)}"
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    servers: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(url)
        print(f"seeding {args.seed} orders ...", flush=True)
        key, _ = asyncio.run(seed(url, args.seed))
        sides = {"before": args.before.resolve(), "after": ROOT}
        ports = {side: free_port() for side in sides}
        for side, code in sides.items():
            servers.append(serve(code, url, ports[side]))
        # Warm both: prepared statements, caches, the pool's connections.
        for side in sides:
            for run in SCENARIOS.values():
                asyncio.run(run(ports[side], key, 20, 1.0, side))
        pids = dict(zip(sides, (server.pid for server in servers), strict=True))
        results: list[Result] = []
        cpu: list[str] = []
        for scenario in chosen:
            run = SCENARIOS[scenario]
            for clients in counts:
                runs: dict[str, list[Result]] = {side: [] for side in sides}
                used = dict.fromkeys(sides, 0.0)
                for _ in range(args.rounds):
                    for side in sides:
                        start = cpu_seconds(pids[side])
                        label = f"{scenario} {side}"
                        runs[side].append(
                            asyncio.run(run(ports[side], key, clients, args.seconds, label))
                        )
                        used[side] += cpu_seconds(pids[side]) - start
                for side, done in runs.items():
                    served = sum(r.requests for r in done)
                    per = used[side] / max(served, 1) * 1000
                    cpu.append(f"  {scenario:<12} {side:<7} {clients:>3} clients: {per:.2f} ms")
                for done in runs.values():
                    results.append(
                        Result(
                            done[0].name, clients, sum(r.requests for r in done),
                            sum(r.errors for r in done), sum(r.seconds for r in done),
                            [lat for r in done for lat in r.latencies],
                        )
                    )  # fmt: skip
        print(f"\npostgres, {args.seconds:.0f} s x {args.rounds} a row, before: {args.before}\n")
        _table(results)
        print("\nthe server process's CPU per request (user + system):")
        print("\n".join(cpu))
        return 0
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    raise SystemExit(main())
