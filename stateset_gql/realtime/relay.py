"""The outbox relay: publishes what a crash, or a broadcast that was down, left
unpublished.

The API process publishes each event right after its commit (``Outbox.committed``); the
relay only looks at events older than ``grace`` that still carry no ``published_at``, so
it never races that normal path. It runs in ``stateset-gql worker``, and inside ``serve``
on ``memory://``. Several relays at once may publish an event twice; consumers dedupe by
``sequence``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from stateset_gql.db.engine import Database
from stateset_gql.realtime.outbox import Outbox, unpublished

log = logging.getLogger("stateset_gql.relay")


class Relay:
    def __init__(
        self,
        *,
        db: Database,
        outbox: Outbox,
        grace: timedelta = timedelta(seconds=2),
        interval: float = 1.0,
        batch: int = 500,
    ) -> None:
        self.db = db
        self.outbox = outbox
        self.grace = grace
        self.interval = interval
        self.batch = batch

    async def once(self) -> tuple[int, int]:
        """One pass: (events found unpublished, events published)."""
        events = await unpublished(db=self.db, older_than=self.grace, limit=self.batch)
        if not events:
            return 0, 0
        published = await self.outbox.publish(events)
        if published:
            log.info("relayed %d of %d unpublished events", published, len(events))
        return len(events), published

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Until ``stop`` is set (or the task is cancelled). A full batch that all went out
        is followed at once by the next; otherwise the relay waits ``interval``."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                found, published = await self.once()
            except Exception:
                log.exception("the relay failed; trying again")
                found = published = 0
            if found == self.batch and published == found:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.interval)
