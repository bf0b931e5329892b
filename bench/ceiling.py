"""The database's ceiling for one hot-product ``createOrder``: pgbench sending the same
statements the server sends, on the same rows.

What the server sends for ``createOrder`` with a customer and two lines, on PostgreSQL
(``tests/test_order_statements.py`` pins it; PostgreSQL's ``log_statement = all`` on a
private database shows it), in one transaction: the customer looked up, the order
inserted, its two line items inserted (one statement), the two stock rows locked in
(sku, location) order and updated if the stock is there (one UPDATE ... RETURNING whose
sub-select locks them), the account's event counter
bumped and the three events (``order.created`` and two ``inventory.updated``, their
bodies as the server rendered them) inserted (one statement); then, after the commit,
the events marked published in a transaction of their own (``synchronous_commit`` off).
The script below does that against the same account, customer and stock rows. The
difference: the event bodies are one literal of the prepared statement, not a parameter.

``counter_script`` is the account's event counter alone: the one statement that bumps it
and inserts the order's events (what ``UnitOfWork`` sends, ``_COUNT_AND_INSERT``), and
the commit. Every write of the account takes that row from this statement to its commit,
one writer after another, so its rate is the most writes a second the counter lets
through, whatever they write.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Any

import asyncpg

PGBENCH = sorted(glob("/usr/lib/postgresql/*/bin/pgbench"))


@dataclass(frozen=True)
class HotRows:
    """The rows a hot-product order touches, and what the server wrote for the last one."""

    account_id: str
    customer_id: str
    items: list[tuple[str, str]]  # (id, sku), in sku order
    events: list[dict[str, Any]]  # position, type, created, data


async def hot_rows(dsn: str, account_id: str, customer_id: str, skus: list[str]) -> HotRows:
    """The stock rows of ``skus`` and the events of ``customer_id``'s newest order
    (which must exist)."""
    conn = await asyncpg.connect(dsn)
    try:
        items = await conn.fetch(
            "SELECT id, sku FROM inventory_items WHERE account_id = $1 AND NOT livemode "
            "AND sku = ANY($2) ORDER BY sku, location",
            account_id,
            skus,
        )
        newest = await conn.fetchval(
            "SELECT request_id FROM events WHERE account_id = $1 AND type = 'order.created' "
            "AND data -> 'object' ->> 'customer_id' = $2 ORDER BY sequence DESC LIMIT 1",
            account_id,
            customer_id,
        )
        events = await conn.fetch(
            "SELECT type, created, data::text AS data FROM events WHERE account_id = $1 "
            "AND request_id = $2 ORDER BY sequence",
            account_id,
            newest,
        )
    finally:
        await conn.close()
    return HotRows(
        account_id=account_id,
        customer_id=customer_id,
        items=[(row["id"], row["sku"]) for row in items],
        events=[
            {"position": n, "type": row["type"], "created": row["created"].isoformat(),
             "data": json.loads(row["data"])}
            for n, row in enumerate(events, start=1)
        ],
    )  # fmt: skip


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _json_literal(value: Any) -> str:
    """A JSON text as an SQL literal pgbench leaves alone: pgbench reads ``:name`` as a
    variable anywhere in a statement, so every colon followed by a name character (only
    inside strings, with ``": "`` between keys and values) is written ``\\u003a``."""
    text = re.sub(r":(?=\w)", r"\\u003a", json.dumps(value))
    return _literal(text) + "::json"


def script(rows: HotRows) -> str:
    """One createOrder's statements for pgbench (``-M prepared``)."""
    account, customer = _literal(rows.account_id), _literal(rows.customer_id)
    order = "('ord_pgb' || CAST(:oid AS text))"
    lines = ", ".join(
        f"({order}, {n}, {_literal(sku)}, 'hot', 1, 1999, 1999)"
        for n, (_, sku) in enumerate(rows.items)
    )
    skus = ", ".join(_literal(sku) for _, sku in rows.items)
    amount = 1999 * len(rows.items)
    marks = ", ".join(
        f"'evt_pgb' || CAST(:oid AS text) || '_{n}'" for n in range(1, len(rows.events) + 1)
    )
    return f"""\\set oid random(1, 999999999999999)
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT email, email_key, name, phone, address, deleted_at, id, account_id, livemode,
  metadata, created, updated FROM customers
  WHERE account_id = {account} AND livemode = false AND deleted_at IS NULL AND id = {customer};
INSERT INTO orders (customer_id, currency, subtotal, tax, shipping_cost, amount, amount_paid,
  amount_refunded, status, location, shipping_address, carrier, tracking_number,
  cancellation_reason, paid_at, shipped_at, delivered_at, cancelled_at, id, account_id,
  livemode, metadata, created, updated)
  VALUES ({customer}, 'USD', {amount}, 0, 0, {amount}, 0, 0, 'pending', 'default',
  'null'::jsonb, NULL, NULL, NULL, NULL, NULL, NULL, NULL, {order}, {account}, false,
  '{{}}'::jsonb, now(), now());
INSERT INTO order_line_items (order_id, position, sku, name, quantity, unit_amount, amount)
  VALUES {lines} RETURNING id;
UPDATE inventory_items SET reserved = inventory_items.reserved + 1, updated = now()
  FROM (SELECT id FROM inventory_items
    WHERE account_id = {account} AND livemode = false AND location = 'default'
    AND sku IN ({skus}) ORDER BY sku, location FOR UPDATE) AS locked
  WHERE inventory_items.id = locked.id AND inventory_items.on_hand - inventory_items.reserved >= 1
  RETURNING inventory_items.*;
{_count_and_insert(rows, "evt_pgb")}
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED;
SET LOCAL synchronous_commit TO OFF;
UPDATE events SET published_at = now() WHERE id = ANY (ARRAY[{marks}]) RETURNING id;
COMMIT;
"""


