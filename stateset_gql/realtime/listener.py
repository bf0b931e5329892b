"""One pub/sub subscription per channel in use, for the whole process.

The fan-out to GraphQL-subscription clients asks a ``Listener`` for the channels its
clients need and gets every message through ``on_message``. On Redis the listener holds
one connection read by one task, pings it every ``health_interval`` and calls it dead when
nothing has answered for two intervals (a server frozen with SIGSTOP never closes the
socket); it then reconnects with backoff, subscribes again to every channel still wanted
and calls ``on_resumed``, so the fan-out reads from the database what it missed. It uses
``redis.asyncio`` directly: broadcaster's Redis backend can hang after a disconnect and
queues without bound. On ``memory://`` it subscribes to the hub's embedded broadcast,
where nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any, Protocol

import redis.asyncio as aioredis
from broadcaster import Broadcast
from broadcaster._base import Subscriber
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from stateset_gql.ops.metrics import Metrics
from stateset_gql.realtime.broadcast import BroadcastHub

log = logging.getLogger("stateset_gql.listener")

OnMessage = Callable[[str, str], None]  # (channel, message text); must not block
OnResumed = Callable[[], None]  # called after a reconnect that followed a loss

BACKOFF_FIRST = 0.05
BACKOFF_MAX = 2.0
CLOSE_TIMEOUT = 1.0
# The backoff's jitter has a generator of its own: the process's shared one is the
# application's (and its tests') to seed.
_jitter = random.Random()


class Listener(Protocol):
    async def start(self) -> None:
        """Connects in the background; never raises when the backend is down."""

    async def close(self) -> None: ...

    async def add(self, channel: str) -> None:
        """Returns once subscribed, or at once while disconnected (the reconnect
        subscribes it)."""

    async def remove(self, channel: str) -> None: ...

    def healthy(self) -> bool:
        """Connected and answering."""


def make_listener(
    hub: BroadcastHub,
    *,
    on_message: OnMessage,
    on_resumed: OnResumed,
    metrics: Metrics | None = None,
    health_interval: float = 5.0,
) -> Listener:
    if hub.is_memory:
        return MemoryListener(hub, on_message=on_message)
    return RedisListener(
        hub.url,
        on_message=on_message,
        on_resumed=on_resumed,
        metrics=metrics,
        health_interval=health_interval,
    )


def _deliver(on_message: OnMessage, channel: str, message: str) -> None:
    try:
        on_message(channel, message)
    except Exception:
        log.exception("on_message failed for a message on %s", channel)


class RedisListener:
    def __init__(
        self,
        url: str,
        *,
        on_message: OnMessage,
        on_resumed: OnResumed,
        metrics: Metrics | None,
        health_interval: float,
    ) -> None:
        self.url = url
        self.on_message = on_message
        self.on_resumed = on_resumed
        self.metrics = metrics
        self.interval = health_interval
        self._wanted: set[str] = set()
        self._confirming: dict[str, asyncio.Future[None]] = {}
        self._pubsub: PubSub | None = None  # set while a connection is open
        self._answering = False
        self._warned = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="stateset-listener")

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def healthy(self) -> bool:
        return self._answering

    async def add(self, channel: str) -> None:
        if channel in self._wanted:
            pending = self._confirming.get(channel)
            if pending is not None:
                await asyncio.shield(pending)
            return
        self._wanted.add(channel)
        pubsub = self._pubsub
        if pubsub is None or not _open(pubsub):
            return
        confirmed = asyncio.get_running_loop().create_future()
        self._confirming[channel] = confirmed
        try:
            await pubsub.subscribe(channel)
        except Exception:  # noqa: BLE001 - the reader sees the loss and subscribes again
            await _drop(pubsub)
            return
        # Resolved by the reader on the confirmation, or when the connection ends.
        await asyncio.shield(confirmed)

    async def remove(self, channel: str) -> None:
        if channel not in self._wanted:
            return
        self._wanted.discard(channel)
        pubsub = self._pubsub
        if pubsub is not None and _open(pubsub):
            try:
                await pubsub.unsubscribe(channel)
            except Exception:  # noqa: BLE001 - the reader sees the loss
                await _drop(pubsub)

    async def _run(self) -> None:
        delay = BACKOFF_FIRST
        resumed = False
        while True:
            if await self._session(resumed=resumed):
                delay = BACKOFF_FIRST
            resumed = True
            if self.metrics is not None:
                self.metrics.broadcast_reconnects.inc()
            await asyncio.sleep(delay * _jitter.uniform(0.5, 1.0))
            delay = min(delay * 2, BACKOFF_MAX)

    async def _session(self, *, resumed: bool) -> bool:
        """One connection, read until it is lost; whether the server answered on it."""
        patience = 2 * self.interval
        client = aioredis.Redis.from_url(
            self.url,
            socket_connect_timeout=patience,
            socket_timeout=patience,
            retry=Retry(NoBackoff(), 0),  # a failure ends the session: this loop reconnects
        )
        pubsub = client.pubsub()
        answered = False
        try:
            await asyncio.wait_for(pubsub.connect(), patience)  # type: ignore[no-untyped-call]
            self._pubsub = pubsub
            if self._wanted:
                await pubsub.subscribe(*self._wanted)
            await pubsub.ping()
            last_seen = last_ping = time.monotonic()
            while True:
                if not _open(pubsub):
                    raise ConnectionError("the connection was closed")
                now = time.monotonic()
                if now - last_seen > patience:
                    raise TimeoutError(f"no answer from Redis in {patience:g}s")
                if now - last_ping >= self.interval:
                    await asyncio.wait_for(pubsub.ping(), self.interval)
                    last_ping = now
                wait = max(0.01, last_ping + self.interval - time.monotonic())
                message = await pubsub.get_message(timeout=wait)
                if message is None:
                    continue
                last_seen = time.monotonic()
                if not answered and message["type"] == "pong":
                    answered = True
                    self._answered(resumed=resumed)
                self._handle(message)
        except Exception as exc:  # noqa: BLE001 - any failure ends the session
            if not self._warned:  # once per outage
                log.warning(
                    "the pub/sub connection to Redis is down: %s: %s", type(exc).__name__, exc
                )
                self._warned = True
            return answered
        finally:
            self._pubsub = None
            self._answering = False
            for confirmed in self._confirming.values():
                if not confirmed.done():
                    confirmed.set_result(None)
            self._confirming.clear()
            await _drop(pubsub)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.aclose(), CLOSE_TIMEOUT)

    def _answered(self, *, resumed: bool) -> None:
        self._answering = True
        self._warned = False
        if resumed:
            log.info("the pub/sub connection to Redis is back")
            try:
                self.on_resumed()
            except Exception:
                log.exception("on_resumed failed")

    def _handle(self, message: dict[str, Any]) -> None:
        # Bytes, not decode_responses: redis-py reads a decoded PONG as a pub/sub message.
        kind, channel = message["type"], (message["channel"] or b"").decode()
        if kind == "message" and channel in self._wanted:
            _deliver(self.on_message, channel, message["data"].decode())
        elif kind == "subscribe":
            confirmed = self._confirming.pop(channel, None)
            if confirmed is not None and not confirmed.done():
                confirmed.set_result(None)


def _open(pubsub: PubSub) -> bool:
    """Connected: redis-py would otherwise reconnect on its own, behind the reader's back."""
    return pubsub.connection is not None and pubsub.connection.is_connected


