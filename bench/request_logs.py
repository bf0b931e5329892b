"""What the request log costs a request (issue 23's goal: at most 0.1 ms), side by side
in one run: the same server code on the same database, once logging (the default) and
once with ``STATESET_REQUEST_LOGS=0``, both serving while wrk drives one of them at a
time, the two alternating round by round.

What it reads, each round and side (one connection, then 20, the server saturated):
- ms a request (1 / rate): at one connection, the time a request takes; at 20, what a
  request costs the whole machine (the server, PostgreSQL and wrk share its two cores);
- p50 latency, from wrk;
- server CPU a request: the server process's CPU time over the run (its log's batched
  INSERTs included: read after the run's last flush) divided by its requests. Other
  load on the machine moves the timings; this figure much less.
The cost of each is the median over rounds of on minus off, each round's two runs back
to back. Then, in process, the request's own share (the facts made, the row made, the
buffer appended: what ``RequestMiddleware`` does) and the writer's per row (reading the
error, one 500-row INSERT, PostgreSQL's share included), timed directly.

Serves a fresh database (PostgreSQL when it answers) with an unlimited account.

    python bench/request_logs.py [--database sqlite|postgres|auto] [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.environment import free_port, fresh_database, serve
from bench.procstats import tree_cpu_seconds
from bench.wrk import Measured, lua_string
from bench.wrk import missing as wrk_missing
from bench.wrk import run as wrk_run
from stateset_gql.access import service
from stateset_gql.access.principal import Principal
from stateset_gql.db import migrate
from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.ops.metrics import Metrics
from stateset_gql.requestlogs.record import Facts, Row
from stateset_gql.requestlogs.writer import BATCH_ROWS, RequestLogWriter

GOAL_MS = 0.1
# Two flushes: a run's last rows are written (and their CPU counted) before it is read.
FLUSH_SETTLE_SECONDS = 0.6
LUA = """
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer {key}"
wrk.path = {path}
"""


async def account(url: str) -> tuple[str, str]:
    """An enterprise account's id and test key: no limit stops the bench."""
    db = Database(url)
    try:
        async with db.session(write=True) as session, session.begin():
            created, keys = await service.create_account(
                session=session, name="Request logs", plan="enterprise"
            )
        return created.id, keys["sk_test"].secret
    finally:
        await db.dispose()


