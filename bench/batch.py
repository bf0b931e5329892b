"""``POST /v1/batch`` against the same work one request at a time: 1,000 customer
creations sent one by one (one client, keep-alive), then as one batch, then as one atomic
batch (issue 22's goal: the batch under 2 s). Every creation is a write with its event.

Serves a fresh database (PostgreSQL when it answers) with an unlimited account, as
``bench/sdks.py`` does, and prints the three side by side.

    python bench/batch.py [--database sqlite|postgres|auto] [--count 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.environment import free_port, fresh_database, serve
from stateset_gql.access import service
from stateset_gql.db import migrate
from stateset_gql.db.engine import Database


async def account(url: str) -> str:
    """An enterprise account with nothing configured: no limit stops the bench."""
    db = Database(url)
    try:
        async with db.session(write=True) as session, session.begin():
            _, keys = await service.create_account(session=session, name="Batch", plan="enterprise")
        return keys["sk_test"].secret
    finally:
        await db.dispose()


def creations(count: int) -> list[dict[str, object]]:
    run = secrets.token_hex(4)
    return [
        {"method": "POST", "path": "/v1/customers",
         "body": {"email": f"batch-{run}-{i}@example.com", "name": f"Customer {i}"}}
        for i in range(count)
    ]  # fmt: skip


def one_at_a_time(http: httpx.Client, count: int) -> float:
    started = time.perf_counter()
    for operation in creations(count):
        http.post("/v1/customers", json=operation["body"]).raise_for_status()
    return time.perf_counter() - started


def as_batch(http: httpx.Client, count: int, *, atomic: bool) -> float:
    body = {"operations": creations(count), "atomic": atomic}
    started = time.perf_counter()
    response = http.post("/v1/batch", json=body).raise_for_status()
    elapsed = time.perf_counter() - started
    statuses = {r["status"] for r in response.json()["results"]}
    assert statuses == {201}, statuses
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    database, url, drop = fresh_database(args.database, "batchbench")
    port = free_port()
    server = None
    try:
        migrate.upgrade(url)
        key = asyncio.run(account(url))
        server = serve(url, port, "memory://")
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=300
        ) as http:
            as_batch(http, 50, atomic=False)  # warm: documents parsed, pool filled
            one_at_a_time(http, 50)
            measured: dict[str, list[float]] = {"one at a time": [], "batch": [], "atomic": []}
            for _ in range(args.rounds):
                measured["one at a time"].append(one_at_a_time(http, args.count))
                measured["batch"].append(as_batch(http, args.count, atomic=False))
                measured["atomic"].append(as_batch(http, args.count, atomic=True))
        print(
            f"\n{args.count} customer creations on {database}, median of {args.rounds} rounds "
            "(goal: a batch under 2 s):"
        )
        print(f"  {'how':<16} {'seconds':>8} {'per s':>8} {'vs alone':>9}")
        alone = statistics.median(measured["one at a time"])
        for how, times in measured.items():
            seconds = statistics.median(times)
            rate = args.count / seconds
            print(f"  {how:<16} {seconds:>8.2f} {rate:>8.0f} {alone / seconds:>8.1f}x")
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
