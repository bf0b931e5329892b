"""The fault suite's machinery, shared by every scenario.

A ``Cluster`` is the production pairing, owned by one test: a PostgreSQL database of its
own (dropped after), a redis-server of its own on a free port, ``stateset-gql serve`` and
``stateset-gql worker`` processes with their own environment, each stopped or killed by
its own pid. Around it run what a real deployment's clients do: a ``Writer`` (a steady
stream of order creations, each under its own ``Idempotency-Key``, retried with the same
key until it succeeds, on another server when its own is gone), a ``Subscriber`` (a
``graphql-transport-ws`` client of the ``events`` subscription that resumes with
``since`` after a drop) and a ``HookReceiver`` (a webhook endpoint on a real local HTTP
server). ``check`` then compares what each of them saw with the database.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from stateset_gql.db import migrate
from tests.conftest import PG_ADMIN_DSN, _postgres_admin, service_missing
from tests.redis_support import RedisServer, free_port
from tests.rest_support import Rest
from tests.support import CLI, Account, cli_environ, new_account
from tests.ws_support import GraphQLSocket

SKU = "FAULT-1"
# A worker holds a claimed delivery or job this long: a dead worker's come due again
# after it.
LEASE_SECONDS = 3.0
# A client's retry horizon for one write: what it has not managed by then is lost.
RETRY_HORIZON = 30.0
# After an outage, /ready is true again within this many seconds.
READY_WITHIN = 5.0


# -- the processes ------------------------------------------------------------------------


@dataclass
class Process:
    """A ``stateset-gql`` process of the test's own; ``url`` for a ``serve``."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    url: str = ""
    killed: bool = False

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """``kill -9``: no shutdown, no goodbye."""
        self.killed = True
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.alive:
            self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=10)


class Cluster:
    """Serve and worker processes on PostgreSQL and Redis of this test's own."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.name = f"stateset_faults_{os.getpid()}_{secrets.token_hex(4)}"
        base = PG_ADMIN_DSN.rsplit("/", 1)[0]
        self.dsn = f"{base}/{self.name}"
        self.database_url = self.dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
        self.redis = RedisServer(directory)
        self.processes: list[Process] = []
        self._made_database = False

    @classmethod
    @contextmanager
    def running(cls, directory: Path) -> Iterator[Cluster]:
        cluster = cls(directory)
        try:
            cluster._open()
            yield cluster
        finally:
            cluster._close()

    def _open(self) -> None:
        try:
            _postgres_admin(f'CREATE DATABASE "{self.name}"')
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            service_missing("PostgreSQL", exc)
        self._made_database = True
        migrate.upgrade(self.database_url)
        self.redis.start()

    def _close(self) -> None:
        for process in self.processes:
            process.stop()
        self.redis.stop()
        if self._made_database:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _environ(self) -> dict[str, str]:
        return cli_environ(
            STATESET_DATABASE_URL=self.database_url,
            STATESET_BROADCAST_URL=self.redis.url,
            STATESET_ENV="test",
            STATESET_LOG_LEVEL="WARNING",
            STATESET_WEBHOOK_RETRY_SCHEDULE="0.2,0.2,0.2",
            STATESET_WEBHOOK_POLL_SECONDS="0.2",
            STATESET_WEBHOOK_LEASE_SECONDS=str(LEASE_SECONDS),
            STATESET_JOB_LEASE_SECONDS=str(LEASE_SECONDS),
            STATESET_JOB_POLL_SECONDS="0.2",
        )

    def _spawn(self, name: str, *args: str) -> Process:
        log = self.directory / f"{name}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                [*CLI, *args], env=self._environ(), stdout=output, stderr=subprocess.STDOUT
            )
        process = Process(name=name, popen=popen, log=log)
        self.processes.append(process)
        return process

    def serve(self) -> Process:
        """A ``serve`` process, once it answers /ready."""
        port = free_port()
        process = self._spawn(f"serve-{port}", "serve", "--host", "127.0.0.1", "--port", str(port))
        process.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not is_ready(process.url):
            assert process.alive, f"{process.name} stopped:\n{process.output()}"
            assert time.monotonic() < deadline, f"{process.name} never ready:\n{process.output()}"
            time.sleep(0.1)
        return process

    def worker(self) -> Process:
        return self._spawn(f"worker-{len(self.processes)}", "worker")

    def serving(self) -> list[str]:
        """The URLs of the serve processes still running."""
        return [p.url for p in self.processes if p.url and p.alive]

    def stopped(self) -> list[str]:
        """The processes the test did not kill that are no longer running, and why."""
        return [f"{p.name}:\n{p.output()}" for p in self.processes if not p.killed and not p.alive]

    def terminate_backends(self) -> int:
        """Ends every PostgreSQL backend on this test's database but the asking one."""

        async def run() -> int:
            conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
            try:
                rows = await conn.fetch(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = $1 AND pid <> pg_backend_pid()",
                    self.name,
                )
                return len(rows)
            finally:
                await conn.close()

        return asyncio.run(run())

    @contextmanager
    def stock_locked(self, waiters: int) -> Iterator[None]:
        """Holds the stock row every order reserves from, locked, until ``waiters``
        requests wait behind it, each with its Idempotency-Key claimed, and for the
        block: requests in flight, for certain, when the block breaks something."""
        locked, release = threading.Event(), threading.Event()

        async def hold() -> None:
            conn = await asyncpg.connect(self.dsn, timeout=5)
            try:
                async with conn.transaction():
                    await conn.execute(
                        "SELECT 1 FROM inventory_items WHERE sku = $1 FOR UPDATE", SKU
                    )
                    locked.set()
                    await asyncio.to_thread(release.wait, 30)
            finally:
                await conn.close()

        holder = threading.Thread(target=asyncio.run, args=(hold(),), daemon=True)
        holder.start()
        try:
            assert locked.wait(10), "the stock row was never locked"
            deadline = time.monotonic() + 10
            while self._waiting() < waiters:
                assert time.monotonic() < deadline, f"{self._waiting()} requests waiting"
                time.sleep(0.05)
            yield
        finally:
            release.set()
            holder.join(timeout=10)

    def _waiting(self) -> int:
        rows = self.fetch(
            "SELECT count(*) AS n FROM pg_stat_activity "
            "WHERE datname = $1 AND wait_event_type = 'Lock'",
            self.name,
        )
        return int(rows[0]["n"])

    def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async def run() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(self.dsn, timeout=5)
            try:
                rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
                return rows
            finally:
                await conn.close()

        return asyncio.run(run())


