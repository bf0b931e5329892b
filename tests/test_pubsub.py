"""The process's pub/sub hub: one subscription per channel in use, surviving a Redis that
stops, restarts or freezes; patterns; bounded queues; its in-memory twin.

Every Redis here is a server of the test's own, on a free port, stopped and started by
its own pid."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import redis.asyncio as aioredis

from stateset_gql import worker
from stateset_gql.ops.metrics import Metrics
from stateset_gql.pubsub import MemoryHub, RedisHub, Subscription, open_hub
from tests.redis_support import RedisServer, free_port

INTERVAL = 0.2  # the hub's health interval in these tests


class Heard:
    """What a subscription's callbacks were given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.resumed = 0

    def on_message(self, channel: str, message: str) -> None:
        self.messages.append((channel, message))

    def on_missed(self) -> None:
        self.resumed += 1


async def _until(condition: Callable[[], bool]) -> float:
    """Waits (up to 5 s) for ``condition``; how long it took."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > 5:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.01)
    return time.monotonic() - start


@asynccontextmanager
async def _listening(
    url: str, heard: Heard, metrics: Metrics | None = None, *, patterns: tuple[str, ...] = ()
) -> AsyncIterator[Subscription]:
    reconnects = metrics.broadcast_reconnects.inc if metrics is not None else None
    hub = open_hub(url, health_interval=INTERVAL, on_reconnect=reconnects)
    await hub.connect()
    listener = hub.subscribe(
        on_message=heard.on_message, on_missed=heard.on_missed, patterns=patterns
    )
    await listener.start()
    try:
        yield listener
    finally:
        await listener.close()
        await hub.disconnect()


async def _publish(url: str, channel: str, message: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        await client.publish(channel, message)
    finally:
        await client.aclose()


async def _patterns_subscribed(url: str) -> None:
    """Waits until the server counts a pattern subscription."""
    client = aioredis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 5
        while not await client.pubsub_numpat():
            assert time.monotonic() < deadline, "no pattern was subscribed"
            await asyncio.sleep(0.01)
    finally:
        await client.aclose()


def test_messages_arrive_on_added_channels_and_stop_on_removed_ones(
    redis_server: RedisServer,
) -> None:
    async def run() -> list[tuple[str, str]]:
        heard = Heard()
        async with _listening(redis_server.url, heard) as listener:
            await _until(listener.healthy)
            await listener.add("stateset.events.a.test")
            await listener.add("stateset.events.b.test")
            for name in ("a", "b", "c"):
                await _publish(redis_server.url, f"stateset.events.{name}.test", f"{name}1")
            await listener.remove("stateset.events.b.test")
            await _publish(redis_server.url, "stateset.events.b.test", "b2")
            await _publish(redis_server.url, "stateset.events.a.test", "a2")
            await _until(lambda: ("stateset.events.a.test", "a2") in heard.messages)
        return heard.messages

    assert asyncio.run(run()) == [
        ("stateset.events.a.test", "a1"),
        ("stateset.events.b.test", "b1"),
        ("stateset.events.a.test", "a2"),
    ]


def test_a_restarted_server_is_subscribed_again_and_resumed(redis_server: RedisServer) -> None:
    async def run() -> None:
        heard, metrics = Heard(), Metrics()
        async with _listening(redis_server.url, heard, metrics) as listener:
            await _until(listener.healthy)
            await listener.add("stateset.events.a.test")
            assert heard.resumed == 0

            redis_server.stop()
            await _until(lambda: not listener.healthy())
            redis_server.start()
            await _until(listener.healthy)
            assert heard.resumed == 1
            reconnects = metrics.registry.get_sample_value("stateset_broadcast_reconnects_total")
            assert reconnects is not None
            assert reconnects >= 1

            await _publish(redis_server.url, "stateset.events.a.test", "after")
            await _until(lambda: heard.messages == [("stateset.events.a.test", "after")])

    asyncio.run(run())


def test_a_frozen_server_is_found_dead_within_a_few_intervals_and_recovered(
    redis_server: RedisServer,
) -> None:
    async def run() -> None:
        heard = Heard()
        async with _listening(redis_server.url, heard) as listener:
            await _until(listener.healthy)
            await listener.add("stateset.events.a.test")

            redis_server.freeze()
            found = await _until(lambda: not listener.healthy())
            assert found < 5 * INTERVAL
            redis_server.thaw()
            await _until(listener.healthy)
            assert heard.resumed == 1

            await _publish(redis_server.url, "stateset.events.a.test", "thawed")
            await _until(lambda: heard.messages == [("stateset.events.a.test", "thawed")])

    asyncio.run(run())


def test_a_channel_added_while_down_works_once_the_server_is_back(
    redis_server: RedisServer,
) -> None:
    async def run() -> None:
        heard = Heard()
        async with _listening(redis_server.url, heard) as listener:
            await _until(listener.healthy)
            redis_server.stop()
            await _until(lambda: not listener.healthy())

            started = time.monotonic()
            await listener.add("stateset.events.late.test")
            assert time.monotonic() - started < INTERVAL

            redis_server.start()
            await _until(listener.healthy)
            await _publish(redis_server.url, "stateset.events.late.test", "hello")
            await _until(lambda: heard.messages == [("stateset.events.late.test", "hello")])

    asyncio.run(run())


def test_a_memory_listener_hears_what_the_hub_publishes_in_the_same_process() -> None:
    async def run() -> list[tuple[str, str]]:
        heard = Heard()
        hub = open_hub("memory://")
        await hub.connect()
        listener = hub.subscribe(on_message=heard.on_message, on_missed=heard.on_missed)
        await listener.start()
        try:
            assert listener.healthy()
            await listener.add("stateset.events.a.test")
            assert await hub.publish("stateset.events.b.test", "not heard")
            assert await hub.publish("stateset.events.a.test", "heard")
            await _until(lambda: len(heard.messages) == 1)
            await listener.remove("stateset.events.a.test")
            assert await hub.publish("stateset.events.a.test", "after removal")
            await asyncio.sleep(0.05)
        finally:
            await listener.close()
            await hub.disconnect()
        assert heard.resumed == 0
        return heard.messages

    assert asyncio.run(run()) == [("stateset.events.a.test", "heard")]


def test_a_pattern_hears_every_channel_it_matches_and_no_other(redis_server: RedisServer) -> None:
    async def run() -> list[tuple[str, str]]:
        heard = Heard()
        patterns = ("stateset.events.*",)
        async with _listening(redis_server.url, heard, patterns=patterns) as listener:
            await _until(listener.healthy)
            await _publish(redis_server.url, "stateset.keys", "not heard")
            await _publish(redis_server.url, "stateset.events.a.test", "a1")
            await _publish(redis_server.url, "stateset.events.b.live", "b1")
            await _until(lambda: len(heard.messages) == 2)
        return heard.messages

    assert asyncio.run(run()) == [
        ("stateset.events.a.test", "a1"),
        ("stateset.events.b.live", "b1"),
    ]


def test_many_messages_go_out_in_one_round_trip_in_order_or_none_is_claimed(
    redis_server: RedisServer,
) -> None:
    sent = [(f"stateset.events.{c}.test", f"{c}{n}") for n in range(3) for c in "ab"]

    async def run() -> tuple[bool, list[tuple[str, str]], bool]:
        heard = Heard()
        async with _listening(redis_server.url, heard, patterns=("stateset.events.*",)) as heard_on:
            await _until(heard_on.healthy)
            await _patterns_subscribed(redis_server.url)
            hub = RedisHub(redis_server.url, health_interval=INTERVAL)
            took = await hub.publish_many(sent)
            await hub.disconnect()
            await _until(lambda: len(heard.messages) == len(sent))
        # Nothing listens on a port just freed: none of them went out.
        nowhere = RedisHub(f"redis://127.0.0.1:{free_port()}/0", health_interval=INTERVAL)
        refused = await nowhere.publish_many(sent)
        await nowhere.disconnect()
        return took, heard.messages, refused

    took, messages, refused = asyncio.run(run())
    assert took
    assert messages == sent
    assert not refused


def test_subscriptions_sharing_a_channel_keep_it_until_the_last_one_leaves(
    redis_server: RedisServer,
) -> None:
    async def run() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        first, second = Heard(), Heard()
        hub = open_hub(redis_server.url, health_interval=INTERVAL)
        await hub.connect()
        one = hub.subscribe(on_message=first.on_message, on_missed=first.on_missed)
        two = hub.subscribe(on_message=second.on_message, on_missed=second.on_missed)
        try:
            await one.start()
            await two.start()
            await _until(one.healthy)
            await one.add("stateset.events.a.test")
            await two.add("stateset.events.a.test")
            await _publish(redis_server.url, "stateset.events.a.test", "both")
            await _until(lambda: len(first.messages) == len(second.messages) == 1)
            await one.remove("stateset.events.a.test")
            await _publish(redis_server.url, "stateset.events.a.test", "second only")
            await _until(lambda: len(second.messages) == 2)
            await asyncio.sleep(0.05)
        finally:
            await one.close()
            await two.close()
            await hub.disconnect()
        return first.messages, second.messages

    first, second = asyncio.run(run())
    assert first == [("stateset.events.a.test", "both")]
    assert second == [("stateset.events.a.test", "both"), ("stateset.events.a.test", "second only")]


def test_a_full_queue_is_dropped_and_its_subscriber_told_it_missed_messages() -> None:
    async def run() -> Heard:
        heard = Heard()
        hub = MemoryHub()
        await hub.connect()
        listener = Subscription(hub, on_message=heard.on_message, on_missed=heard.on_missed, size=2)
        await listener.start()
        try:
            await listener.add("c")
            # No await in between: the subscription's task cannot take any before the third.
            for n in (1, 2, 3):
                assert await hub.publish("c", str(n))
            assert heard.resumed == 1
            assert await hub.publish("c", "4")
            await _until(lambda: len(heard.messages) == 1)
        finally:
            await listener.close()
        return heard

    heard = asyncio.run(run())
    assert heard.messages == [("c", "4")]
    assert heard.resumed == 1


def test_a_memory_pattern_hears_the_channels_it_matches() -> None:
    async def run() -> list[tuple[str, str]]:
        heard = Heard()
        hub = open_hub("memory://")
        listener = hub.subscribe(
            on_message=heard.on_message, on_missed=heard.on_missed, patterns=["stateset.events.*"]
        )
        await listener.start()
        try:
            assert await hub.publish("stateset.keys", "not heard")
            assert await hub.publish("stateset.events.a.test", "heard")
            await _until(lambda: len(heard.messages) == 1)
        finally:
            await listener.close()
        return heard.messages

    assert asyncio.run(run()) == [("stateset.events.a.test", "heard")]


def test_a_worker_is_woken_by_each_event_published_and_after_a_restart(
    redis_server: RedisServer,
) -> None:
    async def run() -> None:
        woken: list[int] = []
        hub = RedisHub(redis_server.url, health_interval=INTERVAL)
        await hub.connect()
        stop = asyncio.Event()
        listening = asyncio.create_task(
            worker.listen(hub, lambda: woken.append(1), lambda: None, stop)
        )
        try:
            await _patterns_subscribed(redis_server.url)
            await _publish(redis_server.url, "stateset.keys", "not an event")
            await _publish(redis_server.url, "stateset.events.a.test", "{}")
            await _until(lambda: len(woken) == 1)

            redis_server.stop()
            await _until(lambda: not hub.answering())
            redis_server.start()
            await _until(lambda: len(woken) == 2)  # told it may have missed some
            await _patterns_subscribed(redis_server.url)
            await _publish(redis_server.url, "stateset.events.b.live", "{}")
            await _until(lambda: len(woken) == 3)
        finally:
            stop.set()
            await asyncio.wait_for(listening, 2)
            await hub.disconnect()

    asyncio.run(run())
