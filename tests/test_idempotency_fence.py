"""An Idempotency-Key never runs its request twice (API.md section 6), over real HTTP.

A running request keeps renewing its claim's lease, so a retry takes a claim over only
when its request is gone; and a late original whose claim was taken over is fenced out:
it stores nothing and commits nothing.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

import stateset_gql.customers.service
from stateset_gql.access import idempotency
from stateset_gql.access.models import IdempotencyRecord
from stateset_gql.db.base import utcnow
from stateset_gql.db.engine import Database
from stateset_gql.orders.models import Order
from tests.order_support import count_events, get_order, paid_order, stock, unique_sku
from tests.rest_support import Rest, error_of
from tests.support import Account, LiveServer, data, error, gql, new_account

LEASE_SECONDS = 2
COUNT_CUSTOMERS = "{ customers { totalCount } }"


def new_key() -> str:
    return f"idem_{secrets.token_hex(12)}"


def is_replay(response: httpx.Response) -> bool:
    return bool(response.headers.get("Idempotent-Replayed") == "true")


def in_db(database_url: str, work: Callable[[Any], Any]) -> Any:
    """Runs ``work(session)`` in one committed transaction of a connection of its own."""

    async def run() -> Any:
        db = Database(database_url)
        try:
            async with db.session(write=True) as session, session.begin():
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(run())


def record_of(database_url: str, key: str) -> IdempotencyRecord | None:
    async def read(session: Any) -> IdempotencyRecord | None:
        found: IdempotencyRecord | None = (
            await session.execute(select(IdempotencyRecord).where(IdempotencyRecord.key == key))
        ).scalar_one_or_none()
        return found

    result: IdempotencyRecord | None = in_db(database_url, read)
    return result


@contextmanager
def order_locked(database_url: str, order_id: str) -> Iterator[None]:
    """Holds the order's row lock from a connection of its own while the block runs
    (on SQLite, where a writer locks the whole database, the database's write lock)."""
    locked, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    async def hold() -> None:
        db = Database(database_url)
        try:
            async with db.session(write=True) as session, session.begin():
                await session.execute(select(Order).where(Order.id == order_id).with_for_update())
                locked.set()
                await asyncio.to_thread(release.wait, 60)
        finally:
            await db.dispose()

    def run() -> None:
        try:
            asyncio.run(hold())
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            locked.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert locked.wait(timeout=10)
    assert not failures, failures
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=30)


def send_later(
    base_url: str, at: float, send: Callable[[httpx.Client], httpx.Response]
) -> tuple[threading.Thread, list[httpx.Response | BaseException]]:
    """Sends a request from a thread of its own once ``time.monotonic()`` reaches ``at``."""
    outcome: list[httpx.Response | BaseException] = []

    def run() -> None:
        time.sleep(max(at - time.monotonic(), 0))
        try:
            with httpx.Client(base_url=base_url, timeout=60) as http:
                outcome.append(send(http))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def answer(outcome: list[httpx.Response | BaseException]) -> httpx.Response:
    """The one response a ``send_later`` thread got."""
    assert len(outcome) == 1, outcome
    (response,) = outcome
    assert isinstance(response, httpx.Response), response
    return response


@pytest.fixture(scope="module")
def short_lease_server(database_url: str) -> Iterator[LiveServer]:
    """A server whose idempotency leases last two seconds, so that one can lapse."""
    live = LiveServer.start(database_url=database_url, idempotency_lock_seconds=LEASE_SECONDS)
    try:
        yield live
    finally:
        live.stop()


