"""Writing request logs off the request's path, in batches.

A request only appends its rows to a bounded in-process buffer (``add``: no I/O, no
await). A background task (the app's lifespan runs it) flushes the buffer every
``interval`` seconds, or as soon as ``batch`` rows wait, each batch one multi-row INSERT
in one transaction; the lifespan flushes what is left on shutdown. A full buffer drops
the new rows rather than hold the request up, and counts them
(``stateset_request_logs_dropped{reason="full"}``); so does a batch whose INSERT failed
(``reason="failed"``), logged once a batch: a request's answer never waits on its log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Sequence
from typing import cast

import orjson
from sqlalchemy import Table, insert

from stateset_gql.db.engine import Database
from stateset_gql.ops.metrics import Metrics
from stateset_gql.requestlogs.models import RequestLog
from stateset_gql.requestlogs.record import Row

log = logging.getLogger("stateset_gql.requestlogs")

INTERVAL_SECONDS = 0.25
BATCH_ROWS = 500
# Rows waiting at most: ~40 flushes' worth, a few MB; beyond it new rows are dropped.
CAPACITY = 20_000

# One INSERT a batch, whatever its size, in one transaction.
# PostgreSQL: the batch's columns as arrays, unnested: one statement text for any number of
# rows, so each connection prepares it once. (A VALUES list is a new statement for each
# number of rows, prepared again at nearly every flush: about twice the CPU a row; an
# ``insert().values(rows)`` is compiled afresh each time too: 0.4 ms a row.)
# SQLite (nothing to prepare across a network): SQLAlchemy's "insertmanyvalues" writes
# the rows into one multi-row INSERT from a statement compiled once; it does so for an
# INSERT with RETURNING.
_TYPES = {
    "id": "varchar", "account_id": "varchar", "livemode": "bool", "api_key_id": "varchar",
    "method": "varchar", "path": "varchar", "status": "int4", "duration_ms": "float8",
    "idempotency_key": "varchar", "graphql_operation": "varchar", "error": "jsonb",
    "created": "timestamptz",
}  # fmt: skip
UNNEST = (
    f"INSERT INTO request_logs ({', '.join(_TYPES)}) SELECT * FROM unnest("
    + ", ".join(f"${i}::{kind}[]" for i, kind in enumerate(_TYPES.values(), start=1))
    + ")"
)
_TABLE = cast(Table, RequestLog.__table__)
INSERT = insert(_TABLE).returning(_TABLE.c.id)


class RequestLogWriter:
    def __init__(
        self,
        *,
        db: Database,
        metrics: Metrics,
        interval: float = INTERVAL_SECONDS,
        batch: int = BATCH_ROWS,
        capacity: int = CAPACITY,
    ) -> None:
        self.db = db
        self.metrics = metrics
        self.interval = interval
        self.batch = batch
        self.capacity = capacity
        self._rows: deque[Row] = deque()
        self._full = asyncio.Event()
        self._flushing = asyncio.Lock()
        self._closed = False
        self._task: asyncio.Task[None] | None = None

    def add(self, rows: Sequence[Row]) -> None:
        """On the request's path: the rows join the buffer, or are dropped and counted
        when it is full. A batch's worth wakes the flusher at once."""
        room = self.capacity - len(self._rows)
        if len(rows) > room:
            self.metrics.request_logs_dropped.labels("full").inc(len(rows) - max(room, 0))
            rows = rows[: max(room, 0)]
        self._rows.extend(rows)
        if len(self._rows) >= self.batch:
            self._full.set()

    @property
    def waiting(self) -> int:
        return len(self._rows)

    def start(self) -> None:
        """The flusher, in the background until ``close``."""
        self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        """Stops the flusher once its batch in flight is written (never cancelled
        mid-INSERT), then writes what is left: the app's last requests' rows."""
        self._closed = True
        self._full.set()
        if self._task is not None:
            await self._task
        await self.flush()

    async def _run(self) -> None:
        """Flushes every ``interval`` seconds, or sooner when a batch's worth waits."""
        while not self._closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), self.interval)
            self._full.clear()
            await self.flush()

    async def flush(self) -> int:
        """Writes the rows waiting when called, ``batch`` at a time; the rows written.
        Rows that arrive meanwhile wait for the next flush: draining them too would
        turn a busy server's flushes into a stream of INSERTs of a row or two."""
        written = 0
        async with self._flushing:
            waiting = len(self._rows)
            while waiting:
                count = min(self.batch, waiting)
                waiting -= count
                rows = [self._rows.popleft() for _ in range(count)]
                try:
                    await self._insert(rows)
                except Exception:
                    log.exception("%d request log rows could not be written; dropped", count)
                    self.metrics.request_logs_dropped.labels("failed").inc(count)
                    continue
                self.metrics.request_logs_written.inc(count)
                written += count
        return written

    async def _insert(self, rows: list[Row]) -> None:
        values = [row.columns() for row in rows]
        async with self.db.session(write=True) as session, session.begin():
            connection = await session.connection()
            if self.db.is_sqlite:
                await connection.execute(INSERT, values)
                return
            columns = [[row[name] for row in values] for name in _TYPES]
            errors = columns[list(_TYPES).index("error")]
            errors[:] = [None if e is None else orjson.dumps(e).decode() for e in errors]
            await connection.exec_driver_sql(UNNEST, tuple(columns))
