"""A relayable outbox: each event records whether it was published, publishing after
commit marks it (beside the response), and what a crash (or a broadcast that was down)
left unpublished is found oldest first and published again, on the account-and-mode
channel."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import redis

from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.graphql.render import standalone_renderer
from stateset_gql.pubsub import open_hub
from stateset_gql.realtime.outbox import Outbox, channel
from tests.rest_support import Rest
from tests.support import Account, LiveServer, new_account, unpublished_of


def test_publishing_after_commit_marks_the_events(client: httpx.Client, account: Account) -> None:
    rest = Rest(client, account.sk_test)
    rest.ok(rest.post("/v1/customers", {"email": "pub@example.com"}), 201)
    assert rest.ok(rest.get("/v1/events"))["data"]
    # Marked beside the response, well within the relay's grace of 2 s.
    deadline = time.monotonic() + 1.5
    while unpublished_of(account) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert unpublished_of(account) == []


def test_events_a_failed_publish_left_behind_are_found_and_published_again(
    unbroadcast_server: LiveServer, redis_url: str
) -> None:
    account = new_account(unbroadcast_server.database_url)
    with httpx.Client(base_url=unbroadcast_server.base_url, timeout=30) as client:
        rest = Rest(client, account.sk_test)
        for n in range(3):
            rest.ok(rest.post("/v1/customers", {"email": f"lost{n}@example.com"}), 201)
        # Writes go on while the broadcast is down; their events wait in the outbox.
        left = unpublished_of(account)
        assert [e.type for e in left] == ["customer.created"] * 3
        assert [e.sequence for e in left] == sorted(e.sequence for e in left)
        expected = [rest.get(f"/v1/events/{e.id}").content for e in left]

    listener = redis.Redis.from_url(redis_url).pubsub()
    listener.subscribe(channel(Owner(account.id, livemode=False)))
    listener.get_message(timeout=2)  # the subscription's confirmation

    async def relay() -> int:
        db = Database(account.database_url)
        hub = open_hub(redis_url)
        await hub.connect()
        try:
            outbox = Outbox(db=db, hub=hub, render=standalone_renderer())
            return await outbox.publish(left)
        finally:
            await hub.disconnect()
            await db.dispose()

    assert asyncio.run(relay()) == 3
    received: list[bytes] = []
    deadline = time.monotonic() + 10
    while len(received) < 3 and time.monotonic() < deadline:
        message = listener.get_message(timeout=1)
        if message and message["type"] == "message":
            received.append(message["data"])
    listener.close()
    # Each message is the event exactly as GET /v1/events/{id} answers it, in order.
    assert [json.loads(m) for m in received] == [json.loads(e) for e in expected]
    assert unpublished_of(account) == []
