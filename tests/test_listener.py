"""The process's pub/sub listener: one subscription per channel in use, surviving a Redis
that stops, restarts or freezes; and the outbox relay publishing what was left behind.

Every Redis here is a server of the test's own, on a free port, stopped and started by
its own pid."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import redis
import redis.asyncio as aioredis

from stateset_gql.access.principal import Owner
from stateset_gql.db.engine import Database
from stateset_gql.graphql.render import standalone_renderer
from stateset_gql.ops.metrics import Metrics
from stateset_gql.realtime.broadcast import BroadcastHub
from stateset_gql.realtime.listener import Listener, make_listener
from stateset_gql.realtime.outbox import Outbox, channel
from stateset_gql.realtime.relay import Relay
from tests.redis_support import RedisServer, free_port
from tests.rest_support import Rest
from tests.support import Account, LiveServer, find_unpublished, new_account, unpublished_of

INTERVAL = 0.2  # the listener's health interval in these tests


class Heard:
    """What a listener's callbacks were given."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.resumed = 0

    def on_message(self, channel: str, message: str) -> None:
        self.messages.append((channel, message))

    def on_resumed(self) -> None:
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
    url: str, heard: Heard, metrics: Metrics | None = None
) -> AsyncIterator[Listener]:
    hub = BroadcastHub(url)
    listener = make_listener(
        hub,
        on_message=heard.on_message,
        on_resumed=heard.on_resumed,
        metrics=metrics,
        health_interval=INTERVAL,
    )
    await listener.start()
    try:
        yield listener
    finally:
        await listener.close()


async def _publish(url: str, channel: str, message: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        await client.publish(channel, message)
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
        hub = BroadcastHub("memory://")
        await hub.connect()
        listener = make_listener(hub, on_message=heard.on_message, on_resumed=heard.on_resumed)
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


# The relay


def _customers_left_unpublished(server: LiveServer, account: Account, n: int) -> list[bytes]:
    """Creates ``n`` customers; their events, as ``GET /v1/events/{id}`` answers them."""
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        rest = Rest(client, account.sk_test)
        for _ in range(n):
            rest.ok(rest.post("/v1/customers", {"email": f"r{time.perf_counter_ns()}@x.io"}), 201)
        left = unpublished_of(account)
        assert [e.type for e in left] == ["customer.created"] * n
        return [rest.get(f"/v1/events/{e.id}").content for e in left]


@asynccontextmanager
async def _relay(account: Account, broadcast_url: str) -> AsyncIterator[Relay]:
    db = Database(account.database_url)
    hub = BroadcastHub(broadcast_url)
    await hub.connect()
    try:
        outbox = Outbox(db=db, hub=hub, render=standalone_renderer())
        yield Relay(db=db, outbox=outbox, grace=timedelta(0), interval=0.05)
    finally:
        await hub.disconnect()
        await db.dispose()


def _received(pubsub: redis.client.PubSub, n: int) -> list[bytes]:
    received: list[bytes] = []
    deadline = time.monotonic() + 10
    while len(received) < n and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=1)
        if message and message["type"] == "message":
            received.append(message["data"])
    return received


def test_the_relay_leaves_events_unpublished_while_the_broadcast_is_down(
    unbroadcast_server: LiveServer,
) -> None:
    account = new_account(unbroadcast_server.database_url)
    _customers_left_unpublished(unbroadcast_server, account, 2)

    async def once() -> int:
        async with _relay(account, f"redis://127.0.0.1:{free_port()}/0") as relay:
            _found, published = await relay.once()
            return published

    assert asyncio.run(once()) == 0
    assert len(unpublished_of(account)) == 2


def test_the_relay_publishes_what_was_left_as_the_api_renders_it_and_marks_it(
    unbroadcast_server: LiveServer, redis_server: RedisServer
) -> None:
    account = new_account(unbroadcast_server.database_url)
    expected = _customers_left_unpublished(unbroadcast_server, account, 3)
    pubsub = redis.Redis.from_url(redis_server.url).pubsub()
    pubsub.subscribe(channel(Owner(account.id, livemode=False)))
    pubsub.get_message(timeout=2)  # the subscription's confirmation

    async def once() -> tuple[int, int]:
        async with _relay(account, redis_server.url) as relay:
            return await relay.once()

    found, published = asyncio.run(once())
    assert published == found >= 3
    received = _received(pubsub, 3)
    assert [json.loads(m) for m in received] == [json.loads(e) for e in expected]
    assert unpublished_of(account) == []

    # And run() keeps at it until stopped.
    expected = _customers_left_unpublished(unbroadcast_server, account, 2)

    async def run() -> None:
        async with _relay(account, redis_server.url) as relay:
            stop = asyncio.Event()
            task = asyncio.create_task(relay.run(stop))
            deadline = time.monotonic() + 10
            while await find_unpublished(account):
                assert time.monotonic() < deadline, "the relay did not publish"
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.wait_for(task, 2)

    asyncio.run(run())
    received = _received(pubsub, 2)
    pubsub.close()
    assert [json.loads(m) for m in received] == [json.loads(e) for e in expected]
