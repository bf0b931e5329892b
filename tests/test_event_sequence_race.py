"""Fifty writers on one account at once, on PostgreSQL and Redis, as production runs:
every event gets its own ``sequence``, 1..N without a gap or a repeat, numbered in
commit order; a subscriber sees each event once, in order; the webhook fan-out (a real
``stateset-gql worker`` process) delivers each event once.

Commit order is checked where it can fail: a reader on its own connection keeps reading
the account's events while the writers run, and every snapshot it takes must hold a
prefix 1..M of the sequence (an event committed before one with a smaller number would
show a hole); and each writer's writes, one after the other, get increasing numbers.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import own_database_server
from tests.order_support import CREATE, PAY, TEST_CARD, UPDATE, line, stock, unique_sku
from tests.rest_support import Rest
from tests.support import CREATE_CUSTOMER, Account, LiveServer, gql, new_account
from tests.webhook_support import add_endpoint, receiver, start_worker, stop
from tests.ws_support import GraphQLSocket

WRITERS = 50
DEADLINE_SECONDS = 40
# One server whose pool lets 16 writers into PostgreSQL at once, and a worker of 4: with
# the reader's one, 21 connections at most, under the suite's 30.
SERVER_POOL = {"db_pool_size": 2, "db_max_overflow": 14}
WORKER_POOL = {"STATESET_DB_POOL_SIZE": "2", "STATESET_DB_MAX_OVERFLOW": "2"}

UPDATE_CUSTOMER = (
    "mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) "
    "{ id name } }"
)
EVENTS = "subscription($since: ID) { events(since: $since) { id type sequence } }"

# What each write emits, by type (a write's events are numbered together).
EMITS = {
    "createCustomer": ["customer.created"],
    "updateCustomer": ["customer.updated"],
    "createOrder": ["inventory.updated", "order.created"],
    "updateOrder": ["order.updated"],
    "payOrder": ["order.paid"],
}


@pytest.fixture(scope="module")
def production(redis_url: str) -> Iterator[LiveServer]:
    """A server on a database of its own (counted with the session's), publishing on
    Redis: it runs no delivery loops; the test's worker process does."""
    with own_database_server(redis_url, **SERVER_POOL) as server:
        yield server


# ----------------------------------------------------------------------------- writers


@dataclass
class Write:
    kind: str
    request_id: str
    body: dict[str, Any]


@dataclass
class Writer:
    """One client's writes, one after the other, each committed before the next is sent."""

    number: int
    key: str
    sku: str
    done: list[Write] = field(default_factory=list)

    def send(self, http: httpx.Client, kind: str, query: str, variables: dict[str, Any]) -> Any:
        response = gql(http, self.key, query, variables)
        body = response.json()
        self.done.append(Write(kind, response.headers["x-request-id"], body))
        assert response.status_code == 200, body
        assert not body.get("errors"), body
        return body["data"][kind]

    def customer(self, http: httpx.Client) -> str:
        email = f"writer{self.number}-{secrets.token_hex(3)}@example.com"
        made = self.send(http, "createCustomer", CREATE_CUSTOMER, {"input": {"email": email}})
        return str(made["id"])

    def order(self, http: httpx.Client, customer: str | None = None) -> str:
        fields: dict[str, Any] = {"currency": "usd", "lineItems": [line(self.sku)]}
        if customer is not None:
            fields["customerId"] = customer
        return str(self.send(http, "createOrder", CREATE, {"input": fields})["id"])

    @property
    def kinds(self) -> list[str]:
        """What ``run`` sends, in order."""
        if self.number % 2 == 0:
            return ["createCustomer", "createOrder", "updateCustomer", "payOrder"]
        return ["createOrder", "updateOrder", "createCustomer", "updateCustomer"]

    def run(self, http: httpx.Client) -> None:
        """Four writes of four kinds; even writers start with a customer, odd ones with
        an order, so every kind is being written by someone at every moment."""
        rename = {"input": {"name": f"Writer {self.number}"}}
        if self.number % 2 == 0:
            customer = self.customer(http)
            order = self.order(http, customer)
            self.send(http, "updateCustomer", UPDATE_CUSTOMER, {"id": customer, **rename})
            self.send(http, "payOrder", PAY, {"id": order, "input": {"card": TEST_CARD}})
        else:
            order = self.order(http)
            self.send(http, "updateOrder", UPDATE, {"id": order, "input": {"metadata": {"w": "1"}}})
            customer = self.customer(http)
            self.send(http, "updateCustomer", UPDATE_CUSTOMER, {"id": customer, **rename})


def race(server: LiveServer, writers: list[Writer]) -> list[BaseException]:
    """Runs every writer at once from its own thread and client, released together;
    returns what failed."""
    barrier = threading.Barrier(len(writers))
    failed: list[BaseException] = []

    def run(writer: Writer) -> None:
        try:
            with httpx.Client(base_url=server.base_url, timeout=30) as own:
                own.get("/health")  # connected before the barrier: the race is the writes
                barrier.wait(timeout=DEADLINE_SECONDS)
                writer.run(own)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failed.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + DEADLINE_SECONDS
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.01))
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        failed.append(TimeoutError(f"{stuck} writers still writing after {DEADLINE_SECONDS} s"))
    return failed