def test_a_retry_never_takes_over_a_refund_still_waiting_for_its_order_past_the_lease(
    backend: str, short_lease_server: LiveServer
) -> None:
    server = short_lease_server
    account = new_account(server.database_url, plan="scale")
    sku = unique_sku()
    stock(account, sku, 10)
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        order = paid_order(client, account.sk_test, sku, 10)  # 10,000
    key = new_key()

    def refund(http: httpx.Client) -> httpx.Response:
        return Rest(http, account.sk_test).post(
            f"/v1/orders/{order['id']}/refund",
            {"amount": 100},
            headers={"Idempotency-Key": key},
        )

    with order_locked(server.database_url, order["id"]):
        start = time.monotonic()
        first_thread, first = send_later(server.base_url, start, refund)
        # Each retry comes after the first request's lease would have lapsed, had it not
        # been renewed; the order stays locked for longer still.
        retries = [
            send_later(server.base_url, start + delay, refund)
            for delay in (LEASE_SECONDS * 1.5, LEASE_SECONDS * 2.5)
        ]
        time.sleep(LEASE_SECONDS * 3)
    for thread, _ in (*retries, (first_thread, first)):
        thread.join(timeout=60)

    answered = [answer(outcome) for _, outcome in (*retries, (first_thread, first))]
    originals = [r for r in answered if r.status_code == 200 and not is_replay(r)]
    assert len(originals) == 1, [(r.status_code, r.text) for r in answered]
    (original,) = originals
    for response in answered:
        if response is original:
            continue
        if is_replay(response):
            assert response.content == original.content
        else:
            problem = error_of(response, 409)
            assert problem["code"] == "IDEMPOTENCY_KEY_IN_USE"
    if backend == "postgres":
        # Only the order's row was locked: the first request claimed the key at once, and
        # both retries found it still running.
        assert answer(first) is original
        for _, outcome in retries:
            assert error_of(answer(outcome), 409)["code"] == "IDEMPOTENCY_KEY_IN_USE"

    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        later = refund(client)
        assert is_replay(later)
        assert later.content == original.content
        after = get_order(client, account.sk_test, order["id"])
        assert after["amountRefunded"] == 100
        assert len(after["refunds"]) == 1
        assert count_events(client, account.sk_test, "order.refunded") == 1


def test_a_claim_whose_request_is_gone_is_taken_over_once_its_lease_lapses(
    client: httpx.Client, account: Account
) -> None:
    body = {"email": f"c{secrets.token_hex(6)}@example.com", "name": "Ana"}
    key = new_key()
    rest = Rest(client, account.sk_test)
    key_id = data(gql(client, account.sk_test, "{ account { keyId } }"))["account"]["keyId"]
    fingerprint = idempotency.fingerprint("POST", "/v1/customers", body)

    async def abandoned_claim(session: Any) -> None:
        # What a process that died while running the request leaves behind.
        session.add(
            IdempotencyRecord(
                api_key_id=key_id,
                key=key,
                fingerprint=fingerprint,
                created=utcnow(),
                locked_until=utcnow() + timedelta(seconds=60),
                claim_token=secrets.token_hex(16),
            )
        )

    in_db(account.database_url, abandoned_claim)
    # While its lease runs, the claim might still be a request at work.
    running = rest.post("/v1/customers", body, headers={"Idempotency-Key": key})
    assert error_of(running, 409)["code"] == "IDEMPOTENCY_KEY_IN_USE"

    async def lapse(session: Any) -> None:
        await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == key)
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )

    in_db(account.database_url, lapse)
    taken_over = rest.post("/v1/customers", body, headers={"Idempotency-Key": key})
    created = rest.ok(taken_over, 201)
    assert not is_replay(taken_over)
    replay = rest.post("/v1/customers", body, headers={"Idempotency-Key": key})
    assert is_replay(replay)
    assert replay.content == taken_over.content
    assert created["email"] == body["email"]
    assert data(gql(client, account.sk_test, COUNT_CUSTOMERS))["customers"]["totalCount"] == 1


class Gates:
    """Each call that reaches the held service waits at a gate of its own, in order."""

    def __init__(self) -> None:
        self.reached = threading.Semaphore(0)
        self.gates = [threading.Event() for _ in range(10)]
        self.calls = 0

    def open(self, call: int) -> None:
        self.gates[call].set()

    def open_all(self) -> None:
        for gate in self.gates:
            gate.set()


