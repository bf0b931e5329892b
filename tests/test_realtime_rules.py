"""The WebSocket protocol's rules (API.md sections 9 and 11), and what real time does
when something goes wrong: a bad or missing key, a silent client, oversized messages, too
many operations, rate limits, shutdown, a subscriber that never reads, a Redis that goes
away in the middle of a stream of writes.

The rules are the server's, not the database's: they run once, on SQLite with
``memory://``; the faults that involve the database and Redis run on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.redis_support import RedisServer
from tests.support import LiveServer, create_customer, new_account
from tests.test_realtime import EVENTS, settle, subscribed
from tests.ws_support import LEGACY_WS, Closed, GraphQLSocket


@pytest.fixture(scope="module")
def quick_server(sqlite_url: str) -> Iterator[LiveServer]:
    """A server that expects connection_init within 0.5 s and pings every 0.3 s."""
    live = LiveServer.start(database_url=sqlite_url, ws_init_seconds=0.5, ws_ping_seconds=0.3)
    try:
        yield live
    finally:
        live.stop()


def test_a_refused_key_closes_the_socket_with_4403(quick_server: LiveServer) -> None:
    for payload in ({"authorization": "Bearer sk_test_nope"}, {}, {"authorization": 7}):
        with GraphQLSocket(quick_server.base_url) as sock:
            sock.send({"type": "connection_init", "payload": payload})
            assert sock.closed_with() == 4403


def test_subscribing_before_connection_init_closes_with_4401(quick_server: LiveServer) -> None:
    with GraphQLSocket(quick_server.base_url) as sock:
        sock.subscribe("1", EVENTS)
        assert sock.closed_with() == 4401


def test_no_connection_init_in_time_closes_with_4408(quick_server: LiveServer) -> None:
    with GraphQLSocket(quick_server.base_url) as sock:
        assert sock.closed_with(timeout=5) == 4408


def test_a_message_over_64_kb_closes_with_4413(quick_server: LiveServer) -> None:
    shop = new_account(quick_server.database_url)
    with subscribed(quick_server, shop.sk_test, EVENTS) as sock:
        settle(sock)
        sock.subscribe("2", EVENTS + " " * 70_000)
        assert sock.closed_with() == 4413


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", LEGACY_WS])
def test_at_most_100_operations_per_socket(quick_server: LiveServer, protocol: str) -> None:
    shop = new_account(quick_server.database_url)
    with subscribed(quick_server, shop.sk_test, EVENTS, protocol=protocol) as sock:
        for n in range(2, 101):
            sock.subscribe(str(n), EVENTS)
        settle(sock)
        sock.subscribe("101", EVENTS)
        message = sock.receive()
        assert message["type"] == "error"
        assert message["id"] == "101"
        payload = message["payload"]
        error = payload[0] if isinstance(payload, list) else payload
        assert "100 operations" in error["message"]
        extensions = error["extensions"]
        assert extensions["code"] == "RATE_LIMIT_EXCEEDED"
        assert extensions["type"] == "rate_limit_error"
        assert extensions["details"][0]["param"] == "operations_per_socket"
        assert extensions["details"][0]["limit"] == 100
        # Completing one makes room for another.
        sock.stop("2")
        if protocol == LEGACY_WS:
            assert sock.receive() == {"type": "complete", "id": "2"}
        sock.subscribe("102", EVENTS)
        assert sock.silent(0.3)


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", LEGACY_WS])
def test_the_server_pings(quick_server: LiveServer, protocol: str) -> None:
    shop = new_account(quick_server.database_url)
    with subscribed(quick_server, shop.sk_test, EVENTS, protocol=protocol) as sock:
        assert sock.silent(1.0)
        assert sock.pings >= 2


def test_a_socket_counts_toward_concurrent_and_each_start_is_a_request(
    quick_server: LiveServer,
) -> None:
    """The free plan: 60 requests a minute, 10 at once."""
    shop = new_account(quick_server.database_url, plan="free")
    sockets = [subscribed(quick_server, shop.sk_test, EVENTS) for _ in range(10)]
    try:
        for sock in sockets:
            settle(sock)
        with GraphQLSocket(quick_server.base_url) as eleventh:
            authorization = {"authorization": f"Bearer {shop.sk_test}"}
            eleventh.send({"type": "connection_init", "payload": authorization})
            assert eleventh.closed_with() == 4403
        sockets.pop().close()
        # Each start is a request: within the minute's 60, one is refused.
        sock = sockets[0]
        for n in range(2, 62):
            sock.subscribe(str(n), EVENTS)
        message = sock.receive()  # started subscriptions say nothing: the first refusal
        assert message is not None
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
    finally:
        for sock in sockets:
            sock.close()


def test_shutdown_closes_sockets_with_1001(sqlite_url: str) -> None:
    live = LiveServer.start(database_url=sqlite_url)
    shop = new_account(sqlite_url)
    sock = subscribed(live, shop.sk_test, EVENTS)
    settle(sock)
    stopping = threading.Thread(target=live.stop)
    stopping.start()
    try:
        assert sock.closed_with() == 1001
    finally:
        stopping.join()
        sock.close()


def _customers(base_url: str, key: str, n: int, prefix: str, threads: int = 4) -> None:
    """``n`` customers, written by ``threads`` clients at once."""

    def write(part: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            for i in range(part, n, threads):
                create_customer(client, key, email=f"{prefix}{i}@example.com", metadata=BULK)

    workers = [threading.Thread(target=write, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


# About 19 KB an event, so a client that never reads fills the socket buffers quickly.
BULK = {f"k{n}": "x" * 450 for n in range(40)}


@pytest.fixture(scope="module")
def patient_server(postgres_url: str, redis_url: str) -> Iterator[LiveServer]:
    """PostgreSQL and Redis, pinging rarely: a stalled client is cut off by its queue, not
    by missing the transport's pongs first."""
    live = LiveServer.start(
        database_url=postgres_url, broadcast_url=redis_url, ws_ping_seconds=600.0
    )
    try:
        yield live
    finally:
        live.stop()