def is_ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=3).status_code == 200
    except httpx.TransportError:
        return False


def seconds_until_ready(url: str, limit: float) -> float:
    """How long until ``url``'s /ready is true (fails past ``limit``)."""
    started = time.monotonic()
    while not is_ready(url):
        waited = time.monotonic() - started
        assert waited < limit, f"{url}/ready still false after {waited:.1f} s"
        time.sleep(0.1)
    return time.monotonic() - started


# -- the writer ------------------------------------------------------------------------


@dataclass
class Writer:
    """Order creations at ``rate`` a second from ``threads`` clients, each under its own
    Idempotency-Key. A failure the contract calls retryable (no answer, 5xx, 429, 409
    ``IDEMPOTENCY_KEY_IN_USE``) is retried with the same key on the next server still
    running, as a client would, for up to ``RETRY_HORIZON`` seconds."""

    urls: Callable[[], list[str]]
    key: str
    rate: float = 20.0
    threads: int = 4
    created: dict[str, str] = field(default_factory=dict)  # idempotency key -> order id
    lost: dict[str, str] = field(default_factory=dict)  # key -> the last failure
    refused: list[str] = field(default_factory=list)  # answers no retry can mend
    retries: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workers: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        prefix = f"fault-{secrets.token_hex(4)}"
        numbers = itertools.count()
        for index in range(self.threads):
            thread = threading.Thread(target=self._run, args=(index, prefix, numbers), daemon=True)
            thread.start()
            self._workers.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=RETRY_HORIZON + 15)
            assert not thread.is_alive(), "a writer never finished its write"

    @property
    def written(self) -> int:
        with self._lock:
            return len(self.created)

    def _run(self, index: int, prefix: str, numbers: Iterator[int]) -> None:
        interval = self.threads / self.rate
        with httpx.Client(timeout=10) as http:
            while not self._stop.is_set():
                began = time.monotonic()
                self._write(http, index, f"{prefix}-{next(numbers)}")
                self._stop.wait(max(0.0, interval - (time.monotonic() - began)))

    def _write(self, http: httpx.Client, index: int, key: str) -> None:
        body = {
            "currency": "usd",
            "line_items": [{"sku": SKU, "name": "Fault", "quantity": 1, "unit_amount": 100}],
            "metadata": {"fault_key": key},
        }
        headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": key}
        deadline = time.monotonic() + RETRY_HORIZON
        failure = ""
        for attempt in itertools.count(index):
            if time.monotonic() > deadline:
                with self._lock:
                    self.lost[key] = failure
                return
            urls = self.urls()
            if attempt > index:
                with self._lock:
                    self.retries += 1
                time.sleep(0.2)
            if not urls:
                failure = "no server running"
                continue
            url = urls[attempt % len(urls)]
            try:
                answer = http.post(f"{url}/v1/orders", json=body, headers=headers)
            except httpx.TransportError as exc:
                failure = f"{url}: {exc!r}"
                continue
            if answer.status_code == 201:
                with self._lock:
                    self.created[key] = answer.json()["id"]
                return
            failure = f"{url}: {answer.status_code} {answer.text[:300]}"
            if answer.status_code >= 500 or answer.status_code == 429:
                continue
            if answer.status_code == 409 and "IDEMPOTENCY_KEY_IN_USE" in answer.text:
                continue
            with self._lock:
                self.refused.append(f"{key}: {failure}")
            return


