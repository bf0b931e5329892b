"""The delivery loops of a worker: fan-out, dispatch, and recording.

``fan out`` turns new events into deliveries whenever it is woken (``notify``: a
committed event was heard of) and every ``poll`` seconds besides. ``dispatch`` claims
due deliveries in bounded batches: at most ``per_endpoint * QUEUED_PER_SLOT`` held per
endpoint and ``max_in_flight`` in all, of which at most ``per_endpoint`` per endpoint
are in flight at once, so one slow receiver cannot starve the rest and memory does not
grow with the backlog. A delivery held so long that its lease might lapse before its
attempt ends is handed back instead of sent. ``record`` writes finished attempts in
batches. On stop (SIGTERM) no more is claimed, attempts in flight get up to ``drain``
seconds to finish, and the deliveries held but not started are released for another
worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from datetime import timedelta

from stateset_gql.db.engine import Database, unavailable
from stateset_gql.db.uow import Renderer
from stateset_gql.ops.metrics import Metrics
from stateset_gql.settings import Settings
from stateset_gql.webhooks import fanout, queue
from stateset_gql.webhooks.sender import Sender

log = logging.getLogger("stateset_gql.webhooks")

PER_ENDPOINT = 10
# Deliveries held per endpoint for each slot in flight: claims come in batches.
QUEUED_PER_SLOT = 5
MAX_IN_FLIGHT = 500
CLAIM_BATCH = 200
RECORD_BATCH = 500
GAUGE_SECONDS = 5.0


class DeliveryWorker:
    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        render: Renderer,
        metrics: Metrics,
        sender: Sender | None = None,
        per_endpoint: int = PER_ENDPOINT,
        max_in_flight: int = MAX_IN_FLIGHT,
        drain: float = 30.0,
    ) -> None:
        self.db = db
        self.settings = settings
        self.render = render
        self.metrics = metrics
        self._given_sender = sender
        self.sender: Sender | None = None
        self.per_endpoint = per_endpoint
        self.max_in_flight = max_in_flight
        self.drain = drain
        self.poll = settings.webhook_poll_seconds
        self.lease = timedelta(seconds=settings.webhook_lease_seconds)
        self._new_events = asyncio.Event()
        self._due = asyncio.Event()
        self._in_flight: dict[asyncio.Task[None], queue.Claimed] = {}
        self._per_endpoint: Counter[str] = Counter()
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._started: set[str] = set()
        self._handed_back: list[queue.Claimed] = []
        self._attempts: asyncio.Queue[queue.Attempt] = asyncio.Queue()

    def notify(self) -> None:
        """New events were committed: fan out now rather than at the next poll."""
        self._new_events.set()

    async def run(self, stop: asyncio.Event) -> None:
        # Made here, in the loop that uses it; a process that never runs the loops
        # (serve with Redis) never opens a client.
        self.sender = self._given_sender or Sender()
        recorder = asyncio.create_task(self._record_loop())
        loops = [
            asyncio.create_task(self._fan_out_loop(stop)),
            asyncio.create_task(self._gauge_loop(stop)),
        ]
        try:
            await self._dispatch_loop(stop)
        finally:
            for loop in loops:
                loop.cancel()
            await self._finish()
            await self._attempts.join()
            recorder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*loops, recorder, return_exceptions=True)
            await self.sender.close()
            self.sender = None

    # -- fan-out -------------------------------------------------------------------

    async def _fan_out_loop(self, stop: asyncio.Event) -> None:
        retries = len(self.settings.webhook_retry_schedule)
        while not stop.is_set():
            self._new_events.clear()
            try:
                while await fanout.fan_out(db=self.db, render=self.render, retries=retries):
                    self._due.set()
            except Exception:
                log.exception("the webhook fan-out failed; trying again")
            await _wait(self._new_events, self.poll)

    # -- dispatch ------------------------------------------------------------------

    def _room(self, endpoint_id: str) -> int:
        return self.per_endpoint * QUEUED_PER_SLOT - self._per_endpoint[endpoint_id]

    async def _dispatch_loop(self, stop: asyncio.Event) -> None:
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                self._due.clear()
                room = min(CLAIM_BATCH, self.max_in_flight - len(self._in_flight))
                claimed: list[queue.Claimed] = []
                if room > 0:
                    try:
                        claimed = await queue.claim(
                            db=self.db, limit=room, lease=self.lease, room=self._room
                        )
                    except Exception:
                        log.exception("claiming webhook deliveries failed; trying again")
                claimed_at = time.monotonic()
                for delivery in claimed:
                    self._start(delivery, claimed_at)
                await self._hand_back()
                if room > 0 and len(claimed) == room:
                    continue
                due = asyncio.create_task(self._due.wait())
                await asyncio.wait(
                    {due, stopping}, timeout=self.poll, return_when=asyncio.FIRST_COMPLETED
                )
                due.cancel()
        finally:
            stopping.cancel()

    def _start(self, delivery: queue.Claimed, claimed_at: float) -> None:
        self._per_endpoint[delivery.endpoint_id] += 1
        task = asyncio.create_task(self._attempt(delivery, claimed_at))
        self._in_flight[task] = delivery

    async def _attempt(self, delivery: queue.Claimed, claimed_at: float) -> None:
        slots = self._slots.setdefault(delivery.endpoint_id, asyncio.Semaphore(self.per_endpoint))
        try:
            async with slots:
                assert self.sender is not None
                lease = self.lease.total_seconds()
                left = lease - (time.monotonic() - claimed_at)
                if left < min(self.sender.timeout + 1, lease / 2):
                    self._handed_back.append(delivery)
                    return
                self._started.add(delivery.id)
                attempt = await self.sender.send(delivery)
            await self._attempts.put(attempt)
        finally:
            self._started.discard(delivery.id)
            self._per_endpoint[delivery.endpoint_id] -= 1
            if not self._per_endpoint[delivery.endpoint_id]:
                del self._per_endpoint[delivery.endpoint_id]
                self._slots.pop(delivery.endpoint_id, None)
            self._in_flight.pop(asyncio.current_task(), None)  # type: ignore[arg-type]
            # Room was made: claim again without waiting for the poll.
            self._due.set()

    async def _hand_back(self) -> None:
        handed, self._handed_back = self._handed_back, []
        try:
            await queue.release(db=self.db, claimed=handed)
        except Exception:
            # Their leases run out instead.
            log.exception("could not release %d webhook deliveries", len(handed))

    async def _finish(self) -> None:
        """Attempts in flight get ``drain`` seconds; those held but not started, and any
        still running after that, go back to the queue."""
        waiting = [t for t, d in self._in_flight.items() if d.id not in self._started]
        for task in waiting:
            self._handed_back.append(self._in_flight[task])
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        running = list(self._in_flight)
        if running:
            _, pending = await asyncio.wait(running, timeout=self.drain)
            self._handed_back += [self._in_flight[t] for t in pending if t in self._in_flight]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._hand_back()

    # -- recording -----------------------------------------------------------------

    async def _record_loop(self) -> None:
        while True:
            batch = [await self._attempts.get()]
            while len(batch) < RECORD_BATCH and not self._attempts.empty():
                batch.append(self._attempts.get_nowait())
            try:
                await self._record_while_leased(batch)
            except Exception:
                # The leases run out and the deliveries are attempted again.
                log.exception("could not record %d webhook attempts", len(batch))
            finally:
                for _ in batch:
                    self._attempts.task_done()

    async def _record_while_leased(self, batch: list[queue.Attempt]) -> None:
        """Records ``batch``, again while the database is out of reach (a connection lost
        mid-record), for up to half a lease: these attempts were sent, and a lease that ran
        out would send them a second time. A record that did commit before its answer was
        lost is recorded again as superseded, never twice."""
        deadline = time.monotonic() + self.lease.total_seconds() / 2
        delay = 0.05
        while True:
            try:
                await self._record(batch)
                return
            except Exception as exc:
                if not unavailable(exc) or time.monotonic() + delay > deadline:
                    raise
                log.warning("the database is out of reach; recording again: %s", type(exc).__name__)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def _record(self, batch: list[queue.Attempt]) -> None:
        outcomes = await queue.record(
            db=self.db, attempts=batch, schedule=self.settings.webhook_retry_schedule
        )
        for attempt, outcome in zip(batch, outcomes, strict=True):
            delivery = attempt.delivery
            self.metrics.webhook_attempts.observe(attempt.duration_ms / 1000)
            self.metrics.webhook_deliveries.labels(outcome or "superseded").inc()
            log.info(
                "webhook attempt %s",
                outcome or "superseded",
                extra={
                    "delivery_id": delivery.id,
                    "event_id": delivery.event_id,
                    "event_type": delivery.event_type,
                    "endpoint_id": delivery.endpoint_id,
                    "status": attempt.status_code,
                    "duration_ms": attempt.duration_ms,
                    "error": attempt.error,
                },
            )

    # -- gauges --------------------------------------------------------------------

    async def _gauge_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                count, age = await queue.due(db=self.db)
                self.metrics.webhook_due.set(count)
                self.metrics.webhook_oldest_due.set(age)
            except Exception:
                log.warning("could not count due webhook deliveries", exc_info=True)
            await _wait(stop, GAUGE_SECONDS)


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)
