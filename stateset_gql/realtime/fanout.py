"""One process's fan-out: from the broadcast to its WebSocket subscribers, with no gap
and no duplicate.

A ``Channel`` is one account and mode (``outbox.channel``). The process listens to each
channel in use once, whatever the number of subscribers, and keeps the ``sequence`` it
has dispatched up to. Events reach a channel's task in order of arrival; one at or below
that sequence is a duplicate and dropped; one above the next expected means something was
missed (Redis dropped it, a reconnect, a publish that never happened), and the missing
events are read from the database, in order, before going on. After a reconnect, and on a
short sweep of the sequence counters, every channel reads whatever it has not seen.

Subscribers sharing one document, variables and scopes share a ``Feed``: each event is
executed and encoded once per feed, then handed to each subscriber's bounded queue. A
subscriber whose queue reaches ``MAX_BEHIND`` is cut off (``TooSlow``) instead of holding
anyone up. A subscriber that resumes ``since`` an event first reads the stored events
after it, then joins its feed at the point its reading reached, so it neither misses nor
repeats one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import Renderer, event_subject
from stateset_gql.events import log as event_log
from stateset_gql.ops.metrics import Metrics
from stateset_gql.realtime.outbox import channel as channel_name

log = logging.getLogger("stateset_gql.fanout")

MAX_BEHIND = 1000
READ_BATCH = 500
SWEEP_SECONDS = 2.0

Payload = Any  # what a feed made of one event: encoded once, sent to each subscriber


class Topic(Protocol):
    """What a subscription follows, and how one event looks to it."""

    key: Hashable

    def matches(self, event: dict[str, Any]) -> bool: ...

    def render(self, event: dict[str, Any]) -> Payload: ...


class Listening(Protocol):
    """The broadcast side (a ``pubsub.Subscription``): one subscription per channel."""

    async def add(self, channel: str) -> None: ...

    async def remove(self, channel: str) -> None: ...


@dataclass(frozen=True)
class Item:
    sequence: int
    event_id: str
    payload: Payload
    committed: float  # unix time of the event, for the commit-to-send latency


class TooSlow(Exception):
    """The subscriber fell ``MAX_BEHIND`` events behind and was cut off."""

    def __init__(self, resume_after: str | None) -> None:
        super().__init__("subscriber too slow")
        self.resume_after = resume_after


@dataclass(eq=False)
class Subscriber:
    topic: Topic
    last: int  # the sequence it has been given up to
    last_event_id: str | None = None
    queue: deque[Item] = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    too_slow: bool = False

    def offer(self, item: Item) -> bool:
        """Queues ``item``; False when the subscriber is too far behind (it is then cut off
        and its queue freed)."""
        if len(self.queue) >= MAX_BEHIND:
            self.too_slow = True
            self.queue.clear()
            self.wake.set()
            return False
        self.queue.append(item)
        self.wake.set()
        return True


@dataclass(eq=False)
class Feed:
    topic: Topic
    subscribers: set[Subscriber] = field(default_factory=set)


@dataclass(eq=False)
class Channel:
    name: str
    owner: Owner
    last: int = 0
    users: int = 0
    feeds: dict[Hashable, Feed] = field(default_factory=dict)
    inbox: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


def _unix(created: Any) -> float:
    try:
        return datetime.fromisoformat(str(created)).timestamp()
    except ValueError:
        return time.time()


class FanOut:
    def __init__(self, *, db: Database, render: Renderer, metrics: Metrics | None = None) -> None:
        self.db = db
        self.render = render
        self.metrics = metrics
        self.listening: Listening | None = None
        self.channels: dict[str, Channel] = {}
        self._sweeper: asyncio.Task[None] | None = None

    # -- the broadcast side -----------------------------------------------------------

    def on_message(self, name: str, message: str | bytes) -> None:
        """A message on a channel (never blocks: the channel's task takes it from here)."""
        channel = self.channels.get(name)
        if channel is not None:
            channel.inbox.put_nowait(message.encode() if isinstance(message, str) else message)

    def on_resumed(self) -> None:
        """The broadcast came back: every channel reads what it may have missed."""
        for channel in self.channels.values():
            channel.inbox.put_nowait(None)

    async def start(self, listening: Listening, *, sweep_seconds: float = SWEEP_SECONDS) -> None:
        self.listening = listening
        self._sweeper = asyncio.create_task(self._sweep_forever(sweep_seconds))

    async def close(self) -> None:
        tasks = [c.task for c in self.channels.values() if c.task is not None]
        if self._sweeper is not None:
            tasks.append(self._sweeper)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.channels.clear()

    async def _sweep_forever(self, seconds: float) -> None:
        """Catches what no message announced (a publish that never happened, a message
        dropped with nothing after it): one statement for every channel in use."""
        while True:
            await asyncio.sleep(seconds)
            try:
                await self._sweep()
            except Exception:
                log.warning("the sequence sweep failed", exc_info=True)

    async def _sweep(self) -> None:
        channels = [c for c in self.channels.values() if c.ready.is_set()]
        if not channels:
            return
        async with self.db.session(write=False) as session:
            counters = await event_log.counters(session, [c.owner for c in channels])
        for channel in channels:
            if counters.get(channel.owner, 0) > channel.last:
                channel.inbox.put_nowait(None)

    # -- channels ---------------------------------------------------------------------

    async def _open(self, owner: Owner) -> Channel:
        name = channel_name(owner)
        channel = self.channels.get(name)
        if channel is None:
            channel = self.channels[name] = Channel(name=name, owner=owner)
            channel.users += 1
            try:
                assert self.listening is not None, "the fan-out was not started"
                # Listening first, then the starting point: an event committed in between
                # is both above ``last`` and heard, and deduped by its sequence.
                await self.listening.add(name)
                channel.last = await self._max_sequence(owner)
            except BaseException:
                self.channels.pop(name, None)
                channel.ready.set()  # those waiting on it see it is gone
                raise
            channel.task = asyncio.create_task(self._run(channel))
            channel.ready.set()
            return channel
        channel.users += 1
        try:
            await channel.ready.wait()
        except BaseException:
            channel.users -= 1
            raise
        if self.channels.get(name) is not channel:
            raise RuntimeError(f"could not listen on {name}")
        return channel

    async def _close(self, channel: Channel) -> None:
        channel.users -= 1
        if channel.users > 0 or self.channels.get(channel.name) is not channel:
            return
        del self.channels[channel.name]
        if channel.task is not None:
            channel.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await channel.task
        if self.listening is not None:
            try:
                await self.listening.remove(channel.name)
            except Exception:
                log.warning("could not stop listening on %s", channel.name, exc_info=True)

    async def _max_sequence(self, owner: Owner) -> int:
        async with self.db.session(write=False) as session:
            return await event_log.last_sequence(session, owner)

    async def _run(self, channel: Channel) -> None:
        while True:
            message = await channel.inbox.get()
            try:
                if message is None:
                    await self._catch_up(channel, None)
                    continue
                event = orjson.loads(message)
                sequence = int(event["sequence"])
                if sequence <= channel.last:
                    continue  # a duplicate (a relay, a fill that read it first)
                if sequence > channel.last + 1:
                    await self._catch_up(channel, sequence - 1)
                    if sequence <= channel.last:
                        continue
                self._dispatch(channel, event)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "could not dispatch on %s; reading it from the database", channel.name
                )
                await asyncio.sleep(0.5)
                channel.inbox.put_nowait(None)

    async def _catch_up(self, channel: Channel, upto: int | None) -> None:
        """Dispatches the stored events after ``channel.last`` (up to ``upto``), in order."""
        while True:
            events = await self.read_after(channel.owner, channel.last, upto=upto)
            for event in events:
                self._dispatch(channel, event)
            if len(events) < READ_BATCH:
                return

    async def read_after(
        self, owner: Owner, sequence: int, *, upto: int | None = None, limit: int = READ_BATCH
    ) -> list[dict[str, Any]]:
        """Stored events after ``sequence``, oldest first, as ``GET /v1/events/{id}``."""
        async with self.db.session(write=False) as session:
            rows = await event_log.after(session, owner, sequence, upto=upto, limit=limit)
            if not rows:
                return []
            return await self.render(session, [event_subject(e) for e in rows])

    def _dispatch(self, channel: Channel, event: dict[str, Any]) -> None:
        sequence = int(event["sequence"])
        channel.last = sequence
        committed = 0.0
        for feed in channel.feeds.values():
            if not feed.subscribers or not feed.topic.matches(event):
                continue
            committed = committed or _unix(event.get("created"))
            item = Item(sequence, str(event["id"]), feed.topic.render(event), committed)
            for subscriber in list(feed.subscribers):
                if not subscriber.offer(item):
                    feed.subscribers.discard(subscriber)
                    if self.metrics is not None:
                        self.metrics.slow_subscribers.inc()

    # -- subscribers ------------------------------------------------------------------

    async def sequence_of(self, owner: Owner, event_id: str) -> int:
        async with self.db.session(write=False) as session:
            return await event_log.sequence_of(session, owner, event_id)

    async def follow(
        self,
        owner: Owner,
        topic: Topic,
        *,
        since: str | None = None,
        replay: Callable[[dict[str, Any]], Payload] | None = None,
    ) -> AsyncIterator[Item]:
        """The items of ``topic`` on ``owner``'s channel: after ``since`` when given (the
        stored ones first), else from now; raises ``TooSlow`` when cut off."""
        since_sequence = await self.sequence_of(owner, since) if since is not None else None
        channel = await self._open(owner)
        subscriber = Subscriber(topic=topic, last=channel.last)
        try:
            if since_sequence is not None:
                subscriber.last = since_sequence
                async for item in self._replay(channel, subscriber, replay or topic.render):
                    yield item
            else:
                self._join(channel, subscriber)
            while True:
                while not subscriber.queue:
                    if subscriber.too_slow:
                        raise TooSlow(subscriber.last_event_id)
                    subscriber.wake.clear()
                    await subscriber.wake.wait()
                item = subscriber.queue.popleft()
                if item.sequence <= subscriber.last:
                    continue
                subscriber.last, subscriber.last_event_id = item.sequence, item.event_id
                yield item
        finally:
            feed = channel.feeds.get(topic.key)
            if feed is not None:
                feed.subscribers.discard(subscriber)
                if not feed.subscribers:
                    del channel.feeds[topic.key]
            await self._close(channel)

    def _join(self, channel: Channel, subscriber: Subscriber) -> None:
        feed = channel.feeds.get(subscriber.topic.key)
        if feed is None:
            feed = channel.feeds[subscriber.topic.key] = Feed(subscriber.topic)
        feed.subscribers.add(subscriber)

    async def _replay(
        self,
        channel: Channel,
        subscriber: Subscriber,
        render: Callable[[dict[str, Any]], Payload],
    ) -> AsyncIterator[Item]:
        """The stored events after ``subscriber.last``, until it has caught up with the
        channel; it then joins the feed with no await in between, so the next event the
        channel dispatches is the next it gets."""
        while True:
            events = await self.read_after(channel.owner, subscriber.last)
            if not events and subscriber.last >= channel.last:
                self._join(channel, subscriber)
                return
            for event in events:
                sequence = int(event["sequence"])
                subscriber.last, subscriber.last_event_id = sequence, str(event["id"])
                if subscriber.topic.matches(event):
                    yield Item(sequence, str(event["id"]), render(event), _unix(event["created"]))
            if not events:
                # The channel is ahead of what this process's reads see yet: wait a little.
                await asyncio.sleep(0.05)