@pytest.fixture
def held_creates(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gates]:
    """Fault injection: ``createCustomer`` waits, once called, until the test opens its
    gate. The server runs in this process, so it calls the patched service."""
    original = stateset_gql.customers.service.create
    gates = Gates()

    async def held(**kwargs: Any) -> Any:
        gate = gates.gates[gates.calls]
        gates.calls += 1
        gates.reached.release()
        await asyncio.to_thread(gate.wait, 30)
        return await original(**kwargs)

    monkeypatch.setattr(stateset_gql.customers.service, "create", held)
    try:
        yield gates
    finally:
        gates.open_all()


def test_a_late_original_whose_claim_was_taken_over_commits_nothing(
    server: LiveServer,
    account: Account,
    held_creates: Gates,
) -> None:
    held = held_creates
    key = new_key()
    body = {"email": f"c{secrets.token_hex(6)}@example.com"}

    def create(http: httpx.Client) -> httpx.Response:
        return Rest(http, account.sk_test).post(
            "/v1/customers", body, headers={"Idempotency-Key": key}
        )

    first_thread, first = send_later(server.base_url, 0, create)
    try:
        assert held.reached.acquire(timeout=10), "the first request never reached the service"
        original = record_of(account.database_url, key)
        assert original is not None
        assert original.claim_token is not None

        # The first request's lease lapses (its process froze, say): a retry takes over.
        async def lapse(session: Any) -> None:
            await session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.key == key)
                .values(locked_until=utcnow() - timedelta(seconds=1))
            )

        in_db(account.database_url, lapse)
        retry_thread, retry = send_later(server.base_url, 0, create)
        assert held.reached.acquire(timeout=10), "the retry never reached the service"
        taken = record_of(account.database_url, key)
        assert taken is not None
        assert taken.claim_token not in (None, original.claim_token)
        # The late original goes on first: it is fenced out and rolled back.
        held.open(0)
        first_thread.join(timeout=30)
        assert error_of(answer(first), 409)["code"] == "IDEMPOTENCY_KEY_IN_USE"
    finally:
        held.open_all()
        first_thread.join(timeout=30)
    retry_thread.join(timeout=30)

    won = answer(retry)
    assert won.status_code == 201, won.text
    created = won.json()

    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        listed = data(gql(client, account.sk_test, "{ customers { nodes { id } } }"))
        assert listed["customers"]["nodes"] == [{"id": created["id"]}]
        assert count_events(client, account.sk_test, "customer.created") == 1
        replay = create(client)
        assert is_replay(replay)
        assert replay.content == won.content


def test_the_graphql_surface_is_fenced_the_same_way(
    server: LiveServer,
    account: Account,
    held_creates: Gates,
) -> None:
    held = held_creates
    key = new_key()
    mutation = "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }"
    variables = {"input": {"email": f"c{secrets.token_hex(6)}@example.com"}}

    def create(http: httpx.Client) -> httpx.Response:
        return gql(http, account.sk_test, mutation, variables, headers={"Idempotency-Key": key})

    first_thread, first = send_later(server.base_url, 0, create)
    try:
        assert held.reached.acquire(timeout=10)

        async def taken_over(session: Any) -> None:
            await session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.key == key)
                .values(claim_token=secrets.token_hex(16))
            )

        in_db(account.database_url, taken_over)
    finally:
        held.open_all()
        first_thread.join(timeout=30)
    late = answer(first)
    problem = error(late)
    assert (problem["code"], problem["status"]) == ("IDEMPOTENCY_KEY_IN_USE", 409)
    assert "data" not in late.json()  # an error of the request, not of a field
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        assert data(gql(client, account.sk_test, COUNT_CUSTOMERS))["customers"]["totalCount"] == 0
        assert count_events(client, account.sk_test, "customer.created") == 0
