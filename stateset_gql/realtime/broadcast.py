"""A guarded wrapper around broadcaster (0.3.1, alpha).

Publishing never blocks a request for long and never fails it: the database is the
record, and consumers fill any gap from it. ``healthy()`` answers /ready; for Redis it
pings with a short timeout on a connection of its own, since broadcaster's own
connection can hang silently after a disconnect.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import redis.asyncio as aioredis
from broadcaster import Broadcast

log = logging.getLogger("stateset_gql.broadcast")

PUBLISH_TIMEOUT = 1.0
HEALTH_TIMEOUT = 1.0


class BroadcastHub:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_memory = url.startswith("memory://")
        self._broadcast: Any = None
        self._redis: aioredis.Redis | None = None
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        """Connects if it can; a backend that is down leaves the process up but not ready."""
        if not self.is_memory:
            self._redis = aioredis.from_url(
                self.url, socket_connect_timeout=HEALTH_TIMEOUT, socket_timeout=HEALTH_TIMEOUT
            )
        try:
            await self._ensure_connected()
        except Exception:
            log.warning("broadcast backend %s is not reachable", self.url, exc_info=True)

    async def _ensure_connected(self) -> Any:
        async with self._lock:
            if self._broadcast is None:
                broadcast = Broadcast(self.url)
                await asyncio.wait_for(broadcast.connect(), timeout=HEALTH_TIMEOUT * 5)
                self._broadcast = broadcast
            return self._broadcast

    async def _drop(self) -> None:
        async with self._lock:
            broadcast, self._broadcast = self._broadcast, None
        if broadcast is not None:
            try:
                await asyncio.wait_for(broadcast.disconnect(), timeout=HEALTH_TIMEOUT)
            except Exception:
                log.debug("broadcast disconnect failed", exc_info=True)

    async def memory_broadcast(self) -> Broadcast:
        """The embedded broadcast this hub publishes on, for a listener in this process."""
        if not self.is_memory:
            raise ValueError(f"{self.url} is not memory://")
        broadcast: Broadcast = await self._ensure_connected()
        return broadcast

    async def disconnect(self) -> None:
        await self._drop()
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def healthy(self) -> bool:
        if self.is_memory:
            return self._broadcast is not None
        if self._redis is None:
            return False
        try:
            return bool(await asyncio.wait_for(self._redis.ping(), timeout=HEALTH_TIMEOUT))
        except Exception:  # noqa: BLE001 - any failure means not ready
            return False

    async def publish(self, channel: str, message: str) -> bool:
        """Best effort: False (logged, the connection rebuilt on next use) on failure."""
        try:
            broadcast = await self._ensure_connected()
            await asyncio.wait_for(broadcast.publish(channel, message), timeout=PUBLISH_TIMEOUT)
        except Exception:
            log.warning("could not publish on %s", channel, exc_info=True)
            await self._drop()
            return False
        return True
