"""``make bench``: requests per second and p50/p99 latency of the API under load.

Serves the app with uvicorn in its own process (PostgreSQL when it answers, otherwise
the embedded SQLite file), seeds customers through the domain service, and drives each
scenario with httpx at 1, 10 and 50 concurrent clients for a few seconds each. It prints
one table; nothing here is a pass/fail gate.

    python bench/run.py [--database sqlite|postgres] [--seconds 3] [--seed 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.loadgen import Connection  # noqa: E402
from stateset_gql.access import service  # noqa: E402
from stateset_gql.access.principal import Owner  # noqa: E402
from stateset_gql.customers import service as customers  # noqa: E402
from stateset_gql.db import migrate  # noqa: E402
from stateset_gql.db.engine import Database  # noqa: E402
from stateset_gql.db.uow import UnitOfWork  # noqa: E402

PG_ADMIN = os.environ.get("STATESET_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
LIST_QUERY = "{ customers(first: 50) { totalCount nodes { id email name created metadata } } }"
CREATE_QUERY = "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }"


@dataclass
class Result:
    name: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    def row(self) -> str:
        ordered = sorted(self.latencies) or [0.0]
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        rps = self.requests / self.seconds
        return (
            f"{self.name:<28} {self.clients:>7} {rps:>9.0f} "
            f"{p50:>9.2f} {p99:>9.2f} {self.errors:>7}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def seed(url: str, count: int) -> str:
    db = Database(url)
    try:
        async with db.session(write=True) as session, session.begin():
            _, keys = await service.create_account(session=session, name="Bench", plan="enterprise")
            owner_key = keys["sk_test"]
            account_id = keys["sk_test"].key.account_id
        owner = Owner(account_id=account_id, livemode=False)
        for start in range(0, count, 500):
            async with db.session(write=True) as session:
                uow = UnitOfWork(session=session)
                for i in range(start, min(start + 500, count)):
                    await customers.create(
                        uow=uow,
                        owner=owner,
                        data=customers.CustomerInput(
                            email=f"seed{i}@example.com", name=f"Seed {i}", metadata={"i": str(i)}
                        ),
                    )
                await uow.commit()
        if not db.is_sqlite:
            # Autovacuum would in time; a benchmark measures the steady state now.
            async with db.writer.connect() as conn:
                await conn.exec_driver_sql("ANALYZE")
        return owner_key.secret
    finally:
        await db.dispose()


async def drive(
    name: str,
    clients: int,
    seconds: float,
    call: Callable[[Connection, int], Awaitable[bool]],
    port: int,
) -> Result:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    counter = 0

    async def worker(http: Connection) -> None:
        nonlocal errors, counter
        while time.perf_counter() < deadline:
            counter += 1
            started = time.perf_counter()
            ok = await call(http, counter)
            latencies.append(time.perf_counter() - started)
            errors += 0 if ok else 1

    connections = [await Connection.open("127.0.0.1", port) for _ in range(clients)]
    started = time.perf_counter()
    await asyncio.gather(*(worker(connection) for connection in connections))
    elapsed = time.perf_counter() - started
    for connection in connections:
        await connection.close()
    return Result(name, clients, len(latencies), errors, elapsed, latencies)


async def scenarios(port: int, key: str, seconds: float) -> list[Result]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    list_body = orjson.dumps({"query": LIST_QUERY})
    run_id = secrets.token_hex(4)

    async def list_customers(http: Connection, _n: int) -> bool:
        response = await http.request("POST", "/graphql", list_body, headers)
        return response.status == 200 and b'"errors"' not in response.body

    async def create_customer(http: Connection, n: int) -> bool:
        # ``n`` restarts in every scenario; a fresh token keeps each e-mail unique.
        email = f"b{run_id}-{secrets.token_hex(6)}-{n}@example.com"
        variables = {"i": {"email": email, "name": "Bench"}}
        body = orjson.dumps({"query": CREATE_QUERY, "variables": variables})
        response = await http.request("POST", "/graphql", body, headers)
        return response.status == 200 and b'"errors"' not in response.body

    results = []
    for name, call in (
        ("customers(first: 50)", list_customers),
        ("createCustomer", create_customer),
    ):
        for clients in (1, 10, 50):
            results.append(await drive(name, clients, seconds, call, port))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=10_000)
    args = parser.parse_args()

    database = args.database
    pg_name = f"stateset_bench_{secrets.token_hex(4)}"
    if database in ("auto", "postgres"):
        try:
            asyncio.run(_pg_admin(f'CREATE DATABASE "{pg_name}"'))
            database = "postgres"
        except (OSError, asyncpg.PostgresError) as exc:
            if database == "postgres":
                raise
            print(f"PostgreSQL not reachable ({exc}); benchmarking SQLite")
            database = "sqlite"
    tmp = tempfile.mkdtemp()
    url = (
        f"{PG_ADMIN.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+asyncpg://')}/{pg_name}"
        if database == "postgres"
        else f"sqlite+aiosqlite:///{tmp}/bench.db"
    )
    port = free_port()
    server: subprocess.Popen[bytes] | None = None
    try:
        migrate.upgrade(url)
        print(f"seeding {args.seed} customers on {database} ...", flush=True)
        key = asyncio.run(seed(url, args.seed))
        env = {**os.environ, "STATESET_DATABASE_URL": url, "STATESET_ENV": "test",
               "STATESET_LOG_LEVEL": "WARNING"}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "stateset_gql.cli", "serve", "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}"
        _wait(base_url)
        results = asyncio.run(scenarios(port, key, args.seconds))
        print(
            f"\n{database}, {args.seed} customers seeded, {args.seconds:.0f} s a row, one worker\n"
        )
        header = ("scenario", "clients", "req/s", "p50 ms", "p99 ms", "errors")
        print(
            f"{header[0]:<28} "
            + " ".join(f"{h:>{w}}" for h, w in zip(header[1:], (7, 9, 9, 9, 7), strict=True))
        )
        for result in results:
            print(result.row())
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if database == "postgres":
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))


async def _pg_admin(sql: str) -> Any:
    conn = await asyncpg.connect(PG_ADMIN, timeout=5)
    try:
        return await conn.execute(sql)
    finally:
        await conn.close()


def _wait(base_url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


if __name__ == "__main__":
    raise SystemExit(main())
