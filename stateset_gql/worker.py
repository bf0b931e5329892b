"""The background loops of ``stateset-gql worker``, also run inside ``serve`` on memory://.

The loops are one list (``loops``), made from the parts the app assembled: the webhook
delivery worker (fan-out, dispatch, recording), the outbox relay and the bulk jobs'
runner (``pipeline/jobs.py``, woken by the notice a new job sends). ``serve`` on
``memory://`` runs them in-process and wakes the fan-out after each commit; a worker
process is woken by the events published on Redis (its hub's subscription to the pattern
``stateset.events.*``, the channels of ``realtime.outbox.channel``), and polls besides,
so a missed message only delays. Any number of workers may run at once. SIGTERM (or
SIGINT) stops claiming, lets attempts in flight finish (up to 30 s) and releases the
rest; SIGKILL loses nothing either, since leases expire. The process around them is
``cli/processes.py``'s ``worker``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from stateset_gql.db.engine import Database
from stateset_gql.jobs.service import JOBS_CHANNEL
from stateset_gql.pubsub import Hub
from stateset_gql.realtime.outbox import Outbox
from stateset_gql.realtime.relay import Relay
from stateset_gql.webhooks.worker import DeliveryWorker

class Loop(Protocol):
    """A background loop that runs until told to stop, and can be woken early (the job
    runner, ``pipeline/jobs.py``, assembled by the app above this layer)."""

    def run(self, stop: asyncio.Event) -> Coroutine[Any, Any, None]: ...

    def notify(self) -> None: ...


# Every channel ``realtime.outbox.channel`` publishes on.
EVENT_CHANNELS = "stateset.events.*"


def loops(
    *,
    db: Database,
    outbox: Outbox,
    deliveries: DeliveryWorker,
    jobs: Loop,
    hub: Hub,
    stop: asyncio.Event,
) -> list[Coroutine[Any, Any, None]]:
    """The worker's loops, each running until ``stop`` is set."""
    found: list[Coroutine[Any, Any, None]] = [
        deliveries.run(stop),
        Relay(db=db, outbox=outbox).run(stop),
        jobs.run(stop),
    ]
    if not hub.is_memory:
        found.append(listen(hub, deliveries.notify, jobs.notify, stop))
    return found


async def listen(
    hub: Hub, wake: Callable[[], None], wake_jobs: Callable[[], None], stop: asyncio.Event
) -> None:
    """Calls ``wake`` for every event published on Redis and ``wake_jobs`` for every job
    queued, and both after a reconnect (what was said meanwhile is lost), until ``stop``
    is set. The hub reconnects as needed."""

    def heard_one(channel: str, _message: str) -> None:
        (wake_jobs if channel == JOBS_CHANNEL else wake)()

    def missed() -> None:
        wake()
        wake_jobs()

    heard = hub.subscribe(
        on_message=heard_one, on_missed=missed, patterns=[EVENT_CHANNELS, JOBS_CHANNEL]
    )
    await heard.start()
    try:
        await stop.wait()
    finally:
        await heard.close()