def _count_and_insert(rows: HotRows, prefix: str) -> str:
    """The counter bumped and ``rows.events`` inserted, numbered by it: one statement
    (ids ``<prefix><oid>_<position>``)."""
    account, count = _literal(rows.account_id), len(rows.events)
    event_id = f"({_literal(prefix)} || CAST(:oid AS text) || '_' || e.position)"
    return f"""WITH counter AS (
  UPDATE event_counters SET value = value + {count}
  WHERE account_id = {account} AND livemode = false RETURNING value
)
INSERT INTO events
  (id, account_id, livemode, sequence, type, created, data, request_id, idempotency_key)
SELECT {event_id}, {account}, false, counter.value - {count} + e.position,
  e.type, e.created, e.data, 'req_pgbench', NULL
FROM counter, json_to_recordset({_json_literal(rows.events)})
  AS e(position bigint, type varchar, created timestamptz, data json)
RETURNING id, sequence;"""


def counter_script(rows: HotRows) -> str:
    """The event counter alone: bumped, the order's events inserted, committed (``-M
    prepared``). Nothing else: what the server does after the commit (marking the events
    published) holds no lock of the account's."""
    return f"""\\set oid random(1, 999999999999999)
BEGIN ISOLATION LEVEL READ COMMITTED;
{_count_and_insert(rows, "evt_pgc")}
COMMIT;
"""


@dataclass(frozen=True)
class Ceiling:
    transactions: int
    seconds: float
    failed: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    note: str = ""

    @property
    def per_second(self) -> float:
        return self.transactions / self.seconds if self.seconds else 0.0


def missing() -> str | None:
    """Why pgbench cannot run here, or None."""
    if PGBENCH or shutil.which("pgbench"):
        return None
    return "pgbench is not installed (it comes with the postgresql package)"


def run(
    dsn: str,
    rows: HotRows,
    clients: int,
    seconds: float,
    *,
    make: Callable[[HotRows], str] = script,
) -> Ceiling:
    """pgbench with ``make(rows)`` (one ``createOrder``'s statements unless told) at
    ``clients`` for ``seconds``; latencies from its per-transaction log."""
    binary = PGBENCH[-1] if PGBENCH else "pgbench"
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "order.sql"
        path.write_text(make(rows))
        done = subprocess.run(
            [binary, "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2)),
             "-T", str(max(1, round(seconds))), "-f", str(path), "-l",
             f"--log-prefix={directory}/tx", dsn],
            capture_output=True, text=True,
        )  # fmt: skip
        latencies = sorted(
            int(line.split()[2]) / 1e3
            for log in Path(directory).glob("tx.*")
            for line in log.read_text().splitlines()
            if line.split()[2].isdigit()
        )
    out = done.stdout
    processed = re.search(r"actually processed: (\d+)", out)
    tps = re.search(r"tps = ([\d.]+)", out)
    if processed is None or tps is None:
        raise RuntimeError(f"pgbench said: {out}{done.stderr[-2000:]}")
    failed = re.search(r"number of failed transactions: (\d+)", out)
    transactions = int(processed.group(1))
    ordered = latencies or [0.0]
    note = "" if done.returncode == 0 else done.stderr.strip().splitlines()[-1][:200]
    return Ceiling(
        transactions=transactions,
        seconds=transactions / float(tps.group(1)) if float(tps.group(1)) else seconds,
        failed=int(failed.group(1)) if failed else 0,
        p50_ms=ordered[len(ordered) // 2],
        p99_ms=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        max_ms=ordered[-1],
        note=note,
    )
