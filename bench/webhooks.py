"""The webhook scenario of ``make bench``: one ``stateset-gql worker`` process delivering
to a local receiver (``bench/receiver.py``) that answers 200 at once.

Events are committed here through the domain services, ``BATCH`` to a transaction, and
published on Redis after each commit as ``serve`` does (that is what wakes the worker).
Figures: signed deliveries a second, from the first commit to the last receipt, and
commit-to-receipt latency p50/p99. With ``backlog``, every event is committed before the
worker starts, so the rate is the worker's own (fan-out, claims, signed POSTs, records),
not the producer's, which shares the two cores.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from stateset_gql.access import service
from stateset_gql.customers import service as customers
from stateset_gql.db.engine import Database
from stateset_gql.db.owner import Owner
from stateset_gql.db.uow import UnitOfWork
from stateset_gql.graphql.render import standalone_renderer
from stateset_gql.pubsub import open_hub
from stateset_gql.realtime.outbox import Outbox
from stateset_gql.webhooks import endpoints

ROOT = Path(__file__).resolve().parents[1]
BATCH = 50


@dataclass
class WebhookResult:
    events: int
    seconds: float
    latencies: list[float]
    committed_per_second: float
    duplicates: int

    backlog: bool = False
    # From the first receipt to the last: the rate once the worker is up, its start
    # (a Python process importing the app) left out.
    sending_seconds: float = 0.0

    def report(self) -> str:
        if self.backlog:
            return (
                f"a backlog of {self.events} events committed first: {self.events} signed "
                f"deliveries in {self.seconds:.2f} s from the worker's start: "
                f"{self.events / self.seconds:,.0f} deliveries/s "
                f"({self.events / self.sending_seconds:,.0f}/s from the first receipt); "
                f"{self.duplicates} duplicates"
            )
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
        return (
            f"{self.events} signed deliveries in {self.seconds:.2f} s: "
            f"{self.events / self.seconds:,.0f} deliveries/s "
            f"(events committed at {self.committed_per_second:,.0f}/s); "
            f"commit to receipt p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
            f"{self.duplicates} duplicates"
        )


async def _account(db: Database, url: str) -> Owner:
    async with db.session(write=True) as session, session.begin():
        _, keys = await service.create_account(session=session, name="Hooks", plan="enterprise")
        owner = Owner(account_id=keys["sk_test"].key.account_id, livemode=False)
        await endpoints.create(
            session=session,
            owner=owner,
            data=endpoints.EndpointInput(url=url, enabled_events=["customer.created"]),
        )
    return owner


async def _commit_events(
    db: Database, owner: Owner, count: int, redis_url: str
) -> tuple[dict[str, float], float]:
    """Commits ``count`` customer.created events; each event id's commit time."""
    render = standalone_renderer()
    hub = open_hub(redis_url)
    await hub.connect()
    outbox = Outbox(db=db, hub=hub, render=render)
    committed: dict[str, float] = {}
    started = time.perf_counter()
    try:
        for start in range(0, count, BATCH):
            async with db.session(write=True) as session:
                uow = UnitOfWork(session=session, render=render)
                for i in range(start, min(start + BATCH, count)):
                    data = customers.CustomerInput(email=f"hook{i}.{start}@example.com")
                    await customers.create(uow=uow, owner=owner, data=data)
                events = await uow.commit()
            at = time.time()
            committed.update({event.id: at for event in events})
            await outbox.committed(events)
    finally:
        await hub.disconnect()
    return committed, count / (time.perf_counter() - started)


def run_scenario(
    url: str, redis_url: str, port: int, count: int, *, backlog: bool = False
) -> WebhookResult:
    out = Path(tempfile.mkdtemp()) / "received.txt"
    receiver = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "receiver.py"), str(port), str(count), str(out)],
        stdout=subprocess.PIPE,
    )
    assert receiver.stdout is not None
    receiver.stdout.readline()  # ready
    env = {**os.environ, "STATESET_DATABASE_URL": url, "STATESET_BROADCAST_URL": redis_url,
           "STATESET_ENV": "test", "STATESET_LOG_LEVEL": "WARNING"}  # fmt: skip
    command = [sys.executable, "-m", "stateset_gql.cli", "worker"]
    worker: subprocess.Popen[bytes] | None = None
    started = 0.0
    try:
        if not backlog:
            worker = subprocess.Popen(command, env=env)
        db = Database(url)

        async def produce() -> tuple[dict[str, float], float]:
            try:
                owner = await _account(db, f"http://127.0.0.1:{port}/hooks")
                if worker is not None:
                    await asyncio.sleep(3)  # the worker is up and listening
                return await _commit_events(db, owner, count, redis_url)
            finally:
                await db.dispose()

        committed, rate = asyncio.run(produce())
        if worker is None:
            started = time.time()
            worker = subprocess.Popen(command, env=env)
        receiver.wait(timeout=300)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        if receiver.poll() is None:
            receiver.kill()
    lines = [line.split() for line in out.read_text().splitlines()]
    received = {event_id: float(at) for at, event_id, _ in reversed(lines)}
    latencies = [received[e] - committed[e] for e in committed if e in received]
    first_commit = min(committed.values()) - 1e-3
    last_receipt = max(float(at) for at, _, _ in lines)
    first_receipt = min(float(at) for at, _, _ in lines)
    return WebhookResult(
        sending_seconds=max(last_receipt - first_receipt, 1e-3),
        backlog=backlog,
        events=len(received),
        seconds=last_receipt - (started if backlog else first_commit),
        latencies=latencies,
        committed_per_second=rate,
        duplicates=len(lines) - len({webhook_id for _, _, webhook_id in lines}),
    )
