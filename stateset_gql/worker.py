"""The background loops of ``stateset-gql worker``, also run inside ``serve`` on memory://.

The loops are one list (``loops``), made from the parts the app assembled: the webhook
delivery worker (fan-out, dispatch, recording) and the outbox relay. ``serve`` on
``memory://`` runs them in-process and wakes the fan-out after each commit; a worker
process is woken by the events published on Redis (``PSUBSCRIBE stateset.events.*``, the
channels of ``realtime.outbox.channel``), and polls besides, so a missed message only
delays. Any number of workers may run at once. SIGTERM (or SIGINT) stops claiming, lets
attempts in flight finish (up to 30 s) and releases the rest; SIGKILL loses nothing
either, since leases expire. The process around them is ``cli/processes.py``'s ``worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import redis.asyncio as aioredis

from stateset_gql.db.engine import Database
from stateset_gql.realtime.outbox import Outbox
from stateset_gql.realtime.relay import Relay
from stateset_gql.webhooks.worker import DeliveryWorker

log = logging.getLogger("stateset_gql.worker")

# Every channel ``realtime.outbox.channel`` publishes on.
EVENT_CHANNELS = "stateset.events.*"
RECONNECT_SECONDS = 1.0


def loops(
    *,
    db: Database,
    outbox: Outbox,
    deliveries: DeliveryWorker,
    broadcast_url: str,
    stop: asyncio.Event,
) -> list[Coroutine[Any, Any, None]]:
    """The worker's loops, each running until ``stop`` is set."""
    found: list[Coroutine[Any, Any, None]] = [
        deliveries.run(stop),
        Relay(db=db, outbox=outbox).run(stop),
    ]
    if not broadcast_url.startswith("memory://"):
        found.append(listen(broadcast_url, deliveries.notify, stop))
    return found


async def listen(url: str, wake: Callable[[], None], stop: asyncio.Event) -> None:
    """Calls ``wake`` for every event published on Redis, reconnecting as needed."""
    while not stop.is_set():
        client = aioredis.from_url(url)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.psubscribe(EVENT_CHANNELS)
                while not stop.is_set():
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=RECONNECT_SECONDS
                    )
                    if message is not None:
                        wake()
        except Exception:
            log.warning("lost the event channels on %s; listening again", url, exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=RECONNECT_SECONDS)
        finally:
            await client.aclose()