def test_a_client_that_never_reads_is_cut_off_and_delays_nobody(
    patient_server: LiveServer,
) -> None:
    """A slow fault test: once, on PostgreSQL and Redis."""
    rt_server = patient_server
    shop = new_account(rt_server.database_url)
    query = 'subscription { events(types: ["customer.*"]) { id sequence data } }'
    with subscribed(rt_server, shop.sk_test, query, receive_buffer=4096) as stalled:
        settle(stalled)
        with subscribed(rt_server, shop.sk_test, query) as reader:
            settle(reader)
            received: list[int] = []

            def read() -> None:
                while len(received) < 1400:
                    received.append(reader.next_data("1", timeout=30)["events"]["sequence"])

            reading = threading.Thread(target=read)
            reading.start()
            _customers(rt_server.base_url, shop.sk_test, 1400, "slow")
            reading.join(timeout=60)
            assert received == list(range(1, 1401))
        # The stalled client, reading at last: what was in flight, the error, the end.
        sequences: list[int] = []
        while True:
            message = stalled.receive(timeout=30)
            if message["type"] == "next" and "errors" not in message["payload"]:
                sequences.append(message["payload"]["data"]["events"]["sequence"])
                continue
            break
        assert message["type"] == "next", message
        error = message["payload"]["errors"][0]["extensions"]
        assert error["code"] == "SUBSCRIBER_TOO_SLOW"
        assert sequences == list(range(1, len(sequences) + 1))
        assert len(sequences) < 1400
        resume_after: Any = error["resume_after"]
        assert resume_after is not None
        assert stalled.receive()["type"] == "complete"
    metrics = httpx.get(f"{rt_server.base_url}/metrics").text
    assert "stateset_subscribers_dropped_slow_total" in metrics


def test_redis_stopped_mid_stream_loses_nothing_and_repeats_nothing(
    postgres_url: str, redis_server: RedisServer
) -> None:
    live = LiveServer.start(database_url=postgres_url, broadcast_url=redis_server.url)
    try:
        shop = new_account(postgres_url)
        with subscribed(live, shop.sk_test, EVENTS) as sock:
            settle(sock)
            _customers(live.base_url, shop.sk_test, 20, "before", threads=2)
            redis_server.stop()
            # Writes go on committing while Redis is away.
            _customers(live.base_url, shop.sk_test, 20, "during", threads=2)
            redis_server.start()
            _customers(live.base_url, shop.sk_test, 20, "after", threads=2)
            sequences = [sock.next_data("1", timeout=30)["events"]["sequence"] for _ in range(60)]
            assert sequences == list(range(1, 61))
            assert sock.silent(2.5)  # past a sweep: nothing twice
        ready = httpx.get(f"{live.base_url}/ready")
        assert ready.status_code == 200
        assert "stateset_broadcast_reconnects_total" in httpx.get(f"{live.base_url}/metrics").text
    finally:
        live.stop()


def test_a_closed_socket_is_not_an_error(quick_server: LiveServer) -> None:
    shop = new_account(quick_server.database_url)
    sock = subscribed(quick_server, shop.sk_test, EVENTS)
    settle(sock)
    sock.close()
    with pytest.raises(Closed):
        sock.receive(timeout=1)