@contextmanager
def environ(**values: str) -> Iterator[None]:
    """``values`` in the environment a server started inside the block inherits."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def drive(port: int, key: str, path: str, connections: int, seconds: float) -> Measured:
    script = LUA.replace("{key}", key).replace("{path}", lua_string(path))
    measured = wrk_run(f"http://127.0.0.1:{port}{path}", script, connections, seconds)
    if measured.errors:
        raise RuntimeError(f"{measured.errors} failed requests on port {port}")
    return measured


def on_path_us(rounds: int = 200_000) -> float:
    """Microseconds a request spends on its log in ``RequestMiddleware``: its facts,
    its row, the buffer appended (a stand-in database: ``add`` does no I/O)."""
    writer = RequestLogWriter(db=None, metrics=Metrics(), capacity=rounds + 1)  # type: ignore[arg-type]
    principal = Principal(
        owner=Owner("acct_x", False), key_id="key_x", key_type="sk", scopes=frozenset(),
        plan="enterprise", account_name="x",
    )  # fmt: skip
    started = time.perf_counter()
    for i in range(rounds):
        facts = Facts(f"req_{i}", "GET", None)
        facts.principal = principal
        writer.add(facts.answered(path="/v1/customers/{id}", status=200, duration_ms=1.0, body=b""))
    return (time.perf_counter() - started) / rounds * 1e6


async def writer_us_per_row(url: str, account_id: str, batches: int = 20) -> tuple[float, float]:
    """Microseconds the writer spends per row: a 404's (its error read and scrubbed)
    and a 200's, in 500-row INSERTs on the bench's database."""
    db = Database(url)
    writer = RequestLogWriter(db=db, metrics=Metrics())
    error = (
        b'{"error":{"type":"invalid_request_error","code":"NOT_FOUND","message":"No such '
        b'customer: cus_x","param":"id","details":[],"request_id":"req_x"}}'
    )
    try:
        figures: list[float] = []
        for body in (error, None):
            elapsed = 0.0
            for batch in range(batches):
                rows = [
                    Row(
                        id=f"req_bench{batch}_{i}_{len(figures)}", account_id=account_id,
                        livemode=False, api_key_id="key_x", method="GET",
                        path="/v1/customers/{id}", status=404 if body else 200,
                        duration_ms=1.234, idempotency_key=None, graphql_operation=None,
                        body=body, created=datetime.now(UTC),
                    )
                    for i in range(BATCH_ROWS)
                ]  # fmt: skip
                writer.add(rows)
                started = time.perf_counter()
                await writer.flush()
                elapsed += time.perf_counter() - started
            figures.append(elapsed / (batches * BATCH_ROWS) * 1e6)
        return figures[0], figures[1]
    finally:
        await db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if (why := wrk_missing()) is not None:
        print(f"request logs bench skipped: {why}")
        return 0

    database, url, drop = fresh_database(args.database, "reqlogbench")
    servers = {}
    try:
        migrate.upgrade(url)
        account_id, key = asyncio.run(account(url))
        ports = {"on": free_port(), "off": free_port()}
        servers["on"] = serve(url, ports["on"], "memory://")
        with environ(STATESET_REQUEST_LOGS="0"):
            servers["off"] = serve(url, ports["off"], "memory://")
        headers = {"Authorization": f"Bearer {key}"}
        base = f"http://127.0.0.1:{ports['on']}"
        customer = httpx.post(
            f"{base}/v1/customers", json={"email": "logged@example.com"}, headers=headers
        ).raise_for_status()
        path = f"/v1/customers/{customer.json()['id']}"
        for side in ("on", "off"):  # warm: documents parsed, pools filled
            drive(ports[side], key, path, 1, 1)
        # (figure, connections) -> side -> one reading a round
        measured: dict[tuple[str, int], dict[str, list[float]]] = {}
        for round_number in range(args.rounds):
            # Each side goes first every other round: neither always follows the other.
            sides = ("on", "off") if round_number % 2 == 0 else ("off", "on")
            for connections in (1, 20):
                for side in sides:
                    pid = servers[side].pid
                    cpu = tree_cpu_seconds(pid)
                    run = drive(ports[side], key, path, connections, args.seconds)
                    time.sleep(FLUSH_SETTLE_SECONDS)  # this run's last rows written
                    cpu = tree_cpu_seconds(pid) - cpu
                    readings = {
                        "ms a request (1 / rate)": 1000 / run.requests_per_second,
                        "p50 latency (ms)": run.p50_ms,
                        "server CPU a request (ms)": 1000 * cpu / run.requests,
                    }
                    for figure, value in readings.items():
                        by_side = measured.setdefault((figure, connections), {})
                        by_side.setdefault(side, []).append(value)
        metrics = httpx.get(f"{base}/metrics").text
        counted = [
            line for line in metrics.splitlines()
            if line.startswith(("stateset_request_logs_written_total",
                                "stateset_request_logs_dropped_total"))
        ]  # fmt: skip
        path_us = on_path_us()
        error_row_us, plain_row_us = asyncio.run(writer_us_per_row(url, account_id))

        print(
            f"\nRequest logs on {database}: GET {path.rsplit('/', 1)[0]}/{{id}}, "
            f"{args.rounds} rounds of {args.seconds:g} s a cell, logging on and off "
            f"alternating (goal: at most {GOAL_MS} ms a request). Medians; the cost is the "
            "median of each round's on - off"
        )
        print(f"  {'':<44} {'on':>8} {'off':>8} {'cost':>8}")
        for (figure, connections), by_side in measured.items():
            on, off = by_side["on"], by_side["off"]
            cost = statistics.median(a - b for a, b in zip(on, off, strict=True))
            label = f"{figure}, {connections} conn{'s' if connections > 1 else ''}"
            print(
                f"  {label:<44} {statistics.median(on):>8.3f} "
                f"{statistics.median(off):>8.3f} {cost:>+8.3f}"
            )
        print(f"  in process: on the request's path          {path_us / 1000:>8.4f} ms a request")
        print(
            f"  in process: the writer, a row (500-row INSERT, PostgreSQL's share included) "
            f"{plain_row_us / 1000:.4f} ms; a 404's, its error read: {error_row_us / 1000:.4f} ms"
        )
        for line in counted:
            print(f"  {line}")
        return 0
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=20)
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
