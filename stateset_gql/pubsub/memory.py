"""The in-memory twin of the Redis hub, for ``memory://``: one process, nothing lost.

A publish hands the message to every subscription of this hub that wants its channel
(or a pattern matching it, read as Redis reads glob patterns); nothing leaves the
process, so a second process hears nothing, as on ``memory://`` it should not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase

from stateset_gql.pubsub.subscription import Kind, OnMessage, OnMissed, Subscription


class MemoryHub:
    is_memory = True

    def __init__(self) -> None:
        self._connected = False
        self._subscriptions: list[Subscription] = []

    async def connect(self) -> None:
        self._connected = True

    async def disconnect(self) -> None:
        self._connected = False

    async def healthy(self) -> bool:
        return self._connected

    async def publish(self, channel: str, message: str) -> bool:
        for subscription in self._subscriptions:
            if subscription.wants("channel", channel) or any(
                fnmatchcase(channel, pattern) for pattern in subscription.patterns
            ):
                subscription.offer(channel, message)
        return True

    async def publish_many(self, messages: Sequence[tuple[str, str]]) -> bool:
        for channel, message in messages:
            await self.publish(channel, message)
        return True

    def subscribe(
        self, *, on_message: OnMessage, on_missed: OnMissed, patterns: Iterable[str] = ()
    ) -> Subscription:
        return Subscription(self, on_message=on_message, on_missed=on_missed, patterns=patterns)

    # -- what a subscription asks --------------------------------------------------------

    def answering(self) -> bool:
        return True

    async def want(self, kind: Kind, name: str) -> None:
        pass

    async def unwant(self, kind: Kind, name: str) -> None:
        pass

    def attach(self, subscription: Subscription) -> None:
        self._subscriptions.append(subscription)

    def detach(self, subscription: Subscription) -> None:
        self._subscriptions.remove(subscription)
