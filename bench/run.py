"""``make bench``: requests per second and p50/p99 latency of the API under load.

Serves the app with uvicorn in its own process (PostgreSQL when it answers, otherwise
the embedded SQLite file), seeds 10,000 orders (with customers and stock) through the
domain services, and drives each scenario over keep-alive connections at 1, 10 and 50
concurrent clients for a few seconds each. It prints one table; nothing here is a
pass/fail gate.

Then one ``stateset-gql worker`` delivers webhooks to a local receiver that answers 200
at once (``bench/webhooks.py``): signed deliveries a second and commit-to-receipt p50/p99.
``--only webhooks`` runs that scenario alone, with no orders seeded.

Then, on a server whose broadcast (and so its rate-limit counter) is Redis, it runs
``customers(first: 50)`` with the account's rate limits off and on, side by side, and
prints their ratio: what counting every request in Redis costs.

    python bench/run.py [--database sqlite|postgres] [--seconds 3] [--seed 10000]
                        [--redis redis://127.0.0.1:6379/0] [--webhooks 5000]

The WebSocket subscribers benchmark is ``bench/subscribers.py`` (its own options);
the hot-product writes are ``bench/writes.py --scenarios hot``; ``make bench`` runs them all.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import sidebyside  # noqa: E402
from bench.environment import SKUS, free_port, fresh_database, redis_answers, serve  # noqa: E402
from bench.loadgen import Connection  # noqa: E402
from bench.webhooks import run_scenario as webhook_scenario  # noqa: E402
from stateset_gql.access import service  # noqa: E402
from stateset_gql.access.principal import Principal  # noqa: E402
from stateset_gql.access.ratelimits import UNLIMITED, PlanLimits  # noqa: E402
from stateset_gql.customers import service as customers  # noqa: E402
from stateset_gql.db import migrate  # noqa: E402
from stateset_gql.db.engine import Database  # noqa: E402
from stateset_gql.db.owner import Owner  # noqa: E402
from stateset_gql.db.uow import UnitOfWork, take_notices  # noqa: E402
from stateset_gql.graphql.render import standalone_renderer  # noqa: E402
from stateset_gql.graphql.schema import build_schema  # noqa: E402
from stateset_gql.inventory import service as inventory  # noqa: E402
from stateset_gql.orders import service as orders  # noqa: E402
from stateset_gql.orders.validation import LineItemInput  # noqa: E402
from stateset_gql.realtime.outbox import announce  # noqa: E402
from stateset_gql.rest.operations import operation_for  # noqa: E402
from stateset_gql.rest.routes import ROUTES  # noqa: E402

ORDERS_QUERY = (
    "{ orders(first: 50) { nodes { id amount currency status created "
    "lineItems { sku name quantity unitAmount amount } customer { id email name } } } }"
)
CREATE_ORDER = (
    "mutation($i: CreateOrderInput!) { createOrder(input: $i) { id amount status "
    "lineItems { sku quantity } } }"
)
CUSTOMERS_QUERY = "{ customers(first: 50) { nodes { id email name created metadata } } }"
GRAPHQL_SIDE = "graphql: /v1/orders' selection"
# REST against the same GraphQL document: 20 a page, since a client's document is held to
# the cost limit (10,000) and the full order selection of 50 costs about 20,000.
SAME_PAGE = 20
REST_SIDE = f"GET /v1/orders?limit={SAME_PAGE}"
LIMITS_OFF = "customers, rate limits off"
LIMITS_ON = "customers, rate limits on"
# Every window and a concurrency slot counted, none ever reached.
BENCH_LIMITS = PlanLimits(10_000_000, 100_000_000, 1_000_000, 100_000)


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
            f"{self.name:<32} {self.clients:>7} {rps:>9.0f} "
            f"{p50:>9.2f} {p99:>9.2f} {self.errors:>7}"
        )


async def seed(url: str, count: int) -> tuple[str, str]:
    """An enterprise account with 1,000 customers, 20 stocked SKUs and ``count`` orders of
    two lines each, every one through the domain services (reservations and events)."""
    db = Database(url)
    try:
        async with db.session(write=True) as session, session.begin():
            _, keys = await service.create_account(session=session, name="Bench", plan="enterprise")
        owner = Owner(account_id=keys["sk_test"].key.account_id, livemode=False)
        customer_ids: list[str] = []
        async with db.session(write=True) as session:
            uow = UnitOfWork(session=session, render=standalone_renderer())
            for i in range(1000):
                made = await customers.create(
                    uow=uow, owner=owner,
                    data=customers.CustomerInput(email=f"seed{i}@example.com", name=f"Seed {i}"),
                )  # fmt: skip
                customer_ids.append(made.id)
            for sku in SKUS:
                await inventory.create(
                    uow=uow, owner=owner,
                    data=inventory.InventoryInput(sku=sku, name=sku, on_hand=900_000_000),
                )  # fmt: skip
            await uow.commit()
        for start in range(0, count, 500):
            async with db.session(write=True) as session:
                uow = UnitOfWork(session=session, render=standalone_renderer())
                for i in range(start, min(start + 500, count)):
                    await orders.create(uow=uow, owner=owner, data=_order(i, customer_ids))
                await uow.commit()
        if not db.is_sqlite:
            # Autovacuum would in time; a benchmark measures the steady state now.
            async with db.writer.connect() as conn:
                await conn.exec_driver_sql("ANALYZE")
        return keys["sk_test"].secret, owner.account_id
    finally:
        await db.dispose()


def _order(i: int, customer_ids: list[str]) -> orders.OrderInput:
    lines = [
        LineItemInput(
            sku=SKUS[i % 20], name="Bench item", quantity=1 + i % 3, unit_amount=1000 + i % 700
        ),
        LineItemInput(sku=SKUS[(i + 7) % 20], name="Bench item", quantity=1, unit_amount=2500),
    ]
    return orders.OrderInput(
        line_items=lines, currency="USD", customer_id=customer_ids[i % len(customer_ids)], tax=99
    )


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


async def scenarios(port: int, key: str, seconds: float, only: str = "") -> list[Result]:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    run_id = secrets.token_hex(4)

    def posting(query: str) -> Callable[[Connection, int], Awaitable[bool]]:
        body = orjson.dumps({"query": query})

        async def call(http: Connection, _n: int) -> bool:
            response = await http.request("POST", "/graphql", body, headers)
            return response.status == 200 and b'"errors"' not in response.body

        return call

    async def create_order(http: Connection, n: int) -> bool:
        line = {"sku": SKUS[n % 20], "name": f"b{run_id}", "quantity": 1, "unitAmount": 1999}
        variables = {"i": {"currency": "USD", "lineItems": [line]}}
        body = orjson.dumps({"query": CREATE_ORDER, "variables": variables})
        response = await http.request("POST", "/graphql", body, headers)
        return response.status == 200 and b'"errors"' not in response.body

    # The REST route and the GraphQL query it runs, with the very same selection.
    rest_route = next(r for r in ROUTES if (r.method, r.path) == ("GET", "/v1/orders"))
    same_document = operation_for(build_schema(), rest_route).query
    same_query = orjson.dumps({"query": same_document, "variables": {"first": SAME_PAGE}})

    async def graphql_same(http: Connection, _n: int) -> bool:
        response = await http.request("POST", "/graphql", same_query, headers)
        return response.status == 200 and b'"errors"' not in response.body

    async def rest_orders(http: Connection, _n: int) -> bool:
        response = await http.request("GET", f"/v1/orders?limit={SAME_PAGE}", b"", headers)
        return response.status == 200

    plan: list[tuple[str, Callable[[Connection, int], Awaitable[bool]]]] = [
        ("orders(first: 50) +lines +cust", posting(ORDERS_QUERY)),
        ("createOrder", create_order),
        ("customers(first: 50)", posting(CUSTOMERS_QUERY)),
        (GRAPHQL_SIDE, graphql_same),
        (REST_SIDE, rest_orders),
    ]
    results = []
    for name, call in plan:
        if only and only not in name:
            continue
        for clients in (1, 10, 50):
            results.append(await drive(name, clients, seconds, call, port))
    return results


async def set_limits(url: str, account_id: str, limits: PlanLimits, broadcast_url: str) -> None:
    """The seeded enterprise account's own limits (``UNLIMITED``: nothing is counted),
    announced to the server as ``accounts update`` does, so its cached key forgets them."""
    db = Database(url)
    try:
        async with db.session(write=True) as session:
            async with session.begin():
                await service.update_account(session=session, account_id=account_id, limits=limits)
            notices = take_notices(session)
    finally:
        await db.dispose()
    await announce(broadcast_url, notices)


async def limiter_scenarios(
    port: int, key: str, seconds: float, url: str, account_id: str, broadcast_url: str
) -> list[Result]:
    """The same query with limits off and on, alternating, at each client count."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = orjson.dumps({"query": CUSTOMERS_QUERY})

    async def call(http: Connection, _n: int) -> bool:
        response = await http.request("POST", "/graphql", body, headers)
        return response.status == 200 and b'"errors"' not in response.body

    results = []
    for clients in (1, 10, 50):
        for name, limits in ((LIMITS_OFF, UNLIMITED), (LIMITS_ON, BENCH_LIMITS)):
            await set_limits(url, account_id, limits, broadcast_url)
            results.append(await drive(name, clients, seconds, call, port))
    await set_limits(url, account_id, UNLIMITED, broadcast_url)
    return results