# -- the subscriber --------------------------------------------------------------------

EVENTS = """
subscription Events($since: ID) {
  events(types: ["order.*"], since: $since) { id type sequence }
}
"""


@dataclass
class Subscriber:
    """One ``events`` subscription kept open on the first server still running; after a
    drop (its server gone, the socket closed, an error) it resumes with ``since`` the
    last event it received."""

    urls: Callable[[], list[str]]
    key: str
    since: str
    received: list[tuple[int, str]] = field(default_factory=list)  # (sequence, id)
    resumed: int = 0
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=20)

    def _run(self) -> None:
        first = True
        while not self._stop.is_set():
            if not first:
                self.resumed += 1
                self._stop.wait(0.2)
            first = False
            urls = self.urls()
            if not urls:
                continue
            try:
                with GraphQLSocket(urls[0]) as socket:
                    self._follow(socket)
            except Exception as exc:  # noqa: BLE001 - any drop: resume, as a client does
                self.errors.append(repr(exc))

    def _follow(self, socket: GraphQLSocket) -> None:
        acked = socket.init(self.key)
        assert acked["type"] == "connection_ack", acked
        since = self.received[-1][1] if self.received else self.since
        socket.subscribe("events", EVENTS, {"since": since})
        while not self._stop.is_set():
            try:
                message = socket.receive(timeout=0.5)
            except TimeoutError:
                continue
            if message.get("type") != "next" or "errors" in message["payload"]:
                raise AssertionError(f"the subscription ended: {message}")
            event = message["payload"]["data"]["events"]
            self.received.append((int(event["sequence"]), event["id"]))


# -- the webhook receiver --------------------------------------------------------------


@dataclass
class Arrival:
    webhook_id: str
    event_id: str
    arrived: float
    answered: float | None = None


class HookReceiver:
    """A webhook endpoint on a local HTTP server: every request it is sent, when it
    arrived and when its answer went out. Each answer waits ``delay`` seconds, so
    deliveries are in flight when a worker dies."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.arrivals: list[Arrival] = []
        self._lock = threading.Lock()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:
                    return  # the sender went away mid-request: nothing was delivered
                arrival = Arrival(
                    self.headers["webhook-id"], orjson.loads(body)["id"], time.monotonic()
                )
                with hooks._lock:
                    hooks.arrivals.append(arrival)
                time.sleep(hooks.delay)
                with suppress(OSError):
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                arrival.answered = time.monotonic()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def in_flight(self) -> bool:
        with self._lock:
            return any(a.answered is None for a in self.arrivals)

    def events(self) -> dict[str, list[Arrival]]:
        """Each event's arrivals, by event id."""
        found: dict[str, list[Arrival]] = {}
        with self._lock:
            for arrival in self.arrivals:
                found.setdefault(arrival.event_id, []).append(arrival)
        return found


# -- a scenario's run and its checks ---------------------------------------------------


