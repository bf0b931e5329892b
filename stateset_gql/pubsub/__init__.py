"""Publishing and subscribing, for the whole process: the one owner of pub/sub.

A ``Hub`` (``open_hub(url)``) publishes best effort and hands out ``Subscription``s::

    hub = open_hub("redis://...", on_reconnect=metrics.broadcast_reconnects.inc)
    await hub.connect()                       # never raises; /ready says when it is down
    await hub.publish("stateset.keys", text)  # False, logged, when it did not go out
    heard = hub.subscribe(on_message=..., on_missed=..., patterns=["stateset.events.*"])
    await heard.start()
    await heard.add("stateset.events.acct_1.test")
    heard.healthy()                           # connected and answering

Every subscription has a bounded queue of its own and is told through ``on_missed`` when
messages may have been lost (a reconnect, or its queue overflowing): the database is the
record, and a consumer reads from it what it missed. The hubs: ``RedisHub``
(``redis_hub.py``: one connection for all subscriptions, pinged, reconnected with backoff
and jitter, subscribed again) and its in-memory twin ``MemoryHub`` (``memory.py``) for
``memory://``.

Why not broadcaster (0.3.1, alpha), which this module replaces. As the publish backend
it earns nothing: its Redis backend opens a subscribing connection besides, whose reader
task ends silently on the first error and is never restarted, and publishes on a client
with no timeouts, so a disconnect could leave it hanging and its health took a second
client just to ping; ``redis.asyncio`` publishes on one client whose timeouts are set
here and whose ping is the health check. As the in-memory backend its queues are
unbounded and its subscriber is a private class. What it would still do is one
``PUBLISH`` and a dict of queues: a few lines here, bounded, and under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from stateset_gql.pubsub.memory import MemoryHub
from stateset_gql.pubsub.redis_hub import RedisHub
from stateset_gql.pubsub.subscription import OnMessage, OnMissed, Subscription

__all__ = ["Hub", "MemoryHub", "OnMessage", "OnMissed", "RedisHub", "Subscription", "open_hub"]


class Hub(Protocol):
    is_memory: bool

    async def connect(self) -> None:
        """Connects in the background; never raises when the server is down."""

    async def disconnect(self) -> None: ...

    async def healthy(self) -> bool:
        """Answers a publisher (for /ready)."""

    async def publish(self, channel: str, message: str) -> bool:
        """Best effort: whether it went out; a failure is logged, never raised."""

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> bool:
        """``(channel, message)`` pairs in order, in one round trip where the broadcast
        allows: whether all went out (False: any may not have)."""

    def subscribe(
        self, *, on_message: OnMessage, on_missed: OnMissed, patterns: Iterable[str] = ()
    ) -> Subscription: ...


def open_hub(
    url: str, *, health_interval: float = 5.0, on_reconnect: Callable[[], None] | None = None
) -> Hub:
    """The hub for ``url``: ``memory://`` in this process, else Redis. ``on_reconnect`` is
    called each time the subscribing connection is lost or fails to open again."""
    if url.startswith("memory://"):
        return MemoryHub()
    return RedisHub(url, health_interval=health_interval, on_reconnect=on_reconnect)