async def limiter_alone(redis_url: str, rounds: int = 2000) -> float:
    """Microseconds one request spends in the limiter: admit and release, in Redis."""
    from stateset_gql.access.limiter import RedisCounter
    from stateset_gql.pipeline.gate import CountingLimiter

    limiter = CountingLimiter(RedisCounter(redis_url))
    principal = Principal(
        owner=Owner(account_id="acct_bench", livemode=False),
        key_id=f"key_bench_{secrets.token_hex(4)}",
        key_type="sk",
        scopes=frozenset(),
        plan="enterprise",
        account_name="",
        limits=BENCH_LIMITS,
    )
    try:
        await (await limiter.admit(principal)).release()
        started = time.perf_counter()
        for _ in range(rounds):
            await (await limiter.admit(principal)).release()
        return (time.perf_counter() - started) / rounds * 1e6
    finally:
        await limiter.close()


def _table(results: list[Result]) -> None:
    header = ("scenario", "clients", "req/s", "p50 ms", "p99 ms", "errors")
    print(
        f"{header[0]:<32} "
        + " ".join(f"{h:>{w}}" for h, w in zip(header[1:], (7, 9, 9, 9, 7), strict=True))
    )
    for result in results:
        print(result.row())


def _ratios(results: list[Result], numerator: str, denominator: str) -> None:
    for clients in (1, 10, 50):
        over = next((r for r in results if (r.name, r.clients) == (numerator, clients)), None)
        under = next((r for r in results if (r.name, r.clients) == (denominator, clients)), None)
        if over is None or under is None:
            continue
        ratio = (over.requests / over.seconds) / max(under.requests / under.seconds, 1e-9)
        print(f"  {clients:>2} clients: {ratio:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=10_000)
    parser.add_argument("--only", default="", help="run the scenarios whose name has this text")
    parser.add_argument(
        "--redis",
        default=os.environ.get("STATESET_TEST_REDIS", "redis://127.0.0.1:6379/0"),
        help="the Redis the rate-limit comparison serves with",
    )
    parser.add_argument(
        "--webhooks", type=int, default=5000, help="events the webhook scenario delivers"
    )
    args = parser.parse_args()

    database, url, drop = fresh_database(args.database, "bench")
    port = free_port()
    server: subprocess.Popen[bytes] | None = None
    try:
        migrate.upgrade(url)
        if args.only == "webhooks":
            _webhooks(url, args.redis, args.webhooks, database)
            return 0
        print(f"seeding {args.seed} orders on {database} ...", flush=True)
        key, account_id = asyncio.run(seed(url, args.seed))
        if database == "postgres" and (not args.only or "side" in args.only):
            _side_by_side(url, key, account_id, args.seconds)
            if args.only:
                return 0
        results: list[Result] = []
        if not args.only or "limits" not in args.only:
            server = serve(url, port, "memory://")
            results = asyncio.run(scenarios(port, key, args.seconds, args.only))
            server.terminate()
            server.wait(timeout=20)
            server = None
        print(f"\n{database}, {args.seed} orders seeded, {args.seconds:.0f} s a row, one worker\n")
        _table(results)
        print("\nREST facade against the same GraphQL query (REST req/s / GraphQL req/s):")
        _ratios(results, REST_SIDE, GRAPHQL_SIDE)
        if args.only and args.only not in LIMITS_ON:
            return 0
        _webhooks(url, args.redis, args.webhooks, database)
        if not redis_answers(args.redis):
            print(f"\nRedis at {args.redis} is not answering; no rate-limit comparison")
            return 0
        server = serve(url, port, args.redis)
        limited = asyncio.run(
            limiter_scenarios(port, key, args.seconds, url, account_id, args.redis)
        )
        print(f"\nrate limits counted in Redis ({args.redis}), same query off and on:\n")
        _table(limited)
        print("\nthe limiter's cost (req/s with limits on / off; 1.00 costs nothing):")
        _ratios(limited, LIMITS_ON, LIMITS_OFF)
        alone = asyncio.run(limiter_alone(args.redis))
        off = next(r for r in limited if (r.name, r.clients) == (LIMITS_OFF, 1))
        p50 = statistics.median(off.latencies) * 1e6
        print(
            f"\nthe limiter alone (admit and release, 2,000 in a row): {alone:.0f} µs a request, "
            f"{alone / p50:.1%} of the p50 with limits off at 1 client"
        )
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop()


PAY_AND_REFUND = (
    'mutation($id: ID!) { payOrder(id: $id, input: {card: {number: "4242424242424242", '
    'expMonth: 12, expYear: 2040, cvc: "123"}}) { id } '
    'refundOrder(id: $id, input: {amount: 500, reason: "bench"}) { id } }'
)


def _side_by_side(url: str, key: str, account_id: str, seconds: float) -> None:
    """This service (compiled reads, and the resolvers alone) and PostGraphile v4."""
    ports = {"compiled": free_port(), "resolvers": free_port()}
    servers = [
        serve(url, ports["compiled"], "memory://"),
        serve(url, ports["resolvers"], "memory://", compiled=False),
    ]
    try:
        _relayed(url)
        base = f"http://127.0.0.1:{ports['compiled']}"
        auth = {"Authorization": f"Bearer {key}"}
        first = httpx.post(f"{base}/graphql", headers=auth,
                           json={"query": "{ orders(first: 1) { nodes { id } } }"})  # fmt: skip
        order_id = first.json()["data"]["orders"]["nodes"][0]["id"]
        body = {"query": PAY_AND_REFUND, "variables": {"id": order_id}}
        paid = httpx.post(f"{base}/graphql", headers=auth, json=body)
        assert b'"errors"' not in paid.content, paid.text
        sidebyside.run(
            ours={name: f"http://127.0.0.1:{port}" for name, port in ports.items()},
            pg_dsn=url.replace("+asyncpg", ""),
            key=key,
            account_id=account_id,
            order_id=order_id,
            seconds=seconds,
            free_port=free_port(),
        )
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def _relayed(url: str, timeout: float = 300.0) -> None:
    """Waits until the servers' relay has published the seeded events (the seed commits
    them unpublished, and each ``serve`` on memory:// relays them): reads measured while
    it works would measure the relay too."""

    async def unpublished() -> int:
        conn = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            found: int = await conn.fetchval(
                "SELECT count(*) FROM events WHERE published_at IS NULL"
            )
            return found
        finally:
            await conn.close()

    deadline = time.monotonic() + timeout
    while asyncio.run(unpublished()) and time.monotonic() < deadline:
        time.sleep(1)


def _webhooks(url: str, redis_url: str, count: int, database: str) -> None:
    if not redis_answers(redis_url):
        print(f"\nRedis at {redis_url} is not answering; no webhook scenario")
        return
    print(f"\nwebhooks: one worker, {database}, a receiver answering 200 at once ...", flush=True)
    print(webhook_scenario(url, redis_url, free_port(), count).report())
    print(webhook_scenario(url, redis_url, free_port(), count, backlog=True).report())


if __name__ == "__main__":
    raise SystemExit(main())