@dataclass
class Stream:
    """The clients of one scenario, against one cluster's account."""

    cluster: Cluster
    account: Account
    writer: Writer
    subscriber: Subscriber
    hooks: HookReceiver

    def wait_for(self, written: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.writer.written < written:
            assert time.monotonic() < deadline, f"only {self.writer.written} writes made"
            time.sleep(0.05)


@contextmanager
def stream(cluster: Cluster, *, hook_delay: float = 0.0) -> Iterator[Stream]:
    """A new account with stock, a webhook endpoint and an ``events`` subscriber on the
    cluster's serve processes; the writer runs while the block does."""
    account = new_account(cluster.database_url)
    hooks = HookReceiver(hook_delay)
    with httpx.Client(base_url=cluster.serving()[0], timeout=30) as http:
        rest = Rest(http, account.sk_test)
        rest.ok(rest.post("/v1/inventory", {"sku": SKU, "name": "Fault", "on_hand": 10**9}), 201)
        endpoint = {"url": hooks.url, "enabled_events": ["order.created"]}
        rest.ok(rest.post("/v1/webhook_endpoints", endpoint), 201)
        since = rest.ok(rest.get("/v1/events", {"limit": 1}))["data"][0]["id"]
    writer = Writer(cluster.serving, account.sk_test)
    subscriber = Subscriber(cluster.serving, account.sk_test, since)
    run = Stream(cluster, account, writer, subscriber, hooks)
    subscriber.start()
    writer.start()
    try:
        yield run
    finally:
        writer.stop()
        subscriber.stop()
        hooks.close()


def check(run: Stream, *, allowed_twice: Collection[str] = (), settle: float = 30) -> None:
    """Once the writer has finished: no write lost or doubled; every event once to the
    subscriber, in sequence order; every webhook at least once (twice only for
    ``allowed_twice``)."""
    writer = run.writer
    writer.stop()
    assert not writer.refused, writer.refused
    assert not writer.lost, f"{len(writer.lost)} writes lost: {writer.lost}"
    assert writer.written > 0
    rows = run.cluster.fetch(
        "SELECT id, metadata->>'fault_key' AS key FROM orders WHERE account_id = $1",
        run.account.id,
    )
    by_key: dict[str, list[str]] = {}
    for row in rows:
        by_key.setdefault(row["key"], []).append(row["id"])
    doubled = {k: ids for k, ids in by_key.items() if len(ids) > 1}
    assert not doubled, f"writes doubled: {doubled}"
    assert {k: ids[0] for k, ids in by_key.items()} == writer.created
    stored = [
        (int(row["sequence"]), row["id"])
        for row in run.cluster.fetch(
            "SELECT id, sequence FROM events WHERE account_id = $1 AND type LIKE 'order.%' "
            "ORDER BY sequence",
            run.account.id,
        )
    ]
    assert len(stored) == len(writer.created)
    deadline = time.monotonic() + settle
    while len(run.subscriber.received) < len(stored) and time.monotonic() < deadline:
        time.sleep(0.1)
    got = list(run.subscriber.received)
    assert got == stored, _difference("the subscriber", got, stored)
    while time.monotonic() < deadline and set(run.hooks.events()) < {i for _, i in stored}:
        time.sleep(0.1)
    arrived = run.hooks.events()
    missing = [i for _, i in stored if i not in arrived]
    assert not missing, f"{len(missing)} webhooks never arrived: {missing[:5]}"
    twice = {i for i, arrivals in arrived.items() if len(arrivals) > 1}
    assert twice <= set(allowed_twice), f"webhooks sent twice: {sorted(twice - set(allowed_twice))}"
    for event_id, arrivals in arrived.items():
        assert len({a.webhook_id for a in arrivals}) == 1, event_id


def _difference(who: str, got: list[tuple[int, str]], stored: list[tuple[int, str]]) -> str:
    seen = [i for _, i in got]
    duplicates = sorted({i for i in seen if seen.count(i) > 1})
    missing = [i for _, i in stored if i not in set(seen)]
    ordered = all(a[0] < b[0] for a, b in itertools.pairwise(got))
    return (
        f"{who} received {len(got)} of {len(stored)} events: {len(missing)} missing "
        f"(first {missing[:3]}), duplicates {duplicates[:3]}, in order: {ordered}"
    )


# How late the receiver may note the arrival of a request the dying worker had already
# sent (on the wire, or waiting for the receiver's thread on a loaded machine).
SENT_BEFORE_NOTED = 0.25


def in_flight_at(hooks: HookReceiver, moment: float, margin: float = 1.0) -> set[str]:
    """The events whose attempt a worker dying at ``moment`` may have had in flight: the
    receiver had them (or noted them just after: sent before) and had not answered, or
    answered just before."""
    return {
        event_id
        for event_id, arrivals in hooks.events().items()
        for a in arrivals
        if a.arrived <= moment + SENT_BEFORE_NOTED
        and (a.answered is None or a.answered >= moment - margin)
    }
