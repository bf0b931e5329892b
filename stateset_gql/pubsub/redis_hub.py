"""The Redis hub: publishing on one client, subscribing on one connection per process.

Publishing never blocks a request for long and never fails it: a publish that does not
go through within ``PUBLISH_TIMEOUT`` is logged and answered False (the database is the
record, and consumers fill any gap from it), and the client is rebuilt for the next.
``healthy()`` pings that client, for /ready.

Subscribing: one connection, read by one task, carries the channels and patterns every
subscription of the process wants. It is pinged every ``health_interval`` and called dead
when nothing has answered for two intervals (a server frozen with SIGSTOP never closes
the socket); the hub then reconnects with backoff and jitter, subscribes again to all
that is still wanted and, once the server answers, tells every subscription it may have
missed messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from stateset_gql.pubsub.subscription import Kind, OnMessage, OnMissed, Subscription

log = logging.getLogger("stateset_gql.pubsub")

PUBLISH_TIMEOUT = 1.0
HEALTH_TIMEOUT = 1.0
BACKOFF_FIRST = 0.05
BACKOFF_MAX = 2.0
CLOSE_TIMEOUT = 1.0
# The backoff's jitter has a generator of its own: the process's shared one is the
# application's (and its tests') to seed.
_jitter = random.Random()

_CONFIRMS: dict[str, Kind] = {"subscribe": "channel", "psubscribe": "pattern"}


class RedisHub:
    is_memory = False

    def __init__(
        self,
        url: str,
        *,
        health_interval: float = 5.0,
        on_reconnect: Callable[[], None] | None = None,
    ) -> None:
        self.url = url
        self.interval = health_interval
        self.on_reconnect = on_reconnect
        self._client: aioredis.Redis | None = None
        self._subscriptions: list[Subscription] = []
        self._wanted: Counter[tuple[Kind, str]] = Counter()
        self._confirming: dict[tuple[Kind, str], asyncio.Future[None]] = {}
        self._pubsub: PubSub | None = None  # set while a connection is open
        self._answering = False
        self._warned = False
        self._reader: asyncio.Task[None] | None = None

    def _new_client(self) -> aioredis.Redis:
        return aioredis.from_url(
            self.url, socket_connect_timeout=HEALTH_TIMEOUT, socket_timeout=HEALTH_TIMEOUT
        )

    async def connect(self) -> None:
        """Starts listening in the background; a server that is down leaves the process up
        but not ready (and is logged)."""
        if self._client is None:
            self._client = self._new_client()
        if self._reader is None:
            self._reader = asyncio.create_task(self._run(), name="stateset-pubsub-reader")
        if not await self.healthy():
            log.warning("the pub/sub server %s is not reachable", self.url)

    async def disconnect(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.aclose(), CLOSE_TIMEOUT)

    async def healthy(self) -> bool:
        """Answers a publisher."""
        if self._client is None:
            return False
        try:
            return bool(await asyncio.wait_for(self._client.ping(), timeout=HEALTH_TIMEOUT))
        except Exception:  # noqa: BLE001 - any failure means not ready
            return False

    async def publish(self, channel: str, message: str) -> bool:
        """Best effort: False (logged, the client rebuilt) on failure."""
        return await self.publish_many([(channel, message)])

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> bool:
        """``(channel, message)`` pairs in order, in one round trip (a pipeline): whether
        all went out. False (logged, the client rebuilt) when any may not have."""
        client = self._client = self._client or self._new_client()
        try:
            if len(messages) == 1:
                send: Awaitable[Any] = client.publish(*messages[0])
            else:
                pipe = client.pipeline(transaction=False)
                for channel, message in messages:
                    pipe.publish(channel, message)
                send = pipe.execute()
            await asyncio.wait_for(send, timeout=PUBLISH_TIMEOUT)
        except Exception:
            log.warning("could not publish on %s", messages[0][0], exc_info=True)
            # A command cut off mid-way may leave its answer on the wire: start afresh.
            if self._client is client:
                self._client = self._new_client()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.aclose(), CLOSE_TIMEOUT)
            return False
        return True

    def subscribe(
        self, *, on_message: OnMessage, on_missed: OnMissed, patterns: Iterable[str] = ()
    ) -> Subscription:
        return Subscription(self, on_message=on_message, on_missed=on_missed, patterns=patterns)

    # -- what a subscription asks --------------------------------------------------------

    def answering(self) -> bool:
        return self._answering

    def attach(self, subscription: Subscription) -> None:
        self._subscriptions.append(subscription)

    def detach(self, subscription: Subscription) -> None:
        self._subscriptions.remove(subscription)

    async def want(self, kind: Kind, name: str) -> None:
        key = (kind, name)
        self._wanted[key] += 1
        if self._wanted[key] > 1:
            pending = self._confirming.get(key)
            if pending is not None:
                await asyncio.shield(pending)
            return
        pubsub = self._pubsub
        if pubsub is None or not _open(pubsub):
            return
        confirmed = asyncio.get_running_loop().create_future()
        self._confirming[key] = confirmed
        try:
            await _subscribe(pubsub, kind, name)
        except Exception:  # noqa: BLE001 - the reader sees the loss and subscribes again
            await _drop(pubsub)
            return
        # Resolved by the reader on the confirmation, or when the connection ends.
        await asyncio.shield(confirmed)

    async def unwant(self, kind: Kind, name: str) -> None:
        key = (kind, name)
        if self._wanted[key] <= 0:
            return
        self._wanted[key] -= 1
        if self._wanted[key] > 0:
            return
        del self._wanted[key]
        pubsub = self._pubsub
        if pubsub is not None and _open(pubsub):
            try:
                await _unsubscribe(pubsub, kind, name)
            except Exception:  # noqa: BLE001 - the reader sees the loss
                await _drop(pubsub)

    # -- the reader ----------------------------------------------------------------------

    async def _run(self) -> None:
        delay = BACKOFF_FIRST
        resumed = False
        while True:
            if await self._session(resumed=resumed):
                delay = BACKOFF_FIRST
            resumed = True
            if self.on_reconnect is not None:
                self.on_reconnect()
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
            for kind in _CONFIRMS.values():
                names = [name for k, name in self._wanted if k == kind]
                if names:
                    await _subscribe(pubsub, kind, *names)
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
            for subscription in list(self._subscriptions):
                subscription.missed()

    def _handle(self, message: dict[str, Any]) -> None:
        # Bytes, not decode_responses: redis-py reads a decoded PONG as a pub/sub message.
        kind, channel = message["type"], (message["channel"] or b"").decode()
        if kind in ("message", "pmessage"):
            wanted: tuple[Kind, str] = ("channel", channel)
            if kind == "pmessage":
                wanted = ("pattern", message["pattern"].decode())
            if wanted not in self._wanted:
                return
            text = message["data"].decode()
            for subscription in list(self._subscriptions):
                if subscription.wants(*wanted):
                    subscription.offer(channel, text)
        elif kind in _CONFIRMS:
            confirmed = self._confirming.pop((_CONFIRMS[kind], channel), None)
            if confirmed is not None and not confirmed.done():
                confirmed.set_result(None)


async def _subscribe(pubsub: PubSub, kind: Kind, *names: str) -> None:
    if kind == "channel":
        await pubsub.subscribe(*names)
    else:
        await pubsub.psubscribe(*names)


async def _unsubscribe(pubsub: PubSub, kind: Kind, name: str) -> None:
    if kind == "channel":
        await pubsub.unsubscribe(name)
    else:
        await pubsub.punsubscribe(name)


def _open(pubsub: PubSub) -> bool:
    """Connected: redis-py would otherwise reconnect on its own, behind the reader's back."""
    return pubsub.connection is not None and pubsub.connection.is_connected


async def _drop(pubsub: PubSub) -> None:
    """Closes without waiting on the peer, which may be frozen."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(pubsub.aclose(), CLOSE_TIMEOUT)
