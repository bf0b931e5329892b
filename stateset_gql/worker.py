"""``stateset-gql worker``: the background loops, as their own process or inside ``serve``.

The loops are one list (``loops``): the webhook delivery worker (fan-out, dispatch,
recording) and the outbox relay. ``serve`` on ``memory://`` runs them in-process and wakes
the fan-out after each commit; a worker process is woken by the events published on
Redis (``PSUBSCRIBE stateset.events.*``, the channels of ``realtime.outbox.channel``),
and polls besides, so a missed message only delays. Any number of workers may run at
once. SIGTERM (or SIGINT) stops claiming, lets attempts in flight finish (up to 30 s)
and releases the rest; SIGKILL loses nothing either, since leases expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import redis.asyncio as aioredis

from stateset_gql.realtime.relay import Relay
from stateset_gql.settings import Settings

if TYPE_CHECKING:
    from stateset_gql.app import AppState

log = logging.getLogger("stateset_gql.worker")

# Every channel ``realtime.outbox.channel`` publishes on.
EVENT_CHANNELS = "stateset.events.*"
RECONNECT_SECONDS = 1.0


def loops(state: AppState, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    """The worker's loops, each running until ``stop`` is set."""
    found: list[Coroutine[Any, Any, None]] = [
        state.deliveries.run(stop),
        Relay(db=state.db, outbox=state.outbox).run(stop),
    ]
    if not state.hub.is_memory:
        found.append(listen(state.settings.broadcast_url, state.deliveries.notify, stop))
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


async def run(settings: Settings, *, metrics_port: int | None = None) -> None:
    """The worker process: its loops until SIGTERM or SIGINT."""
    from prometheus_client import start_http_server

    from stateset_gql.app import build_state

    state = build_state(settings)
    stop = asyncio.Event()
    running = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        running.add_signal_handler(signum, stop.set)
    await state.hub.connect()
    if metrics_port is not None:
        start_http_server(metrics_port, addr="127.0.0.1", registry=state.metrics.registry)
    log.info("worker started")
    try:
        await asyncio.gather(*loops(state, stop))
    finally:
        await state.hub.disconnect()
        await state.pipeline.gate.limiter.close()
        await state.db.dispose()
        log.info("worker stopped")