# --------------------------------------------------------------------------- observers


class Listener:
    """A subscriber, read by a thread of its own until it has ``expected`` events."""

    def __init__(self, sock: GraphQLSocket, expected: int) -> None:
        self.sock, self.expected = sock, expected
        self.seen: list[dict[str, Any]] = []
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        try:
            while len(self.seen) < self.expected:
                left = deadline - time.monotonic()
                self.seen.append(self.sock.next_data("1", timeout=max(left, 0.01))["events"])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


class Snapshots:
    """Reads (count, highest sequence) of the account's events on a connection of its
    own, again and again, until stopped: each reading is one snapshot."""

    def __init__(self, dsn: str, account_id: str) -> None:
        self.dsn, self.account_id = dsn, account_id
        self.readings: list[tuple[int, int]] = []
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._read()), daemon=True)

    async def _read(self) -> None:
        try:
            conn = await asyncpg.connect(self.dsn, timeout=10)
            try:
                while not self._stop.is_set():
                    row = await conn.fetchrow(
                        "SELECT count(*), coalesce(max(sequence), 0) FROM events "
                        "WHERE account_id = $1 AND NOT livemode",
                        self.account_id,
                    )
                    assert row is not None
                    self.readings.append((int(row[0]), int(row[1])))
                    await asyncio.sleep(0.005)  # leaves the GIL to the server and writers
            finally:
                await conn.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=10)


