"""The same reads from this service and from PostGraphile v4, side by side, with wrk.

PostGraphile runs on the same database (installed with npm into
``~/.cache/stateset-bench/postgraphile`` when npm is there; skipped with a note
otherwise), over the tables this service's migrations made, with each read's
condition on the account and the mode. wrk (a Debian package) drives both over
keep-alive connections on loopback, at 1 and at 20 connections, from a Lua script
that posts the body. Beside them, the orders page from a bare ASGI app that runs the
same one SQL statement with asyncpg (``bench/bare.py``): the floor under that read.
Nothing here is a pass/fail gate: it prints what it measured.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
from graphql import parse

from bench.wrk import Measured, lua_string
from bench.wrk import missing as wrk_missing
from bench.wrk import run as wrk_run
from stateset_gql.db.owner import Owner
from stateset_gql.graphql.engine import GraphQLEngine
from stateset_gql.graphql.schema import build_schema

CACHE = Path(os.environ.get("STATESET_BENCH_CACHE", Path.home() / ".cache" / "stateset-bench"))
POSTGRAPHILE = CACHE / "postgraphile" / "node_modules" / ".bin" / "postgraphile"
CONNECTIONS = (1, 20)

ORDERS = (
    "{ orders(first: 50) { nodes { id amount currency status created "
    "customer { id email name } lineItems { sku name quantity unitAmount amount } } } }"
)
CUSTOMERS = "{ customers(first: 50) { nodes { id email name created metadata } } }"
ORDER = (
    "query($id: ID!) { order(id: $id) { id amount status "
    "payments { id amount status card { brand last4 } } refunds { id amount reason } } }"
)
PG_ORDERS = (
    "query($a: String!) { allOrders(first: 50, condition: {accountId: $a, livemode: false}, "
    "orderBy: [CREATED_DESC, ID_DESC]) { nodes { id amount currency status created "
    "customerByCustomerId { id email name } "
    "orderLineItemsByOrderId(orderBy: POSITION_ASC) { nodes { sku name quantity unitAmount "
    "amount } } } } }"
)
PG_CUSTOMERS = (
    "query($a: String!) { allCustomers(first: 50, condition: {accountId: $a, livemode: false, "
    "deletedAt: null}, orderBy: [CREATED_DESC, ID_DESC]) { nodes { id email name created "
    "metadata } } }"
)
PG_ORDER = (
    "query($id: String!) { orderById(id: $id) { id amount status "
    "paymentsByOrderId(orderBy: [CREATED_ASC, ID_ASC]) { nodes { id amount status cardBrand "
    "cardLast4 } } refundsByOrderId(orderBy: [CREATED_ASC, ID_ASC]) { nodes { id amount "
    "reason } } } }"
)
LUA = """
wrk.method = "{method}"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {key}"
"""


# Each request posts the next of the read's bodies (each wrk thread counts on its own).
ROTATE = """
bodies = {{bodies}}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[counter % #bodies + 1])
end
"""


@dataclass(frozen=True)
class Read:
    name: str
    path: str
    body: bytes | None  # None: a GET
    # Bodies posted in turn instead of ``body`` (writes that must not all touch one row).
    bodies: tuple[bytes, ...] = ()


def _lua(read: Read, key: str) -> str:
    body = "nil" if read.body is None else lua_string(read.body.decode())
    script = (
        LUA.replace("{method}", "GET" if read.body is None and not read.bodies else "POST")
        .replace("{body}", body)
        .replace("{key}", key)
    )
    if read.bodies:
        listed = ", ".join(lua_string(b.decode()) for b in read.bodies)
        script += ROTATE.replace("{bodies}", listed)
    return script


def wrk(base_url: str, read: Read, key: str, connections: int, seconds: float) -> Measured:
    return wrk_run(base_url + read.path, _lua(read, key), connections, seconds)


def _check(base_url: str, read: Read, key: str) -> None:
    """A read that fails would measure nothing but its error: each must answer first."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if read.body is None:
        response = httpx.get(base_url + read.path, headers=headers, timeout=10)
    else:
        response = httpx.post(base_url + read.path, content=read.body, headers=headers, timeout=10)
    if response.status_code != 200 or b'"errors"' in response.content:
        raise RuntimeError(f"{read.name}: {response.status_code} {response.text[:300]}")


def ensure_postgraphile() -> str | None:
    """The PostGraphile v4 binary, installed with npm on first use; or why there is none."""
    if POSTGRAPHILE.exists():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed"
    target = POSTGRAPHILE.parents[2]
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(target), "postgraphile@4"],
        capture_output=True, text=True,
    )  # fmt: skip
    return None if POSTGRAPHILE.exists() else f"npm install failed: {done.stderr[-300:]}"


def start_postgraphile(dsn: str, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(POSTGRAPHILE), "-c", dsn, "--schema", "public", "--host", "127.0.0.1",
         "--port", str(port), "--disable-default-mutations", "--simple-collections", "both",
         "--disable-query-log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{__typename}"})
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("PostGraphile did not start")


def bare_statement(account_id: str) -> dict[str, object]:
    """The one statement this service sends for the orders page (test mode)."""
    engine = GraphQLEngine(build_schema(), compiled=True)
    assert engine.compiled is not None
    text, values = engine.compiled.connection_statement(
        ORDERS, parse(ORDERS), Owner(account_id, livemode=False)
    )
    return {"root": "orders", "text": text, "values": list(values)}