async def _drop(pubsub: PubSub) -> None:
    """Closes without waiting on the peer, which may be frozen."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(pubsub.aclose(), CLOSE_TIMEOUT)


class MemoryListener:
    """Subscribes to the hub's embedded broadcast, a task per channel."""

    def __init__(self, hub: BroadcastHub, *, on_message: OnMessage) -> None:
        self.hub = hub
        self.on_message = on_message
        self._channels: dict[str, tuple[asyncio.Task[None], AsyncExitStack]] = {}
        self._open = False

    async def start(self) -> None:
        self._open = True

    async def close(self) -> None:
        self._open = False
        for channel in list(self._channels):
            await self.remove(channel)

    def healthy(self) -> bool:
        return self._open

    async def add(self, channel: str) -> None:
        if channel in self._channels:
            return
        broadcast: Broadcast = await self.hub.memory_broadcast()
        stack = AsyncExitStack()
        subscriber = await stack.enter_async_context(broadcast.subscribe(channel))
        pump = asyncio.create_task(self._pump(subscriber), name=f"stateset-listener {channel}")
        self._channels[channel] = (pump, stack)

    async def remove(self, channel: str) -> None:
        entry = self._channels.pop(channel, None)
        if entry is None:
            return
        pump, stack = entry
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump
        await stack.aclose()

    async def _pump(self, subscriber: Subscriber) -> None:
        while True:
            event = await subscriber.get()
            _deliver(self.on_message, event.channel, event.message)
