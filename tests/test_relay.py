"""The outbox relay: publishing what a crash, or a broadcast that was down, left behind.

Every Redis here is a server of the test's own, on a free port."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import redis

from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.graphql.render import standalone_renderer
from stateset_gql.pubsub import open_hub
from stateset_gql.realtime.outbox import Outbox, channel
from stateset_gql.realtime.relay import Relay
from tests.redis_support import RedisServer, free_port
from tests.rest_support import Rest
from tests.support import Account, LiveServer, find_unpublished, new_account, unpublished_of


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
    hub = open_hub(broadcast_url)
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
