"""``stateset-gql worker`` processes on PostgreSQL and Redis: killed with SIGKILL in a
burst, another takes over and nothing is lost; two at once send each event once; SIGTERM
lets attempts in flight finish. Each test has its own database, so no other server's
in-process loops take part; they run once, not per backend.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import own_database_server
from tests.rest_support import Rest
from tests.support import LiveServer, new_account
from tests.webhook_support import (
    LEASE_SECONDS,
    add_endpoint,
    deliveries,
    new_customer,
    receiver,
    start_worker,
    stop,
)


@pytest.fixture
def fleet(redis_url: str) -> Iterator[tuple[LiveServer, str]]:
    """An API server on a database of its own, publishing on Redis: it runs no
    delivery loops, only worker processes do."""
    with own_database_server(redis_url) as server:
        yield server, redis_url


def test_a_worker_killed_in_a_burst_loses_no_event(
    fleet: tuple[LiveServer, str], redis_url: str
) -> None:
    server, redis = fleet
    account = new_account(server.database_url)
    with httpx.Client(base_url=server.base_url, timeout=30) as client, receiver() as hooks:
        rest = Rest(client, account.sk_test)
        # At most 10 in flight: 33 a second at most, so the burst is still being sent
        # when the worker is killed, however slowly this test's thread gets there.
        hooks.delay = 0.3
        endpoint = add_endpoint(rest, hooks.url, ["customer.created"])
        first = start_worker(server.database_url, redis)
        second: subprocess.Popen[bytes] | None = None
        try:
            made = [new_customer(rest)["id"] for _ in range(60)]
            hooks.wait(10, timeout=30)
            first.kill()
            first.wait(timeout=10)
            assert len(hooks.received) < 60  # the burst was cut short
            second = start_worker(server.database_url, redis)
            deadline = time.monotonic() + 40
            while {r.json["data"]["object"]["id"] for r in hooks.received} != set(made):
                assert time.monotonic() < deadline, "events were lost"
                time.sleep(0.1)
            sent = deliveries(rest, endpoint["id"])
        finally:
            if second is not None:
                assert stop(second) == 0
    # At least once, each event under one webhook-id however often it came.
    by_id: dict[str, set[str]] = {}
    for got in hooks.received:
        by_id.setdefault(got.headers["webhook-id"], set()).add(got.json["id"])
    assert len(by_id) == 60
    assert all(len(events) == 1 for events in by_id.values())
    assert len(sent) == 60


def test_two_workers_send_each_event_once(fleet: tuple[LiveServer, str]) -> None:
    server, redis = fleet
    account = new_account(server.database_url)
    workers = [start_worker(server.database_url, redis) for _ in range(2)]
    try:
        with httpx.Client(base_url=server.base_url, timeout=30) as client, receiver() as hooks:
            rest = Rest(client, account.sk_test)
            add_endpoint(rest, hooks.url, ["customer.*"])
            made = {new_customer(rest)["id"] for _ in range(40)}
            arrived = hooks.wait(40, timeout=30)
            arrived = hooks.quiet(2 * float(LEASE_SECONDS))
    finally:
        codes = [stop(worker) for worker in workers]
    assert codes == [0, 0]
    assert sorted(r.json["data"]["object"]["id"] for r in arrived) == sorted(made)


def test_sigterm_lets_attempts_in_flight_finish(fleet: tuple[LiveServer, str]) -> None:
    server, redis = fleet
    account = new_account(server.database_url)
    worker = start_worker(server.database_url, redis)
    with httpx.Client(base_url=server.base_url, timeout=30) as client, receiver() as hooks:
        rest = Rest(client, account.sk_test)
        hooks.delay = 1.0
        endpoint = add_endpoint(rest, hooks.url)
        for _ in range(3):
            new_customer(rest)
        deadline = time.monotonic() + 20
        while len(hooks.received) < 3:  # all three are being answered, slowly
            assert time.monotonic() < deadline
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=40) == 0
        sent = deliveries(rest, endpoint["id"])
    assert [d["status"] for d in sent] == ["succeeded"] * 3
