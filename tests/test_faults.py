"""The fault suite: each scenario runs the production pairing (two processes kinds,
PostgreSQL and Redis) of its own, with a steady stream of idempotent writes, an
``events`` subscriber and a webhook receiver, breaks one thing while they run, and
checks that nothing was lost or doubled, that the subscriber saw every event once in
order, that every webhook arrived, and that no surviving process needs a restart.

Run once, on PostgreSQL and Redis, not per backend: ``pytest -m faults`` runs them alone.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import service_missing
from tests.fault_support import (
    READY_WITHIN,
    Cluster,
    check,
    in_flight_at,
    is_ready,
    seconds_until_ready,
    stream,
)

pytestmark = pytest.mark.faults

REDIS_DOWN_SECONDS = 10.0


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    if shutil.which("redis-server") is None:
        service_missing("redis-server", "not installed")
    with Cluster.running(tmp_path) as made:
        yield made


def test_a_serve_process_killed_loses_no_write(cluster: Cluster) -> None:
    doomed, survivor = cluster.serve(), cluster.serve()
    cluster.worker()
    with stream(cluster) as run:  # the subscriber is on the doomed process
        run.wait_for(60)
        # Each of the four writers waits on a write it sent, two of them on the doomed
        # process, their keys claimed there, when it dies.
        with cluster.stock_locked(waiters=4):
            doomed.kill()
        run.wait_for(run.writer.written + 100)
        assert is_ready(survivor.url)
        check(run)
    assert run.subscriber.resumed >= 1  # it lost its socket and resumed on the survivor
    assert cluster.stopped() == []  # no process the test spared needs a restart


def test_redis_down_ten_seconds_loses_nothing(cluster: Cluster) -> None:
    serve = cluster.serve()
    cluster.worker()
    with stream(cluster) as run:
        run.wait_for(40)
        cluster.redis.stop()
        down_at = time.monotonic()
        while is_ready(serve.url):
            assert time.monotonic() - down_at < READY_WITHIN, "/ready stayed true, Redis down"
            time.sleep(0.1)
        written = run.writer.written
        time.sleep(max(0.0, REDIS_DOWN_SECONDS - (time.monotonic() - down_at)))
        assert not is_ready(serve.url)
        assert run.writer.written > written  # writes went on committing meanwhile
        cluster.redis.start()  # on the same port
        seconds_until_ready(serve.url, READY_WITHIN)
        run.wait_for(run.writer.written + 60)
        check(run)
    assert run.subscriber.resumed == 0, run.subscriber.errors  # no client action needed
    assert cluster.stopped() == []  # no process the test spared needs a restart


def test_a_worker_killed_mid_delivery_loses_no_webhook(cluster: Cluster) -> None:
    cluster.serve()
    doomed = cluster.worker()
    cluster.worker()  # the survivor
    with stream(cluster, hook_delay=0.5) as run:
        run.wait_for(60)
        deadline = time.monotonic() + 10
        while not run.hooks.in_flight():
            assert time.monotonic() < deadline, "no delivery in flight"
            time.sleep(0.01)
        killed_at = time.monotonic()
        doomed.kill()
        run.wait_for(run.writer.written + 100)
        check(run, allowed_twice=in_flight_at(run.hooks, killed_at))
    assert cluster.stopped() == []  # no process the test spared needs a restart


def test_postgres_backends_terminated_mid_stream_lose_nothing(cluster: Cluster) -> None:
    serve = cluster.serve()
    cluster.worker()
    with stream(cluster) as run:
        run.wait_for(40)
        for _ in range(2):
            assert cluster.terminate_backends() > 0
            run.wait_for(run.writer.written + 50)
        seconds_until_ready(serve.url, READY_WITHIN)
        check(run)
    assert cluster.stopped() == []  # no process the test spared needs a restart