def all_pages(fetch: Callable[[dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    """Every item of a REST list, following ``next_cursor``."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = fetch(params)
        found.extend(page["data"])
        if page["next_cursor"] is None:
            return found
        params = {"limit": 100, "cursor": page["next_cursor"]}


def wait_until(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not done():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


# ------------------------------------------------------------------------------ the race


def test_fifty_writers_on_one_account_get_gapless_commit_ordered_sequences_seen_once(
    production: LiveServer, redis_url: str
) -> None:
    server = production
    account: Account = new_account(server.database_url)
    dsn = server.database_url.replace("+asyncpg", "")
    sku = unique_sku("RACE")
    writers = [Writer(i, account.sk_test, sku) for i in range(WRITERS)]
    with httpx.Client(base_url=server.base_url, timeout=30) as client, receiver() as hooks:
        rest = Rest(client, account.sk_test)
        endpoint = add_endpoint(rest, hooks.url)
        stock(account, sku, 10_000)  # event 1: inventory.updated
        [first] = rest.ok(rest.get("/v1/events"))["data"]
        assert first["sequence"] == 1
        race_events = sum(len(EMITS[kind]) for w in writers for kind in w.kinds)
        total = 1 + race_events
        worker = start_worker(server.database_url, redis_url, **WORKER_POOL)
        snapshots = Snapshots(dsn, account.id)
        try:
            with GraphQLSocket(server.base_url) as sock:
                assert sock.init(account.sk_test)["type"] == "connection_ack"
                # ``since`` the event before the race: the stored ones after it, then
                # live ones, whenever the subscription is in place.
                sock.subscribe("1", EVENTS, {"since": first["id"]})
                listener = Listener(sock, race_events)
                listener.thread.start()
                snapshots.thread.start()
                failed = race(server, writers)
                listener.thread.join(timeout=DEADLINE_SECONDS)
                snapshots.stop()
                assert not failed, failed
                # Every snapshot taken while they ran held a prefix of the sequence: no
                # event was visible before one with a smaller number.
                assert snapshots.error is None, snapshots.error
                holes = [(count, top) for count, top in snapshots.readings if count != top]
                assert holes == [], f"(count, highest) of {len(holes)} snapshots: {holes[:10]}"
                assert len({count for count, _ in snapshots.readings}) > 2  # it watched
                assert listener.error is None, (listener.seen[-3:], listener.error)
                assert sock.silent(0.3)  # nothing more: no event twice
            stored = all_pages(lambda p: rest.ok(rest.get("/v1/events", {**p, "sort": "sequence"})))
            # The subscriber: every event after the first, once each, in order.
            assert [e["sequence"] for e in listener.seen] == list(range(2, total + 1))
            assert [e["id"] for e in listener.seen] == [e["id"] for e in stored[1:]]

            # The fan-out: every delivery made and answered before the receiver is counted.
            def succeeded() -> list[dict[str, Any]]:
                return all_pages(
                    lambda p: rest.ok(
                        rest.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries", p)
                    )
                )

            wait_until(
                lambda: [d["status"] for d in succeeded()].count("succeeded") >= total,
                "the webhook deliveries did not all succeed",
            )
            sent = succeeded()
            hooks.wait(total, timeout=DEADLINE_SECONDS)
        finally:
            snapshots.stop()
            assert stop(worker) == 0
        received = list(hooks.received)

    # The log: 1..N, each event once.
    assert [e["sequence"] for e in stored] == list(range(1, total + 1))
    by_id = {e["id"]: e for e in stored}
    assert len(by_id) == total

    # Each write's events: what it emits, numbered together, and numbered after the
    # same writer's previous write (which committed before this one was sent).
    by_request: dict[str, list[dict[str, Any]]] = {}
    for event in stored[1:]:
        by_request.setdefault(event["request"]["id"], []).append(event)
    for writer in writers:
        assert [write.kind for write in writer.done] == writer.kinds
        last = 0
        for write in writer.done:
            mine = by_request.pop(write.request_id)
            numbers = [e["sequence"] for e in mine]
            assert sorted(e["type"] for e in mine) == EMITS[write.kind], (write.kind, mine)
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), mine
            assert numbers[0] > last, (writer.number, write.kind, numbers, last)
            last = numbers[-1]
    assert by_request == {}  # no event from anything but the writes

    # The webhooks: one delivery per event, answered at the first attempt, and each
    # event received once (deliveries may run concurrently: API.md section 9 leaves their
    # order to the receiver, by ``sequence``).
    assert sorted(d["event_id"] for d in sent) == sorted(by_id)
    assert all(len(d["attempts"]) == 1 for d in sent), [d for d in sent if len(d["attempts"]) > 1]
    assert len(received) == total
    assert sorted(r.json["id"] for r in received) == sorted(by_id)
    assert len({r.headers["webhook-id"] for r in received}) == total
    assert all(r.json["sequence"] == by_id[r.json["id"]]["sequence"] for r in received)