def start_bare(
    dsn: str, port: int, statement: dict[str, object], directory: str
) -> subprocess.Popen[bytes]:
    path = Path(directory) / "statement.json"
    path.write_bytes(orjson.dumps(statement))
    bare = Path(__file__).with_name("bare.py")
    server = subprocess.Popen(
        [sys.executable, str(bare), str(port), str(path), dsn],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(f"http://127.0.0.1:{port}/graphql", content=b"{}")
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the bare app did not start")


def reads(account_id: str, order_id: str) -> tuple[list[Read], list[Read]]:
    """The four reads on this service, and the same three GraphQL ones on PostGraphile."""

    def post(name: str, query: str, variables: dict[str, str] | None = None) -> Read:
        return Read(name, "/graphql", orjson.dumps({"query": query, "variables": variables}))

    ours = [
        post("orders(first: 50) + customer, lines", ORDERS),
        post("customers(first: 50)", CUSTOMERS),
        post("order(id) + payments, refunds", ORDER, {"id": order_id}),
        Read("GET /v1/orders?limit=50", "/v1/orders?limit=50", None),
    ]
    theirs = [
        post(ours[0].name, PG_ORDERS, {"a": account_id}),
        post(ours[1].name, PG_CUSTOMERS, {"a": account_id}),
        post(ours[2].name, PG_ORDER, {"id": order_id}),
    ]
    return ours, theirs


def table(
    ours: list[Read],
    measured: dict[tuple[str, str, int], Measured],
    servers: list[str],
) -> None:
    columns = " | ".join(f"{s}: {c} conn req/s, p50, p99" for c in CONNECTIONS for s in servers)
    print(f"| read | {columns} | ratio vs PostGraphile (1 conn, 20 conn) |")
    print("|---" * (2 + len(servers) * len(CONNECTIONS)) + "|")
    for read in ours:
        cells = []
        for connections in CONNECTIONS:
            for server in servers:
                m = measured.get((server, read.name, connections))
                cells.append(
                    "—" if m is None else
                    f"{m.requests_per_second:,.0f}, {m.p50_ms:.1f} ms, {m.p99_ms:.1f} ms"
                    + (f" ({m.errors} errors)" if m.errors else "")
                )  # fmt: skip
        ratios = []
        for connections in CONNECTIONS:
            us = measured.get((servers[0], read.name, connections))
            them = measured.get(("postgraphile", read.name, connections))
            ratios.append(
                "—" if us is None or them is None
                else f"{us.requests_per_second / them.requests_per_second:.2f}x"
            )  # fmt: skip
        print(f"| {read.name} | " + " | ".join(cells) + f" | {', '.join(ratios)} |")


def bare_table(read: Read, measured: dict[tuple[str, str, int], Measured], ours: str) -> None:
    print(f"\n{read.name}: this service ({ours}) against the bare one-SQL app")
    for connections in CONNECTIONS:
        us = measured.get((ours, read.name, connections))
        bare = measured.get(("bare", read.name, connections))
        if us is None or bare is None:
            continue
        print(
            f"  {connections:>2} conn: {us.requests_per_second:,.0f} vs "
            f"{bare.requests_per_second:,.0f} req/s (p99 {us.p99_ms:.1f} vs {bare.p99_ms:.1f} ms)"
            f" = {us.requests_per_second / bare.requests_per_second:.2f}x"
        )


def run(
    *,
    ours: dict[str, str],
    pg_dsn: str,
    key: str,
    account_id: str,
    order_id: str,
    seconds: float,
    free_port: int,
) -> None:
    """``ours``: name → base URL of each of this service's servers (compiled, resolvers)."""
    if (why := wrk_missing()) is not None:
        print(f"\n{why}; no side-by-side table")
        return
    our_reads, their_reads = reads(account_id, order_id)
    measured: dict[tuple[str, str, int], Measured] = {}
    for name, base_url in ours.items():
        for read in our_reads:
            _check(base_url, read, key)
            for connections in CONNECTIONS:
                measured[(name, read.name, connections)] = wrk(
                    base_url, read, key, connections, seconds
                )
    servers = list(ours)
    with tempfile.TemporaryDirectory() as directory:
        port = free_port
        bare = start_bare(pg_dsn, port, bare_statement(account_id), directory)
        try:
            for connections in CONNECTIONS:
                measured[("bare", our_reads[0].name, connections)] = wrk(
                    f"http://127.0.0.1:{port}", our_reads[0], key, connections, seconds
                )
        finally:
            bare.terminate()
            bare.wait(timeout=20)
    why_not = ensure_postgraphile()
    if why_not is not None:
        print(f"\nPostGraphile skipped: {why_not}")
    else:
        server = start_postgraphile(pg_dsn, free_port)
        try:
            base_url = f"http://127.0.0.1:{free_port}"
            for read in their_reads:
                _check(base_url, read, key)
                for connections in CONNECTIONS:
                    measured[("postgraphile", read.name, connections)] = wrk(
                        base_url, read, key, connections, seconds
                    )
        finally:
            server.terminate()
            server.wait(timeout=20)
        servers.append("postgraphile")
    print(f"\nside by side, wrk on loopback, {seconds:.0f} s a cell, one process each:\n")
    table(our_reads, measured, servers)
    bare_table(our_reads[0], measured, servers[0])
    sys.stdout.flush()
