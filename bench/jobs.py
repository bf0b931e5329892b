"""Bulk jobs against the same work one request at a time (issue 22's goals on
PostgreSQL: an import of ≥ 2,000 customers/s and ≥ 1,000 orders/s with their stock
reserved and events written, an export of ≥ 20,000 orders/s to JSONL).

Serves a fresh database (PostgreSQL when it answers) with an unlimited account on
memory:// (the job loop runs inside ``serve``), uploads each import as a JSONL file,
runs it as a job and times it from creation to its end; then exports every order with a
bulk query and pages through the same orders with ``/graphql``. The one-at-a-time rows
send the same creations one request after another (one client, keep-alive).

    python bench/jobs.py [--database sqlite|postgres|auto] [--customers 5000]
                         [--orders 10000] [--alone 500]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.batch import account
from bench.environment import free_port, fresh_database, serve
from stateset_gql.db import migrate

CUSTOMER = "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
ORDER = "mutation($input: CreateOrderInput!) { createOrder(input: $input) { id status } }"
NODE = "id status amount currency lineItems { sku quantity }"
EXPORT = f"{{ orders {{ nodes {{ {NODE} }} }} }}"
# The same rows, paged by hand as a client would.
PAGE = (
    f"query($after: String) {{ orders(first: 100, after: $after) {{ nodes {{ {NODE} }} "
    "pageInfo { hasNextPage endCursor } } }"
)
SKUS = 50


def customers(count: int) -> list[dict[str, Any]]:
    run = secrets.token_hex(4)
    return [
        {"input": {"email": f"job-{run}-{i}@example.com", "name": f"C {i}"}} for i in range(count)
    ]


def orders(count: int) -> list[dict[str, Any]]:
    return [
        {"input": {"currency": "usd", "line_items": [
            {"sku": f"JOB-{i % SKUS}", "name": "Thing", "quantity": 1, "unit_amount": 500}
        ]}}
        for i in range(count)
    ]  # fmt: skip


def camel(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """GraphQL's names for the order lines (the job's document is GraphQL)."""
    for line in lines:
        for item in line["input"].get("line_items", ()):
            item["unitAmount"] = item.pop("unit_amount")
        if "line_items" in line["input"]:
            line["input"]["lineItems"] = line["input"].pop("line_items")
    return lines


def run_job(http: httpx.Client, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    job = http.post("/v1/jobs", json=body).raise_for_status().json()
    while job["status"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(0.05)
        job = http.get(f"/v1/jobs/{job['id']}").raise_for_status().json()
    elapsed = time.perf_counter() - started
    assert job["status"] == "succeeded", job
    assert job["failed"] == 0, job
    return elapsed, job


def import_rate(
    http: httpx.Client,
    mutation: str,
    lines: list[dict[str, Any]],
    beside: list[float] | None = None,
) -> float:
    """Lines a second; with ``beside``, the latencies of customer creations sent one at a
    time while the job ran (an interactive client's)."""
    content = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    upload = http.post(
        "/v1/files",
        data={"purpose": "bulk_input"},
        files={"file": ("lines.jsonl", content, "application/x-ndjson")},
    )
    file = upload.raise_for_status().json()
    body = {"type": "bulk_mutation", "mutation": mutation, "variables_file": file["id"]}
    if beside is None:
        elapsed, _ = run_job(http, body)
        return len(lines) / elapsed
    done = threading.Event()
    client = threading.Thread(target=interactive, args=(http, beside, done), daemon=True)
    client.start()
    try:
        elapsed, _ = run_job(http, body)
    finally:
        done.set()
        client.join()
    return len(lines) / elapsed


def interactive(http: httpx.Client, latencies: list[float], done: threading.Event) -> None:
    run = secrets.token_hex(4)
    while not done.is_set():
        started = time.perf_counter()
        email = f"live-{run}-{len(latencies)}@example.com"
        http.post("/v1/customers", json={"email": email}).raise_for_status()
        latencies.append(time.perf_counter() - started)
        time.sleep(0.02)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def alone_rate(http: httpx.Client, path: str, bodies: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    for body in bodies:
        http.post(path, json=body).raise_for_status()
    return len(bodies) / (time.perf_counter() - started)


def export_rate(http: httpx.Client) -> tuple[float, float, int]:
    elapsed, job = run_job(http, {"type": "bulk_query", "query": EXPORT})
    rows = http.get(f"/v1/jobs/{job['id']}/results").raise_for_status().content.count(b"\n")
    paged, after, started = 0, None, time.perf_counter()
    while True:
        answer = http.post("/graphql", json={"query": PAGE, "variables": {"after": after}})
        page = answer.raise_for_status().json()["data"]["orders"]
        paged += len(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert paged == rows, (paged, rows)
    return rows / elapsed, paged / (time.perf_counter() - started), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres", "auto"], default="auto")
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--alone", type=int, default=500)
    args = parser.parse_args()

    database, url, drop = fresh_database(args.database, "jobsbench")
    port = free_port()
    server = None
    try:
        migrate.upgrade(url)
        key = asyncio.run(account(url))
        server = serve(url, port, "memory://")
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=600,
        ) as http:
            for n in range(SKUS):
                http.post(
                    "/v1/inventory",
                    json={"sku": f"JOB-{n}", "name": "Thing", "on_hand": 10_000_000},
                ).raise_for_status()
            idle: list[float] = []
            interactive_done = threading.Event()
            timer = threading.Timer(3.0, interactive_done.set)
            timer.start()
            interactive(http, idle, interactive_done)
            busy: list[float] = []
            rows = [
                ("customers", import_rate(http, CUSTOMER, customers(args.customers), busy),
                 alone_rate(http, "/v1/customers", [c["input"] for c in customers(args.alone)]),
                 2000),
                ("orders", import_rate(http, ORDER, camel(orders(args.orders))),
                 alone_rate(http, "/v1/orders", [o["input"] for o in orders(args.alone)]),
                 1000),
            ]  # fmt: skip
            exported, paged, count = export_rate(http)
        print(f"\nbulk jobs on {database} (goals are issue 22's, on PostgreSQL):")
        print(f"  {'work':<22} {'job /s':>8} {'alone /s':>9} {'ratio':>6} {'goal /s':>8}")
        for name, job, alone, goal in rows:
            print(f"  {'import ' + name:<22} {job:>8.0f} {alone:>9.0f} {job / alone:>5.1f}x "
                  f"{goal:>8}")  # fmt: skip
        print(f"  {f'export {count} orders':<22} {exported:>8.0f} {paged:>9.0f} "
              f"{exported / paged:>5.1f}x {20000:>8}  (alone: paging /graphql by 100)")  # fmt: skip
        print(
            "  an interactive createCustomer, one at a time: p50/p99 "
            f"{quantile(idle, 0.5) * 1000:.1f}/{quantile(idle, 0.99) * 1000:.1f} ms idle, "
            f"{quantile(busy, 0.5) * 1000:.1f}/{quantile(busy, 0.99) * 1000:.1f} ms while "
            f"the customers import ran ({len(busy)} sent)"
        )
        return 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        drop()


if __name__ == "__main__":
    raise SystemExit(main())
