"""One consumer's subscription: its channels and patterns, its bounded queue, its pump.

A hub hands every message to each subscription that wants it with ``offer`` (never
blocking); the subscription's own task takes them from its queue, in order, to
``on_message``. A queue that reaches its bound is dropped, as a lost connection drops
messages, and the consumer is told at once through ``on_missed`` to read what it missed
from the record (the database): a consumer that falls behind costs memory up to its
bound and no more, and never holds up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import Literal, Protocol

log = logging.getLogger("stateset_gql.pubsub")

OnMessage = Callable[[str, str], None]  # (channel, message text); must not block
OnMissed = Callable[[], None]  # messages may have been lost: read them from the record

Kind = Literal["channel", "pattern"]
QUEUE_SIZE = 10_000


class Backend(Protocol):
    """What a subscription asks of its hub."""

    def answering(self) -> bool: ...

    async def want(self, kind: Kind, name: str) -> None:
        """Returns once subscribed, or at once while disconnected (the reconnect
        subscribes it)."""

    async def unwant(self, kind: Kind, name: str) -> None: ...

    def attach(self, subscription: Subscription) -> None: ...

    def detach(self, subscription: Subscription) -> None: ...


class Subscription:
    def __init__(
        self,
        backend: Backend,
        *,
        on_message: OnMessage,
        on_missed: OnMissed,
        patterns: Iterable[str] = (),
        size: int = QUEUE_SIZE,
    ) -> None:
        self.backend = backend
        self.on_message = on_message
        self.on_missed = on_missed
        self.size = size
        self.channels: set[str] = set()
        self.patterns: frozenset[str] = frozenset(patterns)
        self._queue: deque[tuple[str, str]] = deque()
        self._wake = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Hears its patterns from now on; channels come with ``add``."""
        if self._pump is not None:
            return
        self._pump = asyncio.create_task(self._run(), name="stateset-pubsub")
        self.backend.attach(self)
        for pattern in self.patterns:
            await self.backend.want("pattern", pattern)

    async def close(self) -> None:
        pump, self._pump = self._pump, None
        if pump is None:
            return
        self.backend.detach(self)
        for channel in list(self.channels):
            await self.remove(channel)
        for pattern in self.patterns:
            await self.backend.unwant("pattern", pattern)
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump

    def healthy(self) -> bool:
        """Started, and its hub connected and answering."""
        return self._pump is not None and self.backend.answering()

    async def add(self, channel: str) -> None:
        """Returns once subscribed, or at once while disconnected (the reconnect
        subscribes it)."""
        if channel not in self.channels:
            self.channels.add(channel)
            await self.backend.want("channel", channel)

    async def remove(self, channel: str) -> None:
        if channel in self.channels:
            self.channels.discard(channel)
            await self.backend.unwant("channel", channel)

    def wants(self, kind: Kind, name: str) -> bool:
        return name in (self.channels if kind == "channel" else self.patterns)

    def offer(self, channel: str, message: str) -> None:
        """Queues a message; a full queue is dropped, and the consumer told."""
        if len(self._queue) >= self.size:
            self.missed()
            return
        self._queue.append((channel, message))
        self._wake.set()

    def missed(self) -> None:
        """Messages were lost: what is queued is superseded by reading the record."""
        self._queue.clear()
        try:
            self.on_missed()
        except Exception:
            log.exception("on_missed failed")

    async def _run(self) -> None:
        while True:
            while not self._queue:
                self._wake.clear()
                await self._wake.wait()
            channel, message = self._queue.popleft()
            try:
                self.on_message(channel, message)
            except Exception:
                log.exception("on_message failed for a message on %s", channel)
