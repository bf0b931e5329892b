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

# One multi-row INSERT a batch, from a statement compiled once: SQLAlchemy's
# "insertmanyvalues" writes the rows' VALUES into the cached statement, which it does for
# an INSERT with RETURNING (without, each dialect's executemany would run instead). An
# ``insert().values(rows)`` would be compiled afresh each time, for some 0.4 ms a row.
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
        """Writes every waiting row, ``batch`` at a time; the rows written."""
        written = 0
        async with self._flushing:
            while self._rows:
                count = min(self.batch, len(self._rows))
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
            await session.execute(INSERT, values)
